"""Seals: the applicant's seal on its materials; strangers' seals flagged; third parties fine."""

from __future__ import annotations

from tests.test_rules_support import NAME, applicant_seal, baseline, codes, get, run, seal


def _seals(ev, doc_type, seals):
    ev = ev.model_copy(deep=True)
    get(ev, doc_type).seals = seals
    return ev


def test_no_seal_at_all():
    out = run(_seals(baseline(), "project_report", []))
    assert codes(out) == [("SEAL_MISSING", "project_report")]
    assert out.findings[0].severity == "error" and NAME in out.findings[0].message


def test_authority_seal_alone_does_not_count_on_license():
    out = run(_seals(baseline(), "business_license", [seal("authority", "上海市松江区市场监督管理局")]))
    assert codes(out) == [("SEAL_MISSING", "business_license")]


def test_other_company_seal_gives_both():
    out = run(_seals(baseline(), "investment_breakdown", [seal("other", "上海某某贸易有限公司")]))
    assert sorted(codes(out)) == [("SEAL_MISSING", "investment_breakdown"),
                                  ("SEAL_NAME_MISMATCH", "investment_breakdown")]
    mm = next(f for f in out.findings if f.code == "SEAL_NAME_MISMATCH")
    assert mm.severity == "warning" and "上海某某贸易有限公司" in mm.message and mm.bbox is not None


def test_other_company_seal_next_to_applicant_seal():
    out = run(_seals(baseline(), "application_form", [applicant_seal(), seal("other", "上海某某贸易有限公司")]))
    assert codes(out) == [("SEAL_NAME_MISMATCH", "application_form")]


def test_issuers_and_third_parties_are_legitimate():
    # baseline already carries an audit firm, a testing centre, a user hospital, a town government
    for cat in ("general_model", "vertical_model", "adaptation_service", "security"):
        assert run(baseline(cat)).findings == [], cat
    ev = _seals(baseline(), "financial_audit", [applicant_seal(), seal("other", "众华会计师事务所(特殊普通合伙)")])
    assert run(ev).findings == []


def test_application_case_user_org_seal_matches_field():
    ev = _seals(baseline("vertical_model"), "application_case", [seal("other", "上海某某贸易有限公司")])
    assert codes(run(ev)) == [("SEAL_NAME_MISMATCH", "application_case")]
    ev = _seals(baseline("vertical_model"), "application_case", [seal("other", "上海松江医院")])
    assert run(ev).findings == []


def test_unknown_seal_is_a_warning_not_an_error():
    out = run(_seals(baseline(), "credit_report", [seal("unknown", None)]))
    assert codes(out) == [("SEAL_MISSING", "credit_report")]
    assert out.findings[0].severity == "warning" and out.findings[0].evidence["uncertain"] is True
    assert "无法辨认" in out.findings[0].message


def test_an_unknown_seal_says_what_its_ring_was_read_as():
    """A ring read as a whole name the matcher would not take for the applicant's (another
    company of its trade, read well but not surely) is not "unreadable": the message gives
    the reading, for the reviewer to judge with the page."""
    out = run(_seals(baseline(), "credit_report", [seal("unknown", "上海灵犀数字科技有限公司")]))
    assert codes(out) == [("SEAL_MISSING", "credit_report")]
    assert "读作“上海灵犀数字科技有限公司”" in out.findings[0].message
    assert out.findings[0].severity == "warning"


def test_an_unknown_seal_shown_is_the_likeliest_applicant_seal():
    """Seed 2026 case_018: an audit whose CPA's square seal (page 2) and the applicant's seal
    on its statements (page 3) were both read as junk. The finding pointed at the CPA's
    seal, the first found; it now points at the round one read nearest the applicant's
    name, the seal the reviewer must judge, whichever order they come in."""
    cpa = seal("unknown", "中园法豚会计师何达二", page=2).model_copy(update={"shape": "square"})
    junk = seal("unknown", "中国洁明合计曙", page=2)
    near = seal("unknown", "上海松智算方科找有限公司", page=3)
    for seals in ([cpa, junk, near], [near, junk, cpa], [junk, cpa, near]):
        out = run(_seals(baseline(), "financial_audit", seals))
        assert codes(out) == [("SEAL_MISSING", "financial_audit")]
        assert out.findings[0].page == 3 and "读作“上海松智算方科找有限公司”" in out.findings[0].message
    out = run(_seals(baseline(), "financial_audit", [cpa, junk]))
    assert out.findings[0].page == 2 and "中国洁明合计曙" in out.findings[0].message  # round before square


