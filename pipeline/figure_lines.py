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

Fading the seal can cost Tesseract the figure itself, not a digit of it: under seed 97
case_006's grey seal, 20,081,330.24 was read ``20.`` and the rest of it not at all,
44,929,749.32 as ``1``. So a column of figures (``columns``: figures of other rows one
above the other) is read again, cell by cell, on each row whose cell there overlaps a seal
and holds no figure, only a stub of one or nothing (``lost_cells``). The scan's reading
of the cell is taken on the same terms as above, when it holds the stub's digits and a
second, tighter crop of the scan reads the same figure on the same terms: it replaces the
words in the cell. A cell where Tesseract read the figure in pieces, one of them an unsure
figure of its own (46 .NS 801.20 for 46,886,801.20, the cleaned page fading 886 with a
grey ring), is read the same way; each piece's digits must then lie in the scan's figure,
in order; a word it only guessed (under ``GUESS``) holds no piece, as an empty cell holds
none. Nothing else vouches for a cell Tesseract lost, and a ring's stroke
across a digit is read 2 at 0.90 from one crop and at 0.53 from the other.

Where the ring leaves the scan unsure, the cleaned view (the ring faded) may make up for
it: a digit of the scan it reads alike at the same place (``_seconded``), and the point and
cents the recogniser's reading of the scan stopped short of (``with_cleaned_tail``).
"""

from __future__ import annotations

import logging
import re
from typing import NamedTuple

import numpy as np

from pipeline.date_lines import under_a_seal
from pipeline.models import Line, Seal, Word
from pipeline.second_reader import (CONTESTED, FIGURE_DIGITS, FIGURE_DOUBT, GUESS, SEPARATORS, SURE, Reading, char_near,
                                    described, is_figure, recogniser, relined, usual_height)

log = logging.getLogger(__name__)

MARGIN = 0.25  # text heights of page added round a figure's box before it is cropped
SAME_PLACE = 0.35  # text heights: two characters this close in the two views are one
SCAN_SURE = 0.80  # the recogniser's confidence in each digit of the scan's figure to take it
VOUCHED = 0.50  # ... or in a digit Tesseract read alike in a piece of the figure (scan_figure)
SECONDED = 0.70  # ... or the cleaned view's in the same digit at the same place (scan_figure)
COLUMN_FIGURES = 2  # figures one above the other that make a column
IN_CELL = 0.5  # a word with this share of its width in a cell is in it; one over this share of
# the cell's width is stretched over it (a junk word Tesseract made of the row and the ring)
_SEP = f"[{SEPARATORS}]"
# a whole figure as read: groups of three after the first, two decimals, any small marks
_WHOLE = re.compile(rf"([(（]?-?)(\d{{1,3}})((?:{_SEP}\d{{3}})*){_SEP}(\d{{2}})([)）]?)")
_INTEGER = re.compile(rf"[(（]?-?\d{{1,3}}(?:{_SEP}\d{{3}})+(?!\d)")  # a grouped integer part, at the start


def recheck_figures(clean: np.ndarray, scanned: np.ndarray, lines: list[Line],
                    seals: list[Seal]) -> tuple[list[Line], int]:
    """The page's lines with each figure under a seal that the two views read differently
    made doubtful (its confidence at most CONTESTED), each that Tesseract was unsure of and
    the scan reads whole taken from the scan (``scan_figure``), and each cell of a column
    of figures Tesseract lost under a seal that the scan reads whole twice filled in
    (``lost_cells``); and how many crops were read."""
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
    cells = lost_cells(lines, seals, height, clean.shape)
    near = SAME_PLACE * height  # two characters of two views this close are one
    if not jobs and not cells:
        return lines, 0
    crops = []
    for _, _, (x0, y0, x1, y1) in [*jobs, *cells]:
        crops += [clean[y0:y1, x0:x1], scanned[y0:y1, x0:x1]]
    readings = engine.read(crops)
    words_of: dict[int, list[Word]] = {}
    for k, (li, wi, box) in enumerate(jobs):
        from_clean, from_scan = readings[2 * k], readings[2 * k + 1]
        word = lines[li].words[wi]
        first = {"first_text": word.first_text if word.first_text is not None else word.text,
                 "first_conf": word.first_conf if word.first_conf is not None else word.conf}
        clash = digits_clash(from_clean, from_scan, near)
        if clash is not None:
            if word.conf <= CONTESTED:
                continue  # already doubted
            log.debug("figure %r at %s: the cleaned page reads %s, the scan %s", word.text, box,
                      "".join(from_clean.chars), "".join(from_scan.chars))
            words = words_of.setdefault(li, list(lines[li].words))
            words[wi] = word.model_copy(update={"conf": min(word.conf, CONTESTED), **first})
            continue
        taken = scan_figure(with_cleaned_tail(from_scan, from_clean, near), from_clean, near)
        if word.conf >= FIGURE_DOUBT or taken is None or taken[0] == word.text:
            continue
        log.debug("figure %r (%.2f) at %s taken from the scan: %s (the cleaned page reads %s)", word.text,
                  word.conf, box, taken[0], "".join(from_clean.chars))
        words = words_of.setdefault(li, list(lines[li].words))
        words[wi] = word.model_copy(update={"text": taken[0], "conf": taken[1], **first})
    removed: dict[int, set[int]] = {}
    added: dict[int, list[Word]] = {}
    # per lost cell, the views that read it whole, the scan's first: each is confirmed from a
    # second, tighter crop of that view, and the next view's crop is read only when it is not
    pending: list[list[_Whole]] = []
    for k, (li, (stubs, over), box) in enumerate(cells, start=len(jobs)):
        from_clean = readings[2 * k]
        from_scan = with_cleaned_tail(readings[2 * k + 1], from_clean, near)
        # a word Tesseract guessed (under GUESS: 305o62 at 0.00 for 30,512,952.34) is no
        # piece of what it read, any more than an empty cell is
        pieces = [re.sub(r"\D", "", lines[li].words[wi].text) for wi in stubs if lines[li].words[wi].conf >= GUESS]
        views = [("scan", scanned, from_scan, from_clean)]
        if _red_only(box, seals):  # the print is whole in the cleaned view: it may stand for the scan
            views.append(("cleaned page", clean, from_clean, from_scan))
        whole = []
        for view, image, reading, other in views:
            taken = scan_figure(reading, other, near, pieces)
            if taken is not None and holds_pieces(re.sub(r"\D", "", taken[0]), pieces):
                at = _figure_box(reading, box, height)
                whole.append(_Whole(li, stubs, over, at, taken, other, pieces, box[0] - int(at[0]), view, image))
        if not whole:
            log.debug("cell at %s of %r: the scan reads %s, the cleaned page %s", box, lines[li].text,
                      described(from_scan), described(from_clean))
        pending.append(whole)
    tight = 0
    while batch := [(i, views.pop(0)) for i, views in enumerate(pending) if views]:
        tight += len(batch)
        again_all = engine.read([c.image[int(c.box[1]):int(c.box[3]), int(c.box[0]):int(c.box[2])] for _, c in batch])
        for (i, c), again in zip(batch, again_all):
            # the other view where the tighter crop lies: the cleaned one may hold the point the scan lost
            there = Reading(c.other.chars, c.other.probs, tuple(x + c.shift for x in c.other.xs))
            if c.view == "scan":
                again = with_cleaned_tail(again, there, near)
            confirmed = scan_figure(again, there, near, c.pieces)
            if confirmed is None or confirmed[0] != c.taken[0]:
                log.debug("cell of %r: the %s read %s, then %s", lines[c.li].text, c.view, c.taken[0],
                          described(again))
                continue
            log.debug("cell at %s of %r taken from the %s: %s (the other view reads %s)", c.box,
                      lines[c.li].text, c.view, c.taken[0], "".join(c.other.chars))
            pending[i] = []  # confirmed: the cell's other view is not read
            covered = [lines[c.li].words[wi] for wi in c.stubs]
            added.setdefault(c.li, []).append(Word(
                text=c.taken[0], bbox=c.box, conf=min(c.taken[1], confirmed[1]),
                first_text=" ".join(w.text for w in covered) if covered else None,
                first_conf=min((w.conf for w in covered), default=None)))
            removed.setdefault(c.li, set()).update(c.stubs + c.over)
    for li, extra in added.items():
        words = words_of.get(li, list(lines[li].words))  # figures were replaced in place: indices hold
        kept = [w for wi, w in enumerate(words) if wi not in removed[li]]
        words_of[li] = sorted([*kept, *extra], key=lambda w: w.bbox[0])
    read = len(crops) + tight
    if not words_of:
        return lines, read
    return relined(lines, {li: words_of.get(li, list(line.words)) for li, line in enumerate(lines)}), read


class _Whole(NamedTuple):
    """A view's whole reading of a lost cell, waiting for a tighter crop of it to confirm it."""

    li: int
    stubs: list[int]
    over: list[int]
    box: tuple[float, float, float, float]  # the figure's, on the page: the tighter crop and the word's box
    taken: tuple[str, float]
    other: Reading  # the other view's reading of the cell
    pieces: list[str]
    shift: int  # from the cell's crop to the tighter one
    view: str
    image: np.ndarray


