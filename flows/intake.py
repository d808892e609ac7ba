"""Flows ``intake`` (the scheduled pass over the inbox) and ``recheck`` (a reviewer's re-run).

Each inbox entry is checked by its own ``check-submission`` child flow run, started from a
task so that ``concurrency`` entries are in flight at once; their page tasks share one
bound of ``settings.workers`` Tesseract processes (flows.tasks), so overlapping entries
fills the gaps (ingest, classification, rules) without oversubscribing the cores.
"""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.check import with_runner
from flows.runtime import build_settings
from pipeline.store import claims

_ENTRY_RUNNER_MAX = 8


@task(name="check-entry", cache_policy=NO_CACHE, task_run_name="entry {entry_path}")
def check_entry_task(entry_path: str, key: str, params: dict, dask_address: str | None) -> dict:
    settings = build_settings(params.get("data_dir"), params.get("database_url"))
    return with_runner(settings, dask_address)(entry_path=entry_path, key=key, **params)


@flow(name="intake", task_runner=ThreadPoolTaskRunner(max_workers=_ENTRY_RUNNER_MAX))
def intake(inbox: str, as_of: str | None = None, policy_path: str | None = None,
           concurrency: int = 2, lease_seconds: float = claims.DEFAULT_LEASE,
           dask_address: str | None = None, data_dir: str | None = None,
           database_url: str | None = None) -> list[dict]:
    """One pass: every new or changed entry checked once, unchanged ones skipped."""
    from pathlib import Path

    from pipeline.store.intake import scan_inbox

    logger = get_run_logger()
    entries = scan_inbox(Path(inbox))
    params = dict(as_of=as_of, policy_path=policy_path, lease_seconds=lease_seconds,
                  data_dir=data_dir, database_url=database_url)
    outcomes: list[dict] = []
    limit = max(1, min(concurrency, _ENTRY_RUNNER_MAX))
    # First every entry without waiting on claims another worker holds, then those again,
    # waiting for that worker to finish or for its lease to run out (a killed worker).
    deferred = _drain(entries, dict(params, wait_seconds=0.0), limit, dask_address, outcomes,
                      logger)
    _drain(deferred, params, limit, dask_address, outcomes, logger)
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o["status"]] = counts.get(o["status"], 0) + 1
    logger.info("intake of %s: %s; %d pages read", inbox, counts,
                sum(o.get("pages_read", 0) for o in outcomes))
    return outcomes


def _drain(entries, params, limit, dask_address, outcomes, logger) -> list:
    """Run entries ``limit`` at a time; returns those still busy (others' claims)."""
    pending, running, busy = list(entries), [], []
    while pending or running:
        while pending and len(running) < limit:
            entry = pending.pop(0)
            running.append((entry, check_entry_task.submit(str(entry.path), entry.key, params,
                                                           dask_address)))
        entry, future = running.pop(0)
        try:
            outcome = future.result()
        except Exception as exc:  # noqa: BLE001 - one entry failing must not stop the pass
            logger.error("%s failed: %s", entry.key, exc)
            outcome = {"key": entry.key, "source": str(entry.path), "status": "failed",
                       "error": f"{type(exc).__name__}: {exc}"}
        if outcome["status"] == "busy" and params.get("wait_seconds") == 0.0:
            busy.append(entry)
        else:
            outcomes.append(outcome)
    return busy


@flow(name="recheck")
def recheck(application: str, as_of: str | None = None, policy_path: str | None = None,
            dask_address: str | None = None, data_dir: str | None = None,
            database_url: str | None = None) -> dict:
    """Check an application's latest version again, e.g. after a policy change."""
    from pipeline.errors import UsageError
    from pipeline.store import open_store, repo

    settings = build_settings(data_dir, database_url)
    store = open_store(settings)
    try:
        latest = repo.latest_version(store, application)
    finally:
        store.dispose()
    if latest is None:
        raise UsageError(f"没有这个申报：{application}")
    return with_runner(settings, dask_address)(
        entry_path=latest.source, key=application, force=True, kind="recheck", as_of=as_of,
        policy_path=policy_path, data_dir=data_dir, database_url=database_url)
