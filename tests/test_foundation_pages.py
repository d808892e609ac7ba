"""Page reading: text layer when real, OCR otherwise, upright and cached by content."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import ingest
from pipeline.models import TextSource
from pipeline import pages
from pipeline.pages import page_tasks, read_page, read_pages_threaded
from pipeline.settings import Settings
from tests import docmaker


def _read_all(root: Path, settings: Settings):
    sub = ingest(root, settings)
    results = read_pages_threaded(sub, page_tasks(sub), settings)
    return sub, {(r.page.file, r.page.number): r for r in results}


def test_born_digital_pdf_uses_its_text_layer(tmp_path, settings):
    docmaker.text_pdf(tmp_path / "a.pdf", [docmaker.LICENSE, docmaker.CREDIT])
    _, pages = _read_all(tmp_path, settings)
    first = pages[("a.pdf", 1)].page
    assert first.source == TextSource.text_layer
    assert first.dpi == 300 and abs(first.width - 2480) <= 1
    text = first.text.replace(" ", "").replace("\u3000", "")
    assert "91310117MA1FL3KX26" in text and "上海松江智算科技有限公司" in text
    # boxes are in 300-dpi pixels: the title sits in the top tenth of the page
    title = first.lines[0]
    assert title.text == "营业执照" and title.bbox[1] < first.height * 0.1
    assert "信用中国" in pages[("a.pdf", 2)].page.text


def test_invisible_text_over_a_scan_is_not_trusted(tmp_path, settings):
    """A scanner's own OCR layer of poor quality: we OCR the image instead."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = docmaker.page_image(docmaker.LICENSE)
    c = canvas.Canvas(str(tmp_path / "scan.pdf"), pagesize=A4, invariant=1)
    c.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
    text = c.beginText(72, 700)
    text.setTextRenderMode(3)
    text.setFont("Helvetica", 12)
    text.textLine("~~ ||| ?? #@ ¤¤ ¦¦ ¬¬ ^^ `` ~~ ||| ?? ¤¤ ¦¦ ¬¬")
    c.drawText(text)
    c.save()
    _, pages = _read_all(tmp_path, settings)
    page = pages[("scan.pdf", 1)].page
    assert page.source == TextSource.ocr
    assert "营业执照" in page.text.replace(" ", "")


@pytest.mark.slow
def test_pdf_page_with_rotate_flag_is_read_upright(tmp_path, settings):
    import pypdfium2 as pdfium

    docmaker.text_pdf(tmp_path / "src.pdf", [docmaker.LICENSE])
    pdf = pdfium.PdfDocument(str(tmp_path / "src.pdf"))
    pdf[0].set_rotation(90)
    pdf.save(str(tmp_path / "turned.pdf"))
    pdf.close()
    (tmp_path / "src.pdf").unlink()
    _, pages = _read_all(tmp_path, settings)
    page = pages[("turned.pdf", 1)].page
    assert page.width < page.height and page.lines[0].text.replace(" ", "") == "营业执照"


@pytest.mark.slow
@pytest.mark.parametrize("angle", [90, 180, 270])
def test_rotated_scans_are_turned_upright(tmp_path, settings, angle):
    image = docmaker.page_image(docmaker.CREDIT).rotate(-angle, expand=True)  # clockwise
    image.save(tmp_path / "scan.jpg", dpi=(300, 300), quality=85)
    _, pages = _read_all(tmp_path, settings)
    page = pages[("scan.jpg", 1)].page
    assert (angle + page.rotation) % 360 == 0, page.rotation
    assert page.width < page.height
    text = page.text.replace(" ", "")
    from rapidfuzz import fuzz

    for expected in ("企业信用信息报告", "上海松江智算科技有限公司", "三、经营异常名录", "2026年06月20日"):
        assert fuzz.partial_ratio(expected, text) >= 85, expected  # a misread character is allowed
    assert page.mean_conf > 0.7


def _turns_read(monkeypatch) -> list[int]:
    """The turns each whole read of a page is made at, in order (the reads still happen)."""
    from pipeline import pages as pages_module

    turns: list[int] = []
    real = pages_module._ocr_at

    def spy(image, rotation, *args):
        turns.append(rotation)
        return real(image, rotation, *args)

    monkeypatch.setattr(pages_module, "_ocr_at", spy)
    return turns


@pytest.mark.slow
@pytest.mark.parametrize("angle", [90, 270])
def test_a_page_on_its_side_is_read_whole_once_whichever_way_it_was_turned(tmp_path, settings, angle,
                                                                          monkeypatch):
    """A probe of two bands picks the side; before it, a page turned 270° was read whole the
    wrong way first (a second full OCR of the page)."""
    turns = _turns_read(monkeypatch)
    image = docmaker.page_image(docmaker.CREDIT).rotate(-angle, expand=True)
    image.save(tmp_path / "scan.jpg", dpi=(300, 300), quality=85)
    _, pages = _read_all(tmp_path, settings.model_copy(update={"cache": False}))  # read, not recalled
    assert turns == [(360 - angle) % 360]
    assert "企业信用信息报告" in pages[("scan.jpg", 1)].page.text.replace(" ", "")


