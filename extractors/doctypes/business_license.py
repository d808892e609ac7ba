"""营业执照: identity, type, term and address of the applicant, as registered."""

from __future__ import annotations

from pipeline.models import Field

from extractors.normalize import fold
from extractors.reader import DocReader
from extractors.vocab import vocab


def authority_from_seals(reader: DocReader) -> Field | None:
    """登记机关 is often only the seal's ring text; use it when the page text lacks it."""
    sufs = tuple(fold(s) for s in vocab().authority_suffixes)
    pages = {p.number: p for p in reader.pages}
    for seal in reader.seals:
        text = fold(seal.text or "")
        for suf in sufs:
            k = text.find(suf)
            if k >= 4:
                page = pages.get(seal.page)
                return Field(value=text[:k + len(suf)], page=seal.page, bbox=seal.bbox,
                             confidence=round(min(seal.score, seal.owner_score or 1.0) * 0.9, 3),
                             source=page.source if page else "derived", raw=seal.text,
                             note="取自登记机关印章文字")
    return None


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
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
