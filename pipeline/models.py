"""The data that flows between pipeline steps.

Every step is a plain function from these models to these models, so that the CLI,
the Prefect flows, the tests and the benchmarks all call the same code. Coordinates
are always pixels of the page rendered at ``Page.dpi`` (300 by default), origin top-left,
whatever the source (text layer points are scaled on the way in), so a box can be
drawn on the page image the reviewer sees without knowing where the text came from.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field as PydField

SCHEMA_VERSION = "1"
DEFAULT_DPI = 300

BBox = tuple[float, float, float, float]
"""(x0, y0, x1, y1) in pixels at the page's dpi, origin top-left."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class Category(str, Enum):
    general_model = "general_model"
    vertical_model = "vertical_model"
    adaptation_service = "adaptation_service"
    security = "security"


class DocType(str, Enum):
    application_form = "application_form"
    business_license = "business_license"
    name_change = "name_change"
    street_review = "street_review"
    credit_report = "credit_report"
    financial_audit = "financial_audit"
    project_report = "project_report"
    investment_breakdown = "investment_breakdown"
    honor_certificate = "honor_certificate"
    evaluation_report = "evaluation_report"
    acceptance_certificate = "acceptance_certificate"
    application_case = "application_case"
    recommendation_letter = "recommendation_letter"
    crypto_test_report = "crypto_test_report"
    other = "other"


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


class FindingCode(str, Enum):
    MISSING_DOCUMENT = "MISSING_DOCUMENT"
    UNREADABLE_FILE = "UNREADABLE_FILE"
    UNCLASSIFIED_DOCUMENT = "UNCLASSIFIED_DOCUMENT"
    LOW_OCR_CONFIDENCE = "LOW_OCR_CONFIDENCE"
    SEAL_MISSING = "SEAL_MISSING"
    SEAL_NAME_MISMATCH = "SEAL_NAME_MISMATCH"
    USCC_INVALID = "USCC_INVALID"
    USCC_MISMATCH = "USCC_MISMATCH"
    NAME_MISMATCH = "NAME_MISMATCH"
    NOT_REGISTERED_IN_DISTRICT = "NOT_REGISTERED_IN_DISTRICT"
    NOT_INDEPENDENT_LEGAL_PERSON = "NOT_INDEPENDENT_LEGAL_PERSON"
    LICENSE_EXPIRED = "LICENSE_EXPIRED"
    CREDIT_BAD_RECORD = "CREDIT_BAD_RECORD"
    CREDIT_REPORT_STALE = "CREDIT_REPORT_STALE"
    AUDIT_WRONG_YEAR = "AUDIT_WRONG_YEAR"
    AUDIT_OPINION_NOT_CLEAN = "AUDIT_OPINION_NOT_CLEAN"
    STREET_REVIEW_NOT_APPROVED = "STREET_REVIEW_NOT_APPROVED"
    REPORT_SECTION_MISSING = "REPORT_SECTION_MISSING"
    INVESTMENT_SUM_MISMATCH = "INVESTMENT_SUM_MISMATCH"
    AMOUNT_EXCEEDS_RATIO = "AMOUNT_EXCEEDS_RATIO"
    AMOUNT_EXCEEDS_CAP = "AMOUNT_EXCEEDS_CAP"
    AMOUNT_NOT_A_TIER = "AMOUNT_NOT_A_TIER"
    PARAMS_BELOW_THRESHOLD = "PARAMS_BELOW_THRESHOLD"
    TEST_NOT_PASSED = "TEST_NOT_PASSED"
    TEST_BODY_NOT_RECOGNISED = "TEST_BODY_NOT_RECOGNISED"
    FIELD_NOT_FOUND = "FIELD_NOT_FOUND"


class TextSource(str, Enum):
    text_layer = "text_layer"
    ocr = "ocr"


# --------------------------------------------------------------------------- ingest


class MediaType(str, Enum):
    pdf = "application/pdf"
    jpeg = "image/jpeg"
    png = "image/png"
    tiff = "image/tiff"
    bmp = "image/bmp"
    webp = "image/webp"
    heif = "image/heif"  # HEIC photos from iPhones, AVIF
    unsupported = "application/octet-stream"


class SourceFile(_Model):
    """One file the applicant uploaded, identified by its content, never modified."""

    path: str  # relative to the submission root, POSIX separators
    sha256: str
    size: int
    media_type: MediaType
    page_count: int = 0
    problem: str | None = None  # why the file cannot be read (then it yields no pages)
    problem_kind: str | None = None  # corrupt | encrypted | empty | unsupported | too_large | unsafe


class Submission(_Model):
    """One application version as uploaded: a folder or a zip, unpacked to ``root``."""

    name: str  # the folder/zip name without extension
    source: str  # the path given on the command line
    root: str  # the folder the files are read from (the folder itself, or an unpacked copy)
    sha256: str  # over the sorted (path, sha256) of its files: the version's identity
    files: list[SourceFile]


# --------------------------------------------------------------------------- pages


class Word(_Model):
    text: str
    bbox: BBox
    conf: float = 1.0  # 0..1; text-layer words are 1.0
    # set when the second reader (pipeline.second_reader) changed the word: what Tesseract
    # read, and its confidence (also set alone when the second reading only confirmed it)
    first_text: str | None = None
    first_conf: float | None = None


class Line(_Model):
    """A visual line of words in reading order; the unit most extractors work on."""

    text: str
    bbox: BBox
    conf: float
    words: list[Word]
    block: int = 0


