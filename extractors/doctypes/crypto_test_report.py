"""商用密码安全性测试报告: testing body, product, pass/fail, date and fee."""

from __future__ import annotations

from pipeline.models import Field

from extractors.doctypes.common import orgs_in_rows, put
from extractors.reader import DocReader

_BODY_SUFFIXES = ("中心", "研究所", "研究院", "公司")


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    if "result" not in out:
        put(out, reader, "result", reader.scan("result", reverse=True), quality=0.8)
    put(out, reader, "applicant_name", orgs_in_rows(reader))
    exclude = {out["applicant_name"].value} if "applicant_name" in out else set()
    put(out, reader, "testing_body", orgs_in_rows(reader, suffixes=_BODY_SUFFIXES, reverse=True, exclude=exclude))
    return out
