"""OCR clean-up (pipeline.preprocess): grey seal ink over text, on synthetic pages."""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.models import Seal
from pipeline.preprocess import clean_for_ocr, fade_grey_seals


def _page_with_grey_seal():
    page = np.full((600, 600, 3), 235, np.uint8)  # greyish paper of a greyscale scan
    cv2.circle(page, (300, 300), 150, (140, 140, 140), 12)  # the seal's ring in mid-grey
    cv2.putText(page, "2026", (170, 330), cv2.FONT_HERSHEY_SIMPLEX, 3, (30, 30, 30), 8)  # text over it
    return page


def test_grey_seal_ink_faded_text_kept():
    page = _page_with_grey_seal()
    seal = Seal(page=1, bbox=(150, 150, 450, 450), colour="grey")
    out = fade_grey_seals(page, [seal])
    gray = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    assert gray[300, 150 - 0] > 200 and gray[150, 300] > 200  # ring points: paper now
    assert (gray < 80).sum() >= 0.9 * (cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) < 80).sum()  # the text stays
    assert clean_for_ocr(page, [seal]).shape[:2] == page.shape[:2]


def test_red_seals_and_single_ink_boxes_untouched():
    page = _page_with_grey_seal()
    assert fade_grey_seals(page, [Seal(page=1, bbox=(150, 150, 450, 450), colour="red")]) is page
    ring_only = np.full((600, 600, 3), 235, np.uint8)
    cv2.circle(ring_only, (300, 300), 150, (140, 140, 140), 12)
    out = fade_grey_seals(ring_only, [Seal(page=1, bbox=(150, 150, 450, 450), colour="grey")])
    # one kind of ink only: Otsu splits the ring's own shades, the separation test refuses
    assert (cv2.cvtColor(out, cv2.COLOR_BGR2GRAY) < 200).sum() > 0.5 * (cv2.cvtColor(ring_only, cv2.COLOR_BGR2GRAY) < 200).sum()


def test_clean_page_is_the_grey_of_the_colour_clean_up():
    """clean_for_ocr greys once after the seal ink is gone; the pixels Tesseract gets are
    those of cleaning the colour page and greying it last (what it did before)."""
    from pipeline.preprocess import erase_ruling, remove_seal_ink

    page = _page_with_grey_seal()
    cv2.circle(page, (120, 480), 60, (40, 40, 220), 6)  # a red seal as well
    cv2.line(page, (20, 560), (580, 560), (0, 0, 0), 2)  # table ruling
    seals = [Seal(page=1, bbox=(150, 150, 450, 450), colour="grey"),
             Seal(page=1, bbox=(60, 420, 180, 540), colour="red")]
    colour_way = erase_ruling(fade_grey_seals(remove_seal_ink(page, seals), seals))
    got = clean_for_ocr(page, seals)
    assert got.ndim == 2
    assert np.array_equal(got, cv2.cvtColor(colour_way, cv2.COLOR_BGR2GRAY))
