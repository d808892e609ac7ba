"""Task wrappers around the plain steps, with the retries and timeouts that belong to them.

No Prefect caching here on purpose: ``pipeline.pages.read_page`` already caches each page
by content (file sha256 + page + engine versions + parameters) on disk, across runs and
restarts, and a second cache keyed differently could only disagree with it.
"""

from __future__ import annotations

import logging
import threading

from prefect import task
from prefect.cache_policies import NO_CACHE

from pipeline.models import Page, PageResult, SourceFile, Submission, TextSource
from pipeline.settings import Settings

log = logging.getLogger(__name__)

# Several submissions may be in flight in one process (intake's concurrency); their page
# tasks share this bound so the machine runs ``settings.workers`` Tesseracts, not more.
_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}


def _page_slots(n: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        return _slots.setdefault(n, threading.BoundedSemaphore(n))


# No Prefect timeout: page tasks run in worker threads, which a Prefect timeout cannot
# interrupt (it only warns, on every run). The bound is the OCR call's own timeout
# (Settings.ocr_timeout, enforced by Tesseract's own cancellation in pipeline.ocr, or by
# killing the tesseract program on the fallback backend).
@task(name="read-page", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2,
      task_run_name="read {sf.path}#{page_no}")
def read_page_task(submission: Submission, sf: SourceFile, page_no: int,
                   settings: Settings) -> PageResult:
    from pipeline.pages import read_page, timed_out

    with _page_slots(max(1, settings.workers)):
        result = read_page(submission, sf, page_no, settings)
    if result.page.error and not result.cached and not timed_out(result):
        # read_page degrades instead of raising; raise here so Prefect retries the page,
        # and let the flow degrade it once the retries are spent. Not on a timeout: the
        # same page would take as long again, twice, and hold a core all that time.
        raise PageFailed(result.page.error)
    return result


class PageFailed(RuntimeError):
    """One page could not be read (OCR error or timeout)."""


def degraded(sf: SourceFile, page_no: int, settings: Settings, error: BaseException) -> PageResult:
    """The page as an error, so the rest of the submission is still checked."""
    message = str(error) if isinstance(error, PageFailed) else f"{type(error).__name__}: {error}"
    page = Page(file=sf.path, number=page_no, width=0, height=0, dpi=settings.dpi,
                source=TextSource.ocr, mean_conf=0.0, error=message)
    return PageResult(page=page)


@task(name="ingest", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def ingest_task(entry, settings: Settings) -> Submission:
    from pipeline.store.intake import ingest_entry

    return ingest_entry(entry, settings)


@task(name="assemble-report", cache_policy=NO_CACHE)
def assemble_task(submission: Submission, results: list[PageResult], *, policy, as_of,
                  settings: Settings):
    from pipeline.check import assemble_report
    from pipeline.store.intake import shared_nlp

    return assemble_report(submission, results, policy=policy, as_of=as_of, settings=settings,
                           nlp=shared_nlp())


@task(name="save-version", cache_policy=NO_CACHE)
def finish_task(store, prepared, report, results, *, settings: Settings, started: float):
    from pipeline.store.intake import finish

    return finish(store, prepared, report, results, settings=settings, started=started)
