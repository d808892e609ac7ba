"""A date under a seal that Tesseract returned no line for (pipeline.seal_dates): the level
of print against the seal's ink, when a view's date is taken, and real pixels."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import ImageDraw

from pipeline import ocr, seal_dates
from pipeline.models import Seal
from pipeline.second_reader import Reading

DATE = "2026年4月21日"


def _reading(text: str, probs: float | list[float]) -> Reading:
    probs = probs if isinstance(probs, list) else [probs] * len(text)
    return Reading(tuple(text), tuple(probs), tuple(10.0 + 30 * i for i in range(len(text))))


def _chosen(taken) -> str:
    reading, j1, j2 = taken
    return "".join(reading.chars[j1:j2])


def test_a_date_read_surely_or_alike_twice_is_taken():
    # seed 71: the ring crossed the 日 (月 at 0.54 from the cleaned page, 日 at 0.80 from the
    # scan); the mark after the day only ends it, and of two as sure the one surer of it leads
    clean = _reading("2026年4月21月", [1.0] * 9 + [0.54])
    scan = _reading(DATE, [1.0] * 9 + [0.80])
    assert _chosen(seal_dates.agreed_date([clean, scan])) == DATE
    # two views of one date, each fairly sure
    assert _chosen(seal_dates.agreed_date([_reading(DATE, 0.7), _reading(DATE, 0.65)])) == DATE


def test_a_date_the_other_view_confirms_but_for_one_character_is_taken():
    """Seed 71's recommendation letter: the cleaned page read the whole date, 十 at 0.57; the
    scan read all of it but the first 二 (cut at the crop's edge), 十 at 0.99."""
    text = "二〇二六年九月二十三日"
    clean = _reading(text, [0.79, 0.96, 1.0, 1.0, 1.0, 1.0, 1.0, 0.96, 0.57, 1.0, 1.0])
    scan = Reading(tuple(text[1:]), (0.93,) + (1.0,) * 9, clean.xs[1:])
    assert _chosen(seal_dates.agreed_date([clean, scan], near=10)) == text
    # two characters the scan does not confirm: not enough
    scan = Reading(tuple(text[2:]), (1.0,) * 9, clean.xs[2:])
    assert seal_dates.agreed_date([clean, scan], near=10) is None
    # the scan reading another character at the doubtful place confirms nothing
    other = Reading(tuple(text[1:8] + "廿" + text[9:]), (1.0,) * 10, clean.xs[1:])
    assert seal_dates.agreed_date([clean, other], near=10) is None


def test_a_date_read_unsurely_or_two_dates_give_nothing():
    assert seal_dates.agreed_date([_reading(DATE, 0.7), _reading("", [])]) is None
    assert seal_dates.agreed_date([_reading(DATE, 0.95), _reading("2026年4月27日", 0.8)]) is None
    assert seal_dates.agreed_date([_reading(DATE, [1.0] * 4 + [0.5] + [1.0] * 5),
                                   _reading("(盖章)", 1.0)]) is None
    assert seal_dates.agreed_date([_reading("上海市松江区洞泾镇人民政府", 1.0)] * 2) is None


def _sealed_form(with_date: bool, ring_grey: int = 110) -> tuple[np.ndarray, Seal]:
    from tests.docmaker import page_image

    image = page_image(["初审意见表", "经审核，同意该项目申报。", "初审意见", "（盖章）",
                        DATE if with_date else ""], size=(1600, 1000), font_size=44)
    draw = ImageDraw.Draw(image)
    box = (180, 380, 620, 820)  # a grey ring over the lines of 初审意见 to the date
    draw.ellipse(box, outline=(ring_grey,) * 3, width=14)
    return np.asarray(image.convert("L")).copy(), Seal(page=1, bbox=box, colour="grey")


def test_print_is_told_from_the_seals_ink_by_its_level():
    page, seal = _sealed_form(True, ring_grey=110)
    level = seal_dates.print_level(page, seal)
    assert 60 <= level < 110  # darker than the ring, lighter than the black of print
    # a ring cleaning left white (a red seal's): the level stays that of ink
    blank = np.full_like(page, 255)
    assert seal_dates.print_level(blank, seal) == seal_dates.DARK


@pytest.mark.slow
def test_a_date_tesseract_returned_nothing_of_is_read_under_the_seal(engine):
    """The form's lines as Tesseract read them without the date (the page read without it):
    the date's band is found, read, and becomes a line; a page whose lines hold the date
    already, or with no seal, is left as it is."""
    page, seal = _sealed_form(True)
    without, _ = _sealed_form(False)
    lines = ocr.ocr_lines(without, lang="chi_sim", timeout=60, psm=6)
    assert not any("2026" in line.text for line in lines)

    found, crops = seal_dates.read_seal_dates(page, page, lines, [seal])
    assert crops >= 2
    added = [line for line in found if line not in lines]
    assert [line.text.replace(" ", "") for line in added] == [DATE]
    assert added[0].bbox[1] > max(line.bbox[1] for line in lines if "盖章" in line.text.replace(" ", ""))

    read = ocr.ocr_lines(page, lang="chi_sim", timeout=60, psm=6)
    if any("2026年4月21日" in line.text.replace(" ", "") for line in read):
        assert seal_dates.read_seal_dates(page, page, read, [seal])[0] == read
    assert seal_dates.read_seal_dates(page, page, lines, []) == (lines, 0)


def test_the_scan_read_taller_confirms_what_cleaning_faded():
    """Seed 101, case_014: a letter dated 二〇二六年九月十二日 under a grey ring. Cleaning took
    the thin strokes of 二 and 十 (六年九月：日); the scan read the date with 二 at 0.62 and
    十 at 0.71; the scan a little taller read it alike (0.80, 0.66). Each confirms the
    other: the date is taken. The same scan reading alone is not."""
    text = "二〇二六年九月十二日"
    xs = tuple(10.0 + 30 * i for i in range(len(text)))
    clean = Reading(tuple("六年九月：日"), (0.99, 1.0, 0.98, 0.97, 0.57, 0.46), (xs[3], xs[4], xs[5], xs[6], xs[7], xs[9]))
    scan = Reading(tuple(text), (1.0, 0.99, 0.62, 1.0, 1.0, 1.0, 1.0, 0.71, 1.0, 0.97), xs)
    taller = Reading(tuple(text), (1.0, 0.88, 0.80, 1.0, 1.0, 1.0, 1.0, 0.66, 1.0, 0.97), xs)
    assert _chosen(seal_dates.agreed_date([clean, scan, taller], near=10)) == text
    assert seal_dates.agreed_date([clean, scan], near=10) is None
    # a taller crop reading another day is no confirmation
    other = Reading(tuple("二〇二六年九月十三日"), taller.probs, xs)
    assert seal_dates.agreed_date([clean, scan, other], near=10) is None


def test_the_views_of_a_box_share_its_columns():
    clean = np.zeros((100, 200), np.uint8)
    scanned = np.full((100, 200), 255, np.uint8)
    views = seal_dates._views(clean, scanned, (20, 40, 120, 64))
    assert [v.shape for v in views] == [(24, 100), (24, 100), (32, 100)]
    assert views[0].max() == 0 and views[2].min() == 255
