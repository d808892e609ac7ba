"""营业执照: identity, type, term and address of the applicant, as registered."""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from pipeline.models import Field

from extractors.doctypes.common import by_folded, nearest
from extractors.layout import Span
from extractors.normalize import fold
from extractors.reader import DocReader, Found, cells
from extractors.values import Parsed
from extractors.vocab import vocab


PLACE_MARKS = "省市区县旗州"  # what a place's name ends with
UNKNOWN_PLACE = "取自登记机关印章文字（未能与已知地名对应，低置信度）"
AGREED_PLACE = 0.7  # trust in a place no list holds that two attempts at the ring read alike
AGREED_NOTE = "取自登记机关印章文字（不在已知地名中，多次识别一致）"


def authority_from_seals(reader: DocReader) -> Field | None:
    """登记机关 is often only the seal's ring text; use it when the page text lacks it.

    Ring text is read poorly (curved, faint, stamped over), so a reading is trusted only
    as far as it matches a known place (vocab authority_places) followed by an authority
    suffix: exactly, or within an edit or two and closer to one place than to any other.
    A reading that matches nothing is kept with a confidence below the rules' floor.
    A seal's attempts vote: 上海市崧汇区 (one edit from 徐汇 and two from 松江) is outvoted by
    崧江 and 委江 read off the same ring, and the loser's share lowers the winner's confidence.
    """
    v = vocab()
    sufs = tuple(fold(s) for s in v.authority_suffixes)
    pages = {p.number: p for p in reader.pages}
    best: tuple[float, float, Field] | None = None
    for seal in reader.seals:
        page = pages.get(seal.page)
        votes: dict[str, list[Field]] = {}
        placed: set[str] = set()  # values whose place ends as a place's name does (…市, …区)
        for reading in dict.fromkeys([seal.text or "", *seal.readings]):
            text = fold(reading)
            for suf in sufs:
                k = _suffix_at(text, suf)
                if k < 4 and not (k == 3 and text[2] in PLACE_MARKS):  # 昆山市 is a place too
                    continue
                value, trust, note = _known_place(text[:k], suf, v.authority_places)
                if value[:-len(suf)][-1:] in PLACE_MARKS:
                    placed.add(value)
                conf = round(min(seal.score, seal.owner_score or 1.0) * trust, 3)
                votes.setdefault(value, []).append(
                    Field(value=value, page=seal.page, bbox=seal.bbox, confidence=conf,
                          source=page.source if page else "derived", raw=seal.text, note=note))
                break
        if not votes:
            continue
        for value, fields in votes.items():
            if len(fields) >= 2 and fields[0].note == UNKNOWN_PLACE and value in placed:
                # a place the list does not hold (昆山市, a licence from elsewhere), read alike by
                # two attempts at the ring: a reading, not noise
                trust = min(seal.score, seal.owner_score or 1.0) * AGREED_PLACE
                votes[value] = [f.model_copy(update={"confidence": round(trust, 3), "note": AGREED_NOTE})
                                for f in fields]
        weight = {value: sum(f.confidence for f in fields) for value, fields in votes.items()}
        value = max(weight, key=lambda key: (weight[key], max(f.confidence for f in votes[key])))
        fld = max(votes[value], key=lambda f: f.confidence)
        share = weight[value] / sum(weight.values()) if sum(weight.values()) else 1.0
        fld = fld.model_copy(update={"confidence": round(fld.confidence * (0.5 + 0.5 * share), 3)})
        if best is None or (weight[value], fld.confidence) > best[:2]:
            best = (weight[value], fld.confidence, fld)
    return best[2] if best else None


def _suffix_at(text: str, suffix: str) -> int:
    """Where an authority's suffix starts in a ring reading, -1 if nowhere: exactly, or a
    stretch as long as the suffix within one edit in four characters (市场监智管理局)."""
    k = text.find(suffix)
    if k >= 0:
        return k
    n, most = len(suffix), len(suffix) // 4
    if most == 0:
        return -1
    near = [(Levenshtein.distance(text[i:i + n], suffix), i) for i in range(len(text) - n + 1)]
    d, i = min(near, default=(most + 1, -1))
    return i if d <= most else -1


