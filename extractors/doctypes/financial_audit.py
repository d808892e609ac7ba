"""审计报告 / 财务报表: audited company, year, firm, opinion, revenue and R&D expense.

The opinion is classified from the opinion section (the first heading that names an
opinion, up to the next numbered heading), because a 保留意见 paragraph may well contain
the string 无保留 and a clean report quotes the other opinions nowhere.
"""

from __future__ import annotations

import re

from pipeline.models import Field

from extractors.doctypes.common import orgs_in_rows, put, strip_numbering
from extractors.layout import GAP, Span, cell_start, strong_label
from extractors.normalize import find_year, fold, parse_money, unit_factor
from extractors.reader import DocReader, Found
from extractors.values import Parsed, org
from extractors.vocab import vocab

_OPINION_HEAD = re.compile(r"^(审计意见|保留意见|无保留意见|标准无保留意见|否定意见|无法表示意见|带强调事项段的无保留意见)")
_NEXT_HEAD = re.compile(r"^(形成|强调事项|其他信息|关键审计事项|管理层|治理层|注册会计师|二、|三、)")
# commas only between groups of three (28,814,33 is half of 28,814,330.69, not 2,881,433);
# also a figure OCR mangled (31.708.375.44, 221.341,499.25), and one whose point before the
# cents was lost (89,712,00876: parse_money reads the five-digit group as 008.76)
# (a statement prints at most two decimals: 17161.77639 is what OCR left of 17,161,776.39)
_AMOUNT = re.compile(r"^\(?-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?\)?$|^\d{1,3}(?:[.,]{1,2}\d{3})+[.,]\d{2}$"
                     r"|^\(?-?\d{1,3}(?:,\d{3})*,\d{5}\)?$")
