"""The rules benchmark's scoring: truth -> Evidence, and (code, doc_type) matching."""

from __future__ import annotations

from benchmarks.bench_rules import evidence_from_truth, score_case
from fixtures.truth import CaseTruth
from tests.test_rules_support import AS_OF, NAME, USCC, POLICY, baseline
from validators import run_rules


def _truth(**over) -> CaseTruth:
    ev = baseline("vertical_model")
    docs = [{"doc_type": d.doc_type, "file": d.file, "pages": d.pages,
             "fields": {k: f.value for k, f in d.fields.items()},
             "seals": [{"page": 1, "bbox": list(s.bbox), "shape": "round", "colour": "red",
                        "owner": s.owner, "text": s.text} for s in d.seals]} for d in ev.documents]
    files = [{"path": d.file, "container": "pdf_text",
              "documents": [{"doc_type": d.doc_type, "pages": [1]}]} for d in ev.documents]
    data = dict(case_id="c1", seed=1, as_of=AS_OF, category="vertical_model",
                applicant={"name": NAME, "uscc": USCC}, requested_amount=4_000_000, files=files,
                documents=docs, planted=[], expected_findings=[], forbidden_findings=[],
                expected_verdict="pass")
    data.update(over)
    return CaseTruth.model_validate(data)


def test_clean_truth_scores_clean():
    t = _truth()
    s = score_case(t, run_rules(evidence_from_truth(t), POLICY, t.as_of))
    assert s["tp"] == s["fn"] == s["fp"] == [] and s["verdict"] == "pass" and not s["false_pass"]


def test_planted_gap_and_unreadable_file():
    t = _truth()
    t.documents[3].fields["records"] = [{"kind": "administrative_penalty", "date": "2026-01-01", "text": "x"}]
    t.files.append(t.files[0].model_copy(update={"path": "x.docx", "container": "docx", "readable": False,
                                                 "documents": []}))
    t = _truth(documents=[d.model_dump() for d in t.documents], files=[f.model_dump() for f in t.files],
               expected_findings=[{"code": "CREDIT_BAD_RECORD", "doc_type": "credit_report"},
                                  {"code": "UNREADABLE_FILE", "doc_type": None},
                                  {"code": "AUDIT_WRONG_YEAR", "doc_type": "financial_audit"}],
               expected_verdict="gaps")
    s = score_case(t, run_rules(evidence_from_truth(t), POLICY, t.as_of))
    assert s["tp"] == [("CREDIT_BAD_RECORD", "credit_report"), ("UNREADABLE_FILE", None)]
    assert s["fn"] == [("AUDIT_WRONG_YEAR", "financial_audit")] and s["fp"] == []
    assert s["verdict"] == "gaps" and not s["false_pass"]


def test_false_pass_detected():
    t = _truth(expected_findings=[{"code": "AUDIT_WRONG_YEAR", "doc_type": "financial_audit"}],
               expected_verdict="gaps")
    s = score_case(t, run_rules(evidence_from_truth(t), POLICY, t.as_of))
    assert s["false_pass"] and s["fn"] == [("AUDIT_WRONG_YEAR", "financial_audit")]
