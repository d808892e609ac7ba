"""Identity across documents: USCC check character, USCC and name agreement, name changes."""

from __future__ import annotations

from stdnum.cn import uscc as uscc_std

from tests.test_rules_support import (
    AS_OF, NAME, POLICY, USCC, add_doc, baseline, codes, doc, drop_field, get, run, set_field,
)
from validators import run_rules, verdict

OTHER_USCC = "91310117MA1J3K8Q3" + uscc_std.calc_check_digit("91310117MA1J3K8Q3")
BAD_USCC = USCC[:-1] + ("0" if USCC[-1] != "0" else "1")


def test_invalid_uscc():
    out = run(set_field(baseline(), "credit_report", "uscc", BAD_USCC))
    assert codes(out) == [("USCC_INVALID", "credit_report")]
    assert out.findings[0].evidence["found"]["value"] == BAD_USCC


def test_valid_uscc_with_spaces_and_lowercase_is_not_invalid():
    out = run(set_field(baseline(), "credit_report", "uscc", " ".join([USCC[:9], USCC[9:]]).lower()))
    assert out.findings == []


def test_uscc_mismatch_names_the_disagreeing_document():
    out = run(set_field(baseline(), "application_form", "uscc", OTHER_USCC))
    assert codes(out) == [("USCC_MISMATCH", "application_form")]
    f = out.findings[0]
    assert f.evidence["expected"]["doc_type"] == "business_license" and f.evidence["expected"]["value"] == USCC
    assert out.applicant.uscc == USCC  # the license wins


def test_license_outvoted_only_by_two_agreeing_documents():
    # license vs form + credit report: the license is the odd one out, one finding
    out = run(set_field(baseline(), "business_license", "uscc", OTHER_USCC))
    assert out.applicant.uscc == USCC
    assert codes(out) == [("USCC_MISMATCH", "business_license")]
    # license vs a single other document: the license wins
    ev = drop_field(set_field(baseline(), "business_license", "uscc", OTHER_USCC), "credit_report", "uscc")
    out = run(ev)
    assert out.applicant.uscc == OTHER_USCC
    assert ("USCC_MISMATCH", "application_form") in codes(out)


def test_license_name_wins_a_tie_with_the_form():

    ev = baseline()
    ev.documents = [d for d in ev.documents if d.doc_type in ("business_license", "application_form")]
    ev = set_field(ev, "application_form", "applicant_name", "上海松智信息科技有限公司")
    out = run(ev)
    assert out.applicant.name == NAME and ("NAME_MISMATCH", "application_form") in codes(out)


def test_garbled_name_is_not_a_mismatch_but_is_reported():
    for garbage in ("到相关信息", "上海松智算力科技有限", "本单位承诺所提交的申报材料真实准确完整"):
        out = run(set_field(baseline(), "credit_report", "applicant_name", garbage))
        assert codes(out) == [("FIELD_NOT_FOUND", "credit_report")], garbage
        assert out.applicant.name == NAME


def test_no_license_uscc_falls_back_to_form():
    out = run(drop_field(set_field(baseline(), "credit_report", "uscc", OTHER_USCC), "business_license", "uscc"))
    assert out.applicant.uscc == USCC
    assert sorted(codes(out)) == [("FIELD_NOT_FOUND", "business_license"), ("USCC_MISMATCH", "credit_report")]


def test_name_mismatch():
    out = run(set_field(baseline(), "project_report", "applicant_name", "上海松智信息科技有限公司"))
    assert codes(out) == [("NAME_MISMATCH", "project_report")]
    assert "上海松智信息科技有限公司" in out.findings[0].message


def test_name_presentation_differences_are_not_a_mismatch():
    ev = set_field(baseline(), "credit_report", "applicant_name", "上海 松智算力科技有限公司")
    ev = set_field(ev, "project_report", "applicant_name", "上海松智算力科技有限公司".replace("科技", "科技"))
    ev = set_field(ev, "financial_audit", "applicant_name", "上海松智算力科技有限公司")
    assert run(ev).findings == []
    ev = set_field(baseline(), "project_report", "applicant_name", "上海松智算力科技股份有限公司")
    assert codes(run(ev)) == [("NAME_MISMATCH", "project_report")]


