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
nothing. Where no mention is that sure, two or more that read alike, each fairly sure
(``AGREE_FLOOR``) and surer than the unsure one, stand for it the same way: an audit's
编制单位 read 上海青容… (容 at 0.00) where its salutation and its 我们审计了… both read
上海青穹… (穹 at 0.56 and 0.79; seed 229 case_016), and the name was reported unreadable.
Within one document a second company one character away from the applicant is
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
# each of two or more agreeing mentions at least this sure of its weakest word: Tesseract's
# own misreadings of one glyph rarely agree, and hardly ever above this
AGREE_FLOOR = 0.5


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
    alike: dict[str, list[Field]] = {}  # fairly sure mentions by reading, the unsure one's too
    for found in org_mentions(reader.all_rows()):
        key = name_key(found.parsed.value)
        n = name_differences(read, key)
        if n is None or n > max_differences(key):
            continue
        other = reader.make(found)
        if other.source != "ocr" or (other.page, other.bbox) == (fld.page, fld.bbox):
            continue
        if AGREE_FLOOR <= weakest(other) and weakest(fld) < weakest(other):
            alike.setdefault(key, []).append(other)
        if key == read or weakest(other) < SURE_WORD:
            continue
        if key not in better or other.confidence > better[key].confidence:
            better[key] = other
    if len(better) > 1:
        return fields  # two sure readings that disagree: nothing to go by
    if better:
        chosen = next(iter(better.values()))
        how = f"取本文件第{chosen.page}页清晰处的读法"
    else:
        agreed = [k for k, found in alike.items() if k != read and len(found) >= 2]
        if len(agreed) != 1 or len(alike[agreed[0]]) <= len(alike.get(read, [])):
            return fields  # none, or readings that agree no better than the unsure one's
        found = alike[agreed[0]]
        chosen = max(found, key=lambda f: f.confidence)
        how = f"本文件另有{len(found)}处一致读作“{chosen.value}”，取第{chosen.page}页的读法"
    note = "；".join(n for n in (fld.note, f"第{fld.page}页读作“{fld.value}”（识别不清），{how}") if n)
    log.debug("%s: %s read as %s elsewhere", reader.doc_type.value, fld.value, chosen.value)
    return {**fields, FIELD: chosen.model_copy(update={"note": note})}
