"""Audit year and opinion, and the street/town review."""

from __future__ import annotations

import datetime as dt

from tests.test_rules_support import baseline, codes, drop_field, run, set_field
from pipeline.models import Field


def test_audit_previous_year_passes_and_other_years_fail():
    assert run(baseline()).findings == []
    for year in (2024, 2026):
        out = run(set_field(baseline(), "financial_audit", "fiscal_year", year))
        assert codes(out) == [("AUDIT_WRONG_YEAR", "financial_audit")], year


def test_audit_year_follows_as_of():
    ev = set_field(baseline(), "financial_audit", "fiscal_year", 2026)
    assert codes(run(ev, as_of=dt.date(2027, 1, 1)), "AUDIT_WRONG_YEAR") == []
    assert codes(run(ev, as_of=dt.date(2026, 12, 31)), "AUDIT_WRONG_YEAR") == [("AUDIT_WRONG_YEAR", "financial_audit")]


def test_audit_opinions():
    for op in ("qualified", "adverse", "disclaimer"):
        assert codes(run(set_field(baseline(), "financial_audit", "opinion", op))) == [
            ("AUDIT_OPINION_NOT_CLEAN", "financial_audit")], op


def test_qualified_paragraph_containing_wubaoliu_still_fires():
    ev = baseline().model_copy(deep=True)
    doc = next(d for d in ev.documents if d.doc_type == "financial_audit")
    doc.fields["opinion"] = Field(value="qualified", raw="我们认为，除“形成保留意见的基础”部分所述事项可能产生的影响外……"
                                  "（注：上年度为无保留意见）", confidence=0.9)
    assert codes(run(ev)) == [("AUDIT_OPINION_NOT_CLEAN", "financial_audit")]
    # Chinese wording as the value: exact mapping, never substring (无保留意见 ⊃ 保留意见)
    assert codes(run(set_field(baseline(), "financial_audit", "opinion", "保留意见"))) == [
        ("AUDIT_OPINION_NOT_CLEAN", "financial_audit")]
    assert run(set_field(baseline(), "financial_audit", "opinion", "标准无保留意见")).findings == []


def test_audit_fields_missing():
    out = run(drop_field(drop_field(baseline(), "financial_audit", "opinion"), "financial_audit", "fiscal_year"))
    assert sorted(f.evidence["field"] for f in out.findings) == ["fiscal_year", "opinion"]


def test_street_review():
    out = run(set_field(baseline(), "street_review", "opinion", "reject"))
    assert codes(out) == [("STREET_REVIEW_NOT_APPROVED", "street_review")]
    assert "九亭镇" in out.findings[0].message
    assert run(set_field(baseline(), "street_review", "opinion", "同意")).findings == []
    assert codes(run(set_field(baseline(), "street_review", "opinion", "不同意"))) == [
        ("STREET_REVIEW_NOT_APPROVED", "street_review")]
    assert codes(run(drop_field(baseline(), "street_review", "opinion"))) == [("FIELD_NOT_FOUND", "street_review")]
