"""Whole lines of text that Tesseract did not return, read by the line recogniser.

Tesseract can drop a line without a trace: a bold heading that starts with 一 (a thick
bar its layout analysis takes for a rule) gave no word at all, while the same crop
without the 一 read 项目建设背景. The later looks of pipeline.second_reader only re-read
what Tesseract returned, so such a line was lost to every extractor (a project report's
first section heading, on bench seeds 13 and 17).

Here the ink that no word of the page covers is grouped into bands of text height; each
band's runs of ink wide enough to be words are read by the line recogniser, and a
reading it is sure of (pipeline.second_reader's ``SURE`` on average, no character under
its floor, at least two Chinese characters) becomes a line of its own. Specks, ruling
remains and seal fragments read unsure or as nothing and are left out.

A line of one character is looked for too (``lone_glyphs``): 无 alone under a credit
report's 严重失信主体名单信息 was dropped, and the section read as having no status
(seed 199 case_002). Its band must hold that run of ink alone, away from every line
Tesseract returned, and the reading must be one Chinese character, read very surely.
"""

from __future__ import annotations

import re

import numpy as np

from pipeline.models import Line, Word
from pipeline.ocr import make_line
from pipeline.second_reader import place_reading, sure_of_all, usual_height, recogniser

INK = 128  # grey level under which a pixel of the cleaned page is ink
ROW_INK = 0.25  # a row of a band holds at least this many text heights of ink pixels
MIN_HEIGHT, MAX_HEIGHT = 0.6, 1.8  # a band's height, in text heights
MIN_WIDTH = 2.5  # text heights: narrower runs are specks or a stray glyph
RUN_GAP = 2.0  # text heights of blank that part two runs of one band
COVER = 0.15  # text heights around a word's box that count as the word's own ink
MAX_CROPS = 8  # per page: a page of noise must not cost seconds
# A line of one character (无 alone under a credit report's section heading, which
# Tesseract drops as it would a speck): a band of text height holding a single run of ink
# this many text heights wide and tall, read as one Chinese character, not a stroke, this
# surely. Such bands are read after the wider ones, within MAX_CROPS.
GLYPH_WIDTH = (0.6, 1.4)
GLYPH_HEIGHT = (0.7, 1.4)
GLYPH_SURE = 0.95
GLYPH_ROW_INK = 2  # ink pixels in a row of such a band
SPECK = 0.15  # text heights: a run of ink narrower than this beside the glyph is a speck
_STROKES = set("一二丨丶丿亅乛乙")
_CJK = re.compile(r"[\u3400-\u9fff]")


def read_lost_lines(clean: np.ndarray, lines: list[Line]) -> tuple[list[Line], int]:
    """The page's lines with those Tesseract lost added in reading order; and how many
    crops were read."""
    engine = recogniser()
    words = [w for line in lines for w in line.words]
    if engine is None or not words:
        return lines, 0
    tall = usual_height(words)
    ink = clean < INK
    clear_words(ink, words, tall)
    boxes = [b for b in ink_bands(ink, tall, clean.shape) if not _inside_a_line(b, lines)][:MAX_CROPS]
    glyphs = [b for b in lone_glyphs(ink, tall, clean.shape) if not _near_a_line(b, lines, tall)]
    glyphs = glyphs[:MAX_CROPS - len(boxes)]
    if not boxes and not glyphs:
        return lines, 0
    found = []
    readings = engine.read([clean[y0:y1, x0:x1] for x0, y0, x1, y1 in boxes + glyphs])
    for k, (box, reading) in enumerate(zip(boxes + glyphs, readings)):
        cjk = _CJK.findall("".join(reading.chars))
        if k < len(boxes):
            if not sure_of_all(reading) or len(cjk) < 2:
                continue
        elif not (len(reading.chars) == 1 and cjk and cjk[0] not in _STROKES and reading.probs[0] >= GLYPH_SURE):
            continue
        found.append(line_of(reading, 0, len(reading.chars), box))
    return with_lines(lines, found), len(boxes) + len(glyphs)


def lone_glyphs(ink: np.ndarray, tall: float, shape: tuple[int, ...]) -> list[tuple[int, int, int, int]]:
    """Page boxes of the bands of ``ink`` of a text line's height that hold one run of ink
    about one character wide and nothing else: a line of one character (无 under a credit
    report's heading), with a margin of a third of their height."""
    out = []
    # one character's rows hold few ink pixels (无's upright strokes: a few px a row), and a
    # band of it is parted by no more than a stroke's gap
    for top, bottom, runs in _bands(ink, ink.sum(axis=1) >= GLYPH_ROW_INK, row_gap=int(0.25 * tall),
                                    heights=(GLYPH_HEIGHT[0] * tall, GLYPH_HEIGHT[1] * tall),
                                    run_gap=int(0.3 * tall)):
        runs = [(a, b) for a, b in runs if b - a >= SPECK * tall]
        if len(runs) == 1 and GLYPH_WIDTH[0] * tall <= runs[0][1] - runs[0][0] <= GLYPH_WIDTH[1] * tall:
            out.append(_band_box(*runs[0], top, bottom, shape))
    return out


