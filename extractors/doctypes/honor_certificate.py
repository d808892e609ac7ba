"""荣誉证明: the title awarded, who awarded it, when, and to whom."""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from pipeline.models import Field

from extractors.consensus import weakest
from extractors.doctypes.common import by_folded, nearest, orgs_in_rows, put, quoted
from extractors.layout import GAP, Span
from extractors.normalize import fold
from extractors.reader import DocReader, Found
from extractors.values import Parsed
from extractors.vocab import vocab

KNOWN_ISSUER = 0.75  # trust in a sign-off taken for a known body it was read a few characters off
ISSUER_MARGIN = 2  # ... when every other known body is this many characters further off
DOUBTED = 0.80  # ... and every character of the reading that differs was read less surely than this
_NOT_NAME = re.compile(r"[\s:：,，.。;；()（）\[\]【】" + GAP + "]")


def known_issuer(chars: str, confs: list[float]) -> tuple[str, int] | None:
    """The known body (vocab honor_issuers) a sign-off reads as, and how many characters off
    it is, when all of these hold:

    - it is off by a fifth of the name's characters at most, and about as long (one
      character more or less): a body not on the list is not taken for one that is
      (上海市松江区科学技术委员会 is not 上海市科学技术委员会 with three characters lost);
    - every other body is ``ISSUER_MARGIN`` characters further off;
    - each character that differs was one the OCR doubted (``confs``, one per character):
      上海市教育委员会 read surely is not 上海市商务委员会, two characters off.

    The issuer signs above the date under its own seal, where the ring's ink takes
    characters (上海市经济和傍息化委员人, 傍 at 0.00 and 人 at 0.40, seed 131 case_011): a
    search by the suffix finds no 委员会 there."""
    kept = [(fold(c), conf) for c, conf in zip(chars, confs) if not _NOT_NAME.fullmatch(c)]
    read = "".join(c for c, _ in kept)
    names = by_folded(vocab().honor_issuers)
    if not read or not names or len(read) != len(kept):
        return None
    edits, best, margin = nearest(read, names)
    if edits > len(best) // 5 or abs(len(read) - len(best)) > 1 or margin < ISSUER_MARGIN:
        return None
    differing = [op.src_pos for op in Levenshtein.editops(read, best) if op.tag != "insert"]
    if any(kept[k][1] >= DOUBTED for k in differing):
        return None
    return names[best], edits


def issuer_by_name(reader: DocReader, exclude: set[str]) -> Field | None:
    """The last row of the certificate that reads as a known body (``known_issuer``)."""
    for row in reversed(list(reader.all_rows())):
        confs = [row.words[i].conf if i >= 0 else 1.0 for i in row.owner[:len(row.chars)]]
        hit = known_issuer(row.chars, confs)
        if hit is None or hit[0] in exclude:
            continue
        name, edits = hit
        span = Span(row, 0, len(row.chars))
        note = f"落款“{span.text}”与已知颁发单位“{name}”相差{edits}字，按后者" if edits else None
        fld = reader.make(Found(Parsed(name, note=note), [span]))
        return fld.model_copy(update={"confidence": max(fld.confidence, KNOWN_ISSUER)}) if edits else fld
    return None


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    if "title" not in out:
        found = quoted(reader)
        if found is not None:
            found.parsed.note = "取引号内称号"
            out["title"] = reader.make(found)
    put(out, reader, "applicant_name", orgs_in_rows(reader))
    exclude = {out["applicant_name"].value} if "applicant_name" in out else set()
    put(out, reader, "issuer", orgs_in_rows(
        reader, suffixes=("政府", "局", "委员会", "协会", "中心", "公司", "联盟", "厅", "部"),
        reverse=True, exclude=exclude))
    found = out.get("issuer")
    if found is None or weakest(found) < DOUBTED:
        fld = issuer_by_name(reader, exclude)
        if fld is not None and (found is None or _same_row(fld, found)):
            out["issuer"] = fld
    return out


def _same_row(a: Field, b: Field) -> bool:
    """Two readings of one sign-off: a known body read a few characters off (上海市经济和信意
    化委员会, 意 at 0.30, seed 233 case_007) is that body, not what the suffix search read."""
    if a.page != b.page or a.bbox is None or b.bbox is None:
        return False
    return min(a.bbox[3], b.bbox[3]) > max(a.bbox[1], b.bbox[1])
