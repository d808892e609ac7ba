"""Credit rules: the two-year window and the 30-day report age, both inclusive."""

from __future__ import annotations

import datetime as dt

from tests.test_rules_support import AS_OF, baseline, codes, run, set_field


def _records(*recs):
    return set_field(baseline(), "credit_report", "records",
                     [{"kind": k, "date": d, "text": "罚款", "page": 2, "bbox": [1, 2, 3, 4]} for k, d in recs])


def test_recent_penalty_fires():
    out = run(_records(("administrative_penalty", "2025-08-01")))
    assert codes(out) == [("CREDIT_BAD_RECORD", "credit_report")]
    f = out.findings[0]
    assert f.page == 2 and f.bbox == (1, 2, 3, 4) and "2025-08-01" in f.message


def test_record_exactly_two_years_old_is_inside():
    day = AS_OF.replace(year=AS_OF.year - 2).isoformat()
    assert codes(run(_records(("serious_dishonesty", day)))) == [("CREDIT_BAD_RECORD", "credit_report")]


def test_record_two_years_and_a_day_old_is_outside():
    day = (AS_OF.replace(year=AS_OF.year - 2) - dt.timedelta(days=1)).isoformat()
    assert run(_records(("abnormal_operation", day))).findings == []


def test_three_year_old_penalty_does_not_fire():
    assert run(_records(("administrative_penalty", "2023-05-10"))).findings == []


def test_each_recent_record_is_its_own_finding():
    out = run(_records(("administrative_penalty", "2025-01-01"), ("abnormal_operation", "2026-01-01"),
                       ("administrative_penalty", "2020-01-01")))
    assert len(out.findings) == 2 and {f.evidence["subject"] for f in out.findings} == {
        "records:administrative_penalty:2025-01-01", "records:abnormal_operation:2026-01-01"}


def test_record_without_date_is_not_a_silent_pass():
    out = run(_records(("administrative_penalty", None)))
    assert codes(out) == [("FIELD_NOT_FOUND", "credit_report")]


def test_leap_day_window():
    ev = _records(("administrative_penalty", "2022-02-28"))
    leap = dt.date(2024, 2, 29)
    assert codes(run(ev, as_of=leap), "CREDIT_BAD_RECORD") == [("CREDIT_BAD_RECORD", "credit_report")]
    ev = _records(("administrative_penalty", "2022-02-27"))
    assert codes(run(ev, as_of=leap), "CREDIT_BAD_RECORD") == []


def test_records_missing_is_field_not_found_but_empty_list_is_clean():
    from tests.test_rules_support import drop_field

    out = run(drop_field(baseline(), "credit_report", "records"))
    assert codes(out) == [("FIELD_NOT_FOUND", "credit_report")]
    assert run(baseline()).findings == []  # [] = 无记录


def test_report_exactly_30_days_old_is_fresh():
    day = (AS_OF - dt.timedelta(days=30)).isoformat()
    assert run(set_field(baseline(), "credit_report", "report_date", day)).findings == []


def test_report_31_days_old_is_stale():
    day = (AS_OF - dt.timedelta(days=31)).isoformat()
    out = run(set_field(baseline(), "credit_report", "report_date", day))
    assert codes(out) == [("CREDIT_REPORT_STALE", "credit_report")]
    assert out.findings[0].severity == "warning" and "31天" in out.findings[0].message


def test_report_date_low_confidence_is_not_decided():
    out = run(set_field(baseline(), "credit_report", "report_date", "2020-01-01", confidence=0.2))
    assert codes(out) == [("FIELD_NOT_FOUND", "credit_report")]
