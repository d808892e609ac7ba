"""Reading a page as rows of word boxes, and a label's value to its right or below it.

The page is the unit of provenance: every value read here keeps the words it came from,
so the field can say which page and box it is on and how confident the OCR was. Rows are
rebuilt from word boxes (OCR splits one visual row into several lines and text layers
split CJK strings into many words); within a row, a wide horizontal gap is a cell
boundary. Labels are matched on the folded row text (see extractors.normalize.fold).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from pipeline.models import BBox, Page, Word

from extractors.normalize.text import fold, has_cjk

GAP = "\t"  # stream character for a cell boundary


@dataclass
class Row:
    """One visual row: words left to right and the folded character stream over them."""

    page: Page
    words: list[Word]
    bbox: BBox
    height: float
    chars: str = ""
    owner: list[int] = field(default_factory=list)  # word index per char, -1 for spacing
    frac: list[tuple[float, float]] = field(default_factory=list)  # char's x-share of its word

    @property
    def text(self) -> str:
        return self.chars


@dataclass
class Span:
    """A run of characters of one row: a label or a value, with its words."""

    row: Row
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.row.chars[self.start:self.end].replace(GAP, " ").strip()

    @property
    def words(self) -> list[Word]:
        idx = sorted({i for i in self.row.owner[self.start:self.end] if i >= 0})
        return [self.row.words[i] for i in idx]

    @property
    def bbox(self) -> BBox:
        """Union of the character boxes (a part of a word gets its share of the box)."""
        boxes = []
        for k in range(self.start, self.end):
            i = self.row.owner[k]
            if i < 0:
                continue
            w = self.row.words[i]
            a, b = self.row.frac[k]
            x0, y0, x1, y1 = w.bbox
            boxes.append((x0 + (x1 - x0) * a, y0, x0 + (x1 - x0) * b, y1))
        if not boxes:
            return self.row.bbox
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))

    @property
    def conf(self) -> float:
        """Character-weighted mean confidence of the words the span covers."""
        vals = [self.row.words[i].conf for i in self.row.owner[self.start:self.end] if i >= 0]
        return sum(vals) / len(vals) if vals else 0.0


@dataclass
class LabelHit:
    key: str  # the field (or stop label) this label belongs to
    label: str  # the synonym matched
    span: Span
    fuzzy: bool = False


def _median_height(words: list[Word]) -> float:
    hs = [w.bbox[3] - w.bbox[1] for w in words if w.bbox[3] > w.bbox[1]]
    return statistics.median(hs) if hs else 30.0


def build_rows(page: Page, *, cell_gap_em: float = 2.6) -> list[Row]:
    """The page's lines merged into visual rows, top to bottom.

    The reader's lines are kept whole (Tesseract's word boxes inside a line overlap, so
    words cannot be regrouped by their boxes alone); lines that sit side by side at the
    same height - cells of one table row, a label and its value read as two blocks - are
    joined left to right.
    """
    units = []
    for line in page.lines:
        words = [w for w in line.words if w.text and w.text.strip()]
        if words:
            units.append(words)
    if not units:
        return []
    med_h = _median_height([w for u in units for w in u])
    if page.source == "ocr":
        units = _stitched(units)

    def box(ws):
        return (min(w.bbox[0] for w in ws), min(w.bbox[1] for w in ws),
                max(w.bbox[2] for w in ws), max(w.bbox[3] for w in ws))

    boxes = {id(u): box(u) for u in units}
    units.sort(key=lambda u: (boxes[id(u)][1] + boxes[id(u)][3]) / 2)
    groups: list[list[list[Word]]] = []
    for u in units:
        bx = boxes[id(u)]
        cy = (bx[1] + bx[3]) / 2
        h = min(bx[3] - bx[1], 2 * med_h)
        placed = False
        for g in reversed(groups[-4:]):
            gbs = [boxes[id(uu)] for uu in g]
            gb = (min(b[0] for b in gbs), min(b[1] for b in gbs), max(b[2] for b in gbs), max(b[3] for b in gbs))
            gcy = (gb[1] + gb[3]) / 2
            if abs(gcy - cy) > 0.5 * max(h, med_h * 0.6):
                continue
            if any(min(bx[2], boxes[id(o)][2]) - max(bx[0], boxes[id(o)][0]) > 0.3 * med_h for o in g):
                continue  # overlaps a line already there: another row
            g.append(u)
            placed = True
            break
        if not placed:
            groups.append([u])
    rows = []
    for g in groups:
        g.sort(key=lambda u: boxes[id(u)][0])
        words = [w for u in g for w in u]
        rows.append(_stream(Row(page, words, box(words), _median_height(words)), cell_gap_em))
    rows.sort(key=lambda r: r.bbox[1])
    return rows


_CODE_PIECE = re.compile(r"[0-9A-Za-z]{4,}")
STITCH_OVERLAP = 3  # characters two pieces of one code read by two lines must share


def _stitched(units: list[list[Word]]) -> list[list[Word]]:
    """The lines with a code Tesseract read in two overlapping pieces put back together.

    On a licence photo the credit code sits at the height of the big 营业执照 title, and
    Tesseract read the code's ink in two lines, 91310117MA3MD and MA3MDQBN2J (seed 107
    case_011): the second starts at the M of the first, on the same line of print, and the
    two share MA3MD. Two such pieces (letters and digits) are one word when the second
    starts inside the first, at the place (by the first's character pitch, give or take a
    character) where the characters they share start, and they share STITCH_OVERLAP
    characters at least: the first piece takes the second's rest."""
    pieces = [(ui, wi) for ui, u in enumerate(units) for wi, w in enumerate(u) if _CODE_PIECE.fullmatch(w.text)]
    dropped: set[tuple[int, int]] = set()
    for ui, wi in pieces:
        for uj, wj in pieces:
            if uj == ui or (ui, wi) in dropped or (uj, wj) in dropped:
                continue
            a, b = units[ui][wi], units[uj][wj]
            k = _shared(a, b)
            if k:
                units[ui][wi] = a.model_copy(update={
                    "text": a.text + b.text[k:], "conf": min(a.conf, b.conf),
                    "bbox": (a.bbox[0], min(a.bbox[1], b.bbox[1]), b.bbox[2], max(a.bbox[3], b.bbox[3]))})
                dropped.add((uj, wj))
    if not dropped:
        return units
    kept = [[w for wi, w in enumerate(u) if (ui, wi) not in dropped] for ui, u in enumerate(units)]
    return [u for u in kept if u]


