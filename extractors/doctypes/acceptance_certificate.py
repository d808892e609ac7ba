"""应用场景建设验收证明: scenario, where it runs, when it was accepted."""

from __future__ import annotations

from pipeline.models import Field

from extractors.doctypes.common import orgs_in_rows, put
from extractors.reader import DocReader


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    put(out, reader, "applicant_name", orgs_in_rows(reader))
    return out
