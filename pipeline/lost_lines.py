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
_CJK = re.compile(r"[\u3400-\u9fff]")


def read_lost_lines(clean: np.ndarray, lines: list[Line]) -> tuple[list[Line], int]:
    """The page's lines with those Tesseract lost added in reading order; and how many
    crops were read."""
    engine = recogniser()
    words = [w for line in lines for w in line.words]
    if engine is None or not words:
        return lines, 0
    tall = usual_height(words)
    boxes = [b for b in _uncovered_runs(clean, words, tall) if not _inside_a_line(b, lines)][:MAX_CROPS]
    if not boxes:
        return lines, 0
    found = []
    for box, reading in zip(boxes, engine.read([clean[y0:y1, x0:x1] for x0, y0, x1, y1 in boxes])):
        if not sure_of_all(reading) or len(_CJK.findall("".join(reading.chars))) < 2:
            continue
        found.append(line_of(reading, 0, len(reading.chars), box))
    return with_lines(lines, found), len(boxes)


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


def _uncovered_runs(clean: np.ndarray, words: list[Word], tall: float) -> list[tuple[int, int, int, int]]:
    """Boxes of ink no word covers, each a band of text height and a run of it as wide as
    a few characters, from the top of the page down."""
    ink = clean < INK
    clear_words(ink, words, tall)
    return ink_bands(ink, tall, clean.shape)


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
    h, w = shape[:2]
    ox, oy = origin
    out = []
    for top, bottom in _runs(ink.sum(axis=1) >= ROW_INK * tall, gap=int(0.15 * tall)):
        if not MIN_HEIGHT * tall <= bottom - top <= MAX_HEIGHT * tall:
            continue
        for left, right in _runs(ink[top:bottom].any(axis=0), gap=int(RUN_GAP * tall)):
            if right - left >= MIN_WIDTH * tall:
                margin = int(0.3 * (bottom - top))
                out.append((max(0, ox + left - margin), max(0, oy + top - margin),
                            min(w, ox + right + margin), min(h, oy + bottom + margin)))
    return out


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