def _shared(a: Word, b: Word) -> int:
    """How many characters b, read on another line, repeats of a's end at the same place:
    0 when it does not start inside a, on the same line of print, where they start."""
    ax0, ay0, ax1, ay1 = a.bbox
    bx0, by0, bx1, by1 = b.bbox
    height = min(ay1 - ay0, by1 - by0)
    if not ax0 < bx0 < ax1 < bx1 or height <= 0 or abs((ay0 + ay1) - (by0 + by1)) / 2 > 0.5 * height:
        return 0
    pitch = (ax1 - ax0) / len(a.text)
    for k in range(min(len(a.text), len(b.text)) - 1, STITCH_OVERLAP - 1, -1):
        if a.text[-k:] == b.text[:k] and abs(bx0 - (ax0 + (len(a.text) - k) * pitch)) <= pitch:
            return k
    return 0


def _stream(row: Row, cell_gap_em: float) -> Row:
    chars: list[str] = []
    owner: list[int] = []
    frac: list[tuple[float, float]] = []
    prev: Word | None = None
    prev_text = ""
    for i, w in enumerate(row.words):
        t = fold(w.text)
        if not t:
            continue
        if prev is not None:
            gap = w.bbox[0] - prev.bbox[2]
            if gap > cell_gap_em * row.height:
                chars.append(GAP)
                owner.append(-1)
                frac.append((0.0, 0.0))
            elif not has_cjk(prev_text[-1:]) and not has_cjk(t[:1]) and gap > 0.15 * row.height:
                chars.append(" ")
                owner.append(-1)
                frac.append((0.0, 0.0))
        n = len(t)
        for k, c in enumerate(t):
            chars.append(c)
            owner.append(i)
            frac.append((k / n, (k + 1) / n))
        prev, prev_text = w, t
    row.chars = "".join(chars)
    row.owner = owner
    row.frac = frac
    return row


# --------------------------------------------------------------------------- labels


