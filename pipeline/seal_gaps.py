"""Text that Tesseract dropped under a seal, read again at the height of its line.

The applicant's name is printed where the company stamps its seal (申报单位（盖章）：上海…
有限公司), and there Tesseract often keeps the start of the name, skips the characters the
ring crosses, and makes one tall word of junk of the rest and the ring (上海 … un, the
junk word 3.5 text heights tall). Cut at the blank it left, the line becomes two
stretches, and a crop of the junk stretch is as tall as the seal: the second reader
(pipeline.second_reader) reads ring there, not the name.

Here such a stretch, Tesseract lost under a seal right after words it was sure of (a
stretch of its own after a blank, or the run-on tail of theirs), is read together with
those words, cropped at the height of the line's own text rather than the junk's. The
reading is taken when it starts with the sure words (the crop is where it should be) and
the recogniser is sure of all of it; the sure words and the lost stretch give way to it,
a word per character.
"""

from __future__ import annotations

import numpy as np

from pipeline.date_lines import under_a_seal
from pipeline.models import Line, Seal
from pipeline.second_reader import (
    CONTEXT_WORDS, SURE, fold_char, is_lost, place_reading, line_stretches, sure_of_all, usual_height, recogniser, relined)

NORMAL = 1.3  # a word no taller than this many text heights is of the line's own text


def reread_under_seals(clean: np.ndarray, lines: list[Line], seals: list[Seal]) -> tuple[list[Line], int]:
    """The page's lines with the text under seals read again where Tesseract dropped it;
    and how many crops were read."""
    engine = recogniser()
    if engine is None or not lines or not seals:
        return lines, 0
    text_height = usual_height([w for line in lines for w in line.words])
    jobs: list[tuple[int, int, int, tuple[int, int, int, int]]] = []
    for li, line in enumerate(lines):
        for end, lo, hi in _after_sure_words(line):
            box = _box_of(line, end, lo, hi, text_height, seals, clean.shape)
            if box is not None:
                jobs.append((li, end - CONTEXT_WORDS, hi, box))
                break  # one a line: a second would overlap the first's crop
    if not jobs:
        return lines, 0
    readings = engine.read([clean[y0:y1, x0:x1] for *_, (x0, y0, x1, y1) in jobs])
    words_of = {li: list(line.words) for li, line in enumerate(lines)}
    for (li, a, b, box), reading in sorted(zip(jobs, readings), key=lambda jr: (jr[0][0], -jr[0][1])):
        context = words_of[li][a:a + CONTEXT_WORDS]
        sure = "".join(fold_char(w.text) for w in context)
        if not sure_of_all(reading) or not "".join(fold_char(c) for c in reading.chars).startswith(sure) \
                or len(reading.chars) <= len(sure):
            continue
        words_of[li][a:b] = place_reading(reading, 0, len(reading.chars), context, context, box[0])
    return relined(lines, words_of), len(jobs)


def _after_sure_words(line: Line) -> list[tuple[int, int, int]]:
    """Where a lost stretch may follow sure words, as (end of the sure words, start and end
    of the stretch): each stretch after the one before it (a wide blank between them), and
    the tail of a stretch after its last sure word (the junk run on with no blank, 上海格物
    then 起 :能 于 和 IR 8 where 人工智能科技有限公司 lies under the ring)."""
    stretches = line_stretches(line.words)
    out = [(end, lo, hi) for (_, end), (lo, hi) in zip(stretches, stretches[1:])]
    for lo, hi in stretches:
        last = max((k for k in range(lo, hi) if line.words[k].conf >= SURE), default=None)
        if last is not None and lo + CONTEXT_WORDS <= last + 1 < hi:
            out.append((last + 1, last + 1, hi))
    return sorted(out)


def _box_of(line: Line, end: int, lo: int, hi: int, text_height: float, seals: list[Seal],
            shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    """The crop of the sure words ending at ``end`` and the stretch lo..hi after them, at
    the line's text height; None unless that stretch is lost under a seal and those words
    are sure and of the line's text."""
    lost = line.words[lo:hi]
    context = line.words[end - CONTEXT_WORDS:end] if end >= CONTEXT_WORDS else []
    if not context or not is_lost(lost) or any(w.conf < SURE for w in context):
        return None
    x0, x1 = lost[0].bbox[0], lost[-1].bbox[2]
    if not under_a_seal((x0, lost[0].bbox[1], x1, lost[0].bbox[3]), seals):
        return None
    own = [w for w in line.words if w.conf >= SURE and w.bbox[3] - w.bbox[1] <= NORMAL * text_height]
    if not all(w in own for w in context):
        return None
    y0 = float(np.median([w.bbox[1] for w in own]))
    y1 = float(np.median([w.bbox[3] for w in own]))
    pad = (y1 - y0) * 0.3
    h, w = shape[:2]
    return (max(0, int(context[0].bbox[0] - pad)), max(0, int(y0 - pad * 0.6)),
            min(w, int(np.ceil(x1 + pad))), min(h, int(np.ceil(y1 + pad * 0.6))))
