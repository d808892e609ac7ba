"""Amount tables (投资明细表): line items and the stated total from word-box rows.

Works on the rows of any page, text layer or OCR: a table row is a visual row whose
last numeric cell is its amount and whose first CJK cell is its name. The unit comes
from the header (金额（万元）) or a 单位：万元 line above the table. On scans the table's
ruling is painted out before OCR (``pipeline.preprocess.erase_ruling``), or Tesseract drops the cells.
"""

from __future__ import annotations

import re
from itertools import combinations

from rapidfuzz.distance import Levenshtein

from pipeline.models import Field

from extractors.layout import GAP, Row, Span, doubted_at
from extractors.normalize import fold, parse_money, unit_factor
from extractors.normalize.text import paired_brackets
from extractors.vocab import vocab

# a grouped amount whose commas OCR read as points (1.878,000.00) first, then plain ones
_NUM = re.compile(r"(?<![\d.])(-?\d{1,3}(?:[.,]{1,2}\d{3})+[.,]\d{2}(?![\d])|-?\d[\d,]*(?:\.\d+)?)(?:\s*(万元|元|亿元))?")
_HEADER_WORDS = ("金额", "投资额", "费用", "合计金额", "小计", "单价", "数量", "序号", "名称", "内容", "项目")
_SERIAL = re.compile(r"^\s*(\d{1,3}|[一二三四五六七八九十]+|\(\d+\)|[(（][一二三四五六七八九十]+[)）])[、.．]?\s*")


def _is_header(row: Row) -> bool:
    s = row.chars
    return sum(1 for w in _HEADER_WORDS if w in s) >= 2 and not re.search(r"\d{3}", s)


def _row_amount(row: Row) -> tuple[float, int, int] | None:
    """The row's last amount (its amount column), with its offsets. A lone digit after it
    is no amount: a speck in the evidence column read as 2 at 0.01 (seed 89 case_013,
    发票 2) had hidden the row's 2,504,200.00, and the item was lost from the sum.

    A group of three digits (and the cents) after a narrow blank is the end of the figure
    before it, whose separator OCR read as a blank: 1,193,900.00 read ``1193 900.00`` (seed
    97 case_003) is one amount, not 900 yuan. A wide blank (a column's) parts two figures."""
    for m in reversed(list(_NUM.finditer(row.chars))):
        digits = re.sub(r"\D", "", m.group(1))
        if len(digits) < 2 and "." not in m.group(1):
            continue
        text, start = m.group(1), m.start()
        head = _FIGURE_HEAD.search(row.chars[:start]) if _GROUP_TAIL.match(text) else None
        if head is not None:
            text, start = re.sub(r"[ ,]", "", head.group(1)) + text, head.start(1)
        value = parse_money(text)  # also regroups 1.878,000.00
        if value is None:
            return None
        return value, start, m.end()
    return None


_GROUP_TAIL = re.compile(r"^\d{3}(?:[.,]\d{2})?$")  # a figure's last group, and its cents
# ... and what is before it, one blank away (1 193 900.00: both separators read as blanks)
_FIGURE_HEAD = re.compile(r"(?<![\d.,])(\d{1,6}(?:[ ,]\d{3})*) $")


def _row_name(row: Row, amount_start: int) -> tuple[str, int, int] | None:
    """The row's name: its first cell with Chinese characters, after the serial number.
    A speck read as one character the OCR doubted, in a cell of its own before the serial
    number, is no name (和 at 0.00 before 1 智算集群扩容（算力卡）, seed 89 case_013)."""
    text = row.chars[:amount_start]
    speck = re.match(r"\s*(\S)\s+", text)
    if speck and doubted_at(row, speck.start(1)) and _SERIAL.match(text[speck.end():]):
        text = " " * speck.end() + text[speck.end():]  # offsets kept
    m = _SERIAL.match(text)
    a = m.end() if m else 0
    name_part = text[a:]
    # name = the first cell with CJK characters
    offset = a
    for cell in name_part.split(GAP):
        c = cell.strip()
        if re.search(r"[\u4e00-\u9fff]", c):
            k = row.chars.find(c, offset)
            c2 = re.sub(r"[\s\d.,]+$", "", c)  # trailing quantity/price columns without gaps
            lead = len(c2) - len(c2.lstrip("“”\"'‘’|[。.，,、:： "))  # OCR specks before the name
            c2, k = c2[lead:], k + lead
            return c2, k, k + len(c2)
        offset += len(cell) + 1
    return None