def _red_only(box: tuple[int, int, int, int], seals: list[Seal]) -> bool:
    """Whether every seal over the box is red: its ink is taken off the page by its colour
    (pipeline.preprocess), and where it crossed the print the print is left whole. A grey
    ring is faded by its level, and thin strokes of the print with it (4 read as 1)."""
    over = [s for s in seals if under_a_seal(box, [s])]
    return bool(over) and all(s.colour == "red" for s in over)


def columns(lines: list[Line]) -> list[tuple[float, float]]:
    """The x-ranges of the page's columns of figures: figures of COLUMN_FIGURES lines at
    least whose boxes overlap one another's, left to right."""
    spans = sorted((w.bbox[0], w.bbox[2], li) for li, line in enumerate(lines)
                   for w in line.words if is_figure(w.text))
    out: list[tuple[float, float]] = []
    group: list[tuple[float, float, int]] = []
    for x0, x1, li in [*spans, (float("inf"), float("inf"), -1)]:
        if group and x0 >= max(g[1] for g in group):
            if len({g[2] for g in group}) >= COLUMN_FIGURES:
                out.append((min(g[0] for g in group), max(g[1] for g in group)))
            group = []
        group.append((x0, x1, li))
    return out


def lost_cells(lines: list[Line], seals: list[Seal], height: float, shape: tuple[int, ...]
               ) -> list[tuple[int, tuple[list[int], list[int]], tuple[int, int, int, int]]]:
    """The cells of the figure columns that overlap a seal and hold no figure, or only an
    unsure piece of one beside other words: (line, (the words inside the cell, the words
    stretched over it), the cell's box at the line's text).
    A line counts when it has a word left of the column (its row's label, or the column
    before)."""
    pad = MARGIN * height
    out = []
    for c0, c1 in columns(lines):
        a, b = c0 - pad, c1 + pad
        for li, line in enumerate(lines):
            words = line.words
            if not any(w.bbox[2] <= a for w in words):
                continue
            inside = [wi for wi, w in enumerate(words)
                      if _overlap(w.bbox, a, b) >= IN_CELL * max(1.0, w.bbox[2] - w.bbox[0])]
            over = [wi for wi, w in enumerate(words) if wi not in inside and _overlap(w.bbox, a, b) >= IN_CELL * (b - a)]
            figures = [wi for wi in inside if is_figure(words[wi].text)]
            # a figure in the cell holds it, unless it is one unsure piece among others:
            # 46 .NS 801.20 (0.39) for 46,886,801.20 under a grey seal (seed 101 case_016)
            if figures and (len(figures) == len(inside) or any(words[wi].conf >= FIGURE_DOUBT for wi in figures)):
                continue
            middle = _text_middle(line, height)
            box = (max(0, int(a)), max(0, int(middle - 0.5 * height - pad)),
                   min(shape[1], int(b)), min(shape[0], int(middle + 0.5 * height + pad)))
            if box[2] - box[0] >= 8 and box[3] - box[1] >= 8 and under_a_seal(box, seals):
                out.append((li, (inside, over), box))
    return out


