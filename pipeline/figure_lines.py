"""A figure under a seal, read from the scan as well as from the cleaned page.

The cleaned page (pipeline.preprocess) fades a seal's ink, and where the ring crosses a
digit it takes that digit's strokes with it: seed 73's 27,248,590.20 under a grey seal was
read from the cleaned page as 27.218.590.20 (the 4 lost its crossbar, left a 1 read at
1.00) and trusted at 0.60. The scan keeps every stroke, the seal's too, so neither view
can be believed over the other; but where the two are each sure of a different digit at
the same place, the figure is not known, and saying so (LOW_OCR_CONFIDENCE, a reviewer
looks) is worth more than a wrong amount trusted.

Only figures (a word of digits grouped by commas or points, with at least FIGURE_DIGITS
digits) that overlap a detected seal are looked at: two crops each, a handful a page.
"""

from __future__ import annotations

import logging

import numpy as np

from pipeline.date_lines import under_a_seal
from pipeline.models import Line, Seal, Word
from pipeline.second_reader import (CONTESTED, SURE, Reading, char_near, is_figure, recogniser, relined,
                                    usual_height)

log = logging.getLogger(__name__)

MARGIN = 0.25  # text heights of page added round a figure's box before it is cropped
SAME_PLACE = 0.35  # text heights: two characters this close in the two views are one
def recheck_figures(clean: np.ndarray, scanned: np.ndarray, lines: list[Line],
                    seals: list[Seal]) -> tuple[list[Line], int]:
    """The page's lines with each figure under a seal that the two views read differently
    made doubtful (its confidence at most CONTESTED); and how many crops were read."""
    engine = recogniser()
    if engine is None or not seals or not lines:
        return lines, 0
    height = usual_height([w for line in lines for w in line.words])
    pad = int(MARGIN * height)
    jobs: list[tuple[int, int, tuple[int, int, int, int]]] = []
    for li, line in enumerate(lines):
        for wi, word in enumerate(line.words):
            if word.conf <= CONTESTED or not is_figure(word.text) or not under_a_seal(word.bbox, seals):
                continue
            x0, y0, x1, y1 = (int(v) for v in word.bbox)
            box = (max(0, x0 - pad), max(0, y0 - pad), min(clean.shape[1], x1 + pad), min(clean.shape[0], y1 + pad))
            if box[2] - box[0] >= 8 and box[3] - box[1] >= 8:
                jobs.append((li, wi, box))
    if not jobs:
        return lines, 0
    crops = []
    for _, _, (x0, y0, x1, y1) in jobs:
        crops += [clean[y0:y1, x0:x1], scanned[y0:y1, x0:x1]]
    readings = engine.read(crops)
    words_of: dict[int, list[Word]] = {}
    for k, (li, wi, box) in enumerate(jobs):
        from_clean, from_scan = readings[2 * k], readings[2 * k + 1]
        clash = digits_clash(from_clean, from_scan, SAME_PLACE * height)
        if clash is None:
            continue
        word = lines[li].words[wi]
        log.debug("figure %r at %s: the cleaned page reads %s, the scan %s", word.text, box,
                  "".join(from_clean.chars), "".join(from_scan.chars))
        words = words_of.setdefault(li, list(lines[li].words))
        words[wi] = word.model_copy(update={
            "conf": min(word.conf, CONTESTED),
            "first_text": word.first_text if word.first_text is not None else word.text,
            "first_conf": word.first_conf if word.first_conf is not None else word.conf})
    if not words_of:
        return lines, len(crops)
    return relined(lines, {li: words_of.get(li, list(line.words)) for li, line in enumerate(lines)}), len(crops)


def digits_clash(a: Reading, b: Reading, near: float) -> tuple[str, str] | None:
    """The first pair of digits the two readings of one crop are each SURE of, at the same
    place (centres within ``near`` pixels), that differ; None when there is none."""
    for ch, p, x in zip(a.chars, a.probs, a.xs):
        if not ch.isdigit() or p < SURE:
            continue
        there = char_near(b, x)
        if there is None:
            continue
        dx, other, q = there
        if dx <= near and other.isdigit() and q >= SURE and other != ch:
            return ch, other
    return None
