"""A document's pages prepared once for all its field look-ups, and Field construction.

Every doc_type extractor works through a DocReader: labelled fields from data/labels.yaml
(value right of the label, else below it), fallbacks when no label is found, and helpers
to turn spans of rows into Fields with page, box, confidence and source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from pipeline.models import DocType, Field, Page

from extractors.layout import (
    GAP, LabelHit, Row, Span, build_rows, cell_start, continuation, find_labels, strong_label, union_bbox, value_below,
    value_right,
)
from extractors.normalize import find_dates, fold
from extractors.values import Parsed, parse
from extractors.vocab import FieldSpec, labels, vocab

STOP = "_stop"
GUESSED = 0.30  # a speck read with less confidence than this was guessed, not read
_STRICT = {"uscc", "date", "money", "params", "phone", "int", "year"}  # parsers that reject noise
_CODE_RUN = re.compile(r"[0-9A-Za-z]{6}")  # a credit code read in pieces still has runs this long
_PHRASES = {"opinion", "result"}  # values a phrase of a sentence decides (不在本辖区 → reject)


def phrase_spans(kind: str, parsed, spans: list[Span]) -> list[Span]:
    """The spans a value was read from, narrowed to the phrase that decided it where the
    value is a choice a phrase of a sentence makes: its confidence is that of the phrase
    (经核查，该企业实际经营地不在本辖区，不加评认站报: 不在本辖区 read at 0.96-1.00, the rest
    under a seal at 0.00), and its box is where the reviewer should look."""
    if kind not in _PHRASES or not parsed.used:
        return spans
    for span in spans:
        k = span.row.chars.find(parsed.used, span.start, span.end)
        if k >= 0:
            return [Span(span.row, k, k + len(parsed.used))]
    return spans
_ADDRESS_ONLY = re.compile(r"^(上海市)?[\u4e00-\u9fff]{2,3}区[\u4e00-\u9fff\d号弄路楼室幢()-]{2,40}$")


@dataclass
class Found:
    """A parsed value with the spans it was read from."""

    parsed: Parsed
    spans: list[Span]
    label: LabelHit | None = None


class DocReader:
    """Rows and label hits of every page, built once: each field look-up then costs little,
    and every extractor sees the same reading of the page."""

    def __init__(self, doc_type: DocType | str, pages: list[Page], *, nlp: Any = None):
        cfg = labels()
        self.doc_type = DocType(doc_type)
        self.pages = pages
        self.nlp = nlp
        self.seals: list = []
        self._joined: dict[int, tuple[str, list[tuple[Row, int]]]] = {}
        self.settings = cfg.settings
        self.specs: dict[str, FieldSpec] = cfg.doc_types.get(self.doc_type, {})
        label_map = {name: spec.labels for name, spec in self.specs.items()}
        own = {lab for labs in label_map.values() for lab in labs}
        label_map[STOP] = [lab for lab in cfg.stop_labels if lab not in own]
        anchored = {a for spec in self.specs.values() for a in spec.anchored}
        self.rows: dict[int, list[Row]] = {}
        self.hits: dict[int, list[LabelHit]] = {}
        self.row_hits: dict[int, list[LabelHit]] = {}
        for page in pages:
            rows = build_rows(page, cell_gap_em=cfg.settings.cell_gap_em)
            self.rows[page.number] = rows
            hits = find_labels(rows, label_map, anchored=anchored)
            self.hits[page.number] = hits
            for h in hits:
                self.row_hits.setdefault(id(h.span.row), []).append(h)

    # ------------------------------------------------------------------ iteration

    def all_rows(self) -> Iterator[Row]:
        for page in self.pages:
            yield from self.rows[page.number]

    def labelled(self, name: str, kind: str | None = None) -> Found | None:
        """The first occurrence of the field's label whose value parses."""
        spec = self.specs.get(name)
        if spec is None:
            return None
        kind = kind or spec.kind
        # labels set off by a colon or a cell gap first; a label run into text (a title
        # such as 应用场景建设验收证明) only when nothing better exists
        # and, for words, a short value before a sentence of prose that merely mentions it
        wordy = kind in ("text", "org", "address", "person")
        for tidy in ((True, False) if wordy else (False,)):
            for strong in (True, False):
                for page in self.pages:
                    rows = self.rows[page.number]
                    for hit in self.hits[page.number]:
                        if hit.key != name or strong_label(hit) != strong:
                            continue
                        if not strong and wordy and not cell_start(hit.span.row, hit.span.start):
                            continue  # a label word in the middle of a sentence
                        if _ends_prose(hit):
                            continue
                        found = self.read_at(hit, kind, rows, accept=_tidy if tidy else None)
                        if found is not None and not self._is_title(found):
                            return found
        return None

    def _is_title(self, found: Found) -> bool:
        """Label and value together are the document's title (应用场景 | 建设验收证明 when the
        title's letter-spacing reads as a cell gap): a heading, not a labelled value."""
        from extractors.classify import load_signals

        if found.label is None or not isinstance(found.parsed.value, str):
            return False
        spec = load_signals().doc_types.get(self.doc_type)
        value = found.parsed.value.replace(" ", "")
        return bool(spec) and len(value) >= 2 and any(
            t.endswith(value) and len(t) > len(value) for t in spec.titles)

    def read_at(self, hit: LabelHit, kind: str, rows: list[Row], accept=None) -> Found | None:
        """The first candidate (right, then below) that parses and that ``accept`` takes."""
        row = hit.span.row
        cands: list[Span] = []
        right = value_right(hit, self.row_hits.get(id(row), []))
        if right is not None:
            cands.append(right)
        if right is None or not re.search(r"[0-9A-Za-z\u4e00-\u9fff]", right.text) or (
                kind in _STRICT and specks(right)) or (kind == "uscc" and not _CODE_RUN.search(right.text)):
            # only a label with nothing beside it has its value on the row below; for a
            # code, date or amount, OCR specks in the next cell are nothing either; nor, for
            # a credit code, a cell with no run of letters and digits in it (a licence's QR
            # code beside the label, read 回虽zct回, with the code on the line under it)
            cands += value_below(hit, rows, self.row_hits, max_rows=self.settings.below_rows)
        for span in cands:
            if kind in _STRICT and specks(span) and span.conf < GUESSED:
                continue  # a seal's edge read as 0 at confidence 0.00 is not an amount of 0
            spans = [span]
            if kind in ("address", "text", "org") and span is right:
                spans += continuation(span, rows, self.row_hits)
            text = "".join(s.text for s in spans)
            hint = row.chars[hit.span.start:span.start if span.row is row else len(row.chars)]
            typed = span.row.page.source == "text_layer"
            parsed = parse(kind, text, hint.split(GAP)[0] + hit.label, typed=typed)
            if parsed is None and len(spans) > 1:
                spans = [span]
                parsed = parse(kind, span.text, hit.label, typed=typed)
            if parsed is not None:
                found = Found(parsed, phrase_spans(kind, parsed, spans), hit)
                if accept is None or accept(found):
                    return found
        return None

    def scan(self, kind: str, *, reverse: bool = False) -> Found | None:
        """The first row (or last, with ``reverse``) anywhere in the document whose text parses."""
        rows = list(self.all_rows())
        for row in (reversed(rows) if reverse else rows):
            for at, cell in cells(row):
                parsed = parse(kind, cell, typed=row.page.source == "text_layer")
                if parsed is not None:
                    return Found(parsed, phrase_spans(kind, parsed, [Span(row, at, at + len(cell))]))
        return None

    def last_date(self) -> Found | None:
        """The document's last date, for a document date no label names; never a date of
        the company's own that a label such as 成立日期 stands before (a credit report whose
        生成时间 was cut off is undated, not dated on the day the company was founded)."""
        rows = list(self.all_rows())
        for row in reversed(rows):
            for d, a, b in reversed(find_dates(row.chars)):
                if not self._company_date(row, a):
                    return Found(Parsed(d.isoformat(), 0.9, note="取文末日期"), [Span(row, a, b)])
        return None

    def _company_date(self, row: Row, start: int) -> bool:
        words = [fold(w).replace(" ", "") for w in vocab().company_dates]
        before = row.chars[:start]
        mid = (row.bbox[1] + row.bbox[3]) / 2
        for other in self.rows.get(row.page.number, []):  # a label cell on the same line, to its left
            if other is not row and other.bbox[2] <= row.bbox[0] and other.bbox[1] <= mid <= other.bbox[3]:
                before = other.chars + GAP + before
        tail = re.sub(r"[\s:：" + GAP + "]", "", before)[-8:]
        return any(tail.endswith(w) for w in words)

    def joined(self, page: Page) -> tuple[str, list[tuple[Row, int]]]:
        """The page's rows run together (no separators) with a map back to (row, char).

        Prose wraps across rows; a regex over this text finds a phrase broken by the wrap
        and ``spans_of`` turns its offsets back into per-row spans.
        """
        cached = self._joined.get(page.number)
        if cached is not None:
            return cached
        parts: list[str] = []
        where: list[tuple[Row, int]] = []
        for row in self.rows[page.number]:
            for k, c in enumerate(row.chars):
                if c in (GAP, " ") and where and where[-1][0] is row:
                    c = " "
                parts.append(c)
                where.append((row, k))
        self._joined[page.number] = ("".join(parts), where)
        return self._joined[page.number]

    @staticmethod
    def spans_of(where: list[tuple[Row, int]], a: int, b: int) -> list[Span]:
        out: list[Span] = []
        for row, k in where[a:b]:
            if out and out[-1].row is row:
                out[-1].end = k + 1
            else:
                out.append(Span(row, k, k + 1))
        return out

    # ------------------------------------------------------------------ fields

    def make(self, found: Found, *, value: Any = None, note: str | None = None,
             quality: float = 1.0) -> Field:
        spans = found.spans
        row = spans[0].row
        page = row.page
        chars = sum(max(s.end - s.start, 1) for s in spans)
        conf = sum(s.conf * max(s.end - s.start, 1) for s in spans) / chars if chars else 0.0
        # one unreadable word in a value makes the value a guess, however clean the rest:
        # the weakest word caps the field (0.0 -> 0.35, below any sensible floor)
        weakest = min((w.conf for s in spans for w in s.words), default=conf)
        ocr_conf = min(conf, weakest + 0.35)
        conf = ocr_conf * found.parsed.quality * quality
        if page.source == "ocr":
            conf *= found.parsed.ocr_factor
        if found.label is not None and found.label.fuzzy:
            conf *= 0.95
        notes = [n for n in (found.parsed.note, note) if n]
        if ocr_conf < self.settings.low_confidence:
            notes.append(f"低置信度识别({ocr_conf:.2f})")
        raw = "".join(s.text for s in spans)
        if found.label is not None:
            raw = f"{found.label.label}: {raw}"
        return Field(
            value=found.parsed.value if value is None else value,
            page=page.number,
            bbox=union_bbox([s.bbox for s in spans]),
            confidence=round(max(0.0, min(1.0, conf)), 3),
            source=page.source,
            raw=raw,
            note="；".join(notes) or None,
            weakest_conf=round(weakest, 3) if page.source == "ocr" else None,
        )

    def field(self, name: str) -> Field | None:
        """A catalog field from its labels, then its fallback."""
        spec = self.specs.get(name)
        if spec is None:
            return None
        found = self.labelled(name)
        if found is None and spec.fallback:
            found = self.fallback(spec.fallback, spec.kind)
        return self.make(found) if found else None

    def fallback(self, how: str, kind: str) -> Found | None:
        if how == "last_date":
            return self.last_date()
        if how == "issue_date":
            return self.last_date()
        if how == "any_uscc":
            return self.scan("uscc_any")
        if how == "street":
            return self.scan("known_street") or self.scan("street")
        if how == "address_row":
            # a row that is nothing but an address (its label lost to OCR)
            for row in self.all_rows():
                for start, cell in cells(row):
                    c = cell.strip()
                    if _ADDRESS_ONLY.match(c):
                        parsed = parse("address", c)
                        if parsed:
                            return Found(Parsed(parsed.value, 0.85, note="未找到标签，取独立地址行"),
                                         [Span(row, start, start + len(cell))])
            return None
        if how == "authority":
            sufs = vocab().authority_suffixes
            for row in self.all_rows():
                for start, cell in cells(row):
                    for suf in sufs:
                        k = cell.find(suf)
                        if k >= 0:
                            parsed = parse("org", cell[:k + len(suf)])
                            if parsed:
                                return Found(parsed, [Span(row, start, start + k + len(suf))])
        return None

    def generic(self) -> dict[str, Field]:
        """Every field of the doc_type that labels.yaml knows how to read."""
        out: dict[str, Field] = {}
        for name in self.specs:
            fld = self.field(name)
            if fld is not None:
                out[name] = fld
        return out


