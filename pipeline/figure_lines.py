"""A figure under a seal, read from the scan as well as from the cleaned page.

The cleaned page (pipeline.preprocess) fades a seal's ink, and where the ring crosses a
digit it takes that digit's strokes with it: seed 73's 27,248,590.20 under a grey seal was
read from the cleaned page as 27.218.590.20 (the 4 lost its crossbar, left a 1 read at
1.00) and trusted at 0.60. The scan keeps every stroke, the seal's too, so neither view
can be believed over the other; but where the two are each sure of a different digit at
the same place, the figure is not known, and saying so (LOW_OCR_CONFIDENCE, a reviewer
looks) is worth more than a wrong amount trusted.

Where the two views do not clash, the scan can give the figure the cleaned page lost. On
a greyscale scan the seal's ink is as grey as the thin strokes of the digits, and fading
it fades them (seed 89 case_014: 13,775,512.96 under the applicant's grey seal, read
13,7735.512.00 at 0.35 from the cleaned page and left unread). A figure Tesseract is not
sure of takes the scan's reading when that reading is a whole figure (groups of three, two
decimals, whatever small marks the separators were read as), the recogniser is SCAN_SURE
of each of its digits, and the cleaned view is nowhere surer of a different digit.

Only figures (a word of digits grouped by commas or points, with at least FIGURE_DIGITS
digits) that overlap a detected seal are looked at: two crops each, a handful a page.
"""

from __future__ import annotations

import logging
import re

import numpy as np

from pipeline.date_lines import under_a_seal
from pipeline.models import Line, Seal, Word
from pipeline.second_reader import (CONTESTED, FIGURE_DIGITS, FIGURE_DOUBT, SEPARATORS, SURE, Reading, char_near,
                                    is_figure, recogniser, relined, usual_height)

log = logging.getLogger(__name__)

MARGIN = 0.25  # text heights of page added round a figure's box before it is cropped
SAME_PLACE = 0.35  # text heights: two characters this close in the two views are one
SCAN_SURE = 0.80  # the recogniser's confidence in each digit of the scan's figure to take it
_SEP = f"[{SEPARATORS}]"
# a whole figure as read: groups of three after the first, two decimals, any small marks
_WHOLE = re.compile(rf"([(（]?-?)(\d{{1,3}})((?:{_SEP}\d{{3}})*){_SEP}(\d{{2}})([)）]?)")


def recheck_figures(clean: np.ndarray, scanned: np.ndarray, lines: list[Line],
                    seals: list[Seal]) -> tuple[list[Line], int]:
    """The page's lines with each figure under a seal that the two views read differently
    made doubtful (its confidence at most CONTESTED), and each that Tesseract was unsure of
    and the scan reads whole taken from the scan (``scan_figure``); and how many crops were
    read."""
    engine = recogniser()
    if engine is None or not seals or not lines:
        return lines, 0
    height = usual_height([w for line in lines for w in line.words])
    pad = int(MARGIN * height)
    jobs: list[tuple[int, int, tuple[int, int, int, int]]] = []
    for li, line in enumerate(lines):
        for wi, word in enumerate(line.words):
            if not is_figure(word.text) or not under_a_seal(word.bbox, seals):
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
        word = lines[li].words[wi]
        first = {"first_text": word.first_text if word.first_text is not None else word.text,
                 "first_conf": word.first_conf if word.first_conf is not None else word.conf}
        clash = digits_clash(from_clean, from_scan, SAME_PLACE * height)
        if clash is not None:
            if word.conf <= CONTESTED:
                continue  # already doubted
            log.debug("figure %r at %s: the cleaned page reads %s, the scan %s", word.text, box,
                      "".join(from_clean.chars), "".join(from_scan.chars))
            words = words_of.setdefault(li, list(lines[li].words))
            words[wi] = word.model_copy(update={"conf": min(word.conf, CONTESTED), **first})
            continue
        taken = scan_figure(from_scan, from_clean, SAME_PLACE * height)
        if word.conf >= FIGURE_DOUBT or taken is None or taken[0] == word.text:
            continue
        log.debug("figure %r (%.2f) at %s taken from the scan: %s (the cleaned page reads %s)", word.text,
                  word.conf, box, taken[0], "".join(from_clean.chars))
        words = words_of.setdefault(li, list(lines[li].words))
        words[wi] = word.model_copy(update={"text": taken[0], "conf": taken[1], **first})
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


def scan_figure(scan: Reading, clean: Reading, near: float) -> tuple[str, float] | None:
    """The scan's reading as a figure (thousands marked by commas, a decimal point) and the
    recogniser's least confidence in its digits, when it reads a whole figure SCAN_SURE of
    every digit and the cleaned view is nowhere surer of a different digit at the same
    place; None otherwise.

    The decimal point is a speck beside a ring's stroke and is read as a digit now and
    then (13,775,512496, 3,477,346284): one character may be taken as a separator where
    the recogniser had one among its candidates, or the cleaned view reads one at that
    place, when that makes the reading a whole figure (no amount in a statement lacks its
    two decimals)."""
    chars, cap = list(scan.chars), 1.0
    if _WHOLE.fullmatch("".join(chars)) is None:
        fits = [k for k in range(len(chars)) if _separator_at(scan, clean, k, near)
                and _WHOLE.fullmatch("".join(chars[:k]) + "." + "".join(chars[k + 1:]))]
        if len(fits) != 1:
            return None
        chars[fits[0]] = "."
        cap = SCAN_SURE  # a character read as a digit taken for the point: trusted, not certain
    m = _WHOLE.fullmatch("".join(chars))
    digits = [(ch, p, x) for ch, p, x in zip(chars, scan.probs, scan.xs) if ch.isdigit()]
    if len(digits) < FIGURE_DIGITS or min(p for _, p, _ in digits) < SCAN_SURE:
        return None
    for ch, p, x in digits:
        there = char_near(clean, x)
        if there is not None:
            dx, other, q = there
            if dx <= near and other.isdigit() and other != ch and q > p:
                return None
    head, first, groups, cents, tail = m.groups()
    text = head + first + "".join("," + g for g in re.findall(r"\d{3}", groups)) + "." + cents + tail
    return text, round(min(cap, *(p for _, p, _ in digits)), 2)


def _separator_at(scan: Reading, clean: Reading, k: int, near: float) -> bool:
    """The scan's k-th character may be a separator read as something else: the recogniser
    had one among its candidates there, or the cleaned view reads one at that place."""
    if scan.alts and any(re.fullmatch(_SEP, c) for c in scan.alts[k][1:]):
        return True
    there = char_near(clean, scan.xs[k])
    return there is not None and there[0] <= near and re.fullmatch(_SEP, there[1]) is not None
