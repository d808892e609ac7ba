"""A last look at a credit code Tesseract read short, or wrong beyond repair.

Tesseract reads a licence's 18-character code as words, and on a grey 200-dpi scan it may
drop a few characters between two of them (``913101 5Q8K1D00`` for ``91310117MA5Q8K1D00``)
while being sure of what it kept, so the word-by-word second reading (which looks only at
doubtful words) never sees it. What is left is no code; the licence has none, and the
rules say so (an error) though the code is printed clearly.

So a run of code-like words near a credit code's label (on its line or up to ``BELOW``
text heights under it; the labels are labels.yaml's) that holds no valid code is read by
the line recogniser from the page as cleaned and as scanned, a little wider than
Tesseract's box. A view whose reading holds a code that passes its check, with only the
replacements the format forces (I for 1, O for 0) or one glyph read twice undone (VV for W,
0O for 0), gives that code, when no view gives another. The check character is what makes
one view enough: a misread passes it one time in 31, and no free substitution is tried
here. Eighteen characters Tesseract read surely are left alone: a code printed wrong is
for the rules to report (USCC_INVALID), not for this look to mend.
"""

from __future__ import annotations

import logging
import re

import numpy as np

from pipeline.date_lines import read_and_replace
from pipeline.models import Line, Word
from pipeline.second_reader import DOUBT, Reading, compact, line_stretches, recogniser, span_box, usual_height

log = logging.getLogger(__name__)

WIDEN = 1.0  # text heights the crop reaches beyond Tesseract's box on each side
FLOOR = 0.30  # a view's character of the code less sure than this is no reading of it
MAX_CROPS = 4  # per page: a licence has one code
BELOW = 3.0  # text heights under a label's line where its code may lie
SHORTEST, LONGEST = 10, 21  # characters of a run of code-like words worth a look
DIGITS = 6  # ... and at least this many digits in it (a code has 8 leading ones)

_EDGE_MARKS = "|[]!"
_CODE_CHARS = re.compile(r"^[0-9A-Za-z\]\[|!]+$")
_TOKEN = re.compile(r"[0-9A-Za-z\]\[|!]{18,19}")


def _code_labels() -> tuple[str, ...]:
    """Every label of a credit code, of every document type (labels.yaml)."""
    from extractors.vocab import field_labels

    return field_labels(kind="uscc")


def _has_valid_code(text: str) -> bool:
    from extractors.uscc import find_uscc

    return any(r.valid for r in find_uscc(text, allow_extra=True))


def _below(box: tuple[float, float, float, float], label: tuple[float, float, float, float],
           text_height: float) -> bool:
    """A line's box is the label's line, or starts at most ``BELOW`` text heights under it
    (a licence prints the code under its label, sometimes beside the large title)."""
    return label[1] - text_height <= box[1] <= label[3] + BELOW * text_height


def code_runs(words: list[Word]) -> list[tuple[int, int]]:
    """Half-open ranges of the stretch's words that look like a code read wrong: code-like
    words side by side, ``SHORTEST`` to ``LONGEST`` characters and ``DIGITS`` digits
    together, in which no valid code reads. Eighteen characters read surely (every word at
    least ``DOUBT``) are left as read: that is a code printed wrong, for the rules to say so
    (USCC_INVALID), not a misreading (seed 67 planted 91310117MAC991XU42, read at 0.90)."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, w in enumerate([*words, None]):
        codey = w is not None and bool(_CODE_CHARS.match(compact(w.text) or "-"))
        if codey and start is None:
            start = i
        elif not codey and start is not None:
            text = "".join(compact(x.text) for x in words[start:i])
            sure = len(text) == 18 and all(x.conf >= DOUBT for x in words[start:i])
            if SHORTEST <= len(text) <= LONGEST and sum(c.isdigit() for c in text) >= DIGITS \
                    and not sure and not _has_valid_code(text):
                runs.append((start, i))
            start = None
    return runs


def recheck_codes(clean: np.ndarray, scanned: np.ndarray, lines: list[Line]) -> tuple[list[Line], int]:
    """The page's lines with the credit codes a view reads whole; and how many crops were read."""
    engine = recogniser()
    if engine is None or not lines:
        return lines, 0
    labels = _code_labels()
    text_height = usual_height([w for line in lines for w in line.words])
    jobs: list[tuple[int, int, int, list]] = []
    labelled = [line.bbox for line in lines if any(label in compact(line.text) for label in labels)]
    for li, line in enumerate(lines):
        if not any(_below(line.bbox, box, text_height) for box in labelled):
            continue
        for lo, hi in line_stretches(line.words):
            for a, b in code_runs(line.words[lo:hi]):
                x0, y0, x1, y1 = span_box(line, lo + a, lo + b, clean.shape)
                reach = int(WIDEN * text_height)
                box = (max(0, x0 - reach), y0, min(clean.shape[1], x1 + reach), y1)
                jobs.append((li, lo + a, lo + b, [(f"{name}:box", box, image[box[1]:box[3], box[0]:box[2]])
                                                  for name, image in (("clean", clean), ("scanned", scanned))]))
    return read_and_replace(engine, lines, jobs, MAX_CROPS, "code", lambda _words, views: agreed_code(views))


