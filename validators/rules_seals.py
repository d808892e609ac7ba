"""Seal rules: the applicant sealed its materials, and no stranger's seal is on them.

Seal owners come from the seal reader (applicant | authority | other | unknown). This
module re-reads the names only to be fair to the applicant: a seal classed ``other``
whose name is one of the applicant's linked names (a name change) is the applicant's,
and a seal of the document's issuer or of a named third party is legitimate.

Only the applicant's 公章 satisfies "申报材料均需加盖企业公章": a special-purpose seal
(财务专用章, 合同专用章: policy list) alone gives SEAL_MISSING as an error. An ``unknown``
seal (ring text unreadable), or an applicant seal of a shape a 公章 does not have (oval),
gives SEAL_MISSING as a *warning*: a seal is there and may well be the 公章, but it cannot
be shown to be, so a person must look. Neither is ever a silent pass.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from pipeline.models import Document, DocType, Finding, FindingCode, Seal, Severity

from validators.base import RuleContext, doc_label, finding, rule, side, trusted
from validators.labels import labels
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
    # nothing readable, or a person's seal: not another company's (every reading counts:
    # the best one may have 公司 misread as 公局)
    if not name or not any(contains_any(t, labels().org_markers) for t in [name, *seal.readings]):
        return True
    if contains_any(name, cfg.authority_keywords) or _matches(name, cfg.authority_names, cfg.name_match_score):
        return True
    if contains_any(name, cfg.third_party_keywords):
        return True
    issuer_fields = cfg.issuer_fields.get(DocType(doc.doc_type), [])
    issuers = [str(f.value) for k in issuer_fields if (f := trusted(ctx, doc, k)) is not None]
    if issuer_fields and not issuers:
        return True  # a third party's paper whose issuer was not read: its seal is presumed the issuer's
    return _matches(name, issuers, cfg.name_match_score)


def _special_purpose(ctx: RuleContext, seal: Seal) -> str | None:
    return contains_any(seal.text or seal.owner_name, ctx.policy.seals.special_purpose_keywords)


def _official(ctx: RuleContext, seal: Seal) -> bool:
    """The applicant's 公章: its name, not a special-purpose seal, of an official shape."""
    return (
        _is_applicant(ctx, seal)
        and _special_purpose(ctx, seal) is None
        and seal.shape in ctx.policy.seals.official_seal_shapes
    )


def _likelier_the_applicants(ctx: RuleContext, seal: Seal) -> tuple[bool, float]:
    """Sort key of unreadable seals, the one the finding shows (its page and box) first: of
    an official shape before others, then the reading nearer the applicant's name. An
    audit's applicant seal read 上限药洲络科技有限公司 on its statements page, not its CPA's
    square seal read 中园法豚会计师何达二 on the opinion page, is the one a reviewer must see."""
    official = seal.shape in ctx.policy.seals.official_seal_shapes
    text = norm_name(seal.text or "")
    near = max((fuzz.ratio(norm_name(n), text) for n in _applicant_names(ctx) if n), default=0.0)
    return not official, -near


@rule(FindingCode.SEAL_MISSING)
def seal_missing(ctx: RuleContext) -> list[Finding]:
    needed = {DocType(d) for d in ctx.policy.applicant_seal_doc_types}
    who = ctx.identity.applicant.name or "申请单位"
    out = []
    groups: dict[DocType, list[Document]] = {}
    for doc in ctx.evidence.documents:
        if DocType(doc.doc_type) in needed:
            groups.setdefault(DocType(doc.doc_type), []).append(doc)
    for parts in groups.values():
        # one seal per material: a form split over two files is sealed once, on either part
        seals = [(d, s) for d in parts for s in d.seals]
        if any(_official(ctx, s) for _, s in seals):
            continue
        doc = next((d for d in parts if d.seals), parts[0])
        special = [(d, s) for d, s in seals if _is_applicant(ctx, s) and _special_purpose(ctx, s)]
        odd_shape = [(d, s) for d, s in seals if _is_applicant(ctx, s) and not _special_purpose(ctx, s)]
        unknown = sorted(((d, s) for d, s in seals if s.owner == "unknown"),
                         key=lambda ds: _likelier_the_applicants(ctx, ds[1]))
        # each body once: an audit firm's seal and its two CPAs' are all the firm's
        others = list(dict.fromkeys(s.owner_name or s.text for _, s in seals
                                    if s.owner in ("other", "authority")))
        expected = side("申请单位公章", who, source="identity")
        if special:
            d, s = special[0]
            kind = _special_purpose(ctx, s)
            msg, sev, extra = f"{doc_label(doc)}仅加盖了{kind}，未加盖{who}公章，申报材料均需加盖企业公章", None, {}
        elif odd_shape or unknown:
            d, s = (odd_shape or unknown)[0]
            if odd_shape:
                msg = f"{doc_label(doc)}上的{who}印章不是圆形公章（可能为专用章），请人工确认是否加盖公章"
            elif s.text:
                # what the ring was read as, junk or a whole name (a stranger's seal read well
                # but not surely enough to name it): the reviewer judges it with the page
                msg = (f"{doc_label(doc)}上的印章文字未能可靠识别（读作“{s.text}”），"
                       f"不能确认是否加盖了{who}公章，请人工核对")
            else:
                msg = f"{doc_label(doc)}上的印章文字无法辨认，不能确认是否加盖了{who}公章，请人工核对"
            # a seal is there but cannot be shown to be the 公章: a person looks, not an error
            sev, extra = Severity.warning.value, {"uncertain": True}
        else:
            d, s = doc, None
            tail = f"（仅有：{'、'.join(o for o in others if o)}）" if any(others) else ""
            msg, sev, extra = f"{doc_label(doc)}未加盖{who}公章{tail}，申报材料均需加盖企业公章", None, {}
        found = (
            side("印章", s.text, doc=d, page=s.page, bbox=s.bbox)
            if s is not None
            else side("印章", others, doc=doc)
        )
        out.append(
            finding(
                ctx,
                FindingCode.SEAL_MISSING,
                msg,
                subject="applicant_seal",
                doc=d,
                page=s.page if s is not None else None,
                bbox=s.bbox if s is not None else None,
                severity=sev,
                found=found,
                expected=expected,
                **extra,
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
