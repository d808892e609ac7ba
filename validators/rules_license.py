"""Business-license rules: registered in the district, independent, still valid."""

from __future__ import annotations

from pipeline.models import DocType, Finding, FindingCode

from validators.base import (
    RuleContext,
    as_date,
    field_not_found,
    finding,
    need,
    policy_side,
    rule,
    side,
    trusted,
)
from validators.labels import labels
from validators.names import contains_any, nearest_place, norm_name

def _district_named(text: str, dist) -> str | None:
    """The district a 登记机关 names: exactly, or with up to the policy's tolerance of wrong
    characters when no other district is as close (丛江区 is 松江区, 薄东新区 is 浦东新区:
    OCR changes a character, it does not turn one real district's name into another's)."""
    place, distance, runner_up = nearest_place(text, [dist.name, *dist.other_districts])
    if distance == 0 or distance <= dist.registration_authority_ocr_tolerance < runner_up:
        return place
    return None


def _names_a_district(doc, key: str, dist):
    """An unsure 住所 that still names one district exactly (上海市浦东新区张江路998号3幅,
    unsure only of 幢): for the district question that name is not noise."""
    fld = doc.fields.get(key)
    if fld is None or not isinstance(fld.value, str) or not fld.value:
        return None
    place, distance, runner_up = nearest_place(fld.value, [dist.name, *dist.other_districts])
    return fld if distance == 0 and runner_up > 0 else None


@rule(FindingCode.NOT_REGISTERED_IN_DISTRICT, FindingCode.FIELD_NOT_FOUND)
def registered_in_district(ctx: RuleContext) -> list[Finding]:
    dist = ctx.policy.district
    out: list[Finding] = []
    for doc in ctx.docs(DocType.business_license):
        problems = []
        addr = trusted(ctx, doc, "address") or _names_a_district(doc, "address", dist)
        auth = trusted(ctx, doc, "registration_authority")
        if addr is None and auth is None:
            need(ctx, doc, "address", out)
            need(ctx, doc, "registration_authority", out)
            continue
        if addr is not None and contains_any(addr.value, dist.address_keywords) is None:
            problems.append(("address", "住所", addr))
        if auth is not None:
            names = {norm_name(n) for n in dist.registration_authorities}
            if norm_name(auth.value) not in names and (
                contains_any(auth.value, dist.registration_authority_keywords) is None
            ):
                address_outside = addr is not None and bool(problems)
                named = _district_named(auth.value, dist)
                if address_outside or named in dist.other_districts:
                    problems.append(("registration_authority", "登记机关", auth))
                elif named == dist.name:
                    pass  # the district's own name with a character misread
                else:  # names no district and nothing else places the company: ask
                    out.append(field_not_found(
                        ctx, doc, "registration_authority",
                        f"识别结果“{auth.value}”既不是{dist.name}也不是其他区的登记机关", fld=auth))
        for key, label, fld in problems:
            expected = (
                dist.address_keywords if key == "address" else dist.registration_authorities
            )
            out.append(
                finding(
                    ctx,
                    FindingCode.NOT_REGISTERED_IN_DISTRICT,
                    f"营业执照{label}“{fld.value}”不在{dist.name}，不符合申报主体须注册在{dist.name}的要求",
                    subject=key,
                    doc=doc,
                    found=side(label, fld.value, doc=doc, fld=fld),
                    expected=policy_side(label, expected, ctx.policy),
                )
            )
    return out


@rule(FindingCode.NOT_INDEPENDENT_LEGAL_PERSON, FindingCode.FIELD_NOT_FOUND)
def independent_legal_person(ctx: RuleContext) -> list[Finding]:
    words = ctx.policy.legal_person.not_independent_keywords
    out: list[Finding] = []
    for doc in ctx.docs(DocType.business_license):
        ctype = trusted(ctx, doc, "company_type")
        name = trusted(ctx, doc, "applicant_name")
        hit = None
        if ctype is not None and (kw := contains_any(ctype.value, words)):
            hit = ("company_type", "类型", ctype, kw)
        elif name is not None and (kw := contains_any(name.value, ["分公司"])) and kw in words:
            hit = ("applicant_name", "名称", name, kw)
        if hit is None:
            if ctype is None:
                need(ctx, doc, "company_type", out)
            continue
        key, label, fld, kw = hit
        out.append(
            finding(
                ctx,
                FindingCode.NOT_INDEPENDENT_LEGAL_PERSON,
                f"营业执照{label}为“{fld.value}”（含“{kw}”），申报主体须为独立法人",
                subject="company_type",
                doc=doc,
                found=side(label, fld.value, doc=doc, fld=fld),
                expected=policy_side("非独立法人关键词", words, ctx.policy),
            )
        )
    return out


@rule(FindingCode.LICENSE_EXPIRED, FindingCode.FIELD_NOT_FOUND)
def license_valid(ctx: RuleContext) -> list[Finding]:
    out: list[Finding] = []
    for doc in ctx.docs(DocType.business_license):
        fld = need(ctx, doc, "term_end", out)
        if fld is None:
            continue
        text = str(fld.value).strip()
        if any(w in text for w in labels().term_no_end):
            continue
        end = as_date(text)
        if end is None:
            out.append(
                finding(
                    ctx,
                    FindingCode.FIELD_NOT_FOUND,
                    f"营业执照营业期限“{text}”无法识别为日期，未能核验执照是否有效，请人工核对",
                    subject="term_end",
                    doc=doc,
                    found=side("营业期限", text, doc=doc, fld=fld),
                    field="term_end",
                )
            )
            continue
        if end < ctx.as_of:  # a license ending on the check date is still valid that day
            out.append(
                finding(
                    ctx,
                    FindingCode.LICENSE_EXPIRED,
                    f"营业执照营业期限至{end.isoformat()}，早于核验日期{ctx.as_of.isoformat()}，执照已过期",
                    subject="term_end",
                    doc=doc,
                    found=side("营业期限截止", end.isoformat(), doc=doc, fld=fld),
                    expected=side("核验日期", ctx.as_of.isoformat(), source="as_of"),
                )
            )
    return out