def _misread_total(row: Row, name: tuple[str, int, int] | None, totals: list[str], yuan: float,
                   items: list[dict]) -> bool:
    """A total whose label OCR misread: a name of two or three characters, one character
    off a total word where the OCR doubted that character (合计 read 合证, 计 at 0.87), or
    any name that short beside the sum of the items above it to the fen. A line item is
    never named in two characters like 合证, and an item equal to the sum of all before it
    would be a coincidence; a stated total that differs from the sum (the planted
    INVESTMENT_SUM_MISMATCH) is still found by its label. ``name`` is the row's
    (``_row_name``)."""
    if name is None:
        return False
    text, na, nb = name
    text = re.sub(r"[\s\W_]", "", text)
    if not 2 <= len(text) <= 3:
        return False
    if len(items) >= 2 and abs(sum(i["amount"] for i in items) - yuan) < 0.005:
        return True
    for word in totals:
        if len(word) == len(text) and text[0] == word[0] and Levenshtein.distance(text, word) == 1:
            k = next(i for i in range(len(text)) if text[i] != word[i])
            at = row.chars.find(text[k], na)
            return 0 <= at < nb and doubted_at(row, at)
    return False


CLASH_CONF = 0.8  # an amount whose unit the table states two ways is read no surer than this
MENDED_CONF = 0.8  # ... and items some of which had their point put back by the total (point_lost)
MAX_POINTS_LOST = 6  # separator-less figures tried at most: 63 ways to put points back
_CENTS = re.compile(r"[.,]\d{2}$")


def point_lost(items: list[dict], texts: list[str], total: float) -> list[tuple[int, float]] | None:
    """[(index, amount)] of the items whose decimal point OCR lost, when putting it back
    makes the items add up to the stated total to the cent: 87.34 read 8734 in a 万元 table
    whose other amounts all show their two decimals (seed 103 case_003: the items came to
    9059.76万元 against a stated 413.10, and the table was reported as not adding up). A
    photo can lose more than one: 1,281.34 read 128134 and 2,367.23 read 236723 on the same
    upside-down table (seed 199 case_012: 370080万元 against a stated 8871.20).

    Only figures with no separator at all, among items whose other amounts all print two
    decimals, are tried, each as a hundredth of what was read; a table that adds up, or
    that more than one set of such changes would make add up, is left as read. A stated
    total that differs from the items by chance by 99 % of some of them, to the cent, is
    the one case this gets wrong."""
    added = sum(i["amount"] for i in items)
    if abs(added - total) < 0.005:
        return None
    plain = [k for k, t in enumerate(texts) if t.strip().isdigit() and len(t.strip()) >= 3]
    others = [t for k, t in enumerate(texts) if k not in plain]
    if not plain or len(plain) > MAX_POINTS_LOST or len(others) < 2 or not all(_CENTS.search(t.strip()) for t in others):
        return None
    fits = [ks for n in range(1, len(plain) + 1) for ks in combinations(plain, n)
            if abs(added - 0.99 * sum(items[k]["amount"] for k in ks) - total) < 0.005]
    if len(fits) != 1:
        return None
    return [(k, round(items[k]["amount"] / 100, 2)) for k in fits[0]]


def _unit_note(unit: int | None, clash: bool) -> str | None:
    if clash:
        return f"表头金额单位与表前“单位”说明不一致，按较大单位换算×{unit}，请人工核对"
    return f"金额单位换算×{unit}" if unit and unit != 1 else None


