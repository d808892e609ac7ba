"""License rules: district, independent legal person, term end (boundary: the check day)."""

from __future__ import annotations

import datetime as dt

from tests.test_rules_support import AS_OF, baseline, codes, drop_field, run, set_field


def test_address_outside_district():
    out = run(set_field(baseline(), "business_license", "address", "上海市闵行区莘庄镇1号"))
    assert codes(out) == [("NOT_REGISTERED_IN_DISTRICT", "business_license")]
    assert "闵行区" in out.findings[0].message


def test_authority_outside_district():
    out = run(set_field(baseline(), "business_license", "registration_authority", "上海市闵行区市场监督管理局"))
    assert codes(out) == [("NOT_REGISTERED_IN_DISTRICT", "business_license")]
    assert out.findings[0].evidence["subject"] == "registration_authority"


def test_misread_district_name_is_the_district_it_is_nearest():
    """松江 read as 热江 (or 松江区 as 松江芭), 浦东 as 薄东: one character off a district's
    name and no other district as close is that district, with or without a 住所."""
    no_address = drop_field(baseline(), "business_license", "address")
    for ev in (baseline(), no_address):
        for misread in ("上海市热江区市场监督管理局", "上上海市松江芭市场监督管理局"):
            out = run(set_field(ev, "business_license", "registration_authority", misread))
            assert [f for f in out.findings if f.evidence.get("field") != "address"] == [], misread
    out = run(set_field(no_address, "business_license", "registration_authority", "上海南薄东新区市场监督管理局"))
    assert ("NOT_REGISTERED_IN_DISTRICT", "business_license") in codes(out)


def test_misread_authority_that_places_nothing_is_not_found_not_an_error():
    """No district named, or 长江区 (as close to 长宁区 as to 松江区): a person has to look;
    it is not evidence of registration elsewhere."""
    for misread in ("上海市长江区市场监督管理局", "上海市场监督管理局"):
        out = run(set_field(baseline(), "business_license", "registration_authority", misread))
        assert codes(out) == [("FIELD_NOT_FOUND", "business_license")], misread
        assert out.findings[0].severity == "warning" and misread in out.findings[0].message


def test_misread_authority_with_address_outside_is_still_an_error():
    ev = set_field(baseline(), "business_license", "address", "上海市闵行区莘庄镇1号")
    ev = set_field(ev, "business_license", "registration_authority", "上海市热江区市场监督管理局")
    out = run(ev)
    assert {(f.code, f.evidence["subject"]) for f in out.findings} == {
        ("NOT_REGISTERED_IN_DISTRICT", "address"), ("NOT_REGISTERED_IN_DISTRICT", "registration_authority")}


def test_district_variants_accepted():
    ev = set_field(baseline(), "business_license", "registration_authority", "上海市松江区市场监管局")
    ev = set_field(ev, "business_license", "address", "上海市松江区 洞泾镇沈砖公路5000号")
    assert run(ev).findings == []


def test_district_fields_not_found():
    ev = drop_field(drop_field(baseline(), "business_license", "address"), "business_license",
                    "registration_authority")
    out = run(ev)
    assert sorted(f.evidence["field"] for f in out.findings) == ["address", "registration_authority"]
    assert {f.code for f in out.findings} == {"FIELD_NOT_FOUND"}


def test_branch_is_not_independent():
    out = run(set_field(baseline(), "business_license", "company_type", "有限责任公司分公司(自然人投资或控股)"))
    assert codes(out) == [("NOT_INDEPENDENT_LEGAL_PERSON", "business_license")]


def test_independent_company_types():
    for t in ("有限责任公司(自然人独资)", "股份有限公司(非上市、自然人投资或控股)", "有限责任公司(外商投资、非独资)"):
        assert run(set_field(baseline(), "business_license", "company_type", t)).findings == [], t


def test_company_type_missing_is_reported():
    out = run(drop_field(baseline(), "business_license", "company_type"))
    assert [(f.code, f.evidence["field"]) for f in out.findings] == [("FIELD_NOT_FOUND", "company_type")]


def test_license_expired_day_before():
    day = (AS_OF - dt.timedelta(days=1)).isoformat()
    out = run(set_field(baseline(), "business_license", "term_end", day))
    assert codes(out) == [("LICENSE_EXPIRED", "business_license")]
    assert day in out.findings[0].message


def test_license_ending_on_check_date_is_valid():
    assert run(set_field(baseline(), "business_license", "term_end", AS_OF.isoformat())).findings == []


def test_license_long_term_and_future():
    for v in ("长期", "不约定期限", "2039-03-01"):
        assert run(set_field(baseline(), "business_license", "term_end", v)).findings == [], v


def test_license_term_unparseable_is_field_not_found():
    out = run(set_field(baseline(), "business_license", "term_end", "20X9年"))
    assert codes(out) == [("FIELD_NOT_FOUND", "business_license")]


def test_as_of_moves_expiry():
    ev = set_field(baseline(), "business_license", "term_end", "2026-06-30")
    assert run(ev).findings == []
    assert codes(run(ev, as_of=dt.date(2026, 7, 1)), "LICENSE_EXPIRED") == [("LICENSE_EXPIRED", "business_license")]


def test_an_unsure_address_that_names_a_district_exactly_still_places_the_company():
    """住所 read unsurely (one rare character at 0) but 浦东新区 in it exactly; 登记机关 not read."""
    ev = drop_field(baseline(), "business_license", "registration_authority")
    ev = set_field(ev, "business_license", "address", "上海市浦东新区张江路998号3幅", confidence=0.35)
    out = run(ev)
    assert ("NOT_REGISTERED_IN_DISTRICT", "business_license") in codes(out)
    ev = set_field(ev, "business_license", "address", "上海市松江区九亭镇沪亭北路218号3幅", confidence=0.35)
    assert ("NOT_REGISTERED_IN_DISTRICT", "business_license") not in codes(run(ev))
    # ... but an unsure address that names no district is still for a person to read
    ev = set_field(ev, "business_license", "address", "上海市松红区九亭镇", confidence=0.35)
    assert set(codes(run(ev))) == {("FIELD_NOT_FOUND", "business_license")}
