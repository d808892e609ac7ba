"""Reading all seals of a page in one Tesseract call: the hOCR parsing, the stacking of
strips and the split back, the ring strip clean-up, and the call count (real Tesseract)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from rapidfuzz import fuzz

from extractors.seals import assign_owner, detect_seals, read_seals
from extractors.seals import read as seal_read
from fixtures.seal_art import _font, synthetic_page
from pipeline import ocr

HOCR = """<?xml version="1.0" encoding="UTF-8"?>
<html><body><div class='ocr_page' title='bbox 0 0 300 200'>
 <span class='ocr_line' id='line_1_1' title="bbox 10 10 200 60">
  <span class='ocrx_word' id='word_1_1' title='bbox 10 10 90 60; x_wconf 80'>
   <span class='ocrx_cinfo' title='x_bboxes 10 10 50 60; x_conf 91.5'>上</span>
    <span class='ocrx_cinfo' id='lstm_choices_1_1_1'>
     <span class='ocrx_cinfo' id='choice_1_1_1' title='x_confs 70'>上</span>
     <span class='ocrx_cinfo' id='choice_1_1_2' title='x_confs 20'>土</span>
    </span>
   <span class='ocrx_cinfo' title='x_bboxes 50 10 90 60; x_conf 60'>窟</span>
    <span class='ocrx_cinfo' id='lstm_choices_1_1_2'>
     <span class='ocrx_cinfo' id='choice_1_1_3' title='x_confs 40'>窟</span>
     <span class='ocrx_cinfo' id='choice_1_1_4' title='x_confs 30'>穹</span>
    </span>
  </span>
 </span>
 <span class='ocr_line' id='line_1_2' title="bbox 10 100 200 150">
  <span class='ocrx_word' id='word_1_2' title='bbox 10 100 50 150; x_wconf 70'>
   <span class='ocrx_cinfo' title='x_bboxes 10 100 50 150; x_conf 70'>司</span>
  </span>
 </span>
