"""Flow ``check-submission``: one inbox entry, pages fanned out as tasks.

ingest → skip if unchanged / claim → read pages (one task each, retried, timed out;
a page that still fails is degraded, not fatal) → assemble report → diff, write, save →
artifact. The steps are the plain ones in ``pipeline.store.intake``.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from prefect import flow, get_run_logger

from flows.runtime import build_settings, page_runner, parse_day
from flows.tasks import assemble_task, degraded, finish_task, ingest_task, read_page_task
from pipeline.store import claims
from pipeline.store.intake import Entry, Outcome, cleanup, entry_key, prepare, worker_name

log = logging.getLogger(__name__)


@flow(name="check-submission", flow_run_name="check {entry_path}")
def check_submission(entry_path: str, as_of: str | None = None, policy_path: str | None = None,
                     key: str | None = None, force: bool = False, kind: str = "intake",
                     lease_seconds: float = claims.DEFAULT_LEASE, data_dir: str | None = None,
                     database_url: str | None = None, wait_seconds: float | None = None) -> dict:
    """Check one submission folder or zip; returns the Outcome as a dict. ``wait_seconds``:
    how long to wait for a claim another worker holds (default two leases)."""
    from pipeline.pages import page_tasks
    from pipeline.policy import load_policy
    from pipeline.store import open_store

    from flows.artifact import publish

    started = time.perf_counter()
    logger = get_run_logger()
    settings = build_settings(data_dir, database_url)
    policy = load_policy(Path(policy_path) if policy_path else None)
    day = parse_day(as_of)
    store = open_store(settings)
    path = Path(entry_path)
    entry = Entry(key or entry_key(path), path)
    worker = worker_name()
    submission = None
    try:
        submission = ingest_task(entry, settings)
        prepared, outcome = prepare(store, entry, submission, worker=worker,
                                    lease_seconds=lease_seconds, force=force, kind=kind,
                                    wait_seconds=wait_seconds)
        if outcome is not None:
            logger.info("%s: %s", entry.key, outcome.status)
            outcome.seconds = round(time.perf_counter() - started, 3)
            return outcome.as_dict()
        try:
            with claims.hold(store, prepared.claim, lease_seconds):
                reader = read_page_task
                jobs = page_tasks(submission)
                futures = [reader.submit(submission, sf, n, settings) for sf, n in jobs]
                results = []
                for (sf, n), future in zip(jobs, futures):
                    try:
                        results.append(future.result())
                    except Exception as exc:  # noqa: BLE001 - degrade the page, not the run
                        logger.warning("page %s#%d degraded: %s", sf.path, n, exc)
                        results.append(degraded(sf, n, settings, exc))
                report = assemble_task(submission, results, policy=policy, as_of=day,
                                       settings=settings)
                outcome = finish_task(store, prepared, report, results, settings=settings,
                                      started=started)
        except claims.ClaimLost as exc:
            return Outcome(entry.key, str(path), "busy", error=str(exc), worker=worker).as_dict()
        except BaseException as exc:
            claims.release(store, prepared.claim, f"{type(exc).__name__}: {exc}")
            raise
        try:
            publish(outcome)
        except Exception as exc:  # noqa: BLE001 - the check is saved; the artifact is a view
            logger.warning("artifact for %s not published: %s", entry.key, exc)
        logger.info("%s v%s %s: %d pages read, %d cached", entry.key, outcome.version,
                    outcome.verdict, outcome.pages_read, outcome.pages_cached)
        return outcome.as_dict()
    finally:
        if submission is not None:
            cleanup(submission)
        store.dispose()


def with_runner(settings, dask_address: str | None = None):
    """``check_submission`` with the page task runner chosen at run time (threads or Dask)."""
    return check_submission.with_options(task_runner=page_runner(settings, dask_address))
