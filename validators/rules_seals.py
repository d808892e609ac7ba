"""Seal rules: the applicant sealed its materials, and no stranger's seal is on them.

Seal owners come from the seal reader (applicant | authority | other | unknown). This
module re-reads the names only to be fair to the applicant: a seal classed ``other``
whose name is one of the applicant's linked names (a name change) is the applicant's,
and a seal of the document's issuer or of a named third party is legitimate.

An ``unknown`` seal (ring text unreadable) on a document that needs the applicant's
seal gives SEAL_MISSING as a *warning*, not an error: a red round seal is there and is
most likely the applicant's, but nobody could read it, so a person must look. It is
never counted as a silent pass either.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from pipeline.models import Document, DocType, Finding, FindingCode, Seal, Severity

from validators.base import RuleContext, doc_label, finding, policy_side, rule, side, trusted
from validators.names import contains_any, norm_name


def _seal_name(seal: Seal) -> str:
    return norm_name(seal.owner_name or seal.text or "")


def _matches(name: str, candidates: list[str], score: float) -> bool:
    for cand in candidates:
        c = norm_name(cand)
        if not c or not name:
            continue
        if c in name or name in c:
            return True
        if fuzz.ratio(name, c) >= score:
            return True
        if len(c) >= 4 and fuzz.partial_ratio(c, name) >= score:
            return True
    return False


def _applicant_names(ctx: RuleContext) -> list[str]:
    names = set(ctx.identity.linked_names)
    if ctx.identity.applicant.name:
        names.add(norm_name(ctx.identity.applicant.name))
    return sorted(names)


def _is_applicant(ctx: RuleContext, seal: Seal) -> bool:
    if seal.owner == "applicant":
        return True
    # strict: the seal reader already fuzzy-matched and said "not the applicant"; only a
    # linked former name or an exact reading turns it back into the applicant's seal
    name = _seal_name(seal)
    return bool(name) and any(n and (n in name) for n in _applicant_names(ctx))


def _legitimate_other(ctx: RuleContext, doc: Document, seal: Seal) -> bool:
    cfg = ctx.policy.seals
    name = _seal_name(seal)
    if _is_applicant(ctx, seal):
        return True
    if not name:
        return True  # nothing readable to call a mismatch
    if contains_any(name, cfg.authority_keywords) or _matches(name, cfg.authority_names, cfg.name_match_score):
        return True
    if contains_any(name, cfg.third_party_keywords):
        return True
    issuer_fields = cfg.issuer_fields.get(DocType(doc.doc_type), [])
    issuers = [str(f.value) for k in issuer_fields if (f := trusted(ctx, doc, k)) is not None]
    if issuer_fields and not issuers:
        return True  # a third party's paper whose issuer was not read: its seal is presumed the issuer's
    return _matches(name, issuers, cfg.name_match_score)


@rule(FindingCode.SEAL_MISSING)
def seal_missing(ctx: RuleContext) -> list[Finding]:
    needed = {DocType(d) for d in ctx.policy.applicant_seal_doc_types}
    who = ctx.identity.applicant.name or "申请单位"
    out = []
    for doc in ctx.evidence.documents:
        if DocType(doc.doc_type) not in needed:
            continue
        if any(_is_applicant(ctx, s) for s in doc.seals):
            continue
        unknown = [s for s in doc.seals if s.owner == "unknown"]
        others = [s.owner_name or s.text for s in doc.seals if s.owner in ("other", "authority")]
        if unknown:
            s = unknown[0]
            out.append(
                finding(
                    ctx,
                    FindingCode.SEAL_MISSING,
                    f"{doc_label(doc)}上的印章文字无法辨认，不能确认是否加盖了{who}公章，请人工核对",
                    subject="applicant_seal",
                    doc=doc,
                    page=s.page,
                    bbox=s.bbox,
                    severity=Severity.warning.value,
                    found=side("印章", s.text, doc=doc, page=s.page, bbox=s.bbox),
                    expected=side("申请单位", who, source="identity"),
                    uncertain=True,
                )
            )
            continue
        extra = f"（仅有：{'、'.join(o for o in others if o)}）" if any(others) else ""
        out.append(
            finding(
                ctx,
                FindingCode.SEAL_MISSING,
                f"{doc_label(doc)}未加盖{who}公章{extra}，申报材料均需加盖企业公章",
                subject="applicant_seal",
                doc=doc,
                found=side("印章", others, doc=doc),
                expected=side("申请单位", who, source="identity"),
            )
        )
    return out


@rule(FindingCode.SEAL_NAME_MISMATCH)
def seal_name_mismatch(ctx: RuleContext) -> list[Finding]:
    out = []
    for doc in ctx.evidence.documents:
        for seal in doc.seals:
            if seal.owner != "other" or _legitimate_other(ctx, doc, seal):
                continue
            shown = seal.owner_name or seal.text
            out.append(
                finding(
                    ctx,
                    FindingCode.SEAL_NAME_MISMATCH,
                    f"{doc_label(doc)}上的印章为“{shown}”，既非申请单位"
                    f"“{ctx.identity.applicant.name or '未知'}”，也非出具机构或主管部门，请核实",
                    subject=f"seal:{norm_name(shown)}",
                    doc=doc,
                    page=seal.page,
                    bbox=seal.bbox,
                    found=side("印章", shown, doc=doc, page=seal.page, bbox=seal.bbox),
                    expected=side("申请单位", ctx.identity.applicant.name, source="identity"),
                )
            )
    return out