def _near_a_line(box: tuple[int, int, int, int], lines: list[Line], tall: float) -> bool:
    """The box shares rows with a line Tesseract returned, or lies within half a text
    height of one: a glyph beside a line is part of it, or a speck by it."""
    x0, y0, x1, y1 = box
    return any(y0 < ly1 + 0.5 * tall and y1 > ly0 - 0.5 * tall for _, ly0, _, ly1 in (ln.bbox for ln in lines))


def line_of(reading, j1: int, j2: int, box: tuple[int, int, int, int]) -> Line:
    """A line of its own made of characters j1..j2 of a reading of the crop ``box``, a word
    per character where the recogniser placed it (no first reading: Tesseract had none)."""
    ground = [Word(text="", bbox=tuple(float(v) for v in box), conf=0.0)]
    placed = place_reading(reading, j1, j2, ground, ground, box[0])
    return make_line([w.model_copy(update={"first_text": None, "first_conf": None}) for w in placed])


def with_lines(lines: list[Line], found: list[Line]) -> list[Line]:
    """The page's lines with ``found`` added in reading order (the same list when none)."""
    if not found:
        return lines
    return sorted([*lines, *found], key=lambda ln: (ln.bbox[1] + ln.bbox[3]) / 2)


def clear_words(ink: np.ndarray, words: list[Word], tall: float, origin: tuple[int, int] = (0, 0)) -> None:
    """Clear from ``ink`` (a mask of the page from ``origin``, x and y) the ink of the words,
    with COVER text heights round each."""
    pad, (ox, oy) = int(COVER * tall), origin
    for word in words:
        x0, y0, x1, y1 = (int(v) for v in word.bbox)
        x0, y0, x1, y1 = x0 - pad - ox, y0 - pad - oy, x1 + pad - ox, y1 + pad - oy
        if x1 > 0 and y1 > 0 and x0 < ink.shape[1] and y0 < ink.shape[0]:
            ink[max(0, y0):y1, max(0, x0):x1] = False


def ink_bands(ink: np.ndarray, tall: float, shape: tuple[int, ...],
              origin: tuple[int, int] = (0, 0)) -> list[tuple[int, int, int, int]]:
    """Page boxes of the bands of ``ink`` (a mask of the page of ``shape`` from ``origin``)
    of a text line's height, each cut into runs at least a few characters wide, with a
    margin of a third of their height."""
    return [_band_box(left, right, top, bottom, shape, origin)
            for top, bottom, runs in _bands(ink, ink.sum(axis=1) >= ROW_INK * tall, row_gap=int(0.15 * tall),
                                            heights=(MIN_HEIGHT * tall, MAX_HEIGHT * tall),
                                            run_gap=int(RUN_GAP * tall))
            for left, right in runs if right - left >= MIN_WIDTH * tall]


def _bands(ink: np.ndarray, rows: np.ndarray, *, row_gap: int, heights: tuple[float, float], run_gap: int):
    """(top, bottom, runs of inked columns) of each band of the ``rows`` that count as inked
    whose height lies within ``heights``."""
    for top, bottom in _runs(rows, gap=row_gap):
        if heights[0] <= bottom - top <= heights[1]:
            yield top, bottom, _runs(ink[top:bottom].any(axis=0), gap=run_gap)


def _band_box(left: int, right: int, top: int, bottom: int, shape: tuple[int, ...],
              origin: tuple[int, int] = (0, 0)) -> tuple[int, int, int, int]:
    """The page box of a run of a band, with a margin of a third of the band's height."""
    h, w = shape[:2]
    ox, oy = origin
    margin = int(0.3 * (bottom - top))
    return (max(0, ox + left - margin), max(0, oy + top - margin),
            min(w, ox + right + margin), min(h, oy + bottom + margin))


def _inside_a_line(box: tuple[int, int, int, int], lines: list[Line]) -> bool:
    """The box lies in a line Tesseract returned, between its words (a stretch it dropped
    from the line, which pipeline.second_reader and pipeline.seal_gaps look at)."""
    x0, y0, x1, y1 = box
    for line in lines:
        lx0, ly0, lx1, ly1 = line.bbox
        if min(y1, ly1) - max(y0, ly0) >= 0.5 * (y1 - y0) and x0 < lx1 and x1 > lx0:
            return True
    return False


def _runs(flags: np.ndarray, *, gap: int) -> list[tuple[int, int]]:
    """Half-open runs of True, joined across gaps of at most ``gap`` False."""
    idx = np.flatnonzero(flags)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > gap + 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]])) + 1
    return list(zip(starts.tolist(), ends.tolist()))
