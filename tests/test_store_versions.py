"""Versions, evidence and history in the store, on SQLite and on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, inspect, select

from pipeline.store import claims, repo
from pipeline.store.schema import FindingRow, Run, Version, VersionFile
from tests.test_store_support import finding, pg_url, report, store, submission  # noqa: F401

EXPECTED_TABLES = {"applications", "versions", "files", "version_files", "pages", "documents",
                   "fields", "seals", "findings", "runs", "claims", "alembic_version"}


def _save(st, key, sub, findings, worker="w1"):
    claim = claims.acquire(st, key, sub.sha256, worker=worker)
    assert claim is not None
    return repo.save_result(st, claim, sub, report(sub, findings), [], source=sub.source)


def test_migrations_create_every_table_and_rerun_cleanly(store):
    from pipeline.store import upgrade

    assert EXPECTED_TABLES <= set(inspect(store.engine).get_table_names())
    upgrade(store.engine)  # a second worker starting: nothing to do, no error
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0001"


def test_versions_are_numbered_and_kept(store):
    v1 = submission("A-001", {"license.pdf": b"lic", "form.pdf": b"form v1"})
    v2 = submission("A-001", {"license.pdf": b"lic", "form.pdf": b"form v2"})
    assert _save(store, "A-001", v1, [finding("SEAL_MISSING", "application_form")]) == 1
    assert repo.is_checked(store, "A-001", v1.sha256)
    assert not repo.is_checked(store, "A-001", v2.sha256)

    plan = repo.plan_version(store, "A-001", v2.sha256)
    assert (plan.number, plan.previous_number, plan.exists) == (2, 1, False)
    assert [f.code for f in plan.previous_findings] == ["SEAL_MISSING"]
    assert _save(store, "A-001", v2, []) == 2

    history = repo.versions(store, "A-001")
    assert [(v.number, v.verdict) for v in history] == [(1, "gaps"), (2, "pass")]
    listed = repo.list_applications(store)
    assert [(a.application, a.number, a.verdict, a.versions) for a in listed] == [("A-001", 2, "pass", 2)]
    # the shared license file is one row by content, linked from both versions
    with store.session() as s:
        shas = s.execute(select(VersionFile.file_sha256).where(VersionFile.path == "license.pdf")).scalars().all()
        assert len(shas) == 2 and len(set(shas)) == 1
        assert s.execute(select(func.count()).select_from(Version)).scalar_one() == 2


def test_findings_round_trip_with_their_key(store):
    sub = submission("B-7", {"a.pdf": b"x"})
    original = [finding("REPORT_SECTION_MISSING", "project_report", "技术方案", "warning"),
                finding("USCC_INVALID", "business_license")]
    _save(store, "B-7", sub, original)
    back = repo.findings_of(store, "B-7", 1)
    assert [f.key() for f in back] == [f.key() for f in original]
    assert back[0].evidence == {"subject": "技术方案"} and back[0].message == original[0].message
    with store.session() as s:
        assert sorted(s.execute(select(FindingRow.key)).scalars()) == sorted(f.key() for f in original)


def test_recheck_adds_a_run_not_a_version(store):
    sub = submission("C-3", {"a.pdf": b"x"})
    _save(store, "C-3", sub, [finding("CREDIT_REPORT_STALE", "credit_report", severity="warning")])
    assert claims.acquire(store, "C-3", sub.sha256, worker="w2") is None  # done: intake skips
    again = claims.acquire(store, "C-3", sub.sha256, worker="reviewer", force=True, kind="recheck")
    assert again is not None and again.attempt == 2
    assert repo.save_result(store, again, sub, report(sub, []), [], source=sub.source) == 1
    assert repo.latest_version(store, "C-3").verdict == "pass"
    assert [r["status"] for r in repo.runs_of(store, "C-3")] == ["done", "done"]
    with store.session() as s:
        assert s.execute(select(func.count()).select_from(Version)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(Run)).scalar_one() == 2
