"""The applicant's name taken where the document shows it most clearly.

A document names its applicant more than once: an audit report in its salutation
(上海鼎算软件技术有限公司全体股东) and again as 编制单位 on every statement page, a form in
its header and by its seal. The label the extractor trusts most can sit on the worst
reading: a statement page's 编制单位 under a seal reads 上海上里算软件技术有限公司 (0.19 on
里) where the salutation, two pages before, reads 上海鼎算… with every word sure.

So when the name a document's extractor found was read from a word Tesseract (or the
second reader) was unsure of, the document's other mentions of an organisation are looked
at; one that differs from it only as a misreading does (``consensus.max_differences``:
one or two characters, or one more or less) and was read with every word sure stands for
it, with its own page and box. Two such readings that disagree with each other decide
nothing. Within one document a second company one character away from the applicant is
not a thing that happens, except where a document is about names: a name-change notice
lists the old and the new name, so it is left alone.
"""

from __future__ import annotations

import logging

from pipeline.models import DocType, Field

from extractors.consensus import SURE_WORD, max_differences, name_differences, name_key, weakest
from extractors.reader import DocReader

log = logging.getLogger(__name__)

FIELD = "applicant_name"
SKIP = {DocType.name_change}


def clearest_name(reader: DocReader, fields: dict[str, Field]) -> dict[str, Field]:
    """``fields`` with the applicant's name read again where it is clearest, if it was
    unsure where the extractor found it."""
    from extractors.doctypes.common import org_mentions

    fld = fields.get(FIELD)
    if fld is None or fld.source != "ocr" or not isinstance(fld.value, str) or reader.doc_type in SKIP:
        return fields
    if weakest(fld) >= SURE_WORD:
        return fields
    read = name_key(fld.value)
    better: dict[str, Field] = {}
    for found in org_mentions(reader.all_rows()):
        key = name_key(found.parsed.value)
        n = name_differences(read, key)
        if key == read or n is None or n > max_differences(key):
            continue
        other = reader.make(found)
        if other.source != "ocr" or weakest(other) < SURE_WORD:
            continue
        if key not in better or other.confidence > better[key].confidence:
            better[key] = other
    if len(better) != 1:
        return fields  # none, or two sure readings that disagree: nothing to go by
    chosen = next(iter(better.values()))
    note = "；".join(n for n in (
        fld.note, f"第{fld.page}页读作“{fld.value}”（识别不清），取本文件第{chosen.page}页清晰处的读法") if n)
    log.debug("%s: %s read as %s elsewhere", reader.doc_type.value, fld.value, chosen.value)
    return {**fields, FIELD: chosen.model_copy(update={"note": note})}
