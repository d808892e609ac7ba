"""企业名称变更材料: links an old company name to the new one."""

from __future__ import annotations

import re

from pipeline.models import Field

from extractors.reader import DocReader, Found
from extractors.values import org

# 由A变更为B / 原名称A，现变更为B / A更名为B
_PROSE = re.compile(r"(?:由|原名称?|原企业名称)[:\s]*(.{4,40}?)(?:,|，)?\s*(?:现)?(?:变更|更名)为[:\s]*(.{4,40}?(?:公司|中心|合伙\)))")


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    if "old_name" not in out or "new_name" not in out:
        for page in reader.pages:
            text, where = reader.joined(page)
            m = _PROSE.search(text)
            if not m:
                continue
            old, new = org(m.group(1)), org(m.group(2))
            if old and "old_name" not in out:
                out["old_name"] = reader.make(Found(old, reader.spans_of(where, m.start(1), m.end(1))))
            if new and "new_name" not in out:
                out["new_name"] = reader.make(Found(new, reader.spans_of(where, m.start(2), m.end(2))))
            break
    if "new_name" in out:
        out["applicant_name"] = out["new_name"].model_copy(update={"note": "取变更后名称"})
    return out
