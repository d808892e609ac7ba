"""项目申报书: the applicant's own statement of who, what category and how much."""

from __future__ import annotations

from pipeline.models import Field

from extractors.doctypes.common import orgs_in_rows, put
from extractors.reader import DocReader, Found
from extractors.values import category
from extractors.layout import Span


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    if "category" not in out:
        # no 申报类别 label: a ticked box or the one category phrase on the form
        for row in reader.all_rows():
            parsed = category(row.chars)
            if parsed is not None:
                out["category"] = reader.make(Found(parsed, [Span(row, 0, len(row.chars))]),
                                              note="未找到申报类别标签，从正文识别", quality=0.9)
                break
    put(out, reader, "applicant_name", orgs_in_rows(reader))
    return out
