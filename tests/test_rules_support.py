"""A clean submission built directly as Evidence (no OCR), and helpers to break it.

The rule tests start from a submission every rule must accept, change one thing, and
assert that exactly the expected finding appears (or does not).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from stdnum.cn import uscc as uscc_std

from pipeline.models import (
    Document,
    Evidence,
    Field,
    PageQuality,
    Seal,
    SourceFile,
    Submission,
)
from pipeline.policy import load_policy
from validators import run_rules, verdict

AS_OF = dt.date(2026, 5, 15)
NAME = "上海松智算力科技有限公司"
USCC = "91310117MA1J3K8Q2" + uscc_std.calc_check_digit("91310117MA1J3K8Q2")
POLICY = load_policy()
BOX = (100.0, 200.0, 900.0, 260.0)


def seal(owner: str, text: str, page: int = 1) -> Seal:
    return Seal(
        page=page, bbox=(1500.0, 2500.0, 1950.0, 2950.0), shape="round",
        text=text, owner=owner, owner_name=text if owner != "unknown" else None,
    )


def applicant_seal(page: int = 1) -> Seal:
    return seal("applicant", NAME, page)


def doc(doc_type: str, fields: dict[str, Any], seals: list[Seal] | None = None,
        file: str | None = None, confidence: float = 0.95, field_conf: float = 0.95) -> Document:
    return Document(
        file=file or f"{doc_type}.pdf",
        pages=[1],
        doc_type=doc_type,
        confidence=confidence,
        seals=seals or [],
        fields={k: Field(value=v, page=1, bbox=BOX, confidence=field_conf, source="ocr")
                for k, v in fields.items()},
    )


def _common(category: str, amount: float, rd_cost: float, extra_form: dict) -> list[Document]:
    a = {"applicant_name": NAME, "uscc": USCC}
    sections = list(POLICY.project_report_sections)
    return [
        doc("application_form", {**a, "category": category, "project_name": "智算平台项目",
                                 "requested_amount": amount, "rd_cost": rd_cost,
                                 "total_investment": rd_cost * 1.2, "declared_date": "2026-04-20",
                                 **extra_form}, [applicant_seal()]),
        doc("business_license", {**a, "company_type": "有限责任公司(自然人投资或控股)",
                                 "legal_representative": "王明", "registered_capital": 10000000,
                                 "established_date": "2019-03-01", "term_start": "2019-03-01",
                                 "term_end": "长期", "address": "上海市松江区九亭镇九亭大街100号",
                                 "registration_authority": "上海市松江区市场监督管理局",
                                 "issue_date": "2023-06-01"},
            [seal("authority", "上海市松江区市场监督管理局"), applicant_seal()]),
        doc("street_review", {"applicant_name": NAME, "project_name": "智算平台项目",
                              "street": "九亭镇", "opinion": "approve", "review_date": "2026-04-25"},
            [applicant_seal(), seal("authority", "上海市松江区九亭镇人民政府")]),
        doc("credit_report", {**a, "report_date": "2026-05-05", "records": []}, [applicant_seal()]),
        doc("financial_audit", {"applicant_name": NAME, "fiscal_year": 2025,
                                "audit_firm": "上海立信会计师事务所(特殊普通合伙)",
                                "opinion": "unqualified", "revenue": 80000000,
                                "rd_expense": 12000000, "report_date": "2026-03-20"},
            [seal("other", "上海立信会计师事务所(特殊普通合伙)"), applicant_seal()]),
        doc("project_report", {"applicant_name": NAME, "project_name": "智算平台项目",
                               "sections_present": sections}, [applicant_seal()]),
        doc("investment_breakdown", {"applicant_name": NAME, "stated_total": 3000000.0,
                                     "line_items": [{"name": "服务器", "amount": 2000000.0},
                                                    {"name": "软件", "amount": 1000000.0}]},
            [applicant_seal()]),
    ]


def baseline(category: str = "vertical_model") -> Evidence:
    if category == "general_model":
        docs = _common(category, 20_000_000, 40_000_000, {"parameter_count": 130_000_000_000})
        docs += [
            doc("evaluation_report", {"evaluator": "中国软件评测中心", "model_name": "松智大模型",
                                      "parameter_count": 130_000_000_000, "result": "通过",
                                      "report_date": "2026-02-01", "applicant_name": NAME},
                [seal("other", "中国软件评测中心")]),
            doc("acceptance_certificate", {"scenario": "智能制造", "location": "上海市松江区",
                                           "acceptance_date": "2026-01-10", "applicant_name": NAME},
                [applicant_seal()]),
        ]
    elif category == "vertical_model":
        docs = _common(category, 4_000_000, 5_000_000, {})
        docs += [
            doc("acceptance_certificate", {"scenario": "医疗影像", "location": "上海市松江区",
                                           "acceptance_date": "2026-01-10", "applicant_name": NAME}),
            doc("application_case", {"applicant_name": NAME, "user_org": "上海松江医院",
                                     "sections_present": ["应用场景描述", "实施过程", "应用效果", "用户反馈"]},
                [seal("other", "上海松江医院")]),
        ]
    elif category == "adaptation_service":
        docs = _common(category, 500_000, 2_000_000, {})
        docs += [doc("recommendation_letter", {"centre": "上海松江智算中心", "product": "适配平台",
                                               "tier": 500000, "letter_date": "2026-03-01",
                                               "applicant_name": NAME},
                     [seal("other", "上海松江智算中心")])]
    elif category == "security":
        docs = _common(category, 100_000, 0, {"test_fee": 200_000})
        docs += [doc("crypto_test_report", {"testing_body": "国家密码管理局商用密码检测中心",
                                            "product": "密码网关", "result": "pass",
                                            "test_date": "2026-02-01", "test_fee": 200_000,
                                            "applicant_name": NAME},
                     [seal("other", "国家密码管理局商用密码检测中心")])]
    else:
        raise ValueError(category)
    files = [SourceFile(path=d.file, sha256="0" * 64, size=1000, media_type="application/pdf",
                        page_count=1) for d in docs]
    sub = Submission(name="case", source="case", root="/tmp/case", sha256="1" * 64, files=files)
    pages = [PageQuality(file=d.file, page=1, source="ocr", mean_conf=0.9, chars=500) for d in docs]
    return Evidence(submission=sub, documents=docs, pages=pages)


def get(ev: Evidence, doc_type: str) -> Document:
    return next(d for d in ev.documents if d.doc_type == doc_type)


def set_field(ev: Evidence, doc_type: str, name: str, value: Any, confidence: float = 0.95) -> Evidence:
    ev = ev.model_copy(deep=True)
    get(ev, doc_type).fields[name] = Field(value=value, page=1, bbox=BOX, confidence=confidence, source="ocr")
    return ev


def drop_field(ev: Evidence, doc_type: str, name: str) -> Evidence:
    ev = ev.model_copy(deep=True)
    get(ev, doc_type).fields.pop(name)
    return ev


def drop_doc(ev: Evidence, doc_type: str) -> Evidence:
    ev = ev.model_copy(deep=True)
    ev.documents = [d for d in ev.documents if d.doc_type != doc_type]
    return ev


def add_doc(ev: Evidence, d: Document) -> Evidence:
    ev = ev.model_copy(deep=True)
    ev.documents.append(d)
    return ev


def run(ev: Evidence, as_of: dt.date = AS_OF, policy=POLICY):
    return run_rules(ev, policy, as_of)


def codes(outcome, code: str | None = None) -> list[tuple[str, str | None]]:
    return [(f.code, f.doc_type) for f in outcome.findings if code is None or f.code == code]


@pytest.mark.parametrize("category", ["general_model", "vertical_model", "adaptation_service", "security"])
def test_baseline_passes_in_every_category(category):
    out = run(baseline(category))
    assert out.findings == [], [f.message for f in out.findings]
    assert verdict(out.findings) == "pass"
    assert out.applicant.name == NAME and out.applicant.uscc == USCC
    assert out.category == category
