"""Project report sections and the investment breakdown's sum."""

from __future__ import annotations

from tests.test_rules_support import POLICY, baseline, codes, drop_field, run, set_field


def test_missing_sections_one_finding_each():
    kept = [s for s in POLICY.project_report_sections if s not in ("技术方案", "服务成效")]
    out = run(set_field(baseline(), "project_report", "sections_present", kept))
    assert sorted(f.evidence["subject"] for f in out.findings) == ["技术方案", "服务成效"]
    assert {f.code for f in out.findings} == {"REPORT_SECTION_MISSING"}
    assert all(f.severity == "warning" for f in out.findings)


def test_sections_unordered_extra_and_split_report_pass():
    secs = list(reversed(POLICY.project_report_sections)) + ["附件"]
    assert run(set_field(baseline(), "project_report", "sections_present", secs)).findings == []


def test_sections_not_extracted():
    out = run(drop_field(baseline(), "project_report", "sections_present"))
    assert codes(out) == [("FIELD_NOT_FOUND", "project_report")]


def test_investment_sum_mismatch_and_tolerance():
    ev = set_field(baseline(), "investment_breakdown", "stated_total", 3_100_000.0)
    out = run(ev)
    assert codes(out) == [("INVESTMENT_SUM_MISMATCH", "investment_breakdown")]
    assert "10万元" in out.findings[0].message
    assert run(set_field(baseline(), "investment_breakdown", "stated_total", 3_000_300.0)).findings == []
    assert codes(run(set_field(baseline(), "investment_breakdown", "stated_total", 3_000_301.0))) == [
        ("INVESTMENT_SUM_MISMATCH", "investment_breakdown")]  # max(100, 0.01% x 300万) = 300


def test_investment_unreadable_item_is_reported():
    ev = set_field(baseline(), "investment_breakdown", "line_items",
                   [{"name": "服务器", "amount": None}, {"name": "软件", "amount": 1_000_000.0}])
    assert codes(run(ev)) == [("FIELD_NOT_FOUND", "investment_breakdown")]
    ev = drop_field(baseline(), "investment_breakdown", "stated_total")
    assert codes(run(ev)) == [("FIELD_NOT_FOUND", "investment_breakdown")]