class Page(_Model):
    file: str  # SourceFile.path
    number: int  # 1-based within the file
    width: int  # pixels at dpi
    height: int
    dpi: int = DEFAULT_DPI
    source: TextSource
    rotation: int = 0  # degrees clockwise applied to the raw page before reading
    skew: float = 0.0  # degrees corrected before OCR
    mean_conf: float = 1.0  # mean word confidence (0..1)
    lines: list[Line] = PydField(default_factory=list)
    image: str | None = None  # path of a preview image (for the HTML report), if rendered
    error: str | None = None  # the page could not be read (OCR failed/timed out)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def words(self) -> list[Word]:
        return [w for line in self.lines for w in line.words]


# --------------------------------------------------------------------------- evidence


SealOwner = Literal["applicant", "authority", "other", "unknown"]
SealShape = Literal["round", "oval", "square", "unknown"]


class Seal(_Model):
    page: int  # 1-based page within the document's file
    bbox: BBox
    shape: SealShape = "unknown"
    partial: bool = False  # cut by the page edge (骑缝章) or only half visible
    colour: Literal["red", "grey"] = "red"
    score: float = 1.0  # detection confidence 0..1
    text: str | None = None  # ring text as read
    owner: SealOwner = "unknown"
    owner_name: str | None = None  # the name it was matched to, if any
    owner_score: float | None = None
    readings: list[str] = PydField(default_factory=list)  # every OCR reading of the ring (text is the best)
    # the recogniser's candidates per character position, as "≈" then cells joined by "|"
    # (best candidate first in each cell): for matching against known names, not to show
    lattices: list[str] = PydField(default_factory=list)


class Field(_Model):
    """One extracted value with where it came from and how far to trust it.

    ``value`` is JSON-able: str, int/float (money in yuan, counts), ISO date string,
    bool, list or dict. ``raw`` is the text it was read from, ``note`` says what was
    done to it (e.g. a repaired USCC character).
    """

    value: Any
    page: int | None = None
    bbox: BBox | None = None
    confidence: float = 1.0
    source: Literal["text_layer", "ocr", "derived"] = "derived"
    raw: str | None = None
    note: str | None = None
    # confidence of the least sure OCR word in the value: one misread character hides in
    # a good average (灵犀 read as 灵尿: mean 0.82, the word 尿 0.47)
    weakest_conf: float | None = None


class Document(_Model):
    file: str
    pages: list[int]  # 1-based pages of that file
    doc_type: DocType
    confidence: float
    scores: dict[str, float] = PydField(default_factory=dict)  # per doc_type, for review
    seals: list[Seal] = PydField(default_factory=list)
    fields: dict[str, Field] = PydField(default_factory=dict)


class PageResult(_Model):
    """What reading one page yields: its text and its seals (owners not yet decided).

    The unit of caching: it depends only on the page's content and the engine settings,
    never on the submission or the run, so a resubmitted file is not read again.
    """

    page: Page
    seals: list[Seal] = PydField(default_factory=list)
    cached: bool = False
    seconds: float = 0.0


class PageQuality(_Model):
    file: str
    page: int
    source: TextSource
    mean_conf: float
    chars: int
    error: str | None = None
    # mean confidence of the words with Chinese characters in them, the text fields come
    # from (None: no such word): signatures, stamps and ruling read as Latin junk would
    # otherwise drag a perfectly legible page below the floor
    text_conf: float | None = None


class Evidence(_Model):
    """Everything the rules look at: documents with fields and seals, and page quality."""

    submission: Submission
    documents: list[Document]
    pages: list[PageQuality]
    dpi: int = DEFAULT_DPI


# --------------------------------------------------------------------------- findings


class Finding(_Model):
    code: FindingCode
    severity: Severity
    doc_type: DocType | None = None
    file: str | None = None
    page: int | None = None
    bbox: BBox | None = None
    message: str  # Chinese, for the reviewer
    evidence: dict[str, Any] = PydField(default_factory=dict)

    def key(self) -> str:
        """Identity across versions of a submission, for the resolved/new/remaining diff.

        Deliberately leaves out page, box and message wording, which change when an
        applicant re-scans a document, and keeps what the gap is about.
        """
        subject = self.evidence.get("subject") or self.evidence.get("field") or ""
        return f"{self.code}|{self.doc_type or ''}|{subject}"


class Applicant(_Model):
    name: str | None = None
    uscc: str | None = None


class FindingDiff(_Model):
    previous_version: int | None = None
    resolved: list[Finding] = PydField(default_factory=list)
    new: list[Finding] = PydField(default_factory=list)
    remaining: list[Finding] = PydField(default_factory=list)


class ReportFile(_Model):
    path: str
    sha256: str
    media_type: str
    pages: int
    problem: str | None = None


class GapReport(_Model):
    """report.json: the machine contract of report-contract.md (schema_version 1)."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    schema_version: str = SCHEMA_VERSION
    verdict: Literal["pass", "review", "gaps"]
    as_of: dt.date
    category: Category | None = None
    applicant: Applicant
    requested_amount: float | None = None
    dpi: int = DEFAULT_DPI
    documents: list[Document]
    findings: list[Finding]
    # beyond the contract's minimum
    submission: str | None = None  # its name
    submission_sha256: str | None = None
    application_id: str | None = None
    version: int | None = None
    generated_at: dt.datetime | None = None
    files: list[ReportFile] = PydField(default_factory=list)
    pages: list[PageQuality] = PydField(default_factory=list)
    diff: FindingDiff | None = None
    policy: str | None = None  # the policy file's name and version used
