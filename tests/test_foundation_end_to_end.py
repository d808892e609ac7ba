"""End to end on generated submissions with ground truth: real OCR, real seals, real rules.

The three demo samples (one pass, one gaps, one review) go through exactly what
`precheck check` runs. Every expected finding must be raised, no forbidden one may be,
the verdict must match, and report.json must validate against the exported schema.
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


@pytest.mark.parametrize("case_id", ["demo_pass", "demo_gaps", "demo_review"])
def test_findings_and_verdict_match_the_truth(samples, checked, case_id):
    _, truths = samples
    truth = truths[case_id]
    report, out = checked[case_id]
    raised = _raised(report)
    missing = [f"{e.code}/{e.doc_type}" for e in truth.expected_findings if not _has(raised, e)]
    forbidden = [f"{f.code}/{f.doc_type}" for f in truth.forbidden_findings if _has(raised, f)]
    assert not missing, f"expected findings not raised: {missing}; raised: {sorted(raised)}"
    assert not forbidden, f"forbidden findings raised: {forbidden}"
    assert report.verdict == truth.expected_verdict, sorted(raised)
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
