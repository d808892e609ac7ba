"""What every rule shares: its context, the registry, and the finding builders.

A rule is a pure function ``(RuleContext) -> list[Finding]`` registered under the codes it
can emit. Rules never raise for a gap and never skip silently: when a value they need is
absent, unreadable or below the confidence floor, they return FIELD_NOT_FOUND instead of
deciding, so a ``pass`` always means every check actually ran.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from pipeline.catalog import zh_name
from pipeline.models import (
    Applicant,
    Category,
    Document,
    DocType,
    Evidence,
    Field,
    Finding,
    FindingCode,
)
from pipeline.policy import Policy
from validators.labels import labels


@dataclass(frozen=True)
class Identity:
    """The applicant as decided from all documents, with where each value came from."""

    applicant: Applicant
    name_source: Document | None = None
    uscc_source: Document | None = None
    # names that a name_change document links to the applicant's name (normalised)
    linked_names: frozenset[str] = frozenset()

    @property
    def name(self) -> str | None:
        return self.applicant.name

    @property
    def uscc(self) -> str | None:
        return self.applicant.uscc


@dataclass(frozen=True)
class RuleContext:
    evidence: Evidence
    policy: Policy
    as_of: dt.date
    identity: Identity
    category: Category | None

    def docs(self, *doc_types: DocType | str) -> list[Document]:
        wanted = {DocType(d).value for d in doc_types}
        return [d for d in self.evidence.documents if DocType(d.doc_type).value in wanted]


Rule = Callable[[RuleContext], list[Finding]]


@dataclass
class _Registry:
    rules: dict[str, tuple[tuple[FindingCode, ...], Rule]] = field(default_factory=dict)

    def register(self, *codes: FindingCode) -> Callable[[Rule], Rule]:
        def deco(fn: Rule) -> Rule:
            self.rules[fn.__name__] = (codes, fn)
            return fn

        return deco


REGISTRY = _Registry()
rule = REGISTRY.register


# --------------------------------------------------------------------------- findings


def _dt(doc_type: DocType | str | None) -> str | None:
    return None if doc_type is None else DocType(doc_type).value


def side(
    label: str,
    value: Any,
    *,
    doc: Document | None = None,
    fld: Field | None = None,
    source: str | None = None,
    page: int | None = None,
    bbox: Any = None,
) -> dict[str, Any]:
    """One side of a comparison: what was compared and where it came from."""
    out: dict[str, Any] = {"label": label, "value": value}
    if doc is not None:
        out["doc_type"] = _dt(doc.doc_type)
        out["file"] = doc.file
        out["page"] = fld.page if fld is not None and fld.page is not None else page
        if out["page"] is None and doc.pages:
            out["page"] = doc.pages[0]
        box = fld.bbox if fld is not None and fld.bbox is not None else bbox
        out["bbox"] = list(box) if box is not None else None
    else:
        out["source"] = source or "policy"
        out["page"] = page
        out["bbox"] = list(bbox) if bbox is not None else None
    return out


def policy_side(label: str, value: Any, policy: Policy) -> dict[str, Any]:
    return side(label, value, source=f"policy: {policy.label}")


def finding(
    ctx: RuleContext,
    code: FindingCode,
    message: str,
    *,
    subject: str,
    doc: Document | None = None,
    doc_type: DocType | str | None = None,
    file: str | None = None,
    page: int | None = None,
    bbox: Any = None,
    found: dict[str, Any] | None = None,
    expected: dict[str, Any] | None = None,
    severity: str | None = None,
    **extra: Any,
) -> Finding:
    """Build a Finding whose location defaults to the document's side of the comparison."""
    if doc is not None:
        doc_type = doc_type or doc.doc_type
        file = file or doc.file
        if page is None and found is not None and found.get("file") == doc.file:
            page = found.get("page")
            bbox = bbox if bbox is not None else found.get("bbox")
        if page is None and doc.pages:
            page = doc.pages[0]
    evidence: dict[str, Any] = {"subject": subject}
    if found is not None:
        evidence["found"] = found
    if expected is not None:
        evidence["expected"] = expected
    evidence.update(extra)
    return Finding(
        code=code,
        severity=severity or ctx.policy.severity(code),
        doc_type=_dt(doc_type),
        file=file,
        page=page,
        bbox=tuple(bbox) if bbox is not None else None,
        message=message,
        evidence=evidence,
    )


