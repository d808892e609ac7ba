"""Text Tesseract dropped under a seal (pipeline.seal_gaps), read again with the real
recogniser on a rendered line."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import seal_gaps, second_reader
from pipeline.models import Line, Seal, Word
from pipeline.ocr import make_line

TEXT = "申报单位（盖章）：上海泽岳人工智能科技有限公司"
KEPT = 11  # Tesseract kept 申报单位（盖章）：上海 and dropped the rest of the name
FONT = 44
X0, Y0 = 60, 150


@pytest.fixture(scope="module")
def page():
    from PIL import Image, ImageDraw, ImageFont

    from tests.docmaker import SERIF

    font = ImageFont.truetype(SERIF, FONT)
    im = Image.new("L", (1400, 400), 255)
    draw = ImageDraw.Draw(im)
    draw.text((X0, Y0), TEXT, font=font, fill=0)
    xs = [X0 + draw.textlength(TEXT[:k], font=font) for k in range(len(TEXT) + 1)]
    return np.asarray(im), xs


def _line(xs: list[float], *, conf: float = 0.96) -> Line:
    """Tesseract's reading: a word per character up to 上海 (a blank where the ring crossed
    泽岳人工智), then one tall word of junk over the rest of the name and the ring."""
    words = [Word(text=TEXT[k], bbox=(xs[k], Y0 + 4, xs[k + 1], Y0 + 50), conf=conf) for k in range(KEPT)]
    junk = Word(text="un", bbox=(xs[KEPT + 6], Y0 - 60, xs[len(TEXT)] + 30, Y0 + 110), conf=0.0)
    return make_line([*words, junk])


SEAL = Seal(page=1, bbox=(500, 20, 1000, 380), colour="grey")


@pytest.mark.slow
def test_the_name_under_a_seal_is_read_at_the_height_of_its_line(page):
    image, xs = page
    lines = [_line(xs)]
    out, crops = seal_gaps.reread_under_seals(image, lines, [SEAL])
    assert crops == 1
    assert out[0].text == TEXT
    assert all(w.bbox[3] - w.bbox[1] < 80 for w in out[0].words)  # boxed at the text's height


@pytest.mark.slow
def test_nothing_is_read_without_a_seal_or_sure_words_before_the_gap(page):
    image, xs = page
    lines = [_line(xs)]
    assert seal_gaps.reread_under_seals(image, lines, []) == (lines, 0)
    far = Seal(page=1, bbox=(1300, 300, 1400, 400), colour="grey")
    assert seal_gaps.reread_under_seals(image, lines, [far])[0] == lines
    unsure = [_line(xs, conf=0.6)]
    assert seal_gaps.reread_under_seals(image, unsure, [SEAL])[0] == unsure


def _run_on(xs: list[float]) -> Line:
    """As ``_line``, but the junk runs on from 上海 with no blank between (上海格物 起 :能 于
    和 IR 8 on a project report): tall words Tesseract was unsure of, in the same stretch."""
    words = [Word(text=TEXT[k], bbox=(xs[k], Y0 + 4, xs[k + 1], Y0 + 50), conf=0.97) for k in range(KEPT)]
    junk = [Word(text=t, bbox=(xs[KEPT + 2 * i], Y0 - 40, xs[KEPT + 2 * i + 2], Y0 + 90), conf=c)
            for i, (t, c) in enumerate([("起", 0.37), (":能", 0.38), ("于", 0.16), ("和", 0.0), ("IR", 0.0)])]
    return make_line([*words, *junk])


@pytest.mark.slow
def test_junk_run_on_from_sure_words_under_a_seal_is_read_at_the_height_of_its_line(page):
    image, xs = page
    line = _run_on(xs)
    assert len(second_reader.line_stretches(line.words)) == 1  # no blank to cut at
    out, crops = seal_gaps.reread_under_seals(image, [line], [SEAL])
    assert crops == 1 and out[0].text == TEXT[:KEPT + 10]
    # sure words that end the line leave nothing to read
    sure = make_line(line.words[:KEPT])
    assert seal_gaps.reread_under_seals(image, [sure], [SEAL]) == ([sure], 0)
