"""Completeness, unreadable files, unclassified documents, page quality, category."""

from __future__ import annotations

from pipeline.models import PageQuality, SourceFile
from tests.test_rules_support import add_doc, baseline, codes, doc, drop_doc, drop_field, run, set_field


def test_missing_common_document():
    out = run(drop_doc(baseline("vertical_model"), "credit_report"))
    assert codes(out, "MISSING_DOCUMENT") == [("MISSING_DOCUMENT", "credit_report")]
    f = out.findings[0]
    assert f.severity == "error" and "信用" in f.message and f.evidence["subject"] == "credit_report"


def test_missing_category_documents_one_per_type():
    ev = drop_doc(drop_doc(baseline("general_model"), "evaluation_report"), "acceptance_certificate")
    got = sorted(codes(run(ev), "MISSING_DOCUMENT"))
    assert got == [("MISSING_DOCUMENT", "acceptance_certificate"), ("MISSING_DOCUMENT", "evaluation_report")]


def test_other_categorys_documents_not_required():
    # a vertical_model application needs no evaluation report nor crypto test
    assert codes(run(baseline("vertical_model")), "MISSING_DOCUMENT") == []


def test_unknown_category_checks_only_common_documents():
    ev = drop_doc(set_field(baseline("general_model"), "application_form", "category", "不知道"),
                  "evaluation_report")
    out = run(ev)
    assert out.category is None
    assert codes(out, "MISSING_DOCUMENT") == []
    assert ("FIELD_NOT_FOUND", "application_form") in codes(out)
    assert any(f.evidence.get("field") == "category" for f in out.findings)


def test_category_by_chinese_name():
    ev = set_field(baseline("security"), "application_form", "category", "支持自主安全")
    assert run(ev).category == "security"


def test_category_missing_field():
    out = run(drop_field(baseline("security"), "application_form", "category"))
    assert out.category is None and codes(out) == [("FIELD_NOT_FOUND", "application_form")]


def test_missing_application_form_no_duplicate_category_warning():
    out = run(drop_doc(baseline("security"), "application_form"))
    assert ("MISSING_DOCUMENT", "application_form") in codes(out)
    assert not any(f.evidence.get("field") == "category" for f in out.findings)


def _with_file(ev, sf):
    ev = ev.model_copy(deep=True)
    ev.submission.files.append(sf)
    return ev


def test_unreadable_word_file_says_convert_to_pdf():
    sf = SourceFile(path="申报书.docx", sha256="2" * 64, size=10, media_type="application/octet-stream",
                    problem="Word document", problem_kind="unsupported")
    out = run(_with_file(baseline(), sf))
    assert codes(out) == [("UNREADABLE_FILE", None)]
    assert "转换为PDF" in out.findings[0].message and out.findings[0].file == "申报书.docx"


def test_unreadable_encrypted_and_ofd():
    enc = SourceFile(path="a.pdf", sha256="3" * 64, size=10, media_type="application/pdf",
                     problem="needs a password", problem_kind="encrypted")
    ofd = SourceFile(path="b.ofd", sha256="4" * 64, size=10, media_type="application/octet-stream",
                     problem="OFD", problem_kind="unsupported")
    out = run(_with_file(_with_file(baseline(), enc), ofd))
    msgs = {f.file: f.message for f in out.findings}
    assert "密码" in msgs["a.pdf"] and "OFD" in msgs["b.ofd"] and "PDF" in msgs["b.ofd"]


def test_readable_file_is_not_a_finding():
    sf = SourceFile(path="photo.pdf", sha256="5" * 64, size=10, media_type="image/jpeg")
    assert run(_with_file(baseline(), sf)).findings == []


def test_unclassified_low_confidence_other():
    ev = add_doc(baseline(), doc("other", {}, confidence=0.2, file="scan0001.pdf"))
    assert codes(run(ev)) == [("UNCLASSIFIED_DOCUMENT", "other")]


def test_confident_other_is_not_unclassified():
    ev = add_doc(baseline(), doc("other", {}, confidence=0.9, file="brochure.pdf"))
    assert run(ev).findings == []


def _with_page(ev, pq):
    ev = ev.model_copy(deep=True)
    ev.pages.append(pq)
    return ev


