"""Whole lines Tesseract did not return (pipeline.lost_lines), read with the real recogniser
on a rendered page: a bold section heading between two lines of body text."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import lost_lines, ocr

HEADING = "一、项目建设背景"
BODY = ["当前，人工智能正加速由技术突破走向规模应用。", "本项目主要建设内容包括智能算力平台。"]


@pytest.fixture(scope="module")
def page():
    from PIL import Image, ImageDraw, ImageFont

    from tests.docmaker import SERIF

    bold = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 52)
    body = ImageFont.truetype(SERIF, 44)
    im = Image.new("L", (2000, 700), 255)
    draw = ImageDraw.Draw(im)
    draw.text((120, 80), BODY[0], font=body, fill=0)
    draw.text((120, 260), HEADING, font=bold, fill=0)
    draw.text((120, 440), BODY[1], font=body, fill=0)
    image = np.asarray(im)
    return image, ocr.ocr_lines(image, lang="chi_sim", timeout=60)


@pytest.mark.slow
def test_a_line_tesseract_did_not_return_is_read(page):
    image, lines = page
    body_only = [ln for ln in lines if "背景" not in ln.text.replace(" ", "")]
    assert len(body_only) == 2  # the body lines were read; the heading is the one lost
    out, crops = lost_lines.read_lost_lines(image, body_only)
    assert crops >= 1
    assert [ln.text.replace(" ", "") for ln in out][1] == HEADING
    heading = out[1]
    assert 240 < heading.bbox[1] < heading.bbox[3] < 350  # boxed where it is printed
    assert out[0] is body_only[0] and out[2] is body_only[1]


@pytest.mark.slow
def test_nothing_is_added_when_no_line_was_lost(page):
    image, lines = page
    if not any("背景" in ln.text for ln in lines):
        lines = lost_lines.read_lost_lines(image, lines)[0]
    out, _ = lost_lines.read_lost_lines(image, lines)
    assert [ln.text for ln in out] == [ln.text for ln in lines]


def test_runs_joined_across_small_gaps():
    flags = np.array([0, 1, 1, 0, 1, 0, 0, 0, 1, 1], bool)
    assert lost_lines._runs(flags, gap=1) == [(1, 5), (8, 10)]
    assert lost_lines._runs(np.zeros(4, bool), gap=1) == []