@pytest.mark.slow
def test_the_probe_of_an_upside_down_photo_under_uneven_light_reads_its_right_way(settings):
    """Seed 83, case_019: a letter photographed upside down on grey paper, lit from one
    side, probed 0.02 the right way (0.04 to 0.06 the others, grain read as words) and was
    read the wrong way up, every field lost. Its light evened first, as for the whole
    read, the probe reads the right way clearly."""
    import numpy as np

    page = np.asarray(docmaker.page_image(docmaker.CREDIT).convert("L").rotate(180), np.float32)
    light = np.linspace(0.95, 0.45, page.shape[0], dtype=np.float32)[:, None]
    for band in (pages.BAND, pages.TALL_BAND):
        probes = pages._probe(np.clip(page * light, 0, 255).astype(np.uint8), settings, band=band)
        assert pages.other_way(probes, 0) == 180
        assert probes[180] >= pages.PROBE_FLOOR and max(probes[0], probes[90], probes[270]) < probes[180]


@pytest.mark.slow
def test_a_sparse_certificate_scanned_upside_down_and_askew_is_turned(tmp_path, settings):
    """Seed 89, case_006: an honour certificate scanned upside down and 2.25° askew was read
    the wrong way up at 0.28 and every field lost. The probe's band held its big title,
    which read about as well upside down; the probe after a poor read now reads the whole
    height of the page, straightened by the skew the first read measured."""
    _upside_down_honour(tmp_path / "honour.png")
    _, pages = _read_all(tmp_path, settings.model_copy(update={"cache": False}))
    page = pages[("honour.png", 1)].page
    assert page.rotation == 180
    assert "科学技术委员会" in page.text.replace(" ", "")


