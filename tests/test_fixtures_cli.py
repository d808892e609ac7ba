"""``python -m fixtures``: arguments, exit codes, what lands on disk; the demo samples."""

from __future__ import annotations

import subprocess
import sys

from fixtures.case import data
from fixtures.generate import plan_case, sub_seed
from fixtures.samples import SAMPLES
from fixtures.truth import load_truth


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fixtures", *args], capture_output=True, text=True, timeout=300)


def test_incompatible_plant_and_category_exit_2(tmp_path):
    r = _run("generate", str(tmp_path / "x"), "--cases", "1", "--category", "security", "--plant", "AMOUNT_NOT_A_TIER")
    assert r.returncode == 2 and "AMOUNT_NOT_A_TIER" in r.stderr
    r = _run("generate", str(tmp_path / "x"), "--plant", "NO_SUCH_CODE")
    assert r.returncode == 2


def test_generate_one_planted_case(tmp_path):
    r = _run("generate", str(tmp_path), "--cases", "1", "--seed", "9", "--category", "security",
             "--plant", "TEST_NOT_PASSED", "SEAL_MISSING", "--workers", "1")
    assert r.returncode == 0, r.stderr
    t = load_truth(tmp_path / "case_000.truth.json")
    assert t.category == "security"
    assert set(t.planted) == {"TEST_NOT_PASSED", "SEAL_MISSING"}
    assert t.expected_verdict == "gaps"
    assert {(f.code, f.doc_type) for f in t.expected_findings} >= {("TEST_NOT_PASSED", "crypto_test_report")}
    crypto = t.doc("crypto_test_report")
    assert crypto is not None and crypto.fields["result"] == "fail"
    assert (tmp_path / "case_000").is_dir() and len(list((tmp_path / "case_000").iterdir())) == len(t.files)


def test_samples_have_the_three_verdicts():
    sev = {k: v["severity"] for k, v in data("codes")["codes"].items()}
    verdicts = []
    for case_id, cat, codes, decoys in SAMPLES:
        spec = plan_case(case_id, sub_seed("sample", case_id), category=cat, codes=codes, decoys=decoys)
        levels = {sev[e["code"]] for e in spec.expected}
        verdicts.append("gaps" if "error" in levels else "review" if "warning" in levels else "pass")
    assert verdicts == ["pass", "gaps", "review"]


def test_gentle_samples_have_no_faint_stamps():
    import random

    from fixtures import docs as dm

    faint = {True: 0, False: 0}
    for gentle in (True, False):
        for seed in range(6):
            for case_id, cat, codes, decoys in SAMPLES:
                spec = plan_case(case_id, seed, category=cat, codes=codes, decoys=decoys, gentle=gentle)
                for d in spec.docs:
                    for p in dm.build(d, spec, random.Random(sub_seed(seed, "doc", d))).pages:
                        faint[gentle] += sum(1 for s in p.seals if s.owner == "applicant" and s.ink < 0.65)
    assert faint[True] == 0 and faint[False] > 0
