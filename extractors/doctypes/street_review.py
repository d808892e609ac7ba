"""街镇初审意见表: the street/town's opinion on the application."""

from __future__ import annotations

from pipeline.models import Field

from extractors.doctypes.common import orgs_in_rows, put
from extractors.reader import DocReader


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    if "opinion" not in out:
        # no opinion label read: the opinion words anywhere after the form's fields
        put(out, reader, "opinion", reader.scan("opinion", reverse=True), quality=0.8)
    put(out, reader, "applicant_name", orgs_in_rows(reader))
    return out
