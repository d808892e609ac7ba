"""The tables of the store: every version of every application, and what each check found.

Why this shape:
- ``files`` and ``pages`` are keyed by content (sha256), like the page cache, so a file that
  appears in two versions (or two applications) is one row.
- A *version* is a distinct submission content (Submission.sha256) of one application; a
  *run* is one check of one version (intake, or a reviewer's recheck after a policy
  change). Documents, fields, seals and findings belong to the run that produced them, so
  a recheck never overwrites history.
- ``claims`` make intake exactly-once across workers: one row per (application, content),
  taken with a lease that a live worker keeps renewing and a dead one lets expire.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SHA = String(64)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)  # the inbox entry name
    created_at: Mapped[float] = mapped_column(Float)
    versions: Mapped[list[Version]] = relationship(back_populates="application",
                                                   order_by="Version.number")


class Version(Base):
    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("application_id", "number", name="uq_versions_application_number"),
        UniqueConstraint("application_id", "submission_sha256", name="uq_versions_application_sha"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... per application
    submission_sha256: Mapped[str] = mapped_column(SHA)
    source: Mapped[str] = mapped_column(Text)  # where it was read from (inbox entry path)
    created_at: Mapped[float] = mapped_column(Float)
    application: Mapped[Application] = relationship(back_populates="versions")
    files: Mapped[list[VersionFile]] = relationship(cascade="all, delete-orphan")


class File(Base):
    __tablename__ = "files"

    sha256: Mapped[str] = mapped_column(SHA, primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(100))
    page_count: Mapped[int] = mapped_column(Integer, default=0)


class VersionFile(Base):
    __tablename__ = "version_files"

    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"),
                                            primary_key=True)
    path: Mapped[str] = mapped_column(String(1024), primary_key=True)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("files.sha256"))
    problem: Mapped[str | None] = mapped_column(Text, nullable=True)
    problem_kind: Mapped[str | None] = mapped_column(String(40), nullable=True)


class PageRow(Base):
    """How a page of a file read the last time it was read (quality, source, error)."""

    __tablename__ = "pages"

    file_sha256: Mapped[str] = mapped_column(ForeignKey("files.sha256"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))
    mean_conf: Mapped[float] = mapped_column(Float)
    chars: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class Run(Base):
    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_application_sha", "application_key", "submission_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_key: Mapped[str] = mapped_column(String(255))
    submission_sha256: Mapped[str] = mapped_column(SHA)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"),
                                                   nullable=True)
    kind: Mapped[str] = mapped_column(String(20))  # intake | recheck
    worker: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20))  # running | done | failed | abandoned
    started_at: Mapped[float] = mapped_column(Float)
    finished_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    as_of: Mapped[str | None] = mapped_column(String(10), nullable=True)
    policy: Mapped[str | None] = mapped_column(String(255), nullable=True)
    verdict: Mapped[str | None] = mapped_column(String(10), nullable=True)
    pages_read: Mapped[int] = mapped_column(Integer, default=0)
    pages_cached: Mapped[int] = mapped_column(Integer, default=0)
    report_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    report_html: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    documents: Mapped[list[DocumentRow]] = relationship(cascade="all, delete-orphan")
    findings: Mapped[list[FindingRow]] = relationship(cascade="all, delete-orphan",
                                                      order_by="FindingRow.id")


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    file: Mapped[str] = mapped_column(String(1024))
    pages: Mapped[list[Any]] = mapped_column(JSON)
    doc_type: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[float] = mapped_column(Float)
    fields: Mapped[list[FieldRow]] = relationship(cascade="all, delete-orphan")
    seals: Mapped[list[SealRow]] = relationship(cascade="all, delete-orphan")


class FieldRow(Base):
    __tablename__ = "fields"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             index=True)
    name: Mapped[str] = mapped_column(String(100))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bbox: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    confidence: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))
    raw: Mapped[str | None] = mapped_column(Text, nullable=True)


class SealRow(Base):
    __tablename__ = "seals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"),
                                             index=True)
    page: Mapped[int] = mapped_column(Integer)
    bbox: Mapped[list[Any]] = mapped_column(JSON)
    shape: Mapped[str] = mapped_column(String(20))
    owner: Mapped[str] = mapped_column(String(20))
    owner_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    score: Mapped[float] = mapped_column(Float)


class FindingRow(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(Text)  # Finding.key(): identity across versions
    code: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    doc_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    file: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bbox: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)


class Claim(Base):
    """Who is checking (application, content) now, until when; ``done`` once saved."""

    __tablename__ = "claims"
    __table_args__ = (
        UniqueConstraint("application_key", "submission_sha256", name="uq_claims_application_sha"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_key: Mapped[str] = mapped_column(String(255))
    submission_sha256: Mapped[str] = mapped_column(SHA)
    state: Mapped[str] = mapped_column(String(10))  # running | done
    worker: Mapped[str] = mapped_column(String(255))
    token: Mapped[str] = mapped_column(String(32))  # changes with every taker: the fence
    lease_until: Mapped[float] = mapped_column(Float)  # epoch seconds
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    run_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[float] = mapped_column(Float)