def _tidy(found: Found) -> bool:
    """A value that reads like a form entry, not like a sentence."""
    text = "".join(sp.text for sp in found.spans).strip()
    return (len(text) <= 40 and not any(c in text for c in "。，,；;")
            and not (text[:1] and text[0] in ",，、。;；"))


def specks(span: Span) -> bool:
    """One or two characters, or a few non-CJK ones: what OCR makes of a seal edge or an ornament."""
    t = span.text.replace(" ", "")
    return len(t) <= 2 or (len(t) <= 4 and not re.search(r"[\u4e00-\u9fff]", t) and sum(c.isdigit() for c in t) <= 1)


def cells(row: Row) -> Iterator[tuple[int, str]]:
    start = 0
    for part in row.chars.split(GAP):
        if part.strip():
            yield start, part
        start += len(part) + 1


def _ends_prose(hit: LabelHit) -> bool:
    """The label is the last word of a line of prose: nothing after it on its row and text
    run up to it (no cell gap, colon or row start before it). Seed 79, case_004: a
    certificate's sentence ending …智能助手”应用场景 had the next line's 亭街道投入运 taken
    from below it as the scenario, trusted at 0.92."""
    row = hit.span.row
    return not row.chars[hit.span.end:].strip() and not cell_start(row, hit.span.start)
