"""Reading and writing the store in the pipeline's own models.

``save_result`` is the one write of a finished check: version (created once per content),
files, pages, documents, fields, seals, findings and the run, plus the claim flipped to
done, all in one transaction, so a crash leaves either everything or nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pipeline.models import Finding, GapReport, PageResult, Submission
from pipeline.store.claims import Claim, ClaimLost
from pipeline.store.db import Store
from pipeline.store.schema import (
    Application,
    Claim as ClaimRow,
    DocumentRow,
    FieldRow,
    File,
    FindingRow,
    PageRow,
    Run,
    SealRow,
    Version,
    VersionFile,
)


@dataclass(frozen=True)
class VersionPlan:
    """The number a submission gets and the findings its diff is taken against."""

    number: int
    previous_number: int | None
    previous_findings: list[Finding] | None
    exists: bool


@dataclass(frozen=True)
class VersionSummary:
    application: str
    number: int
    submission_sha256: str
    source: str
    created_at: float
    verdict: str | None
    findings: int
    checked_at: float | None
    report_html: str | None
    report_json: str | None
    versions: int = 1


# --------------------------------------------------------------------------- reading


def _application(s: Session, key: str) -> Application | None:
    return s.execute(select(Application).where(Application.key == key)).scalar_one_or_none()


def _version(s: Session, app_id: int, *, sha: str | None = None,
             number: int | None = None) -> Version | None:
    q = select(Version).where(Version.application_id == app_id)
    if sha is not None:
        q = q.where(Version.submission_sha256 == sha)
    if number is not None:
        q = q.where(Version.number == number)
    return s.execute(q).scalar_one_or_none()


def _latest_done_run(s: Session, version_id: int) -> Run | None:
    return s.execute(select(Run).where(Run.version_id == version_id, Run.status == "done")
                     .order_by(Run.finished_at.desc(), Run.id.desc()).limit(1)).scalar_one_or_none()


def is_checked(store: Store, key: str, sha256: str) -> bool:
    """True when this content of this application already has a finished check."""
    with store.session() as s:
        return s.execute(
            select(func.count()).select_from(Run).join(Version, Run.version_id == Version.id)
            .join(Application, Version.application_id == Application.id)
            .where(Application.key == key, Version.submission_sha256 == sha256,
                   Run.status == "done")
        ).scalar_one() > 0


def plan_version(store: Store, key: str, sha256: str) -> VersionPlan:
    with store.session() as s:
        app = _application(s, key)
        if app is None:
            return VersionPlan(1, None, None, False)
        existing = _version(s, app.id, sha=sha256)
        if existing is not None:
            number, exists = existing.number, True
        else:
            top = s.execute(select(func.max(Version.number))
                            .where(Version.application_id == app.id)).scalar_one()
            number, exists = (top or 0) + 1, False
        previous = s.execute(select(Version).where(Version.application_id == app.id,
                                                   Version.number < number)
                             .order_by(Version.number.desc()).limit(1)).scalar_one_or_none()
        if previous is None:
            return VersionPlan(number, None, None, exists)
        run = _latest_done_run(s, previous.id)
        findings = [_finding(row) for row in run.findings] if run else []
        return VersionPlan(number, previous.number, findings, exists)


def findings_of(store: Store, key: str, number: int) -> list[Finding]:
    """The findings of the latest finished check of one version."""
    with store.session() as s:
        app = _application(s, key)
        version = _version(s, app.id, number=number) if app else None
        run = _latest_done_run(s, version.id) if version else None
        return [_finding(row) for row in run.findings] if run else []


def _finding(row: FindingRow) -> Finding:
    return Finding(code=row.code, severity=row.severity, doc_type=row.doc_type, file=row.file,
                   page=row.page, bbox=tuple(row.bbox) if row.bbox else None, message=row.message,
                   evidence=row.evidence or {})


def versions(store: Store, key: str) -> list[VersionSummary]:
    with store.session() as s:
        app = _application(s, key)
        if app is None:
            return []
        return [_summary(s, key, v, len(app.versions)) for v in app.versions]


def latest_version(store: Store, key: str) -> VersionSummary | None:
    history = versions(store, key)
    return history[-1] if history else None


def list_applications(store: Store) -> list[VersionSummary]:
    """Every application with its latest version and that version's latest verdict."""
    with store.session() as s:
        apps = s.execute(select(Application).order_by(Application.key)).scalars().all()
        return [_summary(s, app.key, app.versions[-1], len(app.versions))
                for app in apps if app.versions]


def _summary(s: Session, key: str, v: Version, count: int) -> VersionSummary:
    run = _latest_done_run(s, v.id)
    return VersionSummary(
        application=key, number=v.number, submission_sha256=v.submission_sha256, source=v.source,
        created_at=v.created_at, verdict=run.verdict if run else None,
        findings=len(run.findings) if run else 0, checked_at=run.finished_at if run else None,
        report_html=run.report_html if run else None, report_json=run.report_json if run else None,
        versions=count)


def runs_of(store: Store, key: str) -> list[dict]:
    """All check attempts of an application (done, failed, abandoned), oldest first."""
    with store.session() as s:
        rows = s.execute(select(Run).where(Run.application_key == key).order_by(Run.id)).scalars()
        return [{"id": r.id, "sha256": r.submission_sha256, "status": r.status, "kind": r.kind,
                 "worker": r.worker, "pages_read": r.pages_read, "pages_cached": r.pages_cached,
                 "version_id": r.version_id, "verdict": r.verdict} for r in rows]


