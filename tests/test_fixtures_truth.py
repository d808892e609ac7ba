"""The truth written beside each case matches the files: pages, text layers, seal boxes."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageOps

from fixtures import degrade as dg
from fixtures.generate import generate_corpus, render_document
from fixtures.layout import LayoutPage, SealMark, Text
from fixtures.render import FontChoice, render_raster, seal_bbox_px
from fixtures.truth import CaseTruth, load_truth, truth_path
from pipeline.catalog import catalog


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[CaseTruth]]:
    out = tmp_path_factory.mktemp("corpus")
    truths = generate_corpus(out, cases=3, seed=2, workers=2)
    return out, truths


def _page_image(path: Path, container: str, page: int, rotation: int) -> np.ndarray:
    """The page as the pipeline sees it once turned upright: PDFs at 300 dpi, images in their own grid."""
    if container in ("pdf_text", "pdf_scan", "owner_password"):
        pdf = pdfium.PdfDocument(str(path))
        im = pdf[page - 1].render(scale=300 / 72).to_pil().convert("RGB")
    else:
        im = Image.open(path)
        im.seek(page - 1)
        im = ImageOps.exif_transpose(im).convert("RGB")  # as the pipeline reads phone photos
    if rotation:
        im = im.rotate(rotation, expand=True)  # undo the clockwise turn
    return np.asarray(im)


def _ink_share(a: np.ndarray, red: bool) -> float:
    a = a.astype(int)
    if red:
        m = (a[..., 0] - a[..., 1] > 50) & (a[..., 0] - a[..., 2] > 50)
    else:
        m = a.mean(axis=2) < 170
    return float(m.mean()) if m.size else 0.0


def test_truth_files_round_trip_and_sit_beside_the_folder(corpus):
    out, truths = corpus
    for t in truths:
        p = truth_path(out, t.case_id)
        assert p.exists() and p.parent == out
        assert load_truth(p) == t
        on_disk = sorted(x.name for x in (out / t.case_id).iterdir())
        assert on_disk == sorted(f.path for f in t.files)  # the folder holds only uploads
        assert json.loads(p.read_text("utf-8"))["case_id"] == t.case_id


def test_fields_use_catalog_names(corpus):
    _, truths = corpus
    cat = catalog()
    for t in truths:
        for d in t.documents:
            allowed = set(cat[d.doc_type].fields)
            assert set(d.fields) <= allowed, (d.doc_type, set(d.fields) - allowed)


def test_verdict_follows_expected_findings(corpus):
    from fixtures.case import data

    sev = {k: v["severity"] for k, v in data("codes")["codes"].items()}
    for t in corpus[1]:
        levels = {sev[f.code] for f in t.expected_findings}
        want = "gaps" if "error" in levels else "review" if "warning" in levels else "pass"
        assert t.expected_verdict == want


def test_pages_and_text_layers_match_truth(corpus):
    out, truths = corpus
    for t in truths:
        for f in t.files:
            path = out / t.case_id / f.path
            if not f.readable:
                continue
            n = sum(len(d.pages) for d in f.documents)
            if f.container in ("pdf_text", "pdf_scan", "owner_password"):
                with pdfplumber.open(path) as pdf:
                    assert len(pdf.pages) == n
                    text = "".join((pg.extract_text() or "") for pg in pdf.pages)
                if f.container == "pdf_scan":
                    assert text.strip() == ""  # image-only pages
                else:
                    doc = next(d for d in t.documents if d.file == f.path)
                    name = doc.fields.get("applicant_name")
                    if name:
                        assert name in text.replace("\n", "").replace(" ", ""), (f.path, name)
            elif f.container == "tiff":
                assert Image.open(path).n_frames == n
            else:
                assert n == 1


def test_seal_boxes_hold_seal_ink(corpus):
    out, truths = corpus
    checked = 0
    for t in truths:
        files = {f.path: f for f in t.files}
        for d in t.documents:
            f = files[d.file]
            for s in d.seals:
                if s.bbox is None or s.faint:
                    continue
                img = _page_image(out / t.case_id / f.path, f.container, s.page, f.rotation)
                x0, y0, x1, y1 = (int(round(v)) for v in s.bbox)
                h, w = img.shape[:2]
                assert -5 <= x0 < x1 <= w + 5 and -5 <= y0 < y1 <= h + 5, (f.path, s.bbox, img.shape)
                share = _ink_share(img[max(0, y0):y1, max(0, x0):x1], s.colour == "red")
                assert share > 0.02, (t.case_id, f.path, s.text, s.bbox, share)
                checked += 1
    assert checked >= 10


def test_bbox_follows_skew_and_rotation():
    page = LayoutPage()
    page.add(Text(20, 40, "申报单位（盖章）", 12))
    seal = SealMark(150, 220, 40, "上海测试智能科技有限公司", "applicant", seed=3)
    page.add(seal)
    dpi = 150
    im = render_raster(page, FontChoice(0), dpi)
    im, m = dg.skew(im, 4.0)
    box = dg.apply_bbox(m, seal_bbox_px(seal, dpi))
    for rot in (0, 90, 180):
        stored = dg.rotate_file(im, rot)
        upright = np.asarray(stored.rotate(rot, expand=True))
        x0, y0, x1, y1 = (int(v) for v in box)
        inside = _ink_share(upright[y0:y1, x0:x1], True)
        # the same box moved away from the seal holds no seal ink
        outside = _ink_share(upright[y0 - 400:y1 - 400, x0:x1], True)
        assert inside > 0.05 and outside < 0.002, (rot, inside, outside)


def test_render_document_licence_reads_as_a_licence():
    blob, truth = render_document("business_license", seed=3)
    with pdfplumber.open(io.BytesIO(blob)) as pdf:
        text = pdf.pages[0].extract_text()
    for word in ("营业执照", "副", "统一社会信用代码", "登", truth.fields["uscc"]):
        assert word in text.replace(" ", "")
    owners = sorted(s.owner for s in truth.seals)
    assert owners == ["applicant", "authority"]
    from stdnum.cn import uscc

    assert uscc.is_valid(truth.fields["uscc"])


def test_qualified_opinion_mentions_unqualified_but_is_qualified():
    rng = random.Random(0)
    from fixtures.docs import financial_audit
    from fixtures.generate import plan_case

    for seed in range(12):
        spec = plan_case("x", seed, category="vertical_model", codes=["AUDIT_OPINION_NOT_CLEAN"], decoys=[])
        if spec.opinion != "qualified":
            continue
        b = financial_audit(spec, rng)
        text = "".join(i.text for p in b.pages for i in p.items if isinstance(i, Text))
        assert "保留意见" in text and "无保留" in text and b.fields["opinion"] == "qualified"
        return
    pytest.fail("no qualified opinion planted in 12 seeds")


def test_bbox_holds_for_sideways_phone_photos():
    """A JPEG stored sideways with an EXIF orientation tag: the box is in the upright grid."""
    from fixtures.containers import jpeg_bytes

    page = LayoutPage()
    seal = SealMark(60, 80, 40, "上海测试智能科技有限公司", "applicant", seed=5)
    page.add(seal)
    dpi = 100
    im = render_raster(page, FontChoice(1), dpi)
    box = seal_bbox_px(seal, dpi)
    for orient in (6, 8):
        stored = Image.open(io.BytesIO(jpeg_bytes(im, 90, dpi, exif_orientation=orient)))
        assert stored.size == (im.height, im.width)
        upright = np.asarray(ImageOps.exif_transpose(stored).convert("RGB"))
        x0, y0, x1, y1 = (int(v) for v in box)
        assert _ink_share(upright[y0:y1, x0:x1], True) > 0.05


def test_straddle_seal_is_partial_and_cut_by_the_right_edge():
    """A 骑缝章 shows up on every page of the document, flagged partial, its box ending at the edge."""
    found = None
    for seed in range(20):
        blob, doc = render_document("project_report", seed=seed, container="pdf_text")
        if any(s.partial for s in doc.seals):
            found = blob, doc
            break
    assert found, "no 骑缝章 in 20 project reports"
    blob, doc = found
    part = [s for s in doc.seals if s.partial]
    assert sorted(s.page for s in part) == doc.pages
    assert any(s.owner == "applicant" and not s.partial for s in doc.seals)  # the full seal is there too
    pdf = pdfium.PdfDocument(blob)
    for s in part:
        img = np.asarray(pdf[s.page - 1].render(scale=300 / 72).to_pil().convert("RGB"))
        h, w = img.shape[:2]
        x0, y0, x1, y1 = (int(round(v)) for v in s.bbox)
        assert s.owner == "applicant" and s.shape == "round"
        assert abs(x1 - w) <= 2 and (x1 - x0) < 0.7 * (y1 - y0)  # cut: narrower than it is tall
        assert _ink_share(img[y0:y1, x0:x1], True) > 0.02
        assert _ink_share(img[y0:y1, max(0, x0 - (x1 - x0)):x0 - 5], True) < 0.01  # nothing left of the cut half


def test_item_pages_are_the_files_pages():
    """Seed 131 case_012: an investment table on page 2 of its file, after an acceptance
    certificate; its line items said page 1, the document's own count, and the pipeline's
    page 2 (the file's, as the report contract counts pages) was scored a miss."""
    from fixtures.generate import _on_file_pages

    fields = {"line_items": [{"name": "GPU服务器采购", "amount": 1.0, "page": 1, "bbox": None}],
              "stated_total": 1.0, "sections_present": ["a"]}
    moved = _on_file_pages(fields, 1)
    assert moved["line_items"][0]["page"] == 2 and fields["line_items"][0]["page"] == 1
    assert moved["stated_total"] == 1.0 and moved["sections_present"] == ["a"]
    assert _on_file_pages(fields, 0) is fields


def test_every_items_page_lies_in_its_document(corpus):
    _, truths = corpus
    for t in truths:
        for d in t.documents:
            for value in d.fields.values():
                if isinstance(value, list):
                    assert all(v["page"] in d.pages for v in value if isinstance(v, dict) and "page" in v), d