</div></body></html>"""

NAMES = {"applicant": "上海辰星人工智能有限公司", "authority": "上海市松江区市场监督管理局",
         "other": "杭州远帆网络科技有限公司"}


def test_hocr_characters_boxes_and_alternatives():
    lines = ocr.parse_hocr_glyphs(HOCR)
    assert [[g.text for g in line] for line in lines] == [["上", "窟"], ["司"]]
    first, second = lines[0]
    assert first.bbox == (10, 10, 50, 60) and first.conf == pytest.approx(0.915)
    assert second.choices == ("窟", "穹")
    assert lines[1][0].choices == ()


def test_lattice_reading_round_trips_alternatives():
    lines = ocr.parse_hocr_glyphs(HOCR)
    lat = seal_read.lattice(lines[0])
    assert lat == seal_read.LATTICE_MARK + "上土|窟穹"


def _text_strip(text: str) -> np.ndarray:
    im = Image.new("L", (60 * len(text) + 60, 80), 255)
    ImageDraw.Draw(im).text((30, 10), text, fill=0, font=_font(52))
    return np.asarray(im)


@pytest.mark.slow
def test_stacked_images_get_their_own_lines_back():
    """Tesseract's way (no line recogniser installed): the strips stacked into one image
    and read in one call, each line given back to its strip."""
    texts = ["上海市场监督管理局", "中国注册会计师", "信息技术有限公司"]
    reads = seal_read.read_stacked_tesseract([_text_strip(t) for t in texts], lang="chi_sim", timeout=30)
    assert len(reads) == 3
    for text, read in zip(texts, reads):
        assert read is not None and fuzz.ratio(text, read.text) > 80, (text, read)
        assert read.lattice.startswith(seal_read.LATTICE_MARK)


@pytest.mark.slow
def test_line_recogniser_reads_strips_with_alternatives():
    texts = ["上海市场监督管理局", "中国注册会计师", "上海青穹信息技术有限公司"]
    reads = seal_read.read_stacked([_text_strip(t) for t in texts], lang="chi_sim", timeout=30)
    for text, read in zip(texts, reads):
        assert read is not None and read.text == text, (text, read)
        cells = read.lattice[len(seal_read.LATTICE_MARK):].split("|")
        assert [c[0] for c in cells] == list(text)  # each cell leads with the character read


@pytest.mark.slow
def test_all_seals_of_a_page_cost_one_recogniser_batch(monkeypatch, policy):
    """Two touching seals, four strips each: one call to the line recogniser (a spy counts
    the calls to the real one), none to Tesseract, and each seal gets its own owner."""
    from pipeline import second_reader

    engine = second_reader.recogniser()
    calls = []
    real = engine.read

    def counting(crops):
        calls.append(len(crops))
        return real(crops)

    monkeypatch.setattr(engine, "read", counting)
    monkeypatch.setattr(ocr, "ocr_glyphs", lambda *a, **k: pytest.fail("rings go to the line recogniser"))
    img, truth = synthetic_page("touching", seed=0, names=NAMES)
    seals = detect_seals(img, page=1)
    assert len(seals) == 2
    out = read_seals(img, seals, timeout=60)
    assert calls == [8]
    assert all(s.text for s in out)
    for seal in out:
        seal = assign_owner(seal, applicant_name=NAMES["applicant"], third_parties=[], policy=policy)
        t = max(truth, key=lambda t: _overlap(seal.bbox, t["bbox"]))
        assert seal.owner == t["owner"] or (t["owner"] == "other" and seal.owner == "unknown"), seal


@pytest.mark.slow
def test_without_the_line_recogniser_all_seals_cost_one_tesseract_call(monkeypatch, policy):
    """The fallback when the PP-OCR model is not installed: every strip of the page in one
    Tesseract process."""
    from pipeline import second_reader

    calls = []
    real = ocr.ocr_glyphs

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(second_reader, "recogniser", lambda: None)
    monkeypatch.setattr(ocr, "ocr_glyphs", counting)
    img, truth = synthetic_page("touching", seed=0, names=NAMES)
    out = read_seals(img, detect_seals(img, page=1), timeout=60)
    assert len(calls) == 1
    assert all(s.text for s in out)


def test_a_box_of_two_lines_is_cut_into_its_lines():
    """A CPA's stamp holds 中国注册会计师 over the accountant's name: the line recogniser
    reads one line at a time, so the box is cut at the white rows between them."""
    box = np.full((180, 400), 255, np.uint8)
    box[30:75, 40:360] = 0  # the first line's ink
    box[110:150, 120:260] = 0  # the second, shorter
    box[0:2, :] = 0  # a rule along the top edge is no line
    rows = seal_read._text_rows(box)
    assert len(rows) == 2
    assert all((r < 128).any() for r in rows)
    one = np.full((80, 400), 255, np.uint8)
    one[20:60, 40:360] = 0
    assert len(seal_read._text_rows(one)) == 1


def _overlap(a, b):
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def test_runs_join_across_the_strip_start():
    """The ring is circular: a name that crosses column 0 is one run, not two."""
    density = np.zeros(100)
    density[85:100] = 1
    density[0:20] = 1
    density[40:45] = 1
    runs = seal_read._runs(density, 0.5, min_gap=6)
    longest = max(runs, key=lambda r: r[1])
    assert longest == (85, 35)


def test_number_on_the_lower_arc_is_not_part_of_the_name_strip():
    """A registration number along the bottom of the ring is small and against the ring:
    it is whited out of every strip, so OCR does not glue digits to the name."""
    strip = np.full((64, 600), 255, np.uint8)
    for x in range(100, 400, 50):  # name characters: ink over the whole band height
        strip[8:56, x:x + 36] = 0
        strip[12:52, x + 6:x + 30] = 255
    for x in range(450, 590, 14):  # digits: small, in the top rows only
        strip[4:22, x:x + 8] = 0
    ts = np.linspace(0, 2 * np.pi, 600, endpoint=False)
    strips = seal_read._candidates(strip, ts, 48)
    for s in strips.values():
        top_only = ((s[:24] < 128).any(axis=0)) & ~((s[24:] < 128).any(axis=0))
        assert top_only.sum() < 10  # the digits' columns are gone (a character's edge may stay)
    name = strips["name"]
    cols = np.nonzero((name < 128).any(axis=0))[0]
    assert 280 <= cols.max() - cols.min() < 320  # the name's width, not name + number


@pytest.mark.slow
@pytest.mark.parametrize(("name", "seed"), [("林秀英", 1), ("何子涵", 2)])
def test_cpa_seal_on_a_grey_copy_with_the_signature_over_it(name, seed, policy):
    """A rectangular CPA seal on a black-and-white copy, the CPA's signature written across
    it in black: the frame and the (darker) signature are taken out before reading, so the
    seal reads as a CPA's (a third party), not as junk."""
    from fixtures.render import _square_stamp
    from fixtures.seal_art import stamp_multiply

    page = Image.new("RGB", (1400, 900), "white")
    ImageDraw.Draw(page).text((60, 300), "注册会计师：", fill=(20, 20, 20), font=_font(60))
    arr = np.asarray(page).copy()
    stamp_multiply(arr, _square_stamp(f"中国注册会计师\n{name}", 420, 190, (200, 30, 40), 0.9, seed, 2.0), 420, 230)
    signed = Image.fromarray(arr)
    ImageDraw.Draw(signed).text((520, 290), name, fill=(10, 10, 10), font=_font(64))
    grey = np.asarray(signed.convert("L"))
    img = np.repeat(grey[:, :, None], 3, axis=2)
    seals = [s for s in read_seals(img, detect_seals(img, page=1)) if s.shape == "square"]
    assert len(seals) == 1 and seals[0].colour == "grey"
    assert any("注册会计师" in r for r in seals[0].readings), seals[0].readings
    s = assign_owner(seals[0], applicant_name=NAMES["applicant"], third_parties=[], policy=policy)
    assert s.owner == "other"
