"""What every flow builds first: settings, store, policy, and the page task runner.

Flow parameters are plain JSON (paths as strings) so the same flows run from the CLI, a
schedule, or a reviewer's parameter form in the UI.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from pipeline.settings import Settings


def build_settings(data_dir: str | None = None, database_url: str | None = None) -> Settings:
    overrides = {}
    if data_dir:
        overrides["data_dir"] = Path(data_dir)
    if database_url:
        overrides["database_url"] = database_url
    return Settings(**overrides)


def parse_day(as_of: str | None) -> dt.date:
    return dt.date.fromisoformat(as_of) if as_of else dt.date.today()


def page_runner(settings: Settings, dask_address: str | None = None):
    """Threads by default: Tesseract runs as a child process, so ``settings.workers`` threads
    keep that many cores busy. With ``dask_address`` (or PRECHECK_DASK_ADDRESS) pages go to
    a Dask cluster; ``"local"`` starts one on this machine, one process per core."""
    from prefect.task_runners import ThreadPoolTaskRunner

    address = dask_address or os.environ.get("PRECHECK_DASK_ADDRESS")
    if not address:
        return ThreadPoolTaskRunner(max_workers=max(1, settings.workers))
    from prefect_dask import DaskTaskRunner

    if address == "local":
        return DaskTaskRunner(cluster_kwargs={"n_workers": max(1, settings.workers),
                                              "threads_per_worker": 1, "processes": True})
    return DaskTaskRunner(address=address)


def prefect_env(settings: Settings) -> None:
    """Defaults for Prefect, set before it is first imported: no telemetry (offline), and a
    PREFECT_HOME per data directory so two checkouts never share a temporary server's
    database. Values already in the environment win (a real server's PREFECT_API_URL)."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    # the temporary server's start-up (database migrations included) took longer than
    # Prefect's 20 s once on a busy two-core machine, and the whole intake failed with it
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    home = (settings.data_dir / "prefect").resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(home))