def test_old_name_seal_after_name_change_is_the_applicants():
    from tests.test_rules_support import add_doc, doc

    old = "上海松智网络技术有限公司"
    ev = _seals(baseline(), "credit_report", [seal("other", old)])
    assert sorted(codes(run(ev))) == [("SEAL_MISSING", "credit_report"), ("SEAL_NAME_MISMATCH", "credit_report")]
    ev = add_doc(ev, doc("name_change", {"old_name": old, "new_name": NAME}, [applicant_seal()]))
    assert run(ev).findings == []


def test_street_review_needs_applicant_seal_besides_the_towns():
    ev = _seals(baseline(), "street_review", [seal("authority", "上海市松江区九亭镇人民政府")])
    assert codes(run(ev)) == [("SEAL_MISSING", "street_review")]


def test_documents_sealed_by_others_need_no_applicant_seal():
    for dt_ in ("evaluation_report", "acceptance_certificate"):
        assert run(_seals(baseline("general_model"), dt_, [])).findings == [], dt_
    assert run(_seals(baseline("security"), "crypto_test_report", [])).findings == []


def test_material_split_over_two_files_is_sealed_once():
    from tests.test_rules_support import add_doc, doc

    ev = add_doc(baseline(), doc("project_report", {"sections_present": []}, [], file="report_part2.pdf"))
    assert run(ev).findings == []
    ev = _seals(ev, "project_report", [])  # first part loses its seal too
    assert codes(run(ev)) == [("SEAL_MISSING", "project_report")]


def test_finance_seal_alone_is_not_the_official_seal():
    fin = seal("applicant", NAME + " 财务专用章")
    out = run(_seals(baseline(), "investment_breakdown", [fin]))
    assert codes(out) == [("SEAL_MISSING", "investment_breakdown")]
    assert out.findings[0].severity == "error" and "财务专用章" in out.findings[0].message
    assert run(_seals(baseline(), "investment_breakdown", [fin, applicant_seal()])).findings == []


def test_oval_applicant_seal_is_a_warning():
    oval = applicant_seal().model_copy(update={"shape": "oval"})
    out = run(_seals(baseline(), "investment_breakdown", [oval]))
    assert codes(out) == [("SEAL_MISSING", "investment_breakdown")] and out.findings[0].severity == "warning"


def test_personal_and_cpa_seals_are_not_another_company():
    for text in ("中国注册会计师 孙艳", "王明印"):
        ev = _seals(baseline(), "financial_audit", [applicant_seal(), seal("other", text)])
        assert run(ev).findings == [], text


def test_a_stranger_whose_best_reading_garbled_the_legal_form_is_still_a_company():
    """上海青穹计算技术有限公司's seal on a credit report, best read as …有有归公局: 公司 shows
    in the other readings, so it is another company's seal, not an unreadable one."""
    stranger = seal("other", "上海青罕直算技术有有归公局")
    stranger.readings = ["上海青淮填代技术有孤公避", "土海青内十算技术在胃公司"]
    out = run(_seals(baseline(), "credit_report", [stranger]))
    assert ("SEAL_NAME_MISMATCH", "credit_report") in codes(out)


def test_a_firm_named_by_several_seals_is_listed_once():
    """An audit report with the firm's seal and its two CPAs' seals, all read as the firm's,
    and no applicant seal: the message names the firm once."""
    firm = "天职国际会计师事务所(特殊普通合伙)"
    out = run(_seals(baseline(), "financial_audit", [seal("other", firm)] * 3))
    assert codes(out) == [("SEAL_MISSING", "financial_audit")]
    assert out.findings[0].message.count(firm) == 1
