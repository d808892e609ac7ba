"""项目投资明细表: line items and the stated total, from the table's rows."""

from __future__ import annotations

from pipeline.models import Field

from extractors.doctypes.common import orgs_in_rows, put
from extractors.reader import DocReader
from extractors.tables import read_amount_table


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    items, total = read_amount_table(reader)
    if items is not None:
        out["line_items"] = items
    if total is not None:
        out["stated_total"] = total
    put(out, reader, "applicant_name", orgs_in_rows(reader))
    return out
