"""Rules on the applicant's own project papers: the report's sections, the investment sums."""

from __future__ import annotations

from pipeline.models import DocType, Finding, FindingCode

from validators.base import RuleContext, as_number, finding, need, policy_side, rule, side, yuan
from validators.names import norm_name


@rule(FindingCode.REPORT_SECTION_MISSING, FindingCode.FIELD_NOT_FOUND)
def report_sections(ctx: RuleContext) -> list[Finding]:
    wanted = ctx.policy.project_report_sections
    docs = ctx.docs(DocType.project_report)
    out: list[Finding] = []
    if not docs:
        return out
    present: set[str] = set()
    found_any = False
    for doc in docs:  # a report split over files: the sections of all parts count
        fld = doc.fields.get("sections_present")
        if fld is not None and isinstance(fld.value, list):
            found_any = True
            present |= {norm_name(s) for s in fld.value}
    if not found_any:
        need(ctx, docs[0], "sections_present", out)
        return out
    doc = docs[0]
    fld = doc.fields.get("sections_present")
    for section in wanted:
        if norm_name(section) in present:
            continue
        out.append(
            finding(
                ctx,
                FindingCode.REPORT_SECTION_MISSING,
                f"项目情况报告缺少“{section}”部分",
                subject=section,
                doc=doc,
                found=side("已有章节", sorted(present), doc=doc, fld=fld),
                expected=policy_side("应有章节", section, ctx.policy),
                section=section,
            )
        )
    return out


@rule(FindingCode.INVESTMENT_SUM_MISMATCH, FindingCode.FIELD_NOT_FOUND)
def investment_sum(ctx: RuleContext) -> list[Finding]:
    cfg = ctx.policy.investment
    out: list[Finding] = []
    for doc in ctx.docs(DocType.investment_breakdown):
        items = need(ctx, doc, "line_items", out)
        total = need(ctx, doc, "stated_total", out)
        if items is None or total is None:
            continue
        stated = as_number(total.value)
        amounts = [as_number(i.get("amount")) if isinstance(i, dict) else None for i in items.value or []]
        if stated is None or not amounts or any(a is None for a in amounts):
            out.append(
                finding(
                    ctx, FindingCode.FIELD_NOT_FOUND,
                    "项目投资明细表的金额无法全部识别，未能核对合计，请人工核对",
                    subject="line_items", doc=doc, field="line_items",
                )
            )
            continue
        summed = sum(amounts)
        tol = max(cfg.sum_tolerance, cfg.sum_tolerance_rel * abs(stated))
        if abs(summed - stated) <= tol:
            continue
        out.append(
            finding(
                ctx,
                FindingCode.INVESTMENT_SUM_MISMATCH,
                f"项目投资明细表各项合计 {yuan(summed)}，与表中所列合计 {yuan(stated)} 不一致"
                f"（相差 {yuan(abs(summed - stated))}）",
                subject="stated_total",
                doc=doc,
                found=side("所列合计", stated, doc=doc, fld=total),
                expected=side("各项之和", summed, doc=doc, fld=items),
                items=len(amounts),
            )
        )
    return out
