"""The policy file: bundled, overridable, and loud on any defect."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.errors import PolicyError
from pipeline.models import FindingCode
from pipeline.policy import load_policy
from tests.test_rules_support import baseline, codes, run, set_field

BUNDLED = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "policy.yaml"


def _write(tmp_path: Path, data) -> Path:
    p = tmp_path / "policy.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True) if not isinstance(data, str) else data, "utf-8")
    return p


def _raw():
    return yaml.safe_load(BUNDLED.read_text("utf-8"))


def test_bundled_policy_values():
    p = load_policy()
    assert p.credit.window_years == 2 and p.credit.report_max_age_days == 30
    assert p.general_model.parameter_threshold == 100_000_000_000
    assert p.district.name == "松江区"
    assert p.category("vertical_model").cap == 5_000_000 and p.category("vertical_model").ratio == 0.8
    assert p.category("general_model").cap == 20_000_000
    assert p.category("security").cap == 250_000
    assert sorted(p.category("adaptation_service").tiers) == [200_000, 500_000, 1_000_000]
    assert len(p.recognised_testing_bodies) >= 7 and "中国软件评测中心" in p.recognised_testing_bodies
    assert len(p.project_report_sections) == 8
    assert "市场监督管理局" in p.seals.authority_keywords
    assert "会计师事务所" in p.seals.third_party_keywords
    assert set(p.severities) == set(FindingCode)
    assert "2025" in p.label


def test_missing_file(tmp_path):
    with pytest.raises(PolicyError, match="not found"):
        load_policy(tmp_path / "nope.yaml")


def test_bad_yaml(tmp_path):
    with pytest.raises(PolicyError, match="YAML"):
        load_policy(_write(tmp_path, "name: [unclosed\n  - x: :"))


def test_not_a_mapping(tmp_path):
    with pytest.raises(PolicyError, match="mapping"):
        load_policy(_write(tmp_path, "- a\n- b\n"))


def test_unknown_key(tmp_path):
    raw = _raw()
    raw["credit"]["window_yaers"] = 3
    with pytest.raises(PolicyError, match="window_yaers"):
        load_policy(_write(tmp_path, raw))


def test_wrong_type(tmp_path):
    raw = _raw()
    raw["categories"]["security"]["cap"] = "很多"
    with pytest.raises(PolicyError, match="categories.security.cap"):
        load_policy(_write(tmp_path, raw))


def test_missing_category_and_severity(tmp_path):
    raw = _raw()
    del raw["categories"]["security"]
    with pytest.raises(PolicyError, match="security"):
        load_policy(_write(tmp_path, raw))
    raw = _raw()
    del raw["severities"]["TEST_NOT_PASSED"]
    with pytest.raises(PolicyError, match="TEST_NOT_PASSED"):
        load_policy(_write(tmp_path, raw))


def test_unknown_doc_type(tmp_path):
    raw = _raw()
    raw["required_doc_types_all"].append("passport")
    with pytest.raises(PolicyError, match="required_doc_types_all"):
        load_policy(_write(tmp_path, raw))


def test_override_changes_the_rule(tmp_path):
    raw = _raw()
    raw["categories"]["vertical_model"]["cap"] = 3_000_000
    policy = load_policy(_write(tmp_path, raw))
    ev = baseline("vertical_model")  # asks 400万元, cost 500万元
    assert codes(run(ev, policy=policy), "AMOUNT_EXCEEDS_CAP") == [("AMOUNT_EXCEEDS_CAP", "application_form")]
    assert codes(run(ev), "AMOUNT_EXCEEDS_CAP") == []


def test_override_testing_bodies(tmp_path):
    raw = _raw()
    raw["recognised_testing_bodies"].append("松江密码实验中心")
    policy = load_policy(_write(tmp_path, raw))
    ev = set_field(baseline("security"), "crypto_test_report", "testing_body", "松江密码实验中心")
    assert codes(run(ev, policy=policy), "TEST_BODY_NOT_RECOGNISED") == []
    assert codes(run(ev), "TEST_BODY_NOT_RECOGNISED") == [("TEST_BODY_NOT_RECOGNISED", "crypto_test_report")]


def test_field_names_must_be_the_catalogs(tmp_path):
    raw = _raw()
    raw["categories"]["security"]["ratio_base"] = "testfee"
    with pytest.raises(PolicyError, match="ratio_base"):
        load_policy(_write(tmp_path, raw))
    raw = _raw()
    raw["seals"]["issuer_fields"]["financial_audit"] = ["auditor"]
    with pytest.raises(PolicyError, match="auditor"):
        load_policy(_write(tmp_path, raw))