def _read_as(ev, doc_type, value, weakest):
    ev = set_field(ev, doc_type, "applicant_name", value)
    get(ev, doc_type).fields["applicant_name"].weakest_conf = weakest
    return ev


def test_one_character_ocr_misreading_sends_the_reviewer_to_the_page():
    """灵犀 read as 灵尿 on a scan (the word 尿 at 0.47) is a misreading: a warning, not a block."""
    misread = NAME.replace("算", "箅")
    out = run(_read_as(baseline(), "street_review", misread, 0.47))
    assert codes(out) == [("LOW_OCR_CONFIDENCE", "street_review")]
    assert out.findings[0].severity == "warning" and misread in out.findings[0].message
    assert verdict(out.findings) == "review"


def test_confidently_read_one_character_difference_is_a_mismatch():
    """景量 vs 景创, every word read at ≥ 0.9: a different trade name is a different company."""
    out = run(_read_as(baseline(), "street_review", NAME.replace("算", "箅"), 0.93))
    assert codes(out) == [("NAME_MISMATCH", "street_review")]


def test_one_character_difference_in_a_text_layer_is_a_mismatch():
    ev = set_field(baseline(), "street_review", "applicant_name", NAME.replace("算", "箅"))
    get(ev, "street_review").fields["applicant_name"].source = "text_layer"
    assert codes(run(ev)) == [("NAME_MISMATCH", "street_review")]


def test_ocr_tolerance_is_policy():
    strict = POLICY.model_copy(update={
        "identity": POLICY.identity.model_copy(update={"ocr_name_tolerance": 0})})
    ev = _read_as(baseline(), "street_review", NAME.replace("算", "箅"), 0.47)
    assert [(f.code, f.doc_type) for f in run_rules(ev, strict, AS_OF).findings] == [
        ("NAME_MISMATCH", "street_review")]


OLD = "上海松智网络技术有限公司"


def test_legitimate_name_change_suppresses_mismatch():
    ev = set_field(baseline(), "financial_audit", "applicant_name", OLD)  # audited under the old name
    ev = add_doc(ev, doc("name_change", {"old_name": OLD, "new_name": NAME, "applicant_name": NAME,
                                         "uscc": USCC, "change_date": "2025-09-01"},
                         [seal_app()]))
    out = run(ev)
    assert out.findings == [] and out.applicant.name == NAME


def test_name_change_with_license_still_old_decides_the_new_name():
    ev = set_field(baseline(), "business_license", "applicant_name", OLD)
    ev = add_doc(ev, doc("name_change", {"old_name": OLD, "new_name": NAME, "change_date": "2025-09-01"},
                         [seal_app()]))
    out = run(ev)
    assert out.findings == [] and out.applicant.name == NAME


def test_name_change_linking_other_names_does_not_suppress():
    ev = set_field(baseline(), "financial_audit", "applicant_name", "上海别家科技有限公司")
    ev = add_doc(ev, doc("name_change", {"old_name": OLD, "new_name": NAME, "change_date": "2025-09-01"},
                         [seal_app()]))
    assert codes(run(ev)) == [("NAME_MISMATCH", "financial_audit")]


def test_low_confidence_name_is_not_decided_on_but_reported():
    ev = set_field(baseline(), "project_report", "applicant_name", "上海松智算刀科技有限公司", confidence=0.3)
    out = run(ev)
    assert codes(out) == [("FIELD_NOT_FOUND", "project_report")]  # a warning, not NAME_MISMATCH
    assert out.findings[0].evidence["field"] == "applicant_name"


def test_missing_identity_on_required_document():
    out = run(drop_field(baseline(), "credit_report", "uscc"))
    assert codes(out) == [("FIELD_NOT_FOUND", "credit_report")]
    # not required on the project report: quiet when simply not stated
    assert run(drop_field(baseline(), "project_report", "applicant_name")).findings == []


