"""项目情况报告: which of the eight required sections are there, and the stated investment."""

from __future__ import annotations

import re

from pipeline.models import Field

from extractors.doctypes.common import orgs_in_rows, put, sections_present
from extractors.layout import GAP, Span
from extractors.normalize import find_dates
from extractors.normalize.text import has_cjk
from extractors.reader import DocReader, Found, cells, specks
from extractors.values import Parsed
from extractors.vocab import vocab


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    sec = sections_present(reader, vocab().report_sections)
    if sec is not None:
        out["sections_present"] = sec
    put(out, reader, "applicant_name", orgs_in_rows(reader))
    put(out, reader, "project_name", title_line(reader))
    return out


def title_line(reader: DocReader) -> Found | None:
    """No 项目名称 label: the line right under the report's title is the project's name."""
    rows = reader.rows[reader.pages[0].number][:8]
    for i, row in enumerate(rows[:-1]):
        if re.search(r"项目(情况)?报.{0,1}$", row.chars.strip()) or "项目情况报告" in row.chars:
            # a piece of the large title read again as a line of its own (况报告 or junk
            # such as A告, over 项目情况报告) is not the line under it
            title = row.chars.strip()
            after = [r for r in rows[i + 1:] if not (r.chars.strip() and r.chars.strip() in title)
                     and not row.bbox[1] <= (r.bbox[1] + r.bbox[3]) / 2 <= row.bbox[3]]
            if not after:
                break
            nxt = after[0]
            span = _without_specks(nxt)
            text = span.text
            if ":" not in text and len(text) >= 6 and has_cjk(text) and not find_dates(text):
                return Found(Parsed(text, 0.85, note="取标题下一行"), [span])
            break
    else:
        return _named_project_line(rows)
    return None


def _without_specks(row) -> Span:
    """The row without the specks a wide blank parts from its text at either end (seed 127
    case_014: the project's name, then the lettering of a seal on the page's edge read as 智
    or ee): a title is one run of text."""
    parts = [Span(row, a, a + len(c)) for a, c in cells(row)]
    while len(parts) > 1 and specks(parts[-1]):
        parts.pop()
    while len(parts) > 1 and specks(parts[0]):
        parts.pop(0)
    return Span(row, parts[0].start, parts[-1].end) if parts else Span(row, 0, len(row.chars))


def _named_project_line(rows) -> Found | None:
    """No title found (a large letter-spaced title read as fragments: 主、全 / 、情)见报告 /
    项目, seed 79 case_003): a cover's line of its own that names a project, ending in 项目,
    is the project's name; never a sentence about it (本项目…, 该项目…) nor a label's row."""
    for row in rows:
        text = row.chars.replace(GAP, " ").strip()
        compact = text.replace(" ", "")
        if (compact.endswith("项目") and 6 <= len(compact) <= 40 and ":" not in text and "：" not in text
                and not re.match(r"[本该此其这]", compact) and not re.search(r"[，。；]", compact)
                and has_cjk(text) and not find_dates(text)):
            return Found(Parsed(text, 0.8, note="取封面上以“项目”结尾的一行"), [Span(row, 0, len(row.chars))])
    return None
