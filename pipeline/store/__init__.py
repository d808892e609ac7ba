"""The store: applications, their versions, and every check of every version.

SQLite under the data directory by default, PostgreSQL by PRECHECK_DATABASE_URL; the schema
is migrated with Alembic when the store is opened. ``intake`` holds the plain intake steps
that the CLI and the Prefect flows share.
"""

from pipeline.store.db import Store, normalise_url, open_store, upgrade
from pipeline.store.diff import diff_findings

__all__ = ["Store", "diff_findings", "normalise_url", "open_store", "upgrade"]