_FY = [re.compile(r"((?:19|20)\d{2})\s*年度"), re.compile(r"((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日"),
       re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*-\s*12\s*月")]


def classify_opinion(text: str) -> tuple[str, str] | None:
    """(opinion, the words that decided it) for the text of an opinion section."""
    s = fold(text)
    masked = s.replace("标准无保留意见", "〖U〗").replace("无保留意见", "〖U〗").replace("无保留", "〖U〗")
    for value, words in vocab().audit_opinion:
        for w in words:
            w = fold(w)
            if value == "unqualified":
                if w in s:
                    return value, w
            elif w in masked:
                return value, w
    return None


def opinion(reader: DocReader) -> Field | None:
    rows = list(reader.all_rows())
    for i, row in enumerate(rows):
        head = strip_numbering(row.chars.split(GAP)[0])
        if not _OPINION_HEAD.match(head) or len(head) > 20:
            continue
        body = [row]
        for nxt in rows[i + 1:i + 40]:
            h = strip_numbering(nxt.chars.split(GAP)[0])
            if _NEXT_HEAD.match(h) and len(h) < 30:
                break
            body.append(nxt)
        text = "".join(r.chars for r in body)
        hit = classify_opinion(head) if head != "审计意见" else None
        hit = hit or classify_opinion(text)
        if hit:
            spans = [Span(r, 0, len(r.chars)) for r in body[:6]]
            return reader.make(Found(Parsed(hit[0], note=f"依据“{hit[1]}”"), spans[:1]),
                               quality=1.0).model_copy(update={"raw": text[:200]})
    # no opinion heading: the whole document, with less trust
    for page in reader.pages:
        text, where = reader.joined(page)
        hit = classify_opinion(text)
        if hit:
            k = fold(text).find(hit[1])
            spans = reader.spans_of(where, max(k, 0), max(k, 0) + len(hit[1]))
            return reader.make(Found(Parsed(hit[0], 0.8, note=f"未找到审计意见段，依据全文“{hit[1]}”"), spans))
    return None


def fiscal_year(reader: DocReader) -> Field | None:
    for pat in _FY:
        for page in reader.pages:
            text, where = reader.joined(page)
            m = pat.search(text)
            if m:
                return reader.make(Found(Parsed(int(m.group(1))), reader.spans_of(where, m.start(), m.end())))
    for page in reader.pages:
        text, where = reader.joined(page)
        if "年度" in text:
            y = find_year(text[: text.find("年度") + 2][-12:])
            if y:
                k = text.find("年度")
                return reader.make(Found(Parsed(y, 0.9), reader.spans_of(where, max(0, k - 6), k + 2)))
    return None


def firm_rows(reader: DocReader) -> list[Found]:
    """The firm's name wherever it is written alone on a row (letterhead, sign-off), in
    reading order."""
    out = []
    for row in reader.all_rows():
        start = 0
        for cell in row.chars.split(GAP):
            k = cell.find("会计师事务所")
            if k >= 0 and k <= 24:
                parsed = org(cell)
                if parsed is not None and "会计师事务所" in parsed.value:
                    out.append(Found(parsed, [Span(row, start, start + len(cell))]))
            start += len(cell) + 1
    return out


def audit_firm(found: list[Found]) -> Found | None:
    """The firm's name from the last row that writes it (the sign-off), unless another row
    writes the same name with more in front: the sign-off lies under the firm's seal, which
    can take its first characters (国际会计师事务所 for 天职国际会计师事务所, the letterhead
    read whole)."""
    if not found:
        return None
    last = found[-1]
    tail = str(last.parsed.value)
    fuller = [f for f in found[:-1] if len(str(f.parsed.value)) > len(tail)
              and str(f.parsed.value).endswith(tail)]
    return fuller[-1] if fuller else last


def statement_amount(reader: DocReader, name: str) -> Found | None:
    """A line of the income statement: the first amount right of the label, in the page's unit."""
    spec = reader.specs.get(name)
    if spec is None:
        return None
    unreadable = False
    for page in reader.pages:
        rows = reader.rows[page.number]
        unit = None
        for row in rows:
            unit = unit or unit_factor(row.chars)
        for hit in reader.hits[page.number]:
            if hit.key != name:
                continue
            row = hit.span.row
            found, bad = _first_figure(row, hit.span.end, unit)
            if found is not None and _under_prior(Span(row, found[1], found[2]), rows, row):
                found, bad = None, True  # the year's own figure was junk, skipped as a note reference
            if found is not None:
                return Found(Parsed(found[0]), [Span(row, found[1], found[2])], hit)
            # the current period's figure unreadable (a note reference has one or two
            # digits; under a seal 9,955,559.52 was read as 9.955. and 9.5): the next one
            # on the row is the prior period's, never a substitute for it
            unreadable = unreadable or bad
    if unreadable:
        return None  # nor is the unreadable figure's first piece (9.955. as 9.96 yuan)
    # no statement row with a figure: a labelled value (研发费用：123万元), never a word of prose
    for page in reader.pages:
        for hit in reader.hits[page.number]:
            if hit.key != name or not strong_label(hit) or not cell_start(hit.span.row, hit.span.start):
                continue
            found = reader.read_at(hit, "money", reader.rows[page.number])
            if found is not None and _stated(found):
                return found
    return None


def _stated(found: Found) -> bool:
    """Whether a labelled amount is written as one: with its unit, in words, or with three
    digits at least. What is left of a figure under a seal (研发费用 1, seed 97 case_006) is
    not 1 yuan."""
    text = "".join(span.text for span in found.spans)
    return bool(re.search(r"[元万亿整]", text)) or len(re.findall(r"\d", text)) >= 3


def _under_prior(figure: Span, rows, row) -> bool:
    """Whether a figure lies under the prior period's column header of the nearest header
    row above it (nearer that header's middle than the current period's). Seed 73: the
    current cell of 研发费用 read as ``1 7 “~ ，`` was passed over as a note reference, and
    the prior year's 上期 figure's tail (06.33) was taken as the year's R&D expense."""
    columns = None
    for other in rows:
        if other is row:
            break
        if other.bbox[1] < row.bbox[1]:
            columns = _period_columns(other) or columns
    if columns is None:
        return False
    current, prior = columns
    x0, _, x1, _ = figure.bbox
    middle = (x0 + x1) / 2
    return abs(middle - prior) < abs(middle - current)


def _period_columns(row) -> tuple[float, float] | None:
    """The middles (x) of a row's current- and prior-period column headers, when it has both."""
    kept = [k for k, ch in enumerate(row.chars) if not ch.isspace() and ch != GAP]
    compact = "".join(row.chars[k] for k in kept)
    middles = []
    for kind in ("current", "prior"):
        for word in vocab().period_columns.get(kind, []):
            at = compact.find(word)
            if at >= 0:
                box = Span(row, kept[at], kept[at + len(word) - 1] + 1).bbox
                middles.append((box[0] + box[2]) / 2)
                break
        else:
            return None
    return middles[0], middles[1]


def _first_figure(row, start: int, unit: int | None) -> tuple[tuple[float, int, int] | None, bool]:
    """The first amount of a statement row after ``start`` with where it lies, or None and
    whether a figure was there that could not be read. Pieces parted by a narrow blank
    (31,708,375. and 44; 28,814, and 33 and 0.69) are read together when together they
    make a whole grouped figure with a point before its cents (28,814,33 is no figure);
    a wide blank parts columns, never a figure."""
    at = start
    for column in row.chars[start:].split(GAP):
        pieces = [p for p in column.split(" ") if p.strip(":")]
        for n, piece in enumerate(pieces):
            k = row.chars.find(piece, at)
            at = k + len(piece)
            joined = _joined(row, pieces, n, k, at, unit)
            if joined is not None:
                return joined, False
            if _ONE_DECIMAL.match(piece) and any(re.search(r"\d", p) for p in pieces[n + 1:]):
                return None, True  # 73.1 then 3 and 577.79.54: what is left of 73,199,837.93
            figure = _figure(piece, unit)
            if figure is not None and _CUT_SHORT.match(piece) and _REST_OF_ONE.match(row.chars[at:].lstrip(" " + GAP)):
                return None, True  # 149,643 then ,82.76: the rest of a figure, not a whole one
            if figure is not None:
                return (figure[0], k, k + figure[1]), False
            lead = _word_junk(row, piece, k)
            figure = _figure(piece[lead:], unit) if lead else None
            if figure is not None and _GROUPED.match(piece[lead:lead + figure[1]]):
                return (figure[0], k + lead, k + lead + figure[1]), False
            if len(re.sub(r"\D", "", piece)) >= 3:
                return None, True
        at += 1  # the GAP
    return None, False


def _word_junk(row, piece: str, k: int) -> int:
    """How many characters before a piece's first digit are words of their own with no
    digit in them (a speck of the seal read 恬。 right before 263,957,202.49, seed 97
    case_006), and so not a misread part of the figure; 0 when there are none. A digit read
    as a letter inside the figure's own word is never cut off: that figure is not whole."""
    d = next((i for i, ch in enumerate(piece) if ch.isdigit()), 0)
    if d == 0 or any(ch.isdigit() for ch in piece[:d]):
        return 0
    owner = row.owner
    if k + d >= len(owner) or owner[k + d] < 0 or owner[k + d] == owner[k + d - 1]:
        return 0
    return d


def _joined(row, pieces: list[str], n: int, k: int, end: int, unit: int | None):
    """Piece n read together with the short pieces of digits after it, when together they
    make a whole figure: (value, start, end), or None. A piece is short when it has at
    most four characters (never a figure of its own), or six after a piece that ends in a
    group cut short (21,593,4 and 45.83: the first is no figure, so the second is its end,
    not a column of its own), or any length when it starts with a separator and a group of
    three (149,643 and ,828.76, seed 109 case_002: no figure starts with a comma)."""
    text = pieces[n]
    if not re.match(r"[\d,.]", text):
        return None
    for more in pieces[n + 1:n + 3]:
        longest = 6 if re.search(r",\d{0,2}$", text) else 4
        if re.match(r"[,.]\d{3}", more) and re.search(r"\d$", text):
            longest = len(more)  # no column's figure starts with a separator: the rest of one
        digits = re.match(r"[\d.,]{1,%d}(?![\d.,])" % longest, more)
        if digits is None:
            return None
        text += digits.group(0)
        end = row.chars.find(more, end) + digits.end()
        if _WHOLE.match(text):
            v = parse_money(text, unit=unit)
            return (v, k, end) if v is not None else None
        if digits.end() < len(more):
            return None
    return None


def _figure(cell: str, unit: int | None) -> tuple[float, int] | None:
    """The amount a statement cell holds, or starts with when OCR junk follows it
    (31,708,375.44于,全) or a mark (82.617,715.13， with the sentence's comma read into the
    cell), and how many characters it takes; None for a note reference or
    an unreadable figure. A figure with junk after it counts only in full, grouped and
    with its cents: 9.95史 is what is left of 9,955,559.52, not 9.95 yuan."""
    # the point before the cents read as another small mark (83,678.810:19): the same length
    cell = _MARK_AS_POINT.sub(".", cell)
    lead = re.match(r":*(\(?-?[\d,.]*\d\)?)", cell)
    if lead is None:
        return None
    c = lead.group(1)
    if lead.end() < len(cell) and not _GROUPED.match(c):
        return None
    if re.match(r"\(?-?0\d", c):
        return None  # no amount is printed with a leading zero: 06.33 is a figure's tail
    if _AMOUNT.match(c) and (len(re.sub(r"\D", "", c)) >= 3 or "," in c):
        v = parse_money(c.strip("()"), unit=unit)
        return (v, lead.end()) if v is not None else None
    return None


_MARK_AS_POINT = re.compile(r"(?<=[\d,.]\d{3})[;:'、](?=\d{2}(?![\d,.]))")
_ONE_DECIMAL = re.compile(r"^:*-?\d+\.\d$")  # a statement prints its amounts with cents, never one decimal
_GROUPED = re.compile(r"^\(?-?\d{1,3}(?:[,.]\d{3})+[.,]\d{2}\)?$")
_WHOLE = re.compile(r"^\d{1,3}(?:[,.]\d{3})+\.\d{2}$")  # pieces read together: a point before the cents
_CUT_SHORT = re.compile(r"^\d{1,3}(?:,\d{3})+$")  # thousands without the cents
_REST_OF_ONE = re.compile(r"[,.]\d")  # what follows a figure cut short: no column's figure starts so


def report_date(reader: DocReader, firm: Found | None) -> Found | None:
    if firm is not None:
        row = firm.spans[0].row
        rows = reader.rows[row.page.number]
        i = next((n for n, r in enumerate(rows) if r is row), None)
        if i is not None:
            from extractors.normalize import find_dates

            for r in rows[i:i + 6]:
                ds = find_dates(r.chars)
                if ds:
                    d, a, b = ds[-1]
                    return Found(Parsed(d.isoformat()), [Span(r, a, b)])
    return _dated_signoff(reader)


def _dated_signoff(reader: DocReader) -> Found | None:
    """The report's date when the firm's name is unreadable (a seal over it): the first
    cell that is nothing but a date, on or after the row of the auditors' signatures
    (中国注册会计师). A cell, not a row: the date shares its row with 中国·上海 in many
    reports, or with what OCR made of a seal's ring (mass, seed 97 case_006)."""
    from extractors.normalize import find_dates

    signoff = vocab().audit_signoff
    signed = False
    for row in reader.all_rows():
        signs = any(w in row.chars for w in signoff)
        if signed or signs:
            # the row as a whole first (a wide blank inside a date), then each of its cells
            pieces, start = [(0, row.chars.replace(GAP, " "))] if GAP in row.chars else [], 0
            for cell in row.chars.split(GAP):
                pieces.append((start, cell))
                start += len(cell) + 1
            for at, cell in pieces:
                if any(w in cell for w in signoff):
                    continue
                text = cell.strip()
                lead = len(cell) - len(cell.lstrip())
                ds = find_dates(text)
                if ds and ds[0][2] - ds[0][1] >= len(text.replace(" ", "")) - 2:
                    d, a, b = ds[0]
                    return Found(Parsed(d.isoformat(), 0.9, note="取签字后的日期"),
                                 [Span(row, at + lead + a, at + lead + b)])
        signed = signed or signs
    return None


def extract(reader: DocReader) -> dict[str, Field]:
    out: dict[str, Field] = {}
    labelled = reader.labelled("applicant_name")
    if labelled:
        out["applicant_name"] = reader.make(labelled)
    else:
        put(out, reader, "applicant_name", orgs_in_rows(reader))
    rows = firm_rows(reader)
    labelled_firm = None if rows else reader.labelled("audit_firm")
    put(out, reader, "audit_firm", audit_firm(rows) or labelled_firm)
    # the report is dated under the sign-off, the last row that names the firm
    signoff = rows[-1] if rows else labelled_firm
    fy = fiscal_year(reader)
    if fy:
        out["fiscal_year"] = fy
    op = opinion(reader)
    if op:
        out["opinion"] = op
    for name in ("revenue", "rd_expense"):
        put(out, reader, name, statement_amount(reader, name))
    signed = report_date(reader, signoff) or reader.labelled("report_date")
    if signed is not None and fy is not None and not _signed_after(fy.value, signed.parsed.value):
        put(out, reader, "report_date", signed, quality=OFF_YEAR, note="报告日期与审计年度不符，疑为识别错误")
    else:
        put(out, reader, "report_date", signed)
    return out


# An audit report is signed in the months after the year it audits; a report date in
# another year is more likely a misreading (二〇二六 read 二加三六 under a seal, mended to
# 2036) than a fact, and its confidence drops below the rules' floor so that they ask
# rather than decide. The year audited was read on the same pages, usually in clear print.
SIGNED_WITHIN = 2  # years after the audited year
OFF_YEAR = 0.4


def _signed_after(year: int, iso: str) -> bool:
    return year < int(iso[:4]) <= year + SIGNED_WITHIN
