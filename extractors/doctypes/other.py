"""其它: nothing to extract."""

from __future__ import annotations

from pipeline.models import Field

from extractors.reader import DocReader


def extract(reader: DocReader) -> dict[str, Field]:
    return {}
