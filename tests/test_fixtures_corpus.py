"""The default corpus covers every doc_type and every plantable code, and its truth is
consistent with domain.md's rules (computed here independently from the facts)."""

from __future__ import annotations

import datetime as dt

import pytest
from stdnum.cn import uscc as uscc_mod

from fixtures.case import data
from fixtures.generate import plan_corpus, schedule
from fixtures.plants import PLANTS
from pipeline.models import DocType, FindingCode


@pytest.fixture(scope="module")
def specs():
    return plan_corpus(cases=20, seed=0)


def test_every_finding_code_is_plantable():
    assert set(PLANTS) == {c.value for c in FindingCode}


def test_default_corpus_covers_every_code_and_doc_type(specs):
    codes = {e["code"] for s in specs for e in s.expected}
    assert codes == {c.value for c in FindingCode}
    doc_types = {d for s in specs for d in s.docs}
    assert doc_types == {d.value for d in DocType}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_cover_every_code(seed):
    planted = {c for _, codes, _ in schedule(20, seed) for c in codes}
    assert planted == set(PLANTS)


def test_default_corpus_mixes_clean_and_planted(specs):
    n_clean = sum(1 for s in specs if not s.planted)
    assert 2 <= n_clean <= 8
    assert all(len(s.planted) <= 3 for s in specs)
    assert {s.category for s in specs} == set(data("codes")["categories"])


def _age(a: dt.date, b: dt.date) -> int:
    return (a - b).days


def test_facts_follow_the_rules_unless_planted(specs):
    cats = data("codes")["categories"]
    for s in specs:
        p = set(s.planted)
        c = cats[s.category]
        if "USCC_INVALID" not in p:
            assert uscc_mod.is_valid(s.company.uscc), s.case_id
        else:
            assert not uscc_mod.is_valid(s.company.uscc)
        if "CREDIT_REPORT_STALE" not in p:
            assert 0 <= _age(s.as_of, s.credit_date) <= 30, s.case_id
        else:
            assert _age(s.as_of, s.credit_date) > 30
        window = s.as_of.replace(year=s.as_of.year - 2)
        recent = [r for r in s.records if r.date >= window]
        assert bool(recent) == ("CREDIT_BAD_RECORD" in p), s.case_id
        assert (s.fiscal_year == s.as_of.year - 1) == ("AUDIT_WRONG_YEAR" not in p)
        assert (s.opinion == "unqualified") == ("AUDIT_OPINION_NOT_CLEAN" not in p)
        assert (s.street_opinion == "approve") == ("STREET_REVIEW_NOT_APPROVED" not in p)
        assert (len(s.sections) == 8) == ("REPORT_SECTION_MISSING" not in p)
        items = round(sum(a for _, a in s.items), 2)
        assert items == round(s.total_investment, 2)
        assert (abs(items - s.stated_total) < 0.01) == ("INVESTMENT_SUM_MISMATCH" not in p), s.case_id
        expired = s.company.term_end is not None and s.company.term_end < s.as_of
        assert expired == ("LICENSE_EXPIRED" in p)
        assert ("松江区" in s.company.address) == ("NOT_REGISTERED_IN_DISTRICT" not in p)
        assert ("分公司" in s.company.company_type) == ("NOT_INDEPENDENT_LEGAL_PERSON" in p)
        if s.requested is None:
            assert "FIELD_NOT_FOUND" in p
            continue
        if "cap" in c:
            assert (s.requested > c["cap"]) == ("AMOUNT_EXCEEDS_CAP" in p), s.case_id
        if "ratio" in c:
            base = s.test_fee if s.category == "security" else s.rd_cost
            assert (s.requested > c["ratio"] * base + 1e-6) == ("AMOUNT_EXCEEDS_RATIO" in p), s.case_id
        if "tiers" in c:
            assert (s.requested not in c["tiers"]) == ("AMOUNT_NOT_A_TIER" in p)
        if s.category == "general_model":
            assert (s.parameter_count <= 1e11) == ("PARAMS_BELOW_THRESHOLD" in p)


def test_expected_and_forbidden_never_overlap(specs):
    for s in specs:
        exp = {(e["code"], e["doc_type"]) for e in s.expected}
        for f in s.forbidden:
            assert (f["code"], f["doc_type"]) not in exp, (s.case_id, f)


def test_unknown_plant_code_is_refused():
    with pytest.raises(ValueError):
        schedule(2, 0, plant=["NOT_A_CODE"])
    with pytest.raises(ValueError):
        schedule(2, 0, category="security", plant=["AMOUNT_NOT_A_TIER"])


def test_layouts_stay_on_the_page(specs):
    """Seals and text runs of every document of the corpus lie inside their page."""
    import random

    from fixtures import docs as dm
    from fixtures.generate import sub_seed
    from fixtures.layout import Text, text_width_mm

    for s in specs:
        for d in s.docs:
            b = dm.build(d, s, random.Random(sub_seed(s.seed, "doc", d)))
            assert b.pages, d
            for p in b.pages:
                for seal in p.seals:
                    x0, y0, x1, y1 = seal.bbox_mm()
                    if seal.partial:  # a 骑缝章 is cut by the right edge, and only by it
                        assert 0 <= y0 and y1 <= p.height and x0 < p.width < x1, (s.case_id, d, seal.text)
                        continue
                    assert 0 <= x0 and 0 <= y0 and x1 <= p.width and y1 <= p.height, (s.case_id, d, seal.text)
                for t in p.items:
                    if isinstance(t, Text):
                        w = text_width_mm(t.text, t.size)
                        left = {"l": t.x, "c": t.x - w / 2, "r": t.x - w}[t.anchor]
                        assert left >= 3 and left + w <= p.width - 3 and t.y <= p.height - 3, (s.case_id, d, t.text)