def _table_rows(reader, *, headed: bool):
    """The table's items (with their spans and amounts as read), its total, its unit and
    whether the header's unit and a 单位 line disagreed; from the header row on, or, not
    ``headed``, from the first row on."""
    v = vocab()
    totals = [fold(w).replace(" ", "") for w in v.total_words]
    items: list[dict] = []
    item_spans: list[Span] = []
    item_texts: list[str] = []  # each item's amount as read
    total: tuple[float, Span, str] | None = None
    unit: int | None = None
    declared: int | None = None  # the unit a 单位：万元 line above the table states
    clash = False
    in_table = not headed
    for page in reader.pages:
        for row in reader.rows[page.number]:
            u = unit_factor(row.chars)
            if u and _is_header(row):
                # the header and the line above disagree: one was misread, and OCR drops a
                # character (金额（万元） read 全 (元) far more often than it makes one up
                clash = bool(declared and declared != u)
                unit = max(u, declared) if clash else u
            elif u and (not in_table or not (headed or items)):  # a 单位 line above the table
                unit = declared = u
            if _is_header(row):
                in_table = True
                continue
            if not in_table:
                continue
            amt = _row_amount(row)
            if amt is None:
                continue
            value, a, b = amt
            tail = row.chars[b:b + 3]
            explicit = re.match(r"\s*(万元|元|亿元)", tail)
            yuan = parse_money(row.chars[a:b] + (explicit.group(1) if explicit else ""),
                               unit=None if explicit else unit)
            if yuan is None:
                continue
            # blanks and specks out: a speck between its characters (合 - 计) keeps the total a total
            compact = re.sub(r"[\s\W_]", "", row.chars.replace(GAP, ""))
            name = _row_name(row, a)
            if any(compact.startswith(t) or compact[:6].find(t) >= 0 for t in totals) or _misread_total(
                    row, name, totals, yuan, items):
                total = (yuan, Span(row, a, b), row.text)
                in_table = False  # the total closes the table; what follows is signature and date
                continue
            if re.search(r"\d\s*年\s*\d{1,2}\s*月", row.chars):
                continue  # a dated line (签署日期), not an item
            if name is None:
                continue
            nm, na, nb = name
            span = Span(row, na, b)
            items.append({"name": paired_brackets(nm), "amount": yuan, "page": page.number,
                          "bbox": list(span.bbox)})
            item_spans.append(span)
            item_texts.append(row.chars[a:b])
    return items, item_spans, item_texts, total, unit, clash


def read_amount_table(reader) -> tuple[Field | None, Field | None]:
    """(line_items field, stated_total field) from the document's table rows.

    The table starts at its header row; when no row of the document reads as a header (its
    words lost to OCR: 金额（元） read 全而, 序号 read 房, seed 137 case_006), at the first
    row with a name and an amount, and the rows are read as they come."""
    items, item_spans, item_texts, total, unit, clash = _table_rows(reader, headed=True)
    if not items and total is None:
        items, item_spans, item_texts, total, unit, clash = _table_rows(reader, headed=False)
    cap = CLASH_CONF if clash else 1.0
    items_cap, notes = cap, [_unit_note(unit, clash)]
    if total is not None and items and item_spans[0].row.page.source == "ocr":
        mended = point_lost(items, item_texts, total[0])
        if mended is not None:
            for k, amount in mended:
                items[k] = {**items[k], "amount": amount}
            notes.append(f"第{'、'.join(str(k + 1) for k, _ in mended)}项金额识别时小数点疑似丢失"
                         f"（{'、'.join(item_texts[k] for k, _ in mended)}），按合计校正，请人工核对")
            items_cap = min(cap, MENDED_CONF)  # the total is as read: it mended the item
    items_field = None
    if items:
        conf = sum(s.conf for s in item_spans) / len(item_spans)
        first = item_spans[0]
        items_field = Field(value=items, page=first.row.page.number, bbox=first.bbox,
                            confidence=round(min(conf, min(s.conf for s in item_spans) + 0.1, items_cap), 3),
                            source=first.row.page.source,
                            raw="; ".join(f"{i['name']} {i['amount']}" for i in items),
                            note="；".join(n for n in notes if n) or None)
    total_field = None
    if total is not None:
        value, span, raw = total
        total_field = Field(value=value, page=span.row.page.number, bbox=span.bbox,
                            confidence=round(min(span.conf, cap), 3),
                            source=span.row.page.source, raw=raw, note=_unit_note(unit, clash) if clash else None)
    return items_field, total_field