def misread_finding(ctx: RuleContext, doc: Document, fld: Field, name: str, *, label: str, what: str,
                    where: str, stands_for: str, expected: dict[str, Any]) -> Finding:
    """LOW_OCR_CONFIDENCE for a name OCR read one character off the one it stands for
    (``names.misread_of``): the reviewer is sent to the page instead of the rule deciding
    on a misreading. ``what`` is what was read (检测机构), ``where`` where the name it stands
    for is stated, ``label`` the found side's label, ``name`` the field's."""
    return finding(
        ctx,
        FindingCode.LOW_OCR_CONFIDENCE,
        f"{what}识别为“{fld.value}”，与{where}中的“{stands_for}”仅差一字，按文字识别误差处理，请人工核对该页",
        subject=f"{doc.file}#{fld.page}:{name}",
        doc=doc,
        found=side(label, fld.value, doc=doc, fld=fld),
        expected=expected,
    )


def doc_label(doc: Document | DocType | str) -> str:
    doc_type = doc.doc_type if isinstance(doc, Document) else doc
    return f"《{zh_name(doc_type)}》"


# --------------------------------------------------------------------------- fields


def field_not_found(
    ctx: RuleContext, doc: Document, name: str, why: str = "未能提取", fld: Field | None = None
) -> Finding:
    zh = labels().field(name)
    shown = zh if zh == name else f"{zh}（{name}）"
    return finding(
        ctx,
        FindingCode.FIELD_NOT_FOUND,
        f"{doc_label(doc)}中的“{shown}”{why}，相关核验未能执行，请人工核对",
        subject=name,
        doc=doc,
        page=fld.page if fld is not None else None,
        bbox=fld.bbox if fld is not None else None,
        field=name,
        reason=why,
    )


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def need(ctx: RuleContext, doc: Document, name: str, out: list[Finding]) -> Field | None:
    """The field when it is present and trusted; otherwise a FIELD_NOT_FOUND goes to ``out``.

    A value read with confidence below the policy floor is not decided on: the rule would
    otherwise turn an OCR guess into a confident error or, worse, a silent pass.
    """
    fld = doc.fields.get(name)
    if fld is None or _empty(fld.value):
        out.append(field_not_found(ctx, doc, name))
        return None
    if fld.confidence < ctx.policy.ocr.field_min_confidence:
        out.append(
            field_not_found(
                ctx, doc, name, f"识别置信度过低({fld.confidence:.2f})", fld=fld
            )
        )
        return None
    return fld


def trusted(ctx: RuleContext, doc: Document, name: str) -> Field | None:
    """Like :func:`need` but quiet: for optional corroborating values."""
    fld = doc.fields.get(name)
    if fld is None or _empty(fld.value) or fld.confidence < ctx.policy.ocr.field_min_confidence:
        return None
    return fld


def first_trusted(
    ctx: RuleContext, docs: Iterable[Document], name: str
) -> tuple[Document, Field] | None:
    for doc in docs:
        fld = trusted(ctx, doc, name)
        if fld is not None:
            return doc, fld
    return None


def need_any(
    ctx: RuleContext, docs: list[Document], name: str, out: list[Finding]
) -> tuple[Document, Field] | None:
    """The first trusted value among documents of one type (a form split in two files)."""
    hit = first_trusted(ctx, docs, name)
    if hit is None and docs:
        need(ctx, docs[0], name, out)
    return hit


# --------------------------------------------------------------------------- values


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").strip())
        except ValueError:
            return None
    return None


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 Feb falls back to 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def yuan(amount: float) -> str:
    """Money for a reviewer: 万元 when round, else 元 with separators."""
    if amount >= 10000 and abs(amount / 10000 - round(amount / 10000, 2)) < 1e-6:
        wan = round(amount / 10000, 2)
        return f"{wan:g}万元"
    return f"{amount:,.2f}元".replace(".00元", "元")