def _fuzzy_find(hay: str, needle: str, max_sub: int, doubted=None) -> list[tuple[int, int]]:
    """(start, end) of windows of ``hay`` equal to ``needle`` up to ``max_sub`` substitutions.

    The first and last characters must match exactly, which keeps short labels from
    matching ordinary words. A label too short for any substitution (four characters)
    may still have one where ``doubted(i)`` says the OCR was unsure of the character at
    ``i`` of ``hay``: 成立昌期 with 昌 at 0.85 is 成立日期 misread, while a word read surely
    is what it says.
    """
    n = len(needle)
    out = []
    present = set(hay)
    if sum(1 for c in needle if c in present) < n - max_sub:
        return out  # too few of the label's characters anywhere in the row
    for s in range(0, len(hay) - n + 1):
        win = hay[s:s + n]
        if win[0] != needle[0] and win[-1] != needle[-1]:
            continue
        if GAP in win:
            continue
        subs = [a for a, b in zip(win, needle) if a != b]
        # OCR confuses a CJK character with another CJK character, not with a digit
        if not all(has_cjk(c) for c in subs):
            continue
        if len(subs) <= max_sub:
            out.append((s, s + n))
        elif max_sub == 0 and len(subs) == 1 and doubted is not None and n >= 4 and doubted(
                s + next(k for k in range(n) if win[k] != needle[k])):
            out.append((s, s + n))
    return out


DOUBTED = 0.90  # a character read with less confidence than this may be another one


def doubted_at(row: Row, pos: int) -> bool:
    word = row.owner[pos] if pos < len(row.owner) else -1
    return word >= 0 and row.words[word].conf < DOUBTED


def _cell_with_one_missing(hay: str, label: str) -> list[tuple[int, int]]:
    """A whole cell that is the label with one character lost (OCR drops faint strokes)."""
    if len(label) < 4:
        return []
    out = []
    pos = 0
    for cell in hay.split(GAP):
        if len(cell) == len(label) - 1 and Levenshtein.distance(cell, label) == 1 and cell[0] == label[0]:
            out.append((pos, pos + len(cell)))
        pos += len(cell) + 1
    return out


def _label_stream(row: Row) -> tuple[str, list[int]]:
    """The row's characters without spaces, and without the cell gaps of letter-spacing.

    A gap stays (and no label can match across it) unless a single character stands on
    one side of it, as in a label spread over its cell: 名      称.
    """
    chars = row.chars
    idx = []
    cells = chars.split(GAP)
    pos = 0
    for ci, cell in enumerate(cells):
        if ci:
            prev_len = len(cells[ci - 1].strip())
            if not (prev_len == 1 or len(cell.strip()) == 1):
                idx.append(pos - 1)  # keep the gap
        for k, c in enumerate(cell):
            if c != " " and not (c in _SPECK_COLONS and _between_han(cell, k)):
                idx.append(pos + k)
        pos += len(cell) + 1
    return "".join(chars[k] for k in idx), idx


_SPECK_COLONS = ":："
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _between_han(cell: str, k: int) -> bool:
    """Character k of the cell stands between two Chinese characters (blanks aside): a
    colon there may be a speck inside a label (成立:日期), so labels are looked for as if it
    were not there; the value after a real colon (名称:上海…) is read from the row as it is."""
    before = cell[:k].rstrip(" ")
    after = cell[k + 1:].lstrip(" ")
    return bool(before and after and _HAN.match(before[-1]) and _HAN.match(after[0]))


