"""荣誉证明: the title awarded, who awarded it, when, and to whom."""

from __future__ import annotations

import re

from pipeline.models import Field

from extractors.doctypes.common import orgs_in_rows, put
from extractors.reader import DocReader, Found
from extractors.values import Parsed

_QUOTED = re.compile(r"[“\"「『]([^”\"」』]{2,40})[”\"」』]")


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    if "title" not in out:
        for page in reader.pages:
            text, where = reader.joined(page)
            m = _QUOTED.search(text)
            if m:
                out["title"] = reader.make(Found(Parsed(m.group(1), 0.9, note="取引号内称号"),
                                                 reader.spans_of(where, m.start(1), m.end(1))))
                break
    put(out, reader, "applicant_name", orgs_in_rows(reader))
    exclude = {out["applicant_name"].value} if "applicant_name" in out else set()
    put(out, reader, "issuer", orgs_in_rows(
        reader, suffixes=("政府", "局", "委员会", "协会", "中心", "公司", "联盟", "厅", "部"),
        reverse=True, exclude=exclude))
    return out
