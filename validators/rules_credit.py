"""Credit-report rules: no bad record inside the window, a report fresh enough."""

from __future__ import annotations

import datetime as dt

from pipeline.models import DocType, Finding, FindingCode

from validators.labels import labels

from validators.base import (
    RuleContext,
    as_date,
    finding,
    need,
    policy_side,
    rule,
    side,
    years_before,
)



@rule(FindingCode.CREDIT_BAD_RECORD, FindingCode.FIELD_NOT_FOUND)
def credit_bad_record(ctx: RuleContext) -> list[Finding]:
    cfg = ctx.policy.credit
    start = years_before(ctx.as_of, cfg.window_years)  # inclusive: exactly N years is inside
    out: list[Finding] = []
    for doc in ctx.docs(DocType.credit_report):
        fld = need(ctx, doc, "records", out)
        if fld is None:
            continue
        if not isinstance(fld.value, list):
            out.append(
                finding(
                    ctx,
                    FindingCode.FIELD_NOT_FOUND,
                    "信用报告的记录列表无法解析，未能核验失信记录，请人工核对",
                    subject="records",
                    doc=doc,
                    field="records",
                )
            )
            continue
        for i, rec in enumerate(fld.value):
            if not isinstance(rec, dict):
                continue
            kind = str(rec.get("kind") or "")
            if kind not in cfg.bad_record_kinds:
                continue
            kind_zh = labels().zh(kind)
            when = as_date(rec.get("date"))
            page, bbox = rec.get("page") or fld.page, rec.get("bbox")
            rec_side = side(
                kind_zh, {"date": rec.get("date"), "text": rec.get("text")},
                doc=doc, page=page, bbox=bbox,
            )
            subject = f"records:{kind}:{rec.get('date') or i}"
            if when is None:
                out.append(
                    finding(
                        ctx,
                        FindingCode.FIELD_NOT_FOUND,
                        f"信用报告列有{kind_zh}记录但日期无法识别，未能判断是否在{cfg.window_years}年内，请人工核对",
                        subject=subject,
                        doc=doc,
                        page=page,
                        bbox=bbox,
                        found=rec_side,
                        field="records.date",
                    )
                )
                continue
            if when < start:
                continue
            out.append(
                finding(
                    ctx,
                    FindingCode.CREDIT_BAD_RECORD,
                    f"信用报告列有{when.isoformat()}的{kind_zh}记录，在核验日期{ctx.as_of.isoformat()}前"
                    f"{cfg.window_years}年内（{start.isoformat()}起）"
                    + (f"：{rec.get('text')}" if rec.get("text") else ""),
                    subject=subject,
                    doc=doc,
                    page=page,
                    bbox=bbox,
                    found=rec_side,
                    expected=policy_side("信用核查期起点", start.isoformat(), ctx.policy),
                )
            )
    return out


@rule(FindingCode.CREDIT_REPORT_STALE, FindingCode.FIELD_NOT_FOUND)
def credit_report_stale(ctx: RuleContext) -> list[Finding]:
    max_age = ctx.policy.credit.report_max_age_days
    out: list[Finding] = []
    for doc in ctx.docs(DocType.credit_report):
        fld = need(ctx, doc, "report_date", out)
        if fld is None:
            continue
        day = as_date(fld.value)
        if day is None:
            out.append(
                finding(
                    ctx, FindingCode.FIELD_NOT_FOUND,
                    f"信用报告生成日期“{fld.value}”无法识别，未能核验报告时效，请人工核对",
                    subject="report_date", doc=doc, field="report_date",
                    found=side("报告日期", fld.value, doc=doc, fld=fld),
                )
            )
            continue
        age = (ctx.as_of - day).days
        if age <= max_age:  # exactly max_age days old is still fresh
            continue
        out.append(
            finding(
                ctx,
                FindingCode.CREDIT_REPORT_STALE,
                f"信用报告生成于{day.isoformat()}，至核验日期已{age}天，超过{max_age}天有效期，请重新下载",
                subject="report_date",
                doc=doc,
                found=side("报告日期", day.isoformat(), doc=doc, fld=fld),
                expected=policy_side(
                    "最早可接受日期",
                    (ctx.as_of - dt.timedelta(days=max_age)).isoformat(),
                    ctx.policy,
                ),
                age_days=age,
            )
        )
    return out