def test_low_confidence_invalid_uscc_is_not_called_invalid():
    out = run(set_field(baseline(), "credit_report", "uscc", BAD_USCC, confidence=0.2))
    assert codes(out) == [("FIELD_NOT_FOUND", "credit_report")]


def seal_app():
    from tests.test_rules_support import applicant_seal

    return applicant_seal()


def test_traditional_characters_and_full_width_brackets_match():
    from tests.test_rules_support import POLICY, AS_OF
    from validators import run_rules

    name = "上海松智数据科技有限公司（松江）"
    ev = baseline()
    for d in ev.documents:
        if "applicant_name" in d.fields:
            ev = set_field(ev, d.doc_type, "applicant_name", name)
    ev = set_field(ev, "credit_report", "applicant_name", "上海松智數據科技有限公司(松江)")
    out = run_rules(ev, POLICY, AS_OF)
    assert codes(out, "NAME_MISMATCH") == []


def test_unsure_uscc_that_another_document_gives_exactly_is_used_not_reported():
    """Two readings agreeing on a check-digit-valid code are not noise, however unsure."""
    ev = set_field(baseline(), "credit_report", "uscc", USCC, confidence=0.2)
    ev = set_field(ev, "business_license", "uscc", USCC, confidence=0.3)
    assert run(ev).findings == []
    # ... and an unsure reading that no other document gives is still a person's job
    ev = set_field(baseline(), "credit_report", "uscc", OTHER_USCC, confidence=0.2)
    assert codes(run(ev)) == [("FIELD_NOT_FOUND", "credit_report")]


def test_unsure_uscc_agreement_outvotes_nothing_it_cannot_support():
    """Every USCC read unsurely but two agree: that code is the applicant's, and a third,
    confidently read different code is a mismatch against it."""
    ev = baseline()
    for d in ev.documents:
        if "uscc" in d.fields:
            ev = set_field(ev, d.doc_type, "uscc", USCC, confidence=0.3)
    ev = set_field(ev, "application_form", "uscc", OTHER_USCC, confidence=0.95)
    out = run(ev)
    assert ("USCC_MISMATCH", "application_form") in codes(out)


def test_unsure_name_is_corroborated_only_by_a_confident_reading():
    ev = set_field(baseline(), "project_report", "applicant_name", NAME, confidence=0.3)
    assert run(ev).findings == []  # the licence read the same name with confidence
    # two unsure readings that agree with each other but not with the licence: same font,
    # same OCR confusion; not evidence of a different company, and not a pass either
    wrong = NAME.replace(NAME[3], "鼎", 1)
    ev = set_field(baseline(), "project_report", "applicant_name", wrong, confidence=0.3)
    ev = set_field(ev, "street_review", "applicant_name", wrong, confidence=0.3)
    assert {c for c, _ in codes(run(ev))} == {"FIELD_NOT_FOUND"}


def test_the_same_ocr_confusion_on_every_scan_does_not_outvote_the_typed_name():
    """鼎 read as 易 on the license, the form and the audit (the same font, the same
    confusion, unsure every time) while a text-layer report prints 鼎: the applicant is
    the typed spelling, the scans are misreadings (warnings), nothing is a mismatch."""
    misread = NAME.replace("算", "箅")
    ev = baseline()
    scans = [d.doc_type for d in ev.documents if "applicant_name" in d.fields and d.doc_type != "project_report"]
    for doc_type in scans:
        ev = _read_as(ev, doc_type, misread, 0.4)
    get(ev, "project_report").fields["applicant_name"].source = "text_layer"
    out = run(ev)
    assert out.findings and {f.code for f in out.findings} == {"LOW_OCR_CONFIDENCE"}
    assert all(NAME in f.message for f in out.findings)
    # read with confidence on the scans, the other spelling is a name of its own
    ev = baseline()
    for doc_type in scans:
        ev = set_field(ev, doc_type, "applicant_name", misread)
    get(ev, "project_report").fields["applicant_name"].source = "text_layer"
    assert codes(run(ev)) == [("NAME_MISMATCH", "project_report")]
