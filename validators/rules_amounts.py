"""Rules on what is asked for: ratio, cap, tiers, and the general model's size."""

from __future__ import annotations

from pipeline.models import Category, DocType, Finding, FindingCode

from validators.labels import labels
from validators.base import (
    RuleContext,
    as_number,
    finding,
    first_trusted,
    need_any,
    policy_side,
    rule,
    side,
    yuan,
)

_EPS = 0.005  # half a fen: money compared to the cent, limits inclusive


def requested(ctx: RuleContext, out: list[Finding]):
    hit = need_any(ctx, ctx.docs(DocType.application_form), "requested_amount", out)
    if hit is None:
        return None
    doc, fld = hit
    amount = as_number(fld.value)
    if amount is None:
        out.append(
            finding(
                ctx, FindingCode.FIELD_NOT_FOUND,
                f"申请金额“{fld.value}”无法识别为金额，请人工核对",
                subject="requested_amount", doc=doc, field="requested_amount",
            )
        )
        return None
    return doc, fld, amount


def amount_finding(ctx: RuleContext, code: FindingCode, message: str, req, expected: dict,
                   **extra) -> Finding:
    """A finding about the requested amount, located on the form where it was read."""
    doc, fld, amount = req
    return finding(ctx, code, message, subject="requested_amount", doc=doc,
                   found=side("申请金额", amount, doc=doc, fld=fld), expected=expected, **extra)


@rule(FindingCode.AMOUNT_EXCEEDS_CAP, FindingCode.FIELD_NOT_FOUND)
def amount_cap(ctx: RuleContext) -> list[Finding]:
    if ctx.category is None or ctx.policy.category(ctx.category).cap is None:
        return []
    cat = ctx.policy.category(ctx.category)
    out: list[Finding] = []
    req = requested(ctx, out)
    if req is None:
        return out
    amount = req[2]
    if amount <= cat.cap + _EPS:
        return out
    out.append(amount_finding(
        ctx, FindingCode.AMOUNT_EXCEEDS_CAP,
        f"申请金额 {yuan(amount)} 超过“{cat.zh}”类别上限 {yuan(cat.cap)}", req,
        policy_side("类别上限", cat.cap, ctx.policy)))
    return out


@rule(FindingCode.AMOUNT_EXCEEDS_RATIO, FindingCode.FIELD_NOT_FOUND)
def amount_ratio(ctx: RuleContext) -> list[Finding]:
    if ctx.category is None or ctx.policy.category(ctx.category).ratio is None:
        return []
    cat = ctx.policy.category(ctx.category)
    out: list[Finding] = []
    req = requested(ctx, out)
    forms = ctx.docs(DocType.application_form)
    base_hit = first_trusted(ctx, forms, cat.ratio_base)
    if base_hit is None and cat.ratio_base == "test_fee":  # also stated on the test report
        base_hit = first_trusted(ctx, ctx.docs(DocType.crypto_test_report), "test_fee")
    if base_hit is None:
        need_any(ctx, forms, cat.ratio_base, out)
    if req is None or base_hit is None:
        return out
    amount = req[2]
    bdoc, bfld = base_hit
    base = as_number(bfld.value)
    label = labels().field(cat.ratio_base)
    if base is None:
        out.append(
            finding(
                ctx, FindingCode.FIELD_NOT_FOUND,
                f"{label}“{bfld.value}”无法识别为金额，未能核验申请比例，请人工核对",
                subject=cat.ratio_base, doc=bdoc, field=cat.ratio_base,
            )
        )
        return out
    limit = round(cat.ratio * base, 2)
    if amount <= limit + _EPS:
        return out
    out.append(amount_finding(
        ctx, FindingCode.AMOUNT_EXCEEDS_RATIO,
        f"申请金额 {yuan(amount)} 超过{label} {yuan(base)} 的 {cat.ratio:.0%}（{yuan(limit)}）", req,
        side(f"{label}×{cat.ratio:g}", limit, doc=bdoc, fld=bfld), ratio=cat.ratio, base=base))
    return out


@rule(FindingCode.AMOUNT_NOT_A_TIER, FindingCode.FIELD_NOT_FOUND)
def amount_tier(ctx: RuleContext) -> list[Finding]:
    if ctx.category is None or ctx.policy.category(ctx.category).tiers is None:
        return []
    cat = ctx.policy.category(ctx.category)
    out: list[Finding] = []
    req = requested(ctx, out)
    if req is None:
        return out
    amount = req[2]
    if any(abs(amount - t) <= _EPS for t in cat.tiers):
        return out
    tiers = " / ".join(yuan(t) for t in cat.tiers)
    out.append(amount_finding(
        ctx, FindingCode.AMOUNT_NOT_A_TIER,
        f"申请金额 {yuan(amount)} 不是“{cat.zh}”类别的奖励档次之一（{tiers}）", req,
        policy_side("奖励档次", cat.tiers, ctx.policy)))
    return out


@rule(FindingCode.PARAMS_BELOW_THRESHOLD, FindingCode.FIELD_NOT_FOUND)
def params_threshold(ctx: RuleContext) -> list[Finding]:
    if ctx.category is None or Category(ctx.category) is not Category.general_model:
        return []
    threshold = ctx.policy.general_model.parameter_threshold
    out: list[Finding] = []
    sources = []
    for dt_ in (DocType.application_form, DocType.evaluation_report):
        hit = first_trusted(ctx, ctx.docs(dt_), "parameter_count")
        if hit is not None:
            sources.append(hit)
    if not sources:
        docs = ctx.docs(DocType.application_form) or ctx.docs(DocType.evaluation_report)
        need_any(ctx, docs, "parameter_count", out)
        return out
    for doc, fld in sources:  # the form's claim and the evaluator's measure both count
        count = as_number(fld.value)
        if count is None:
            out.append(
                finding(
                    ctx, FindingCode.FIELD_NOT_FOUND,
                    f"模型参数量“{fld.value}”无法识别，请人工核对",
                    subject="parameter_count", doc=doc, field="parameter_count",
                )
            )
            continue
        if count > threshold:
            continue
        out.append(
            finding(
                ctx,
                FindingCode.PARAMS_BELOW_THRESHOLD,
                f"模型参数量 {_params_zh(count)} 未超过{_params_zh(threshold)}（千亿级）要求",
                subject="parameter_count",
                doc=doc,
                found=side("参数量", int(count), doc=doc, fld=fld),
                expected=policy_side("须大于", threshold, ctx.policy),
            )
        )
    return out


def _params_zh(count: float) -> str:
    """A parameter count as a reviewer writes it: 1300亿, 70亿, 6.7亿; 350万 under one 亿
    (never 3.4e-05亿)."""
    if count >= 1e8:
        return f"{count / 1e8:.4f}".rstrip("0").rstrip(".") + "亿"
    if count >= 1e4:
        return f"{count / 1e4:.4f}".rstrip("0").rstrip(".") + "万"
    return str(int(count))

