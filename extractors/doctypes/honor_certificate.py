"""荣誉证明: the title awarded, who awarded it, when, and to whom."""

from __future__ import annotations

from pipeline.models import Field

from extractors.doctypes.common import orgs_in_rows, put, quoted
from extractors.reader import DocReader


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    if "title" not in out:
        found = quoted(reader)
        if found is not None:
            found.parsed.note = "取引号内称号"
            out["title"] = reader.make(found)
    put(out, reader, "applicant_name", orgs_in_rows(reader))
    exclude = {out["applicant_name"].value} if "applicant_name" in out else set()
    put(out, reader, "issuer", orgs_in_rows(
        reader, suffixes=("政府", "局", "委员会", "协会", "中心", "公司", "联盟", "厅", "部"),
        reverse=True, exclude=exclude))
    return out
