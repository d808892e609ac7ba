"""营业执照: identity, type, term and address of the applicant, as registered."""

from __future__ import annotations

from pipeline.models import Field

from extractors.reader import DocReader


def extract(reader: DocReader) -> dict[str, Field]:
    out = reader.generic()
    term = out.pop("term", None)
    if term is not None and isinstance(term.value, dict):
        if term.value.get("start"):
            out["term_start"] = term.model_copy(update={"value": term.value["start"]})
        if term.value.get("end"):
            out["term_end"] = term.model_copy(update={"value": term.value["end"]})
    issue = out.get("issue_date")
    if issue is not None and issue.value in {f.value for k, f in out.items()
                                             if k in ("established_date", "term_start", "term_end")}:
        # the last date on the page was one of the others: no issue date printed
        if issue.note and "文末" in issue.note:
            out.pop("issue_date")
    return out
