"""Plants that share a case must not undo or blank each other's findings.

For every pair of plantable codes the generator may put in one case (in every category
that fits both), the documents' facts are built and each expected finding is checked
against those facts, computed here independently of the validators: a planted code
survives later plants, a removed field is never one another finding needs, a document
carrying a finding is still in the submission.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from stdnum.cn import uscc as uscc_mod

from fixtures import docs as dm
from fixtures import plants as pl
from fixtures.generate import CATEGORIES, plan_case, schedule, sub_seed
from pipeline.catalog import catalog


def _pairs():
    codes = list(pl.PLANTS)
    for a, b in itertools.combinations(codes, 2):
        if pl.conflicts(b, [a]):
            continue
        for cat in CATEGORIES:
            if pl.compatible(a, cat) and pl.compatible(b, cat):
                yield a, b, cat


PAIRS = list(_pairs())


def _facts(spec) -> dict[str, dict]:
    """doc_type -> {fields, applicant_seal} as the generator would draw them (nothing rendered)."""
    out = {}
    for d in spec.docs:
        b = dm.build(d, spec, random.Random(sub_seed(spec.seed, "doc", d)))
        # a 公章 of the applicant: a 财务专用章 (oval) beside it does not count (domain.md §4)
        out[d] = {"fields": b.fields, "applicant_seal": any(s.owner == "applicant" and s.shape == "round"
                                                            for p in b.pages for s in p.seals)}
    return out


def _problems(spec) -> list[str]:
    facts = _facts(spec)
    cat = catalog()
    usccs = {d: f["fields"]["uscc"] for d, f in facts.items() if f["fields"].get("uscc")}
    names = {f["fields"]["applicant_name"] for f in facts.values() if f["fields"].get("applicant_name")}
    bad = []
    for e in spec.expected:
        code, doc = e["code"], e["doc_type"]
        if code == "MISSING_DOCUMENT":
            if doc in spec.docs:
                bad.append(f"{code}: {doc} is still there")
            continue
        if doc is not None and doc not in facts:
            bad.append(f"{code}: {doc} was dropped")
            continue
        if code == "USCC_INVALID":
            if uscc_mod.is_valid(spec.company.uscc):
                bad.append("USCC_INVALID: the applicant's code is valid")
            if any(v != spec.company.uscc for v in usccs.values()):
                bad.append(f"USCC_INVALID: documents disagree {usccs}")
        elif code == "USCC_MISMATCH":
            if len(set(usccs.values())) < 2 or not all(map(uscc_mod.is_valid, usccs.values())):
                bad.append(f"USCC_MISMATCH: codes on the documents {usccs}")
            for d in spec.over:
                if "uscc" in spec.over[d] and "uscc" not in cat[d].fields:
                    bad.append(f"USCC_MISMATCH: {d} has no uscc field")
        elif code == "NAME_MISMATCH" and len(names) < 2:
            bad.append(f"NAME_MISMATCH: one name {names}")
        elif code == "CREDIT_REPORT_STALE":
            day = facts["credit_report"]["fields"].get("report_date")
            if day is None or (spec.as_of - dt.date.fromisoformat(day)).days <= 30:
                bad.append(f"CREDIT_REPORT_STALE: report_date {day}")
        elif code == "FIELD_NOT_FOUND":
            gone = [k for k, v in facts[doc]["fields"].items() if v is None]
            if not gone:
                bad.append(f"FIELD_NOT_FOUND: nothing missing on {doc}")
        elif code in pl.AMOUNT_CODES and spec.requested is None:
            bad.append(f"{code}: no requested amount")
        elif code == "SEAL_MISSING" and facts[doc]["applicant_seal"]:
            bad.append(f"SEAL_MISSING: {doc} carries the applicant's seal")
        elif code == "NOT_REGISTERED_IN_DISTRICT" and "松江" in facts[doc]["fields"]["address"]:
            bad.append("NOT_REGISTERED_IN_DISTRICT: address in 松江")
    exp = {(e["code"], e["doc_type"]) for e in spec.expected}
    for f in spec.forbidden:
        if (f["code"], f["doc_type"]) in exp or (f["doc_type"] is None and f["code"] in {c for c, _ in exp}):
            bad.append(f"{f['code']} both expected and forbidden")
    return bad


def test_pairs_cover_the_known_interactions():
    got = {frozenset((a, b)) for a, b, _ in PAIRS}
    for pair in (("USCC_INVALID", "NOT_REGISTERED_IN_DISTRICT"), ("FIELD_NOT_FOUND", "CREDIT_REPORT_STALE"),
                 ("USCC_MISMATCH", "NOT_REGISTERED_IN_DISTRICT"), ("MISSING_DOCUMENT", "CREDIT_BAD_RECORD")):
        assert frozenset(pair) in got


@pytest.mark.parametrize("seed", [0])
def test_every_co_occurring_pair_keeps_its_findings(seed):
    failures = []
    for i, (a, b, cat) in enumerate(PAIRS):
        spec = plan_case(f"p{i}", sub_seed("pairs", seed, a, b, cat), category=cat, codes=[a, b], decoys=[])
        failures += [f"{a}+{b} ({cat}): {p}" for p in _problems(spec)]
    assert not failures, "\n".join(failures[:20])


def test_uscc_mismatch_only_on_documents_that_print_the_code():
    for s in range(30):
        spec = plan_case("u", s, category="vertical_model", codes=["USCC_MISMATCH"], decoys=[])
        (d,) = [d for d, o in spec.over.items() if "uscc" in o]
        assert d in pl.PRINTS_USCC and "uscc" in catalog()[d].fields


def test_field_not_found_spares_fields_other_codes_need():
    spec = plan_case("f", 3, category="vertical_model", codes=["FIELD_NOT_FOUND", "CREDIT_REPORT_STALE"], decoys=[])
    assert ("credit_report", "report_date") not in spec.missing_fields
    spec = plan_case("f", 3, category="vertical_model", codes=["FIELD_NOT_FOUND", "AMOUNT_EXCEEDS_CAP"], decoys=[])
    assert spec.missing_fields == {("credit_report", "report_date")} and spec.requested is not None


def test_impossible_combination_is_refused():
    codes = ["FIELD_NOT_FOUND", "CREDIT_REPORT_STALE", "AMOUNT_EXCEEDS_CAP"]
    assert pl.conflicts("FIELD_NOT_FOUND", codes[1:])
    with pytest.raises(ValueError):
        schedule(2, 0, plant=codes)
    with pytest.raises(ValueError):
        plan_case("x", 1, category="vertical_model", codes=codes, decoys=[])
