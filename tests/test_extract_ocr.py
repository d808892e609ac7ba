"""Extraction through real OCR: generated scans read by the pipeline's page reader."""

from __future__ import annotations

import os

import pytest

from extractors.fields import extract_fields
from extractors.normalize import fold

pytestmark = pytest.mark.slow


def _norm(v):
    return fold(v) if isinstance(v, str) else v


@pytest.fixture(scope="module")
def read_scan(tmp_path_factory):
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from fixtures.generate import render_document
    from pipeline.ingest import ingest
    from pipeline.models import Document
    from pipeline.pages import read_page
    from pipeline.settings import Settings

    def read(doc_type: str, seed: int, dpi: int = 250):
        root = tmp_path_factory.mktemp(f"{doc_type}{seed}")
        blob, truth = render_document(doc_type, seed=seed, container="pdf_scan", dpi=dpi)
        (root / "sub").mkdir()
        (root / "sub" / "scan.pdf").write_bytes(blob)
        settings = Settings(data_dir=root / "var", cache=False)
        sub = ingest(root / "sub", settings)
        pages = [read_page(sub, sub.files[0], n, settings).page for n in truth.pages]
        doc = Document(file="scan.pdf", pages=truth.pages, doc_type=doc_type, confidence=1.0)
        return truth, pages, extract_fields(doc, pages)

    return read


def test_license_scan_identity_dates_money(read_scan):
    truth, pages, fields = read_scan("business_license", 3)
    assert all(p.source == "ocr" for p in pages)
    for name in ("applicant_name", "uscc", "established_date", "term_start", "registered_capital"):
        assert name in fields, name
        assert _norm(fields[name].value) == _norm(truth.fields[name]), name
        assert fields[name].source == "ocr" and fields[name].bbox is not None
        assert 0 < fields[name].confidence <= 1


def test_ruled_form_scan_with_ruling_erased():
    """A form drawn as a ruled table: Tesseract drops the grid's cells unless the ruling
    is painted out first (pipeline.preprocess.erase_ruling); then every value is read."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import tempfile
    from pathlib import Path

    from fixtures.generate import render_document
    from pipeline import ocr, render
    from pipeline.models import Document, MediaType, Page

    from pipeline.preprocess import erase_ruling

    blob, truth = render_document("application_form", seed=5, container="pdf_scan", dpi=250)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "form.pdf"
        path.write_bytes(blob)
        image = render.page_image(path, MediaType.pdf, 1, 300)
    lines = ocr.ocr_lines(erase_ruling(image), lang="chi_sim+eng", timeout=120, psm=6)
    page = Page(file="form.pdf", number=1, width=image.shape[1], height=image.shape[0], source="ocr", lines=lines)
    fields = extract_fields(Document(file="form.pdf", pages=[1], doc_type="application_form", confidence=1.0), [page])
    for name in ("applicant_name", "uscc", "requested_amount", "rd_cost", "total_investment", "parameter_count"):
        assert name in fields, name
        assert _norm(fields[name].value) == _norm(truth.fields[name]), name


def test_audit_scan_statement_figures_and_report_date(read_scan):
    """A three-page audit report scan: the income statement's figures (current period, not
    the prior one) and the date under the auditors' signatures."""
    truth, pages, fields = read_scan("financial_audit", 11, dpi=250)
    assert all(p.source == "ocr" for p in pages)
    for name in ("revenue", "rd_expense", "report_date"):  # the name: see extractors.consensus
        assert name in fields, name
        assert _norm(fields[name].value) == _norm(truth.fields[name]), name
