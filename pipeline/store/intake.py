"""One intake pass over the inbox, as plain functions the CLI and the Prefect flows share.

The online platform drops one folder or ``.zip`` per application into the inbox and
overwrites it when the applicant resubmits. The only identity available before anything is
read is that entry's name (the platform writes the application number there), so the
*application key* is the entry name without ``.zip``. A *version* is a distinct content of
that entry (Submission.sha256 over its files' paths and hashes): an unchanged entry is
skipped without reading a page; a changed one becomes the next version, diffed against the
one before.

Steps (each a function, so a flow can run them as tasks):
    scan_inbox → prepare (ingest, skip unchanged, claim) → read pages (``map_pages``)
    → assemble_report → finish (diff, write reports, save, claim done)
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.models import GapReport, PageResult, Submission
from pipeline.settings import Settings
from pipeline.store import claims, repo
from pipeline.store.claims import Claim
from pipeline.store.db import Store
from pipeline.store.diff import diff_findings

log = logging.getLogger(__name__)

# Entries the platform is still writing, or that are not submissions.
_IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")


@dataclass(frozen=True)
class Entry:
    key: str
    path: Path


@dataclass
class Outcome:
    """What one intake of one entry did: the line the CLI prints and the flow returns."""

    key: str
    source: str
    status: str  # checked | unchanged | busy | failed
    version: int | None = None
    verdict: str | None = None
    pages_read: int = 0
    pages_cached: int = 0
    seconds: float = 0.0
    report_json: str | None = None
    report_html: str | None = None
    resolved: int = 0
    new: int = 0
    remaining: int = 0
    findings: int = 0
    error: str | None = None
    worker: str | None = None
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Prepared:
    entry: Entry
    submission: Submission
    claim: Claim


def worker_name() -> str:
    """Host and process: enough to tell two workers apart in the runs table."""
    return f"{socket.gethostname()}:{os.getpid()}"


def entry_key(path: Path) -> str:
    name = path.name
    return name[:-4] if name.lower().endswith(".zip") else name


def scan_inbox(inbox: Path) -> list[Entry]:
    """Folders and zips directly under the inbox, by key; hidden and partial ones skipped.
    When both ``X/`` and ``X.zip`` exist the folder wins (the platform's unpacked copy)."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        from pipeline.errors import SubmissionNotFound

        raise SubmissionNotFound(f"收件箱不存在或不是文件夹：{inbox}")
    found: dict[str, Entry] = {}
    for path in sorted(inbox.iterdir()):
        if path.name.startswith((".", "_", "~")) or path.name.lower().endswith(_IGNORED_SUFFIXES):
            continue
        if not (path.is_dir() or (path.is_file() and path.suffix.lower() == ".zip")):
            continue
        key = entry_key(path)
        if key in found and found[key].path.is_dir():
            log.warning("both %s and %s in the inbox; reading the folder", found[key].path, path)
            continue
        found[key] = Entry(key, path)
    return [found[k] for k in sorted(found)]


def ingest_entry(entry: Entry, settings: Settings) -> Submission:
    from pipeline.ingest import ingest

    return ingest(entry.path, settings)


def prepare(store: Store, entry: Entry, submission: Submission, *, worker: str,
            lease_seconds: float = claims.DEFAULT_LEASE, force: bool = False,
            kind: str = "intake", wait_seconds: float | None = None,
            ) -> tuple[Prepared | None, Outcome | None]:
    """Decide whether this entry needs a check and, if so, claim it.

    When another worker holds the claim, wait (up to ``wait_seconds``, by default two
    leases) for it to finish or for its lease to run out: a worker killed mid-check is
    then replaced within the same pass instead of leaving the entry to the next night."""
    if wait_seconds is None:
        wait_seconds = 0.0 if force else 2 * lease_seconds + 5
    deadline = time.monotonic() + wait_seconds
    while True:
        if not force and repo.is_checked(store, entry.key, submission.sha256):
            cleanup(submission)
            latest = repo.latest_version(store, entry.key)
            return None, Outcome(entry.key, str(entry.path), "unchanged",
                                 version=_number_of(store, entry.key, submission.sha256),
                                 verdict=latest.verdict if latest else None, worker=worker)
        claim = claims.acquire(store, entry.key, submission.sha256, worker=worker,
                               lease_seconds=lease_seconds, force=force, kind=kind)
        if claim is not None:
            return Prepared(entry, submission, claim), None
        if time.monotonic() >= deadline:
            cleanup(submission)
            return None, Outcome(entry.key, str(entry.path), "busy", worker=worker)
        time.sleep(max(0.2, min(lease_seconds / 4, 5.0)))


def _number_of(store: Store, key: str, sha: str) -> int | None:
    for v in repo.versions(store, key):
        if v.submission_sha256 == sha:
            return v.number
    return None


def finish(store: Store, prepared: Prepared, report: GapReport, results: list[PageResult], *,
           settings: Settings, started: float) -> Outcome:
    """Diff against the previous version, write the reports, record everything at once."""
    from pipeline.report import write_reports

    entry, submission, claim = prepared.entry, prepared.submission, prepared.claim
    plan = repo.plan_version(store, entry.key, submission.sha256)
    diff = None
    if plan.previous_findings is not None:
        diff = diff_findings(plan.previous_findings, report.findings,
                             previous_version=plan.previous_number)
    report = report.model_copy(update={"application_id": entry.key, "version": plan.number,
                                       "diff": diff})
    out_dir = settings.reports_dir / entry.key / f"v{plan.number}"
    if claim.kind != "intake" and plan.exists:  # keep the earlier reports of this version
        out_dir = out_dir.with_name(f"v{plan.number}-{claim.kind}-{claim.run_id}")
    json_path, html_path = write_reports(report, results, out_dir)
    number = repo.save_result(store, claim, submission, report, results, source=str(entry.path),
                              json_path=json_path, html_path=html_path)
    if number != plan.number:  # another content of the same entry was saved in between
        log.warning("%s: saved as version %d, reports were written as %d", entry.key, number,
                    plan.number)
    return Outcome(
        entry.key, str(entry.path), "checked", version=number, verdict=report.verdict,
        pages_read=sum(1 for r in results if not r.cached),
        pages_cached=sum(1 for r in results if r.cached),
        seconds=round(time.perf_counter() - started, 3), report_json=str(json_path),
        report_html=str(html_path), resolved=len(diff.resolved) if diff else 0,
        new=len(diff.new) if diff else 0, remaining=len(diff.remaining) if diff else 0,
        findings=len(report.findings), worker=claim.worker)


_nlp_lock = threading.Lock()


def shared_nlp():
    """The spaCy pipeline, built once per process on first need (an intake pass over an
    unchanged inbox never builds it) and shared by every check in the process."""
    with _nlp_lock:
        return _build_nlp()


@functools.lru_cache(maxsize=1)
def _build_nlp():
    from extractors.nlp import build_nlp

    return build_nlp()


def cleanup(submission: Submission) -> None:
    """Remove the unpacked copy of a zip (never the inbox itself)."""
    if Path(submission.root).resolve() != Path(submission.source).resolve():
        shutil.rmtree(submission.root, ignore_errors=True)


PageMap = Callable[[Submission, list, Settings], list[PageResult]]


def check_entry(
    store: Store,
    entry: Entry,
    *,
    settings: Settings,
    policy,
    as_of: dt.date,
    map_pages: PageMap | None = None,
    worker: str | None = None,
    lease_seconds: float = claims.DEFAULT_LEASE,
    force: bool = False,
    kind: str = "intake",
    nlp=None,
    wait_seconds: float | None = None,
) -> Outcome:
    """The whole intake of one entry without Prefect (the CLI path)."""
    from pipeline.check import assemble_report, default_mapper
    from pipeline.pages import page_tasks

    started = time.perf_counter()
    worker = worker or worker_name()
    try:
        submission = ingest_entry(entry, settings)
    except Exception as exc:  # noqa: BLE001 - one bad entry must not stop the pass
        log.warning("cannot ingest %s: %s", entry.path, exc)
        return Outcome(entry.key, str(entry.path), "failed", error=str(exc), worker=worker)
    prepared, outcome = prepare(store, entry, submission, worker=worker,
                                lease_seconds=lease_seconds, force=force, kind=kind,
                                wait_seconds=wait_seconds)
    if outcome is not None:
        outcome.seconds = round(time.perf_counter() - started, 3)
        return outcome
    mapper = map_pages or default_mapper()
    try:
        with claims.hold(store, prepared.claim, lease_seconds):
            results = mapper(submission, page_tasks(submission), settings)
            report = assemble_report(submission, results, policy=policy, as_of=as_of,
                                     settings=settings, nlp=nlp if nlp is not None else shared_nlp())
            return finish(store, prepared, report, results, settings=settings, started=started)
    except claims.ClaimLost as exc:
        return Outcome(entry.key, str(entry.path), "busy", error=str(exc), worker=worker)
    except Exception as exc:
        claims.release(store, prepared.claim, f"{type(exc).__name__}: {exc}")
        log.exception("check of %s failed", entry.key)
        return Outcome(entry.key, str(entry.path), "failed", error=f"{type(exc).__name__}: {exc}",
                       worker=worker)
    finally:
        cleanup(submission)


def recheck_entry(store: Store, key: str, **kwargs) -> Outcome:
    """Check an application's latest version again (a policy change, a reviewer's doubt):
    a new run of the same version, diffed against the version before it."""
    latest = repo.latest_version(store, key)
    if latest is None:
        from pipeline.errors import UsageError

        raise UsageError(f"没有这个申报：{key}")
    return check_entry(store, Entry(key, Path(latest.source)), force=True, kind="recheck",
                       **kwargs)