def codes_in(reading: Reading) -> list[tuple[str, int, int]]:
    """Valid codes in a reading (code, first step, end step), each repaired only where the
    format forces it, and each character read at least ``FLOOR`` surely."""
    from extractors.uscc import collapse_doubles, repair_uscc

    text = "".join(reading.chars)
    if len(text) != len(reading.chars):
        return []
    found = []
    for m in _TOKEN.finditer(text):
        a, b = m.span()
        while b - a > 18 and text[a] in _EDGE_MARKS:
            a += 1  # a crop's edge or a cell's rule read as | or [
        while b - a > 18 and text[b - 1] in _EDGE_MARKS:
            b -= 1
        tok = text[a:b]
        if len(tok) == 18:
            code, _ = repair_uscc(tok, free=False)
        else:
            # a glyph read twice (VV for W, 0O for 0), undone where that alone makes a valid
            # code: undone and then repaired as well, 19 characters pass too easily (|9…C99…
            # read as |, then the edge mark made 1 and 99 made 9: a valid code, not the one printed)
            valid = {c for c in collapse_doubles(tok) if repair_uscc(c, free=False)[0] == c.upper()}
            code = valid.pop().upper() if len(valid) == 1 else None
        if code and min(reading.probs[a:b]) >= FLOOR:
            found.append((code, a, b))
    return found


def as_code(reading: Reading, code: str, j1: int, j2: int) -> Reading:
    """The reading with characters j1..j2 given way to the code they read as (one more
    character when a glyph was read twice): what the rules are to see, placed where the
    recogniser read it."""
    n = j2 - j1
    at = [j1 + round(k * (n - 1) / (len(code) - 1)) for k in range(len(code))]
    xs = np.linspace(reading.xs[j1], reading.xs[j2 - 1], len(code)) if n != len(code) else reading.xs[j1:j2]
    return Reading(reading.chars[:j1] + tuple(code) + reading.chars[j2:],
                   reading.probs[:j1] + tuple(reading.probs[k] for k in at) + reading.probs[j2:],
                   reading.xs[:j1] + tuple(float(x) for x in xs) + reading.xs[j2:])


def agreed_code(views: list[tuple[Reading, tuple[int, int, int, int], str]]):
    """The view to take and its code's characters (reading, box, j1, j2), or None when no
    view reads a valid code or two read different ones."""
    found: dict[str, list[tuple[float, Reading, tuple[int, int, int, int], int, int]]] = {}
    for reading, box, _kind in views:
        for code, j1, j2 in codes_in(reading):
            found.setdefault(code, []).append((float(np.mean(reading.probs[j1:j2])), reading, box, j1, j2))
    if len(found) != 1:
        return None
    code, seen = next(iter(found.items()))
    _, reading, box, j1, j2 = max(seen, key=lambda s: s[0])
    placed = as_code(reading, code, j1, j2)
    return placed, box, j1, j1 + len(code)
