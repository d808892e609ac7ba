"""Verdict and exit status, and the shape every finding carries."""

from __future__ import annotations

import datetime as dt

from pipeline.models import Finding
from tests.test_rules_support import baseline, drop_doc, run, set_field
from validators import RuleOutcome, exit_code, verdict


def _f(sev):
    return Finding(code="FIELD_NOT_FOUND", severity=sev, message="x")


def test_verdict_table():
    assert verdict([]) == "pass" and exit_code([]) == 0
    assert verdict([_f("info")]) == "pass"
    assert verdict([_f("warning"), _f("info")]) == "review" and exit_code([_f("warning")]) == 0
    assert verdict([_f("warning"), _f("error")]) == "gaps" and exit_code([_f("error")]) == 1


def test_every_finding_is_located_and_explained():
    ev = baseline("vertical_model")
    ev = set_field(ev, "application_form", "requested_amount", 6_000_000)
    ev = set_field(ev, "credit_report", "records", [{"kind": "administrative_penalty", "date": "2026-01-01",
                                                      "text": "罚款", "page": 1, "bbox": [1, 1, 2, 2]}])
    ev = set_field(ev, "financial_audit", "opinion", "qualified")
    ev = drop_doc(ev, "application_case")
    out = run(ev)
    assert isinstance(out, RuleOutcome) and verdict(out.findings) == "gaps"
    assert len(out.findings) >= 5
    for f in out.findings:
        assert f.message and any("\u4e00" <= ch <= "\u9fff" for ch in f.message)
        assert f.evidence.get("subject"), f
        assert f.key().startswith(f.code)
        if f.code != "MISSING_DOCUMENT":
            assert f.file and f.page and f.evidence["found"]["file"] == f.file
        assert "expected" in f.evidence
    # errors sort first
    sevs = [f.severity for f in out.findings]
    assert sevs == sorted(sevs, key=["error", "warning", "info"].index)
    assert out.requested_amount == 6_000_000 and out.category == "vertical_model"


def test_outcome_is_json_serialisable():
    out = run(set_field(baseline(), "credit_report", "report_date", "2020-01-01"), as_of=dt.date(2026, 5, 15))
    data = out.model_dump(mode="json")
    assert data["findings"][0]["code"] == "CREDIT_REPORT_STALE"
