"""应用案例: the four parts of a case and the user organisation behind the feedback.

Without labels, the user organisation is the one that speaks under 用户反馈 (or, failing
that, the last organisation named), and the applicant is the first other company.
"""

from __future__ import annotations

from pipeline.models import Field

from extractors.doctypes.common import heading_matches, orgs_in_rows, put, sections_present
from extractors.reader import DocReader, Found
from extractors.vocab import vocab

_USER_SUFFIXES = ("公司", "中心", "医院", "大学", "学院", "政府", "局", "委员会")


def _feedback_org(reader: DocReader) -> Found | None:
    wordings = ["用户反馈", *vocab().case_sections.get("用户反馈", [])]
    rows = list(reader.all_rows())
    for i, row in enumerate(rows):
        if heading_matches(row, wordings):
            return orgs_in_rows(reader, suffixes=_USER_SUFFIXES, rows=rows[i + 1:])
    return None


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    sec = sections_present(reader, vocab().case_sections)
    if sec is not None:
        out["sections_present"] = sec
    if "user_org" not in out:
        put(out, reader, "user_org", _feedback_org(reader))
    user = {out["user_org"].value} if "user_org" in out else set()
    put(out, reader, "applicant_name", orgs_in_rows(reader, exclude=user))
    if "user_org" not in out:
        exclude = {out["applicant_name"].value} if "applicant_name" in out else set()
        put(out, reader, "user_org", orgs_in_rows(reader, suffixes=_USER_SUFFIXES, reverse=True, exclude=exclude))
    return out
