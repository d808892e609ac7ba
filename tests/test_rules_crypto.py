"""Security category: test result and testing body."""

from __future__ import annotations

from tests.test_rules_support import baseline, codes, drop_field, run, set_field


def test_test_not_passed():
    out = run(set_field(baseline("security"), "crypto_test_report", "result", "fail"))
    assert codes(out) == [("TEST_NOT_PASSED", "crypto_test_report")]
    assert "不通过" in out.findings[0].message
    assert run(set_field(baseline("security"), "crypto_test_report", "result", "通过")).findings == []


def test_result_missing():
    out = run(drop_field(baseline("security"), "crypto_test_report", "result"))
    assert codes(out) == [("FIELD_NOT_FOUND", "crypto_test_report")]


def test_unrecognised_body():
    out = run(set_field(baseline("security"), "crypto_test_report", "testing_body", "某某信息技术检测有限公司"))
    assert codes(out) == [("TEST_BODY_NOT_RECOGNISED", "crypto_test_report")]
    assert out.findings[0].severity == "warning"


def test_recognised_bodies_including_longer_forms():
    for body in ("中国信息安全测评中心", "上海市信息安全测评认证中心",
                 "中国软件评测中心（工业和信息化部软件与集成电路促进中心）", "公安部第三研究所"):
        assert run(set_field(baseline("security"), "crypto_test_report", "testing_body", body)).findings == [], body


def test_crypto_report_in_other_category_is_not_judged():
    from tests.test_rules_support import add_doc, doc

    ev = add_doc(baseline("vertical_model"), doc("crypto_test_report", {"result": "fail", "testing_body": "无名"}))
    assert run(ev).findings == []


def test_a_listed_body_misread_by_one_character_sends_the_reviewer_to_the_page():
    """Seed 79, case_011: 国家工业信息安全发展研究中心 read with a 人 inserted (weakest word
    below the policy's ocr_misread_conf) was reported as an unrecognised body."""
    from tests.test_rules_support import get

    def with_body(value: str, weakest: float | None, source: str = "ocr"):
        ev = set_field(baseline("security"), "crypto_test_report", "testing_body", value)
        fld = get(ev, "crypto_test_report").fields["testing_body"]
        fld.weakest_conf, fld.source = weakest, source
        return ev

    out = run(with_body("国家工业信息安全发展人研究中心", 0.40))
    assert codes(out) == [("LOW_OCR_CONFIDENCE", "crypto_test_report")]
    assert "国家工业信息安全发展研究中心" in out.findings[0].message and "仅差一字" in out.findings[0].message
    # read surely, or typed, or two characters off: another body
    for ev in (with_body("国家工业信息安全发展人研究中心", 0.95),
               with_body("国家工业信息安全发展人研究中心", 0.40, "text_layer"),
               with_body("国家工业信息安全发展人研究所", 0.40)):
        assert codes(run(ev)) == [("TEST_BODY_NOT_RECOGNISED", "crypto_test_report")]
