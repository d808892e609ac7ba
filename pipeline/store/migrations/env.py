"""Alembic environment, usable programmatically (``pipeline.store.db.upgrade``) or from the
``alembic`` command with ``-x url=...`` / PRECHECK_DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from pipeline.store.schema import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    from pipeline.settings import Settings
    from pipeline.store.db import normalise_url

    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url") or Settings().db_url
    return normalise_url(url)


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url())
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
