"""Security-category rules: the crypto test passed, at a recognised body."""

from __future__ import annotations

from pipeline.models import Category, DocType, Finding, FindingCode

from validators.base import RuleContext, finding, misread_finding, need, policy_side, rule, side
from validators.labels import labels
from validators.names import misread_of, norm_name


def _misread_body(ctx: RuleContext, fld, bodies: list[str]) -> str | None:
    """The one recognised body an OCR-read name is a misreading of, by the policy's
    tolerance for names, as rules_identity treats the applicant's name. Seed 79, case_011:
    国家工业信息安全发展研究中心 read with a 人 inserted was reported as an unrecognised body."""
    cfg = ctx.policy.identity
    return misread_of(fld, bodies, tolerance=cfg.ocr_name_tolerance, unsure_below=cfg.ocr_misread_conf)


def _reports(ctx: RuleContext):
    """Only a security application is judged on its test; unknown category: check anyway."""
    if ctx.category is not None and Category(ctx.category) is not Category.security:
        return []
    return ctx.docs(DocType.crypto_test_report)


@rule(FindingCode.TEST_NOT_PASSED, FindingCode.FIELD_NOT_FOUND)
def test_passed(ctx: RuleContext) -> list[Finding]:
    out: list[Finding] = []
    for doc in _reports(ctx):
        fld = need(ctx, doc, "result", out)
        if fld is None:
            continue
        if norm_name(str(fld.value)) in {norm_name(v) for v in labels().test_pass_values}:
            continue
        shown = labels().zh(fld.value)
        out.append(
            finding(
                ctx,
                FindingCode.TEST_NOT_PASSED,
                f"商用密码安全性测试结论为“{shown}”，未通过测试",
                subject="result",
                doc=doc,
                found=side("测试结论", fld.value, doc=doc, fld=fld),
                expected=side("应为", "pass", source="domain"),
            )
        )
    return out


@rule(FindingCode.TEST_BODY_NOT_RECOGNISED, FindingCode.FIELD_NOT_FOUND, FindingCode.LOW_OCR_CONFIDENCE)
def test_body(ctx: RuleContext) -> list[Finding]:
    bodies = ctx.policy.recognised_testing_bodies
    known = [norm_name(b) for b in bodies]
    out: list[Finding] = []
    for doc in _reports(ctx):
        fld = need(ctx, doc, "testing_body", out)
        if fld is None:
            continue
        name = norm_name(fld.value)
        # a recognised name inside a longer form (with a parenthesised alias) still counts
        if any(k == name or k in name for k in known):
            continue
        listed = _misread_body(ctx, fld, bodies)
        if listed is not None:
            out.append(misread_finding(ctx, doc, fld, "testing_body", label="检测机构", what="检测机构",
                                       where="认可名录", stands_for=listed,
                                       expected=policy_side("认可的检测机构", bodies, ctx.policy)))
            continue
        out.append(
            finding(
                ctx,
                FindingCode.TEST_BODY_NOT_RECOGNISED,
                f"检测机构“{fld.value}”不在认可的信创测试机构名单中，请人工确认其资质",
                subject="testing_body",
                doc=doc,
                found=side("检测机构", fld.value, doc=doc, fld=fld),
                expected=policy_side("认可的检测机构", bodies, ctx.policy),
            )
        )
    return out
