"""权威第三方评测报告: evaluator, model, parameter count, result, date."""

from __future__ import annotations

from pipeline.models import Field

from extractors.doctypes.common import orgs_in_rows, put
from extractors.reader import DocReader

_BODY_SUFFIXES = ("中心", "研究院", "研究所", "公司", "实验室")


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    if "parameter_count" not in out:
        put(out, reader, "parameter_count", reader.scan("params"), quality=0.7)
    put(out, reader, "applicant_name", orgs_in_rows(reader))
    exclude = {out["applicant_name"].value} if "applicant_name" in out else set()
    put(out, reader, "evaluator", orgs_in_rows(reader, suffixes=_BODY_SUFFIXES, reverse=True, exclude=exclude))
    return out
