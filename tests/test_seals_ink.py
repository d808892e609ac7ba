"""Red ink: the mask finds seal ink and not black/blue text; removing it gives the text
under a seal back to OCR."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw
from rapidfuzz.distance import Levenshtein

from fixtures.seal_art import _font, draw_seal, stamp_multiply
from pipeline.ink import red_mask, remove_red

COLOURS = {"red": (205, 30, 38), "pink": (232, 95, 125), "dark": (135, 18, 28)}


def _page(colour, *, cast=None, seed=0):
    rng = random.Random(seed)
    im = Image.new("RGB", (1400, 700), "white")
    d = ImageDraw.Draw(im)
    lines = ["申报单位：上海松江智算科技有限公司", "日期：2025年3月18日", "法定代表人签字："]
    for i, line in enumerate(lines):
        d.text((60, 120 + i * 150), line, fill=(15, 15, 15), font=_font(52))
    d.line((900, 470, 1250, 440), fill=(30, 40, 150), width=6)  # a blue signature stroke
    page = np.asarray(im).copy()
    text_mask = np.asarray(im.convert("L")) < 128
    seal = draw_seal("上海松江智算科技有限公司", diameter_px=480, colour=colour, ink=0.9, rng=rng)
    seal_mask = np.zeros(text_mask.shape, bool)
    a = np.asarray(seal)[..., 3] > 120
    seal_mask[60:60 + a.shape[0], 500:500 + a.shape[1]] = a[: 700 - 60, : 1400 - 500]
    stamp_multiply(page, seal, 500, 60)
    if cast is not None:
        page = np.clip(page.astype(np.float32) * np.array(cast), 0, 255).astype(np.uint8)
    return cv2.cvtColor(page, cv2.COLOR_RGB2BGR), lines, text_mask, seal_mask


@pytest.mark.parametrize("name", list(COLOURS))
@pytest.mark.parametrize("cast", [None, (1.0, 0.93, 0.78), (0.85, 0.92, 1.0)])
def test_red_mask_takes_seal_ink_and_leaves_text(name, cast):
    img, _, text_mask, seal_mask = _page(COLOURS[name], cast=cast)
    m = red_mask(img) > 0
    only_seal = seal_mask & ~cv2.dilate(text_mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    only_text = text_mask & ~cv2.dilate(seal_mask.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    assert m[only_seal].mean() > 0.9
    assert m[only_text].mean() < 0.01


def test_grey_page_has_no_red():
    img, *_ = _page(COLOURS["red"])
    grey = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    assert red_mask(grey).max() == 0
    assert np.array_equal(remove_red(grey), grey)


def test_remove_red_keeps_text_under_the_seal_dark():
    img, _, text_mask, seal_mask = _page(COLOURS["red"])
    out = cv2.cvtColor(remove_red(img), cv2.COLOR_BGR2GRAY)
    under = text_mask & seal_mask
    ink_only = seal_mask & ~cv2.dilate(text_mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert np.median(out[under]) < 100  # text stays text
    assert np.median(out[ink_only]) > 220  # seal ink becomes paper


@pytest.mark.slow
def test_red_suppression_improves_ocr_under_a_seal():
    from pipeline import ocr

    img, lines, *_ = _page(COLOURS["red"], seed=3)
    truth = "".join(lines).replace("：", ":")

    def acc(image):
        got = "".join(line.text for line in ocr.ocr_lines(image, lang="chi_sim", timeout=60, psm=6))
        return 1 - Levenshtein.normalized_distance(truth, got.replace(" ", "").replace("：", ":"))

    raw, clean = acc(img), acc(remove_red(img))
    assert clean > 0.9
    assert clean > raw + 0.1
