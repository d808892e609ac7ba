"""End to end on generated submissions with ground truth: real OCR, real seals, real rules.

The three demo samples (one pass, one gaps, one review) go through exactly what
`precheck check` runs. What a reviewer must be able to rely on is checked strictly:
- every expected error is raised (a missed error is the worst failure: a false pass);
- no error is raised that the truth does not expect (a false error blocks an applicant);
- the verdict is never more lenient than the truth's;
- an expected warning is raised, or the same document gets another warning that sends
  the reviewer to it (an unreadable seal ring is "please check this seal").
Extra warnings are false alarms that cost a reviewer a minute: they are counted by
`make bench` (findings precision), not failed here.
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from pipeline.check import check_submission
from pipeline.cli import report_schema

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    from fixtures.samples import generate_samples

    out = tmp_path_factory.mktemp("samples")
    return out, {t.case_id: t for t in generate_samples(out)}


@pytest.fixture(scope="module")
def checked(samples, settings, policy, tmp_path_factory):
    root, truths = samples
    reports = {}
    for case_id, truth in truths.items():
        out = tmp_path_factory.mktemp(f"report-{case_id}")
        report = check_submission(root / case_id, out_dir=out, as_of=truth.as_of, policy=policy,
                                  settings=settings)
        reports[case_id] = (report, out)
    return reports


def _raised(report):
    return {(f.code, f.doc_type) for f in report.findings}


def _has(raised, item) -> bool:
    return any(code == item.code and (item.doc_type is None or dt == item.doc_type)
               for code, dt in raised)


_STRICTNESS = {"pass": 0, "review": 1, "gaps": 2}


@pytest.mark.parametrize("case_id", ["demo_pass", "demo_gaps", "demo_review"])
def test_a_reviewer_can_rely_on_the_report(samples, checked, policy, case_id):
    _, truths = samples
    truth = truths[case_id]
    report, out = checked[case_id]
    raised = _raised(report)
    warned_docs = {f.doc_type for f in report.findings if f.severity == "warning"}
    errors = {(f.code, f.doc_type) for f in report.findings if f.severity == "error"}

    def severity(code) -> str:
        return policy.severity(code)

    missed = []
    for exp in truth.expected_findings:
        if _has(raised, exp):
            continue
        covered = severity(exp.code) == "warning" and exp.doc_type in warned_docs
        if severity(exp.code) == "error" or not covered:
            missed.append(f"{exp.code}/{exp.doc_type}")
    assert not missed, f"expected findings not raised: {missed}; raised: {sorted(raised)}"
    allowed = truth.expected_findings + truth.tolerated_findings
    false_errors = [f"{c}/{d}" for c, d in errors if not any(
        c == a.code and (a.doc_type is None or d == a.doc_type) for a in allowed)]
    assert not false_errors, f"errors the truth does not have: {false_errors}"
    assert _STRICTNESS[report.verdict] >= _STRICTNESS[truth.expected_verdict]
    if truth.expected_verdict == "gaps":
        assert report.verdict == "gaps"
    data = json.loads((out / "report.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(report_schema()).validate(data)


def test_identity_and_documents(samples, checked):
    _, truths = samples
    for case_id, truth in truths.items():
        report, _ = checked[case_id]
        assert report.applicant.name == truth.applicant.name
        assert report.applicant.uscc == truth.applicant.uscc
        assert report.category == truth.category
        got = {(d.file, tuple(d.pages)): d.doc_type for d in report.documents}
        for doc in truth.documents:
            if doc.file is not None:
                assert got.get((doc.file, tuple(doc.pages))) == doc.doc_type, (case_id, doc.file)
