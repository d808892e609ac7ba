"""信用中国 credit report: subject, date, and every record under the three bad-record headings.

A section starts at its heading (行政处罚信息, 严重失信主体名单, 经营异常名录, numbered or not)
and ends at the next heading of any known section. Inside, a row with a date is a record;
无 / 暂无 / 未查询到 says the section is empty. A section heading with neither records nor
a "none" statement is reported in the field's note, since an unread table is not a clean
record.
"""

from __future__ import annotations

import re

from pipeline.models import Field

from extractors.doctypes.common import strip_numbering
from extractors.layout import GAP, Span
from extractors.normalize import find_dates, fold
from extractors.reader import DocReader
from extractors.vocab import vocab


def _section_of(row_text: str, sections: dict[str, list[str]], others: list[str]) -> str | None:
    """The section a heading row opens; a heading is numbered or stands alone on its row
    (a table's first cell that names a section, as in an appendix, is not a heading)."""
    first = row_text.split(GAP)[0]
    head = strip_numbering(first)
    numbered = head != first.strip()
    if find_dates(head) or (not numbered and GAP in row_text.strip(GAP)):
        return None
    for kind, words in sections.items():
        for w in words:
            w = fold(w)
            if head.startswith(w) and len(head) <= len(w) + 14:
                return kind
    for w in others:
        if head.startswith(fold(w)) and len(head) <= len(w) + 14:
            return "_other"
    return None


def _is_none(text: str, none_words: list[str], heading_words: list[str]) -> bool:
    s = text
    for w in heading_words:
        s = s.replace(fold(w), "")
    s = re.sub(r"[\s:：。.,，()（）\-—_|]", "", s)
    s = re.sub(r"(信息|记录|条|共|0|〇|零|查询结果|相关|数据)", "", s)
    return any(s.startswith(fold(w)) for w in none_words) or s == ""


def records(reader: DocReader) -> Field | None:
    v = vocab()
    current: str | None = None
    heading_words = [w for ws in v.credit_sections.values() for w in ws]
    items: list[dict] = []
    seen_sections: dict[str, str] = {}  # kind -> "none" | "records" | "unread"
    confs: list[float] = []
    first_span: Span | None = None
    for row in reader.all_rows():
        kind = _section_of(row.chars, v.credit_sections, v.credit_other_sections)
        if kind is not None:
            current = None if kind == "_other" else kind
            if current:
                seen_sections.setdefault(current, "unread")
                first_span = first_span or Span(row, 0, len(row.chars))
                confs.append(Span(row, 0, len(row.chars)).conf)
                # "行政处罚信息：无" on the heading row itself
                rest = strip_numbering(row.chars.replace(GAP, " "))
                for w in heading_words:
                    rest = rest.replace(fold(w), "", 1) if rest.startswith(fold(w)) else rest
                if rest.strip(" :") and _is_none(rest, v.credit_none, heading_words):
                    seen_sections[current] = "none"
            continue
        if current is None:
            continue
        dates = find_dates(row.chars)
        span = Span(row, 0, len(row.chars))
        rest = row.chars
        for _, a, b in dates:
            rest = rest[:a] + " " * (b - a) + rest[b:]
        if dates and len(re.sub(r"[\s\d\t.,:;|]", "", rest)) >= 3:  # a record, not a bare date
            d, a, b = dates[0]
            items.append({"kind": current, "date": d.isoformat(), "text": row.text.replace(GAP, " "),
                          "page": row.page.number, "bbox": list(span.bbox)})
            seen_sections[current] = "records"
            confs.append(span.conf)
        elif _is_none(row.chars, v.credit_none, heading_words):
            if seen_sections.get(current) != "records":
                seen_sections[current] = "none"
            confs.append(span.conf)
    if not seen_sections:
        return None
    unread = [k for k, s in seen_sections.items() if s == "unread"]
    missing = [k for k in v.credit_sections if k not in seen_sections]
    notes = []
    if unread:
        notes.append("以下栏目未能判断有无记录：" + "、".join(unread))
    if missing:
        notes.append("未找到栏目：" + "、".join(missing))
    conf = sum(confs) / len(confs) if confs else 0.5
    if unread:
        conf = min(conf, 0.45)
    page = first_span.row.page if first_span else reader.pages[0]
    return Field(value=items, page=page.number, bbox=first_span.bbox if first_span else None,
                 confidence=round(conf, 3), source=page.source,
                 raw="; ".join(f"{k}:{s}" for k, s in seen_sections.items()),
                 note="；".join(notes) or None)


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    rec = records(reader)
    if rec is not None:
        out["records"] = rec
    return out
