"""应用案例: the four parts of a case and the user organisation behind the feedback."""

from __future__ import annotations

from pipeline.models import Field

from extractors.doctypes.common import orgs_in_rows, put, sections_present
from extractors.reader import DocReader
from extractors.vocab import vocab


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    sec = sections_present(reader, vocab().case_sections)
    if sec is not None:
        out["sections_present"] = sec
    put(out, reader, "applicant_name", orgs_in_rows(reader))
    if "user_org" not in out:
        exclude = {out["applicant_name"].value} if "applicant_name" in out else set()
        put(out, reader, "user_org", orgs_in_rows(reader, suffixes=("公司", "中心", "医院", "大学", "政府", "局"),
                                                  reverse=True, exclude=exclude))
    return out