def _known_place(place: str, suffix: str, places: list[str]) -> tuple[str, float, str]:
    """(value, trust, note) for a ring reading ``place`` + ``suffix``. Letters and digits
    are no part of a place: the ring's start picks up specks read as SIH or 6TH."""
    place = re.sub(r"[^\u4e00-\u9fff]", "", place)
    folded = by_folded(places)
    hit = nearest(place, folded)
    if hit is not None:
        d, near, margin = hit
        name = folded[near]
        if d == 0:
            return name + suffix, 0.9, "取自登记机关印章文字"
        if d <= 2 and margin > 0 and d < len(name) // 3:
            return name + suffix, 0.75 - 0.1 * d, f"取自登记机关印章文字（“{place}”按已知地名校正）"
    return place + suffix, 0.45, UNKNOWN_PLACE


TYPE_EDITS = 2  # characters a reading of 类型 may be off a known type to be taken for it ...
TYPE_MARGIN = 2  # ... when every other type is this many more off
KNOWN_TYPE = 0.8  # trust in a type a reading was taken for


def known_type(fld: Field) -> Field:
    """The licence's 类型 as the regulator's list (vocab company_types) prints it, when the
    reading is TYPE_EDITS off one type only and off it inside the brackets only: seed 109
    case_006's 有限责任公司(上自然人独资), a speck read as 上 at 0.44, is 有限责任公司(自然人独资).
    The form outside the brackets (有限责任公司, 分公司, 个人独资企业) is never changed: it
    decides whether the applicant is a legal person of its own, and a reading off there is
    left as read, for a reviewer."""
    read = fold(str(fld.value)).replace(" ", "")
    types = by_folded(vocab().company_types)
    if not types or read in types:
        return fld
    edits, best, margin = nearest(read, types)
    if edits > TYPE_EDITS or margin < TYPE_MARGIN or _form(read) != _form(best):
        return fld
    note = f"“{fld.value}”与登记类型“{types[best]}”相差{edits}字，按后者"
    return fld.model_copy(update={"value": types[best], "confidence": max(fld.confidence, KNOWN_TYPE),
                                  "note": "；".join(n for n in (fld.note, note) if n)})


def type_alone(reader: DocReader) -> Field | None:
    """A cell that is one of the regulator's types (vocab company_types) word for word,
    for a licence whose 类型 label was lost (seed 131 case_011: 类　　型, letter-spaced,
    not read at all, its value read whole). Only a whole cell: a type's words inside a
    sentence of the business scope (联营, 集体所有制) are no licence type."""
    types = by_folded(vocab().company_types)
    for row in reader.all_rows():
        for start, cell in cells(row):
            stripped = cell.strip()
            name = types.get(fold(stripped).replace(" ", ""))
            if name is not None:
                at = start + cell.index(stripped)
                return reader.make(Found(Parsed(name, note="未找到“类型”标签，取登记类型原文"),
                                         [Span(row, at, at + len(stripped))]))
    return None


def _form(text: str) -> str:
    return re.sub(r"\(.*\)", "()", text)


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    if "company_type" in out:
        out["company_type"] = known_type(out["company_type"])
    elif (alone := type_alone(reader)) is not None:
        out["company_type"] = alone
    term = out.pop("term", None)
    if term is not None and isinstance(term.value, dict):
        if term.value.get("start"):
            out["term_start"] = term.model_copy(update={"value": term.value["start"]})
        if term.value.get("end"):
            out["term_end"] = term.model_copy(update={"value": term.value["end"]})
    if "registration_authority" not in out:
        seal_field = authority_from_seals(reader)
        if seal_field is not None:
            out["registration_authority"] = seal_field
    issue = out.get("issue_date")
    if issue is not None and issue.value in {f.value for k, f in out.items()
                                             if k in ("established_date", "term_start", "term_end")}:
        # the last date on the page was one of the others: no issue date printed
        if issue.note and "文末" in issue.note:
            out.pop("issue_date")
    return out