# --------------------------------------------------------------------------- writing


def save_result(
    store: Store,
    claim: Claim,
    submission: Submission,
    report: GapReport,
    results: list[PageResult],
    *,
    source: str,
    json_path: Path | None = None,
    html_path: Path | None = None,
) -> int:
    """Record a finished check; returns the version number. Raises ClaimLost (and records
    nothing) when the claim was taken over meanwhile."""
    now = time.time()
    with store.session() as s:
        fenced = s.execute(
            update(ClaimRow)
            .where(ClaimRow.id == claim.id, ClaimRow.token == claim.token,
                   ClaimRow.state == "running")
            .values(state="done", updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if fenced != 1:
            raise ClaimLost(f"{claim.application_key}: claim taken over by another worker")
        app = _get_or_create_application(s, claim.application_key, now)
        version = _version(s, app.id, sha=submission.sha256)
        if version is None:
            top = s.execute(select(func.max(Version.number))
                            .where(Version.application_id == app.id)).scalar_one()
            version = Version(application_id=app.id, number=(top or 0) + 1,
                              submission_sha256=submission.sha256, source=source, created_at=now)
            s.add(version)
            s.flush()
            _save_files(s, version, submission)
        _save_pages(s, submission, results)
        run = s.get(Run, claim.run_id)
        run.version_id = version.id
        run.status = "done"
        run.finished_at = now
        run.as_of = report.as_of.isoformat()
        run.policy = report.policy
        run.verdict = report.verdict
        run.pages_read = sum(1 for r in results if not r.cached)
        run.pages_cached = sum(1 for r in results if r.cached)
        run.report_json = str(json_path) if json_path else None
        run.report_html = str(html_path) if html_path else None
        _save_evidence(s, run, report)
        return version.number


def _get_or_create_application(s: Session, key: str, now: float) -> Application:
    app = _application(s, key)
    if app is not None:
        return app
    try:
        with s.begin_nested():
            app = Application(key=key, created_at=now)
            s.add(app)
            s.flush()
        return app
    except IntegrityError:  # created by another worker a moment ago
        return _application(s, key)


def _save_files(s: Session, version: Version, submission: Submission) -> None:
    known = set(s.execute(select(File.sha256).where(
        File.sha256.in_({f.sha256 for f in submission.files}))).scalars())
    for sf in submission.files:
        if sf.sha256 not in known:
            _insert_ignore(s, File(sha256=sf.sha256, size=sf.size, media_type=str(sf.media_type),
                                   page_count=sf.page_count))
            known.add(sf.sha256)
        s.add(VersionFile(version_id=version.id, path=sf.path, file_sha256=sf.sha256,
                          problem=sf.problem, problem_kind=sf.problem_kind))
    s.flush()


def _insert_ignore(s: Session, row) -> None:
    """Content-keyed rows may be written by two workers at once; the first one wins."""
    try:
        with s.begin_nested():
            s.add(row)
            s.flush()
    except IntegrityError:
        pass


def _save_pages(s: Session, submission: Submission, results: list[PageResult]) -> None:
    by_path = {sf.path: sf for sf in submission.files}
    for r in results:
        sf = by_path.get(r.page.file)
        if sf is None:
            continue
        if s.get(File, sf.sha256) is None:
            _insert_ignore(s, File(sha256=sf.sha256, size=sf.size, media_type=str(sf.media_type),
                                   page_count=sf.page_count))
        values = dict(width=r.page.width, height=r.page.height, source=str(r.page.source),
                      mean_conf=r.page.mean_conf, seconds=r.seconds, error=r.page.error,
                      chars=sum(len(line.text) for line in r.page.lines))
        row = s.get(PageRow, (sf.sha256, r.page.number))
        if row is None:
            _insert_ignore(s, PageRow(file_sha256=sf.sha256, number=r.page.number, **values))
        elif not r.cached:
            for name, value in values.items():
                setattr(row, name, value)


def _save_evidence(s: Session, run: Run, report: GapReport) -> None:
    for doc in report.documents:
        row = DocumentRow(file=doc.file, pages=list(doc.pages), doc_type=str(doc.doc_type),
                          confidence=doc.confidence)
        for name, field in doc.fields.items():
            row.fields.append(FieldRow(
                name=name, value=field.model_dump(mode="json")["value"], page=field.page,
                bbox=list(field.bbox) if field.bbox else None, confidence=field.confidence,
                source=field.source, raw=field.raw))
        for seal in doc.seals:
            row.seals.append(SealRow(page=seal.page, bbox=list(seal.bbox), shape=seal.shape,
                                     owner=seal.owner, owner_name=seal.owner_name, text=seal.text,
                                     score=seal.score))
        run.documents.append(row)
    for finding in report.findings:
        data = finding.model_dump(mode="json")
        run.findings.append(FindingRow(
            key=finding.key(), code=data["code"], severity=data["severity"],
            doc_type=data["doc_type"], file=finding.file, page=finding.page,
            bbox=data["bbox"], message=finding.message, evidence=data["evidence"]))
