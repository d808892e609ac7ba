"""Ratio, cap, tiers (exactly-at-limit amounts pass) and the parameter threshold."""

from __future__ import annotations

import pytest

from tests.test_rules_support import baseline, codes, drop_field, run, set_field


def _form(cat, **fields):
    ev = baseline(cat)
    for k, v in fields.items():
        ev = set_field(ev, "application_form", k, v)
    return ev


@pytest.mark.parametrize("cat,cap", [("general_model", 20_000_000), ("vertical_model", 5_000_000),
                                     ("security", 250_000)])
def test_cap_inclusive(cat, cap):
    base = "test_fee" if cat == "security" else "rd_cost"
    big = {base: cap * 10}
    assert codes(run(_form(cat, requested_amount=cap, **big))) == []
    out = run(_form(cat, requested_amount=cap + 1, **big))
    assert codes(out) == [("AMOUNT_EXCEEDS_CAP", "application_form")]
    f = out.findings[0]
    assert f.evidence["found"]["value"] == cap + 1 and f.evidence["expected"]["value"] == cap


def test_cap_message_in_wan():
    out = run(_form("vertical_model", requested_amount=6_000_000, rd_cost=10_000_000))
    assert "申请金额 600万元 超过" in out.findings[0].message and "500万元" in out.findings[0].message


@pytest.mark.parametrize("cat,ratio", [("general_model", 0.5), ("vertical_model", 0.8)])
def test_ratio_inclusive(cat, ratio):
    assert codes(run(_form(cat, requested_amount=1_000_000, rd_cost=1_000_000 / ratio))) == []
    out = run(_form(cat, requested_amount=1_000_000.01, rd_cost=1_000_000 / ratio))
    assert codes(out) == [("AMOUNT_EXCEEDS_RATIO", "application_form")]
    assert out.findings[0].evidence["expected"]["doc_type"] == "application_form"


def test_ratio_and_cap_both_fire():
    out = run(_form("vertical_model", requested_amount=6_000_000, rd_cost=6_000_000))
    assert sorted(codes(out)) == [("AMOUNT_EXCEEDS_CAP", "application_form"),
                                  ("AMOUNT_EXCEEDS_RATIO", "application_form")]


def test_security_ratio_on_test_fee_with_fallback_to_test_report():
    assert codes(run(_form("security", requested_amount=100_001, test_fee=200_000))) == [
        ("AMOUNT_EXCEEDS_RATIO", "application_form")]
    ev = drop_field(_form("security", requested_amount=100_000), "application_form", "test_fee")
    assert codes(run(ev)) == []  # test_fee read from the crypto test report
    ev = set_field(drop_field(_form("security", requested_amount=100_001), "application_form", "test_fee"),
                   "crypto_test_report", "test_fee", 200_000)
    out = run(ev)
    assert codes(out) == [("AMOUNT_EXCEEDS_RATIO", "application_form")]
    assert out.findings[0].evidence["expected"]["doc_type"] == "crypto_test_report"


def test_missing_amount_and_base_are_reported_once():
    out = run(drop_field(drop_field(baseline("vertical_model"), "application_form", "requested_amount"),
                         "application_form", "rd_cost"))
    fields = sorted(f.evidence["field"] for f in out.findings)
    assert fields == ["rd_cost", "requested_amount"]
    assert out.requested_amount is None


def test_low_confidence_amount_is_not_decided():
    out = run(set_field(baseline("vertical_model"), "application_form", "requested_amount", 9e9, confidence=0.1))
    assert codes(out) == [("FIELD_NOT_FOUND", "application_form")]


@pytest.mark.parametrize("amount", [1_000_000, 500_000, 200_000])
def test_tiers_pass(amount):
    assert run(_form("adaptation_service", requested_amount=amount)).findings == []


@pytest.mark.parametrize("amount", [300_000, 1_000_001, 2_000_000, 199_999])
def test_not_a_tier(amount):
    assert codes(run(_form("adaptation_service", requested_amount=amount))) == [
        ("AMOUNT_NOT_A_TIER", "application_form")]


def test_adaptation_has_no_ratio_or_cap_rule():
    out = run(_form("adaptation_service", requested_amount=1_000_000, rd_cost=10))
    assert out.findings == []


def test_params_threshold():
    assert codes(run(_form("general_model", parameter_count=100_000_000_001))) == []
    out = run(_form("general_model", parameter_count=100_000_000_000))  # exactly 千亿 fails (> required)
    assert codes(out) == [("PARAMS_BELOW_THRESHOLD", "application_form")]
    assert "1000亿" in out.findings[0].message


def test_params_from_evaluation_report():
    ev = set_field(baseline("general_model"), "evaluation_report", "parameter_count", 70_000_000_000)
    assert codes(run(ev)) == [("PARAMS_BELOW_THRESHOLD", "evaluation_report")]
    out = run(set_field(baseline("general_model"), "evaluation_report", "parameter_count", 3_500_000))
    assert "模型参数量 350万 未超过1000亿" in out.findings[0].message  # never 0.035亿 or 3.5e-02亿
    ev = drop_field(drop_field(baseline("general_model"), "application_form", "parameter_count"),
                    "evaluation_report", "parameter_count")
    assert [f.evidence["field"] for f in run(ev).findings] == ["parameter_count"]


def test_params_not_checked_for_other_categories():
    assert run(_form("vertical_model", parameter_count=7_000_000_000)).findings == []


def test_form_split_over_two_files_reads_the_amount_from_either_part():
    from tests.test_rules_support import add_doc, doc

    ev = drop_field(_form("vertical_model", requested_amount=6_000_000, rd_cost=10_000_000),
                    "application_form", "requested_amount")
    ev = add_doc(ev, doc("application_form", {"requested_amount": 6_000_000}, file="form_part2.pdf"))
    out = run(ev)
    assert codes(out, "AMOUNT_EXCEEDS_CAP") == [("AMOUNT_EXCEEDS_CAP", "application_form")]
    assert out.findings[0].file == "form_part2.pdf" and out.requested_amount == 6_000_000
