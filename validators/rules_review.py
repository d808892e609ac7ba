"""Rules on the third-party opinions: the audit and the street/town review."""

from __future__ import annotations

from pipeline.models import DocType, Finding, FindingCode

from validators.base import RuleContext, as_number, finding, need, policy_side, rule, side
from validators.labels import labels
from validators.names import norm_name



def _enum(value: object, labels: dict[str, str]) -> str:
    """The enum value, mapping Chinese wording by exact match (无保留 contains 保留)."""
    text = str(value).strip()
    by_label = {norm_name(k): v for k, v in labels.items()}
    return by_label.get(norm_name(text), text)


@rule(FindingCode.AUDIT_WRONG_YEAR, FindingCode.FIELD_NOT_FOUND)
def audit_year(ctx: RuleContext) -> list[Finding]:
    want = ctx.as_of.year - ctx.policy.audit.fiscal_year_offset
    out: list[Finding] = []
    for doc in ctx.docs(DocType.financial_audit):
        fld = need(ctx, doc, "fiscal_year", out)
        if fld is None:
            continue
        year = as_number(str(fld.value)[:4])
        if year is None:
            out.append(
                finding(
                    ctx, FindingCode.FIELD_NOT_FOUND,
                    f"审计报告所属年度“{fld.value}”无法识别，未能核验年度，请人工核对",
                    subject="fiscal_year", doc=doc, field="fiscal_year",
                    found=side("所属年度", fld.value, doc=doc, fld=fld),
                )
            )
            continue
        if int(year) == want:
            continue
        out.append(
            finding(
                ctx,
                FindingCode.AUDIT_WRONG_YEAR,
                f"审计报告/财务报表为{int(year)}年度，应为核验日期上一年度（{want}年度）",
                subject="fiscal_year",
                doc=doc,
                found=side("所属年度", int(year), doc=doc, fld=fld),
                expected=side("应为年度", want, source=f"as_of {ctx.as_of.isoformat()}"),
            )
        )
    return out


@rule(FindingCode.AUDIT_OPINION_NOT_CLEAN, FindingCode.FIELD_NOT_FOUND)
def audit_opinion(ctx: RuleContext) -> list[Finding]:
    cfg = ctx.policy.audit
    out: list[Finding] = []
    for doc in ctx.docs(DocType.financial_audit):
        fld = need(ctx, doc, "opinion", out)
        if fld is None:
            continue
        opinion = _enum(fld.value, cfg.opinion_labels)
        if opinion in cfg.clean_opinions:
            continue
        shown = labels().enum_zh.get(opinion, str(fld.value))
        out.append(
            finding(
                ctx,
                FindingCode.AUDIT_OPINION_NOT_CLEAN,
                f"审计意见为“{shown}”，要求为标准无保留意见",
                subject="opinion",
                doc=doc,
                found=side("审计意见", opinion, doc=doc, fld=fld),
                expected=policy_side("可接受的审计意见", cfg.clean_opinions, ctx.policy),
                raw=fld.raw,
            )
        )
    return out


@rule(FindingCode.STREET_REVIEW_NOT_APPROVED, FindingCode.FIELD_NOT_FOUND)
def street_review(ctx: RuleContext) -> list[Finding]:
    cfg = ctx.policy.street_review
    out: list[Finding] = []
    for doc in ctx.docs(DocType.street_review):
        fld = need(ctx, doc, "opinion", out)
        if fld is None:
            continue
        opinion = _enum(fld.value, cfg.opinion_labels)
        if opinion in cfg.approve_values:
            continue
        street = doc.fields.get("street")
        where = f"（{street.value}）" if street is not None and street.value else ""
        out.append(
            finding(
                ctx,
                FindingCode.STREET_REVIEW_NOT_APPROVED,
                f"街镇初审意见{where}为“{labels().enum_zh.get(opinion, str(fld.value))}”，未同意推荐",
                subject="opinion",
                doc=doc,
                found=side("初审意见", opinion, doc=doc, fld=fld),
                expected=policy_side("应为", cfg.approve_values, ctx.policy),
                raw=fld.raw,
            )
        )
    return out
