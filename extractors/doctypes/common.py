"""Pieces several doc_type extractors share: headings, prose organisations, fallbacks."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from pipeline.models import Field

from extractors.layout import GAP, Row, Span
from extractors.normalize import fold
from extractors.reader import DocReader, Found
from extractors.values import Parsed, org

# 一、 / 1. / 1、 / （一） / (1) / 第一部分 / 第1章 / 一. / 1.1
_NUMBERING = re.compile(
    r"^\s*(?:第[一二三四五六七八九十\d]+[部分章节]+|[(（]?[一二三四五六七八九十]+[)）]|[(（]\d+[)）]|"
    r"[一二三四五六七八九十]+\s*[、.．:：]|\d+(?:\.\d+)*\s*[、.．:：]?|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
)


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text, count=1).strip()


def heading_matches(row: Row, wordings: list[str], *, slack: int = 8, min_ratio: float = 85) -> bool:
    """Is this row a heading worded like one of ``wordings``?

    A heading is short: its text after the numbering is at most the wording plus
    ``slack`` characters; small wording changes pass through a fuzzy ratio.
    """
    first_cell = row.chars.split(GAP)[0]
    head = strip_numbering(first_cell).rstrip(":：。")
    if not head:
        return False
    for w in wordings:
        w = fold(w)
        if len(head) > len(w) + slack:
            continue
        if head.startswith(w) or w in head[: len(w) + 3]:
            return True
        if len(w) >= 4 and fuzz.ratio(head[: len(w)], w) >= min_ratio:
            return True
    return False


def sections_present(reader: DocReader, sections: dict[str, list[str]]) -> Field | None:
    """Canonical headings found, with the box of the first of them."""
    found: dict[str, Span] = {}
    for row in reader.all_rows():
        for canon, wordings in sections.items():
            if canon in found:
                continue
            if heading_matches(row, [canon, *wordings]):
                found[canon] = Span(row, 0, len(row.chars))
                break
    if not found:
        return Field(value=[], source="derived", confidence=0.6 if reader.pages else 0.0,
                     page=reader.pages[0].number if reader.pages else None,
                     note="未识别到任何章节标题")
    order = [c for c in sections if c in found]
    spans = [found[c] for c in order]
    fld = reader.make(Found(Parsed(order), spans[:1]))
    conf = sum(s.conf for s in spans) / len(spans)
    return fld.model_copy(update={"confidence": round(conf, 3), "bbox": spans[0].bbox,
                                  "raw": " / ".join(s.text for s in spans)})


_ORG_IN_PROSE = re.compile(
    r"([\u4e00-\u9fff()]{2,30}?(?:股份有限公司|有限责任公司|有限公司|分公司|会计师事务所(?:\([^)]{2,10}\))?|"
    r"研究院|研究所|中心|人民政府|管理局))"
)
_LEAD_WORDS = re.compile(r"^.*(?:授予|审计了|委托|兹有|兹证明|证明|推荐|我们|经审核|现将|获得|:|,|。)")


def orgs_in_rows(reader: DocReader, *, suffixes: tuple[str, ...] = ("公司",), reverse: bool = False,
                 exclude: set[str] = frozenset()) -> Found | None:
    """An organisation written in running text or alone on a row, by its legal suffix.

    Leading words such as 授予 / 审计了 are cut off; names in ``exclude`` are skipped.
    """
    rows = list(reader.all_rows())
    for row in (reversed(rows) if reverse else rows):
        start = 0
        for cell in row.chars.split(GAP):
            for m in _ORG_IN_PROSE.finditer(cell):
                name = m.group(1)
                if not name.endswith(suffixes):
                    continue
                cut = _LEAD_WORDS.match(name)
                if cut and len(name) - cut.end() >= 4:
                    offset = cut.end()
                else:
                    offset = 0
                parsed = org(name[offset:])
                if parsed is None or parsed.value in exclude or fold(parsed.value) in exclude:
                    continue
                a = start + m.start(1) + offset
                return Found(Parsed(parsed.value, 0.85, note="从正文识别"), [Span(row, a, start + m.end(1))])
            start += len(cell) + 1
    return None


def put(out: dict[str, Field], reader: DocReader, name: str, found: Found | None, **kw) -> None:
    if name not in out and found is not None:
        out[name] = reader.make(found, **kw)
