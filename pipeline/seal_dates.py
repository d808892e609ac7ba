"""A date printed under a seal that Tesseract returned no line for.

A signed form dates itself under its seal (盖章 / 2026年4月21日), and there Tesseract may
return nothing of the date at all: seed 71's street review had the town's grey seal over
its date, and Tesseract joined the ring to the line above (初审意见 AS 加 寺 2) and gave no
word where the date was. The date looks of pipeline.date_lines read only stretches
Tesseract returned, and pipeline.lost_lines looks for uncovered ink in bands across the
whole page, where the ring's ink (and a photo's grain) fill every row near a seal.

Here only the seal's own surroundings are searched, and only for ink darker than the
seal's own: a seal's ink, grey or red turned grey, is lighter than the black of printed
text (on that form: the ring's darkest 2 % at 97, the date's at 6; on another scan 122 and
69, see ``print_level``). Rows of such ink that no word
covers, of a text line's height, are read by the line recogniser from the cleaned page
and the scan, and from the scan once more a little taller (``TALLER``); a date one view
reads surely (each character ``SURE``), or fairly surely with another view reading it
alike (``agreed_date``), becomes a line of its own, unless a line of the page holds it
already.

The taller crop of the scan is there for grey seals: cleaning fades the date's thin
horizontal strokes with the seal's ink, so the cleaned view reads 二〇二六年九月十二日 as
六年九月：日 and confirms nothing of its 二 and 十, which the scan read at 0.62 and 0.71 (seed
101, case_014, a letter signed under a grey ring). A crop of the scan whose rows reach
past the ring's stroke reads the same date, those two at 0.80 and 0.66; the two crops share the ring,
so a digit the ring turned into another in both stays as unconfirmed by the cleaned view
as before, and two dates read differently still give nothing.
"""

from __future__ import annotations

import logging

import numpy as np

from pipeline.lost_lines import INK, clear_words, ink_bands, line_of, with_lines
from pipeline.models import Line, Seal, Word
from pipeline.second_reader import LOST, char_near, described, recogniser, usual_height

log = logging.getLogger(__name__)

DARK = 60  # grey level under which a pixel is surely printed ink (lost_lines.INK: over
# which it never is, as where cleaning faded a red ring white)
RING = (0.8, 1.02)  # the ring line, in radii of the seal's box
INK_SEEN = 200  # grey level under which a pixel of the ring is inked
RING_SHARE = 10  # percentile of the ring's inked pixels taken as its ink's level ...
MARGIN = 25  # ... and how much darker print is (seed 71: rings at 97 and 122 at their
# darkest 2 %, the dates under them at 6 and 69)
AROUND = 1.0  # text heights round a seal's box searched (a date starts left of the ring)
GROW = 1.5  # text heights a band's crop reaches beyond its ink on each side
TALLER = 1 / 6  # of a box's height: how far the scan's second crop reaches above and below it
SURE = 0.90  # one view this sure of each character of its date is enough
AGREE = 0.60  # ... or this sure, counting another view's reading alike (see agreed_date)
MAX_BOXES = 4  # per page
NEAR = 0.35  # text heights: characters of two views of a box this close are at one place
_DAY_MARKS = "日曰号月"


def read_seal_dates(clean: np.ndarray, scanned: np.ndarray, lines: list[Line],
                    seals: list[Seal]) -> tuple[list[Line], int]:
    """The page's lines with the dates found under its seals added in reading order; and
    how many crops were read."""
    from extractors.normalize import find_dates

    engine = recogniser()
    words = [w for line in lines for w in line.words]
    if engine is None or not seals or not words:
        return lines, 0
    tall = usual_height(words)
    boxes: list[tuple[int, int, int, int]] = []
    for seal in seals:
        boxes += [b for b in dark_runs(clean, words, seal, tall) if b not in boxes]
    boxes = boxes[:MAX_BOXES]
    if not boxes:
        return lines, 0
    crops = [crop for box in boxes for crop in _views(clean, scanned, box)]
    readings = engine.read(crops)
    known = {d for line in lines for d, _, _ in find_dates(line.text)}
    found = []
    for k, box in enumerate(boxes):
        views = readings[3 * k:3 * k + 3]
        taken = agreed_date(views, NEAR * tall)
        log.debug("seal date look at %s: clean %s; scanned %s; taller %s; taken: %s", box, described(views[0]),
                  described(views[1]), described(views[2]),
                  None if taken is None else "".join(taken[0].chars[taken[1]:taken[2]]))
        if taken is None:
            continue
        reading, j1, j2 = taken
        if find_dates("".join(reading.chars[j1:j2]))[0][0] not in known:
            found.append(line_of(reading, j1, j2, box))
    return with_lines(lines, found), len(crops)