def find_labels(rows: list[Row], labels: dict[str, list[str]], *, anchored: set[str] = frozenset(),
                ) -> list[LabelHit]:
    """Every non-overlapping label occurrence, longest synonyms first, in reading order."""
    flat = sorted({(fold(lab), key) for key, labs in labels.items() for lab in labs},
                  key=lambda t: -len(t[0]))
    hits: list[LabelHit] = []
    for row in rows:
        hay, idx = _label_stream(row)
        taken = [False] * len(hay)
        found_labels: set[str] = set()
        for fuzzy in (False, True):
            for lab, key in flat:
                if not lab or (fuzzy and (len(lab) < 4 or lab in found_labels)):
                    continue
                if fuzzy:
                    spans = (_fuzzy_find(hay, lab, (len(lab) - 1) // 4, lambda i: doubted_at(row, idx[i]))
                             + _cell_with_one_missing(hay, lab))
                else:
                    spans = []
                    start = hay.find(lab)
                    while start >= 0:
                        spans.append((start, start + len(lab)))
                        start = hay.find(lab, start + 1)
                for a, b in spans:
                    if any(taken[a:b]) or GAP in hay[a:b]:
                        continue
                    ra, rb = idx[a], idx[b - 1] + 1
                    if lab in anchored and not cell_start(row, ra):
                        continue
                    for k in range(a, b):
                        taken[k] = True
                    found_labels.add(lab)
                    hits.append(LabelHit(key, lab, Span(row, ra, rb), fuzzy))
    order = {id(r): i for i, r in enumerate(rows)}
    hits.sort(key=lambda h: (order[id(h.span.row)], h.span.start))
    return hits


def cell_start(row: Row, pos: int) -> bool:
    """A label starts a cell: row start, after a wide gap, a colon, a bracket or a number."""
    k = pos - 1
    while k >= 0 and row.chars[k] == " ":
        k -= 1
    return k < 0 or row.chars[k] in GAP + ":;|)】]、.。" or row.chars[k].isdigit()


# --------------------------------------------------------------------------- values

_SEPARATORS = " :：;|" + GAP
_LEADERS = _SEPARATORS + "。.·_…-—"  # what OCR makes of colons and dotted leaders
_UNIT_CELL = re.compile(r"\((?:单位[:：]?)?(?:万元|元|亿元|千元|人民币元|人民币万元|%)\)[ :：]*(?=\t)")


def strong_label(hit: LabelHit) -> bool:
    """The label is set off from what follows: a colon, a cell gap, a unit or the row end."""
    chars = hit.span.row.chars
    k = hit.span.end
    while k < len(chars) and chars[k] == " ":
        k += 1
    return k >= len(chars) or chars[k] in ":：" + GAP or chars[k] == "(" or k > hit.span.end


def value_right(hit: LabelHit, row_hits: list[LabelHit]) -> Span | None:
    """The characters right of the label up to the next label or the end of the cell."""
    row = hit.span.row
    k = hit.span.end
    # skip separators and a bracketed unit right after the label, e.g. 金额(万元):
    while k < len(row.chars) and row.chars[k] in _LEADERS:
        k += 1
    unit = _UNIT_CELL.match(row.chars, k)
    if unit:  # 金额(万元) | 1,200: the unit belongs to the label, the value is in the next cell
        k = unit.end()
        while k < len(row.chars) and row.chars[k] in _SEPARATORS:
            k += 1
    nxt = min((h.span.start for h in row_hits if h.span.start >= hit.span.end), default=len(row.chars))
    end = k
    while end < nxt:
        if row.chars[end] == GAP:
            break
        end += 1
    while end > k and row.chars[end - 1] in _SEPARATORS:
        end -= 1
    if end <= k:
        return None
    return Span(row, k, end)


def value_below(hit: LabelHit, rows: list[Row], row_hits: dict[int, list[LabelHit]],
                *, max_rows: int = 3) -> list[Span]:
    """Candidate values under the label, nearest row first, in the label's column.

    The column runs from a little left of the label to the next label of the label's
    row (or the page edge), so a value centred under its label is found too.
    """
    row = hit.span.row
    i = next((n for n, r in enumerate(rows) if r is row), None)
    if i is None:
        return []
    lx0, _, lx1, _ = hit.span.bbox
    right_labels = [h.span.bbox[0] for h in row_hits.get(id(row), []) if h.span.start > hit.span.start]
    col_x1 = min(right_labels, default=row.page.width)
    col_x0 = lx0 - (lx1 - lx0)
    out = []
    for r in rows[i + 1:i + 1 + max_rows]:
        if r.bbox[1] - row.bbox[3] > 4 * max(row.height, r.height):
            break
        ks = [k for k, o in enumerate(r.owner) if o >= 0 and
              col_x0 <= (r.words[o].bbox[0] + r.words[o].bbox[2]) / 2 <= col_x1]
        if not ks:
            continue
        a = ks[0]
        b = a
        inside = set(ks)
        while b < len(r.chars) and (b in inside or (r.chars[b] == " " and b + 1 in inside)):
            b += 1
        # a label on that row ends the value
        for h in row_hits.get(id(r), []):
            if a <= h.span.start < b:
                b = h.span.start
            if h.span.start <= a < h.span.end:
                a = h.span.end
        while a < b and r.chars[a] in _SEPARATORS:
            a += 1
        if b > a:
            out.append(Span(r, a, b))
    return out


def continuation(span: Span, rows: list[Row], row_hits: dict[int, list[LabelHit]]) -> list[Span]:
    """Following rows that continue a wrapped value: same left edge, no label, close below."""
    out = []
    cur = span
    i = next((n for n, r in enumerate(rows) if r is span.row), None)
    if i is None:
        return out
    x0 = span.bbox[0]
    for r in rows[i + 1:i + 3]:
        if row_hits.get(id(r)):
            break
        if r.bbox[1] - cur.row.bbox[3] > 0.9 * cur.row.height:
            break
        if abs(r.bbox[0] - x0) > 1.2 * r.height:
            break
        end = r.chars.find(GAP)
        nxt = Span(r, 0, end if end >= 0 else len(r.chars))
        out.append(nxt)
        cur = nxt
    return out


def union_bbox(boxes: list[BBox]) -> BBox | None:
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))
