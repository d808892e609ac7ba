"""智算中心推荐函: which centre recommends which product at which tier."""

from __future__ import annotations

from pipeline.models import Field

from extractors.doctypes.common import orgs_in_rows, put, quoted
from extractors.reader import DocReader


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    if "tier" not in out:
        put(out, reader, "tier", reader.scan("tier"), quality=0.8)
    put(out, reader, "product", quoted(reader, after=("研发的", "的", "产品")))
    put(out, reader, "centre", orgs_in_rows(reader, suffixes=("中心",), reverse=True))
    exclude = {out["centre"].value} if "centre" in out else set()
    put(out, reader, "applicant_name", orgs_in_rows(reader, exclude=exclude))
    return out
