"""Checking one submission: the plain-function spine that the CLI, the flows and the tests share.

    ingest → read pages (text layer | OCR, seals; cached by content)
           → assemble_report: classify → extract fields → seal owners → rules → verdict
           → write_reports

Prefect is not imported here: a flow calls the same steps as tasks, and may fan the page
reading out itself (``map_pages``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.ingest import ingest
from pipeline.models import (
    Applicant,
    Document,
    Evidence,
    GapReport,
    PageQuality,
    PageResult,
    ReportFile,
    Submission,
)
from pipeline.pages import PageMapper, PageTask, page_tasks, read_pages_threaded
from pipeline.settings import Settings

log = logging.getLogger(__name__)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def default_mapper(on_done: Callable[[PageResult], None] | None = None) -> PageMapper:
    def mapper(submission: Submission, tasks: list[PageTask], settings: Settings) -> list[PageResult]:
        return read_pages_threaded(submission, tasks, settings, on_done=on_done)

    return mapper


def build_documents(results: list[PageResult], *, nlp: Any = None) -> list[Document]:
    """Classify the readable pages into documents, attach their seals and fields."""
    from extractors.classify import classify
    from extractors.fields import extract_fields

    readable = [r for r in results if r.page.error is None]
    by_key = {(r.page.file, r.page.number): r for r in readable}
    documents = classify([r.page for r in readable])
    out = []
    for doc in documents:
        doc_results = [by_key[(doc.file, n)] for n in doc.pages]
        # seals first: some fields are read from them (登记机关 is often only the seal's text)
        doc = doc.model_copy(update={"seals": [seal for r in doc_results for seal in r.seals]})
        fields = extract_fields(doc, [r.page for r in doc_results], nlp=nlp)
        out.append(doc.model_copy(update={"fields": fields}))
    from extractors.consensus import PIPELINE_FIELDS, reconcile_names

    return reconcile_names(out, PIPELINE_FIELDS)


def assign_seal_owners(documents: list[Document], applicant_name: str | None, policy) -> list[Document]:
    """Decide whose each seal is, now that the applicant's name is known.

    The legitimate third parties of a document (its audit firm, testing body, ...) are
    named by the document's own fields, listed per doc_type in the policy.
    """
    from extractors.seals import assign_owner

    out = []
    for doc in documents:
        names = []
        for field_name in policy.seals.issuer_fields.get(doc.doc_type, []):
            field = doc.fields.get(field_name)
            if field is not None and isinstance(field.value, str) and field.value:
                names.append(field.value)
        seals = [assign_owner(s, applicant_name=applicant_name, third_parties=names, policy=policy)
                 for s in doc.seals]
        out.append(doc.model_copy(update={"seals": seals}))
    return out


def page_quality(results: list[PageResult]) -> list[PageQuality]:
    return [
        PageQuality(file=r.page.file, page=r.page.number, source=r.page.source,
                    mean_conf=r.page.mean_conf, chars=sum(len(line.text) for line in r.page.lines),
                    error=r.page.error, text_conf=_text_conf(r.page, r.seals))
        for r in sorted(results, key=lambda r: (r.page.file, r.page.number))
    ]


def _text_conf(page, seals=()) -> float | None:
    """How legible the scan was to the first reader: a word the second reader corrected
    or confirmed counts with Tesseract's own confidence (the page is still a poor scan).
    Words under a seal count only when every word is: a seal's ink makes what it covers
    hard to read on the best of scans, and the fields there carry their own confidence
    (seed 73: an audit report's sign-off page, three seals on it, 0.49 with its words under
    them, 0.76 without; a grainy photo of noise 0.10 either way)."""
    from pipeline.date_lines import under_a_seal
    from pipeline.pages import word_conf

    words = [w.model_copy(update={"conf": w.first_conf}) if w.first_conf is not None else w
             for line in page.lines for w in line.words if _CJK.search(w.first_text or w.text)]
    clear = [w for w in words if not under_a_seal(w.bbox, seals)]
    conf = word_conf(clear or words)
    return None if conf is None else round(conf, 4)


def assemble_report(
    submission: Submission,
    results: list[PageResult],
    *,
    policy,
    as_of: dt.date,
    settings: Settings,
    nlp: Any = None,
) -> GapReport:
    """From page results to the gap report: everything after the pages are read.

    ``nlp`` (extractors.nlp.build_nlp()) costs about a second to build: callers that check
    many submissions build it once and pass it in.
    """
    from extractors.nlp import build_nlp
    from validators import run_rules, verdict
    from validators.identity import decide_identity

    nlp = nlp if nlp is not None else build_nlp()

    documents = build_documents(results, nlp=nlp)
    quality = page_quality(results)
    evidence = Evidence(submission=submission, documents=documents, pages=quality, dpi=settings.dpi)
    identity = decide_identity(evidence, policy)
    documents = assign_seal_owners(documents, identity.name, policy)
    evidence = evidence.model_copy(update={"documents": documents})
    outcome = run_rules(evidence, policy, as_of)
    findings = sorted(outcome.findings, key=_finding_order)
    return GapReport(
        verdict=verdict(findings),
        as_of=as_of,
        category=outcome.category,
        applicant=outcome.applicant or Applicant(),
        requested_amount=outcome.requested_amount,
        dpi=settings.dpi,
        documents=documents,
        findings=findings,
        submission=submission.name,
        submission_sha256=submission.sha256,
        generated_at=dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
        files=[ReportFile(path=f.path, sha256=f.sha256, media_type=str(f.media_type),
                          pages=f.page_count, problem=f.problem) for f in submission.files],
        pages=quality,
        policy=policy.label,
    )


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _finding_order(finding) -> tuple:
    return (_SEVERITY_ORDER.get(finding.severity, 3), finding.code, finding.file or "",
            finding.page or 0)


def check_submission(
    path: Path,
    *,
    out_dir: Path | None,
    as_of: dt.date,
    policy,
    settings: Settings,
    map_pages: PageMapper | None = None,
    nlp: Any = None,
) -> GapReport:
    """The whole check of one submission; writes report.json and report.html when
    ``out_dir`` is given. Pass a ``map_pages`` built with ``default_mapper(on_done)``
    to follow progress page by page."""
    from pipeline.report import write_reports

    submission = ingest(Path(path), settings)
    mapper = map_pages or default_mapper()
    results = mapper(submission, page_tasks(submission), settings)
    report = assemble_report(submission, results, policy=policy, as_of=as_of, settings=settings, nlp=nlp)
    if out_dir is not None:
        write_reports(report, results, Path(out_dir))
    return report
