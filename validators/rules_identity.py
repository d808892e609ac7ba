"""Identity rules: every USCC well-formed, every document naming the same applicant."""

from __future__ import annotations

from pipeline.models import DocType, Finding, FindingCode
from stdnum.cn import uscc as uscc_std

from validators.base import RuleContext, doc_label, field_not_found, finding, misread_finding, side, trusted
from validators.base import rule
from validators.identity import corroborated
from validators.names import misread_of, norm_name, norm_uscc, plausible_org_name


@rule(FindingCode.USCC_INVALID)
def uscc_invalid(ctx: RuleContext) -> list[Finding]:
    out = []
    for doc in ctx.evidence.documents:
        fld = trusted(ctx, doc, "uscc")
        if fld is None:
            continue
        code = norm_uscc(fld.value)
        if uscc_std.is_valid(code):
            continue
        out.append(
            finding(
                ctx,
                FindingCode.USCC_INVALID,
                f"{doc_label(doc)}中的统一社会信用代码“{fld.value}”未通过GB 32100-2015校验"
                "（长度、字符或校验位错误）",
                subject="uscc",
                doc=doc,
                found=side("统一社会信用代码", fld.value, doc=doc, fld=fld),
                expected=side("规则", "GB 32100-2015 校验位", source="GB 32100-2015"),
            )
        )
    return out


def _source_side(ctx: RuleContext, label: str, key: str) -> dict:
    src = ctx.identity.name_source if key == "applicant_name" else ctx.identity.uscc_source
    value = ctx.identity.applicant.name if key == "applicant_name" else ctx.identity.applicant.uscc
    if src is None:
        return side(label, value, source="decided")
    return side(label, value, doc=src, fld=src.fields.get(key))


@rule(FindingCode.USCC_MISMATCH)
def uscc_mismatch(ctx: RuleContext) -> list[Finding]:
    decided = ctx.identity.applicant.uscc
    if not decided:
        return []
    src = ctx.identity.uscc_source
    out = []
    for doc in ctx.evidence.documents:
        fld = trusted(ctx, doc, "uscc")
        if fld is None or doc is src:
            continue
        code = norm_uscc(fld.value)
        if code == decided or not uscc_std.is_valid(code):
            continue  # an invalid code is USCC_INVALID already: one cause, one finding
        where = doc_label(src) if src is not None else "其它材料"
        out.append(
            finding(
                ctx,
                FindingCode.USCC_MISMATCH,
                f"{doc_label(doc)}中的统一社会信用代码“{fld.value}”与{where}中的“{decided}”不一致",
                subject="uscc",
                doc=doc,
                found=side("统一社会信用代码", fld.value, doc=doc, fld=fld),
                expected=_source_side(ctx, "申请单位统一社会信用代码", "uscc"),
            )
        )
    return out


def _ocr_misreading(ctx: RuleContext, fld, decided: str) -> bool:
    """True when an OCR-read name is within the policy's tolerance of the applicant's and
    was read unsurely somewhere; a confidently read difference is a different name."""
    cfg = ctx.policy.identity
    return misread_of(fld, [decided], tolerance=cfg.ocr_name_tolerance,
                      unsure_below=cfg.ocr_misread_conf) is not None


@rule(FindingCode.NAME_MISMATCH, FindingCode.LOW_OCR_CONFIDENCE)
def name_mismatch(ctx: RuleContext) -> list[Finding]:
    decided = ctx.identity.applicant.name
    if not decided:
        return []
    ok = set(ctx.identity.linked_names) | {norm_name(decided)}
    src = ctx.identity.name_source
    out = []
    for doc in ctx.evidence.documents:
        if DocType(doc.doc_type) is DocType.name_change:
            continue  # it names the old company on purpose
        fld = trusted(ctx, doc, "applicant_name")
        if fld is None or norm_name(fld.value) in ok or not plausible_org_name(fld.value):
            continue  # an unreadable name is FIELD_NOT_FOUND (identity_fields), not a mismatch
        where = doc_label(src) if src is not None else "其它材料"
        if _ocr_misreading(ctx, fld, decided):
            out.append(misread_finding(ctx, doc, fld, "applicant_name", label="单位名称",
                                       what=f"{doc_label(doc)}中的单位名称", where=where, stands_for=decided,
                                       expected=_source_side(ctx, "申请单位名称", "applicant_name")))
            continue
        out.append(
            finding(
                ctx,
                FindingCode.NAME_MISMATCH,
                f"{doc_label(doc)}中的单位名称“{fld.value}”与{where}中的“{decided}”不一致，"
                "且无企业名称变更材料将二者关联",
                subject="applicant_name",
                doc=doc,
                found=side("单位名称", fld.value, doc=doc, fld=fld),
                expected=_source_side(ctx, "申请单位名称", "applicant_name"),
            )
        )
    return out


@rule(FindingCode.FIELD_NOT_FOUND)
def identity_fields(ctx: RuleContext) -> list[Finding]:
    """A name or USCC that could not be read means the identity checks did not run on it."""
    cfg = ctx.policy.identity
    floor = ctx.policy.ocr.field_min_confidence
    out: list[Finding] = []
    for doc in ctx.evidence.documents:
        dt_ = DocType(doc.doc_type)
        for key, required in (("applicant_name", cfg.name_required), ("uscc", cfg.uscc_required)):
            fld = doc.fields.get(key)
            absent = fld is None or fld.value in (None, "")
            if absent and dt_ in {DocType(d) for d in required}:
                out.append(field_not_found(ctx, doc, key))
            elif not absent and fld.confidence < floor and not corroborated(ctx.evidence, doc, key, fld, floor):
                out.append(field_not_found(ctx, doc, key, f"识别置信度过低({fld.confidence:.2f})", fld=fld))
            elif key == "applicant_name" and not absent and not plausible_org_name(fld.value):
                why = f"识别结果“{fld.value}”不像单位名称"
                out.append(field_not_found(ctx, doc, key, why, fld=fld))
    return out
