"""Helpers shared by the store and flow tests: a store on SQLite or on a throwaway
PostgreSQL database, and small reports built by hand (no OCR needed to test the store)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

import pytest

from pipeline.models import Applicant, Finding, GapReport, SourceFile, Submission

PG_ADMIN_URLS = ("postgresql://postgres@127.0.0.1:5432/test", "postgresql://root@127.0.0.1:5432/test")


def _pg_admin_url() -> str | None:
    try:
        import psycopg
    except ImportError:
        return None
    for url in PG_ADMIN_URLS:
        try:
            psycopg.connect(url, connect_timeout=3).close()
            return url
        except Exception:  # noqa: BLE001 - try the next user
            continue
    return None


class PgDatabase:
    """A database of its own per test session, dropped afterwards."""

    def __init__(self, admin_url: str) -> None:
        import psycopg

        self.admin_url = admin_url
        self.name = f"precheck_t_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.url = admin_url.rsplit("/", 1)[0] + f"/{self.name}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_url():
    admin = _pg_admin_url()
    if admin is None:
        pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 (.ci/run starts it)")
    db = PgDatabase(admin)
    yield db.url
    db.drop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    """A fresh, migrated store per test, on each backend."""
    from pipeline.store import Store

    if request.param == "sqlite":
        st = Store(f"sqlite:///{tmp_path / 'precheck.db'}")
        yield st
        st.dispose()
        return
    url = request.getfixturevalue("pg_url")
    st = Store(url)
    _truncate(st)
    yield st
    _truncate(st)
    st.dispose()


def _truncate(st) -> None:
    from pipeline.store.schema import Base

    with st.engine.begin() as conn:
        names = ", ".join(t.name for t in Base.metadata.sorted_tables)
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def submission(name: str, files: dict[str, bytes]) -> Submission:
    """A Submission description with real hashes (the files need not exist for the store)."""
    sfs = [SourceFile(path=p, sha256=hashlib.sha256(b).hexdigest(), size=len(b),
                      media_type="application/pdf", page_count=1) for p, b in sorted(files.items())]
    digest = hashlib.sha256()
    for sf in sfs:
        digest.update(f"{sf.path}\0{sf.sha256}\n".encode())
    return Submission(name=name, source=f"/inbox/{name}", root=f"/inbox/{name}",
                      sha256=digest.hexdigest(), files=sfs)


def finding(code: str, doc_type: str | None = None, subject: str | None = None,
            severity: str = "error", page: int | None = 1) -> Finding:
    evidence = {"subject": subject} if subject else {}
    return Finding(code=code, severity=severity, doc_type=doc_type, file="a.pdf", page=page,
                   message=f"{code} 测试", evidence=evidence)


def report(sub: Submission, findings: list[Finding]) -> GapReport:
    verdict = "gaps" if any(f.severity == "error" for f in findings) else (
        "review" if findings else "pass")
    return GapReport(verdict=verdict, as_of=dt.date(2025, 6, 30), applicant=Applicant(name="某公司"),
                     documents=[], findings=findings, submission=sub.name,
                     submission_sha256=sub.sha256, policy="test-policy")