def _views(clean: np.ndarray, scanned: np.ndarray, box: tuple[int, int, int, int]) -> list[np.ndarray]:
    """The box of the cleaned page, of the scan, and of the scan ``TALLER`` (same columns:
    the characters' places of the three readings compare)."""
    x0, y0, x1, y1 = box
    more = int(round(TALLER * (y1 - y0)))
    return [clean[y0:y1, x0:x1], scanned[y0:y1, x0:x1],
            scanned[max(0, y0 - more):min(scanned.shape[0], y1 + more), x0:x1]]


def dark_runs(clean: np.ndarray, words: list[Word], seal: Seal, tall: float) -> list[tuple[int, int, int, int]]:
    """Boxes round a seal of printed-dark ink that no word covers, each a band of text
    height and a run of it a few characters wide (the bands of pipeline.lost_lines)."""
    h, w = clean.shape[:2]
    reach = int(AROUND * tall)
    x0, y0 = max(0, int(seal.bbox[0]) - reach), max(0, int(seal.bbox[1]))
    x1, y1 = min(w, int(seal.bbox[2]) + reach), min(h, int(seal.bbox[3]) + reach)
    if x1 <= x0 or y1 <= y0:
        return []
    ink = clean[y0:y1, x0:x1] < print_level(clean, seal)
    # junk Tesseract made of the ring and the date together covers nothing (二 上 有, 0.39)
    clear_words(ink, [w for w in words if w.conf >= LOST], tall, (x0, y0))
    # a band starts where the uncovered ink does: the crop reaches a little further, for
    # the date's first characters that Tesseract did read (its 二 at 0.92)
    grow = int(GROW * tall)
    return [(max(0, a - grow), b, min(w, c + grow), d) for a, b, c, d in ink_bands(ink, tall, clean.shape, (x0, y0))]


def print_level(clean: np.ndarray, seal: Seal) -> float:
    """The grey level under which a pixel near the seal is printed ink: darker by MARGIN
    than most of the ring's own ink (its RING_SHARE darkest inked pixels; the ring line
    outweighs the text that crosses it many times over), and never lighter than INK."""
    x0, y0, x1, y1 = (int(v) for v in seal.bbox)
    box = clean[max(0, y0):y1, max(0, x0):x1]
    if box.size == 0:
        return DARK
    h, w = box.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    radius = np.hypot((xx - w / 2) / max(w / 2, 1), (yy - h / 2) / max(h / 2, 1))
    ring = box[(radius >= RING[0]) & (radius <= RING[1])]
    inked = ring[ring < INK_SEEN]
    if inked.size < 100:
        return DARK
    return float(min(INK, max(DARK, np.percentile(inked, RING_SHARE) - MARGIN)))


def agreed_date(views, near: float = 0.0) -> tuple[object, int, int] | None:
    """(reading, j1, j2) of the date to take from the views of one box (crops of the same
    box, so their characters' places compare): one read surely; or one whose characters
    are each fairly sure, counting a character another view reads alike at its place
    (within ``near`` pixels, or a time step) as sure as that view is, with at most one
    character no other view confirms (seed 71: the cleaned page read
    二〇二六年九月二十三日 with 十 at 0.57, the scan 〇二六年九月二十三日 with 十 at 0.99 and its
    first 二 cut at the crop's edge). None when the views read two dates."""
    from extractors.normalize import find_dates

    dated = []
    for reading in views:
        text = "".join(reading.chars)
        ds = find_dates(text)
        if len(ds) != 1 or len(text) != len(reading.chars):
            continue
        date, j1, j2 = ds[0]
        # the mark after the day says only that the day ended; the ring crosses it as often as
        # not (日 at 0.80 from the scan, read as 月 at 0.54 from the cleaned page)
        end = j2 - 1 if reading.chars[j2 - 1] in _DAY_MARKS and j2 - 1 > j1 else j2
        others = [v for v in views if v is not reading]
        confs, alone = [], 0
        for j in range(j1, end):
            seen = [_alike_at(v, reading.chars[j], reading.xs[j], max(near, reading.step, v.step)) for v in others]
            confs.append(max([reading.probs[j], *seen]))
            alone += not any(p >= AGREE for p in seen)
        dated.append((date, min(reading.probs[j1:end]), min(confs), alone, reading, j1, j2))
    if not dated or len({d[0] for d in dated if d[1] >= AGREE}) > 1:
        return None
    best = max(dated, key=lambda d: (d[1], sum(d[4].probs[d[5]:d[6]])))  # of two as sure, the one surer of its mark
    if best[1] >= SURE:
        return best[4:]
    backed = [d for d in dated if d[2] >= AGREE and d[3] <= 1]
    if backed:
        return max(backed, key=lambda d: (d[2], -d[3]))[4:]
    return None


def _alike_at(reading, ch: str, x: float, near: float) -> float:
    """How sure ``reading`` is of ``ch`` at x (its character nearest x, within ``near``);
    0 when it reads another character there, or none."""
    there = char_near(reading, x)
    if there is None:
        return 0.0
    dx, c, p = there
    return p if dx <= near and c == ch else 0.0