def _placed(digits: str, pieces: list[str]) -> list[range] | None:
    """Where each (non-empty) piece lies in ``digits``, each found after the one before;
    None when one does not."""
    at, out = 0, []
    for piece in (p for p in pieces if p):
        found = digits.find(piece, at)
        if found < 0:
            return None
        out.append(range(found, found + len(piece)))
        at = found + len(piece)
    return out


def holds_pieces(digits: str, pieces: list[str]) -> bool:
    """Whether the digits of each word Tesseract left in a cell appear in the scan's
    figure, in their order and apart (46 and 80120 in 4688680120): what it did read, it
    read right."""
    return _placed(digits, pieces) is not None


def _overlap(box: tuple[float, float, float, float], a: float, b: float) -> float:
    return max(0.0, min(box[2], b) - max(box[0], a))


def _text_middle(line: Line, height: float) -> float:
    """Where a line's text lies, vertically: the middle of its words of text height (a word
    Tesseract joined to a seal's ring is taller), or of the line."""
    middles = sorted((w.bbox[1] + w.bbox[3]) / 2 for w in line.words if w.bbox[3] - w.bbox[1] <= 1.5 * height)
    return middles[len(middles) // 2] if middles else (line.bbox[1] + line.bbox[3]) / 2


def _figure_box(reading: Reading, box: tuple[int, int, int, int], height: float) -> tuple[float, float, float, float]:
    """Where the scan's figure lies on the page, from its first character to its last with
    a margin: the box of the word it becomes, and the second crop that confirms it."""
    half, middle = 0.6 * height, (box[1] + box[3]) / 2
    return (max(0.0, box[0] + reading.xs[0] - half), max(0.0, middle - half),
            box[0] + reading.xs[-1] + half, middle + half)


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


def scan_figure(scan: Reading, clean: Reading, near: float,
                pieces: list[str] | None = None) -> tuple[str, float] | None:
    """The scan's reading as a figure (thousands marked by commas, a decimal point) and the
    recogniser's least confidence in its digits, when it reads a whole figure SCAN_SURE of
    every digit and the cleaned view is nowhere surer of a different digit at the same
    place; None otherwise.

    ``pieces``: the digits of the words Tesseract left in a lost cell. A digit of the
    scan's figure that lies in a piece of two digits or more (``vouched``) was read alike by
    both engines, and needs only VOUCHED of the recogniser, and counts as SCAN_SURE: a
    ring's stroke across the last 0 of 46,886,801.20 left it at 0.57, where Tesseract's
    801.20 has it too.

    The decimal point is a speck beside a ring's stroke and is read as a digit now and
    then (13,775,512496, 3,477,346284), or not at all (46,886,80120): one character may be
    taken as a separator where the recogniser had one among its candidates, or the cleaned
    view reads one at that place, or a separator put between two characters where the
    cleaned view reads one between them, when that makes the reading a whole figure (no
    amount in a statement lacks its two decimals) in one way only."""
    chars, probs, xs, cap = list(scan.chars), list(scan.probs), list(scan.xs), 1.0
    if _WHOLE.fullmatch("".join(chars)) is None:
        fits = [(k, k + 1) for k in range(len(chars)) if _separator_at(scan, clean, k, near)
                and _WHOLE.fullmatch("".join(chars[:k]) + "." + "".join(chars[k + 1:]))]
        fits += [(k, k) for k in range(1, len(chars)) if _separator_between(scan, clean, k, near)
                 and _WHOLE.fullmatch("".join(chars[:k]) + "." + "".join(chars[k:]))]
        if len(fits) != 1:
            return None
        k, end = fits[0]
        x = xs[k] if end > k else (xs[k - 1] + xs[k]) / 2
        chars[k:end], probs[k:end], xs[k:end] = ["."], [SCAN_SURE], [x]
        cap = SCAN_SURE  # a character read as a digit taken for the point: trusted, not certain
    m = _WHOLE.fullmatch("".join(chars))
    digits = [(ch, p, x) for ch, p, x in zip(chars, probs, xs) if ch.isdigit()]
    backed = vouched([ch for ch, _, _ in digits], pieces or [])
    digits = [(ch, max(p, SCAN_SURE) if k in backed and p >= VOUCHED or _seconded(ch, p, x, clean, near) else p, x)
              for k, (ch, p, x) in enumerate(digits)]
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


def _seconded(ch: str, p: float, x: float, clean: Reading, near: float) -> bool:
    """Whether the cleaned view reads the scan's unsure digit ``ch`` (GUESS at least) at the
    same place, SECONDED of it: seed 109 case_002's 27,861,070.69 under a grey ring, the
    scan's 6 and 9 at 0.59 and 0.39 where the cleaned page, the ring faded, reads them at
    0.76 and 0.84. Two views of different images misreading one digit alike is what it
    would take to be wrong."""
    there = char_near(clean, x)
    if there is None or p < GUESS:
        return False
    dx, other, q = there
    return dx <= near and other == ch and q >= SECONDED


def with_cleaned_tail(scan: Reading, clean: Reading, near: float) -> Reading:
    """The scan's reading with the point and cents the cleaned view reads after its integer
    part, when the scan lost them: a ring's stroke across the point and the cents of
    16,316,921.15 (seed 109 case_001) ended the recogniser's reading of the scan at 921, or
    left 921:5, where the cleaned page, the ring faded, reads .15 (0.98, 0.99, 0.99).
    The scan must read a grouped integer part (one group at least), and what it reads
    after it lie where the cleaned view reads the same (a digit, or a small mark for a
    separator); the cleaned view must read there a separator and two digits, each
    SCAN_SURE, and nothing more it is at all sure of (GUESS). Otherwise, and when the scan
    reads a whole figure, the reading is the scan's own."""
    text = "".join(scan.chars)
    head = _INTEGER.match(text)
    if head is None or _WHOLE.fullmatch(text):
        return scan
    e = head.end()
    past = [(ch, q, x) for ch, q, x in zip(clean.chars, clean.probs, clean.xs) if x > scan.xs[e - 1] + near]
    while past and past[-1][1] < GUESS:
        past.pop()
    if (len(past) != 3 or not re.fullmatch(_SEP, past[0][0])
            or not all(ch.isdigit() and q >= SCAN_SURE for ch, q, _ in past[1:])):
        return scan
    for ch, x in zip(scan.chars[e:], scan.xs[e:]):
        there = min(past, key=lambda t: abs(t[2] - x))
        alike = ch == there[0] or (re.fullmatch(_SEP, ch) and re.fullmatch(_SEP, there[0]))
        if abs(there[2] - x) > near or not alike:
            return scan
    tail = [ch for ch, _, _ in past]
    # the cents of one view only: trusted, never certain
    return Reading((*scan.chars[:e], *tail), (*scan.probs[:e], SCAN_SURE, SCAN_SURE, SCAN_SURE),
                   (*scan.xs[:e], *(x for _, _, x in past)), (*scan.alts[:e], *tail) if scan.alts else (),
                   scan.step)


def _separator_between(scan: Reading, clean: Reading, k: int, near: float) -> bool:
    """The cleaned view reads a separator between the scan's characters k-1 and k, at a
    place where the scan reads nothing (a point the scan lost)."""
    lo, hi = scan.xs[k - 1] + near, scan.xs[k] - near
    return any(lo < x < hi and re.fullmatch(_SEP, ch) for ch, x in zip(clean.chars, clean.xs))


def vouched(digits: list[str], pieces: list[str]) -> set[int]:
    """Indices of ``digits`` that pieces of two digits or more match, placed as
    ``holds_pieces`` places them; none when the pieces do not all fit."""
    return {k for span in _placed("".join(digits), pieces) or [] if len(span) >= 2 for k in span}


def _separator_at(scan: Reading, clean: Reading, k: int, near: float) -> bool:
    """The scan's k-th character may be a separator read as something else: the recogniser
    had one among its candidates there, or the cleaned view reads one at that place."""
    if scan.alts and any(re.fullmatch(_SEP, c) for c in scan.alts[k][1:]):
        return True
    there = char_near(clean, scan.xs[k])
    return there is not None and there[0] <= near and re.fullmatch(_SEP, there[1]) is not None