def test_low_ocr_confidence_fires_below_floor_and_on_error():
    low = PageQuality(file="x.pdf", page=2, source="ocr", mean_conf=0.41, chars=300)
    err = PageQuality(file="x.pdf", page=3, source="ocr", mean_conf=0.0, chars=0, error="timeout")
    out = run(_with_page(_with_page(baseline(), low), err))
    assert sorted(f.page for f in out.findings if f.code == "LOW_OCR_CONFIDENCE") == [2, 3]
    assert all(f.severity == "warning" for f in out.findings)


def test_low_ocr_confidence_boundary_and_text_layer():
    at = PageQuality(file="x.pdf", page=2, source="ocr", mean_conf=0.6, chars=300)
    tl = PageQuality(file="y.pdf", page=1, source="text_layer", mean_conf=0.1, chars=300)
    assert run(_with_page(_with_page(baseline(), at), tl)).findings == []


def test_page_quality_is_judged_on_its_chinese_text():
    """A legible audit signature page: its Chinese words read at 0.78, the signatures and
    ruling read as Latin junk pull the mean of all words to 0.53. Not a low-quality page;
    a page whose Chinese itself reads badly still is."""
    legible = PageQuality(file="x.pdf", page=2, source="ocr", mean_conf=0.53, text_conf=0.78, chars=300)
    assert run(_with_page(baseline(), legible)).findings == []
    poor = PageQuality(file="x.pdf", page=3, source="ocr", mean_conf=0.7, text_conf=0.45, chars=300)
    out = run(_with_page(baseline(), poor))
    assert [f.page for f in out.findings if f.code == "LOW_OCR_CONFIDENCE"] == [3]
    assert "0.45" in out.findings[0].message
    # just under the floor: the message does not round it up to the floor (seed 97: 0.597
    # had read "0.60 低于 0.60")
    edge = PageQuality(file="x.pdf", page=3, source="ocr", mean_conf=0.7, text_conf=0.597, chars=300)
    assert "置信度 0.59 低于 0.60" in run(_with_page(baseline(), edge)).findings[0].message


def test_page_quality_text_confidence_counts_words_with_chinese_only():
    from pipeline.check import page_quality
    from pipeline.models import Line, Page, PageResult, Word

    words = [Word(text="营业执照", bbox=(0, 0, 1, 1), conf=0.8), Word(text="aaremva", bbox=(0, 0, 1, 1), conf=0.1)]
    page = Page(file="a.pdf", number=1, width=1, height=1, dpi=300, source="ocr", mean_conf=0.3,
                lines=[Line(text="营业执照 aaremva", bbox=(0, 0, 1, 1), conf=0.5, words=words)])
    blank = page.model_copy(update={"number": 2, "lines": []})
    quality = page_quality([PageResult(page=page), PageResult(page=blank)])
    assert [q.text_conf for q in quality] == [0.8, None]


def test_page_quality_leaves_out_the_words_under_a_seal():
    """Seed 73: an audit report's sign-off page read 0.49, its three seals' words included;
    0.76 without them, and no LOW_OCR_CONFIDENCE for the page is due. A page all under a
    seal is judged on all its words."""
    from pipeline.check import page_quality
    from pipeline.models import Line, Page, PageResult, Seal, Word

    words = [Word(text="审计意见", bbox=(100, 100, 300, 140), conf=0.9),
             Word(text="会计师事务所", bbox=(1000, 1000, 1300, 1040), conf=0.1, first_text="会", first_conf=0.1)]
    page = Page(file="a.pdf", number=2, width=2480, height=3508, dpi=300, source="ocr", mean_conf=0.4,
                lines=[Line(text=w.text, bbox=w.bbox, conf=w.conf, words=[w]) for w in words])
    seal = Seal(page=2, bbox=(900, 900, 1400, 1400))
    everywhere = Seal(page=2, bbox=(0, 0, 2480, 3508))
    quality = page_quality([PageResult(page=page), PageResult(page=page, seals=[seal]),
                            PageResult(page=page, seals=[everywhere])])
    assert [q.text_conf for q in quality] == [0.42, 0.9, 0.42]  # weighted by characters