def _upside_down_honour(path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    im = Image.new("L", (3508, 2480), 255)
    draw = ImageDraw.Draw(im)
    big, body = ImageFont.truetype(docmaker.SERIF, 150), ImageFont.truetype(docmaker.SERIF, 60)
    draw.text((1300, 520), "荣  誉  证  书", font=big, fill=0)
    draw.text((500, 950), "上海睿思信息技术有限公司：", font=body, fill=0)
    draw.text((600, 1100), "经评审，贵单位被认定为“高新技术企业”，特发此证，以资鼓励。", font=body, fill=0)
    draw.text((2200, 1700), "上海市科学技术委员会", font=body, fill=0)
    draw.text((2250, 1820), "二〇二四年十二月三十一日", font=body, fill=0)
    im.rotate(180 + 2.25, fillcolor=255, resample=Image.BILINEAR).save(path, dpi=(300, 300))


@pytest.mark.slow
@pytest.mark.parametrize("turn", [90, 270])
def test_a_last_page_of_one_line_scanned_on_its_side_is_turned(tmp_path, settings, turn):
    """Seed 199, case_019: the last page of a report, one line under its top margin and
    the page number, scanned on its side. Turned, both lie in the top or bottom tenth of
    the view, outside the band the sideways probe reads: it read specks both ways (0.03),
    the page was read upside down at 0.13, and LOW_OCR_CONFIDENCE was raised on a clean
    page. A band that reads no text either way is followed by a probe of nearly all rows."""
    from PIL import Image, ImageDraw, ImageFont

    im = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(im)
    body = ImageFont.truetype(docmaker.SERIF, 50)
    draw.text((300, 300), "下一步，公司将继续扩大应用范围，推动成果在长三角地区复制推广。", font=body, fill=0)
    draw.text((1100, 3330), "第 3 页 共 3 页", font=body, fill=0)
    im.rotate(turn, expand=True, fillcolor=255).save(tmp_path / "last.png", dpi=(300, 300))
    _, pages = _read_all(tmp_path, settings.model_copy(update={"cache": False}))
    page = pages[("last.png", 1)].page
    assert page.rotation == turn
    assert "长三角地区复制推广" in page.text.replace(" ", "")


@pytest.mark.slow
def test_a_probe_that_runs_out_of_time_costs_no_second_whole_read(tmp_path, settings, monkeypatch):
    """Seed 199, case_016: a grainy 150-dpi photo of an honour certificate, noise to
    Tesseract, read poorly (0.12) in 40 s; its probe ran out of time, which was taken for
    bands with no text, and the page was read whole the other way too: 107 s for one page.
    A probe out of time after a whole read that took longer than the probe may is noise,
    and the first reading stands. (Here a page the probe would turn is given almost no
    time to probe, so that the probe's timing out is what is tested.)"""
    turns = _turns_read(monkeypatch)
    from pipeline import pages as pages_module

    monkeypatch.setattr(pages_module, "PROBE_TIMEOUT", 0.001, raising=False)
    _upside_down_honour(tmp_path / "honour.png")
    _, pages = _read_all(tmp_path, settings.model_copy(update={"cache": False}))
    assert turns == [0]
    assert pages[("honour.png", 1)].page.rotation == 0


@pytest.mark.parametrize("probes,first,other", [
    ({0: 0.05, 90: 0.04, 180: 0.06, 270: 0.24}, 0, None),  # seed 73's grainy photo: noise every way
    ({0: 0.00, 90: 0.21, 180: 0.45, 270: 0.14}, 0, 180),  # the poorest upside-down page of seed 73
    ({0: 0.16, 90: 0.83, 180: 0.30, 270: 0.47}, 270, 90),
    ({0: 0.60, 90: 0.10, 180: 0.50, 270: 0.10}, 0, None),  # no way clearly better
    ({0: 0.0, 90: 0.0, 180: 0.0, 270: 0.0}, 90, 270)])  # the bands hold no text to tell by
def test_which_other_way_a_badly_read_page_is_read_whole(probes, first, other):
    assert pages.other_way(probes, first) == other


@pytest.mark.slow
def test_skewed_low_resolution_photo_is_deskewed_and_rescaled(tmp_path, settings):
    image = docmaker.page_image(docmaker.LICENSE).rotate(2.5, expand=False, fillcolor="white")
    image = image.resize((1240, 1754))  # 150 dpi, no dpi tag: estimated from the A4 width
    image.save(tmp_path / "photo.png")
    _, pages = _read_all(tmp_path, settings)
    page = pages[("photo.png", 1)].page
    assert abs(page.skew + 2.5) <= 0.5, page.skew
    assert abs(page.width - 2480) < 30  # rescaled to the report's 300 dpi grid
    text = page.text.replace(" ", "")
    assert "上海市松江区九亭镇" in text and "北路218号" in text


def test_cache_is_keyed_by_content_not_path(tmp_path, data_dir):
    settings = Settings(data_dir=data_dir / "cache-test")
    a = tmp_path / "a"
    a.mkdir()
    docmaker.text_pdf(a / "x.pdf", [docmaker.LICENSE])
    sub = ingest(a, settings)
    sf = sub.files[0]
    first = read_page(sub, sf, 1, settings)
    assert not first.cached
    b = tmp_path / "b"
    b.mkdir()
    (b / "renamed.pdf").write_bytes((a / "x.pdf").read_bytes())
    sub_b = ingest(b, settings)
    again = read_page(sub_b, sub_b.files[0], 1, settings)
    assert again.cached and again.page.text == first.page.text
    docmaker.text_pdf(b / "renamed.pdf", [docmaker.CREDIT])
    sub_c = ingest(b, settings)
    assert not read_page(sub_c, sub_c.files[0], 1, settings).cached


def test_a_failing_page_degrades_only_that_page(tmp_path, data_dir):
    settings = Settings(data_dir=data_dir / "timeout-test", ocr_timeout=0.001, cache=False)
    docmaker.page_image(docmaker.LICENSE).save(tmp_path / "scan.png")
    docmaker.text_pdf(tmp_path / "a.pdf", [docmaker.CREDIT])
    _, pages = _read_all(tmp_path, settings)
    assert pages[("scan.png", 1)].page.error  # OCR could not finish in time
    assert pages[("a.pdf", 1)].page.error is None


def test_a_timed_out_page_is_remembered_for_its_budget_only(tmp_path, data_dir):
    """A page that ran out of OCR time is cached as such (the next intake does not spend
    the whole budget on it again); a larger budget reads it again. Real OCR, a budget too
    small for any page."""
    from pipeline.pages import timed_out

    docmaker.page_image(docmaker.LICENSE).save(tmp_path / "scan.png")
    tight = Settings(data_dir=data_dir / "timeout-cache", ocr_timeout=0.001)
    sub = ingest(tmp_path, tight)
    first = read_page(sub, sub.files[0], 1, tight)
    assert timed_out(first) and not first.cached
    again = read_page(sub, sub.files[0], 1, tight)
    assert again.cached and timed_out(again)
    roomy = tight.model_copy(update={"ocr_timeout": 60.0})
    read_anew = read_page(sub, sub.files[0], 1, roomy)
    assert not read_anew.cached and read_anew.page.error is None and read_anew.page.lines


@pytest.mark.slow
def test_a_later_look_that_fails_leaves_the_page_its_reading(tmp_path, data_dir, monkeypatch):
    """A defect in one of the looks after Tesseract (here the seal-gap step, made to raise)
    costs that look only: the page keeps what was read before it, with no page error (an
    empty second reading once made the whole page of a street review unreadable)."""
    from pipeline import seal_gaps

    def broken(*_args, **_kw):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(seal_gaps, "reread_under_seals", broken)
    settings = Settings(data_dir=data_dir / "later-look-test", cache=False)
    docmaker.page_image(docmaker.LICENSE).save(tmp_path / "scan.png")
    _, pages = _read_all(tmp_path, settings)
    page = pages[("scan.png", 1)].page
    assert page.error is None and "统一社会信用代码" in page.text.replace(" ", "")


def test_an_empty_second_reading_is_sure_of_nothing():
    from pipeline.second_reader import Reading, sure_of_all

    assert not sure_of_all(Reading((), (), ()))
