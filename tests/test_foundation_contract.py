"""The contract: `precheck check` exit codes, report.json against its JSON Schema, report.html."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from pipeline.cli import report_schema
from tests import docmaker

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "pipeline" / "data" / "report.schema.json"


def run_check(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {"PRECHECK_DATA_DIR": str(data_dir), "OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "check", *args, "--quiet"],
                          capture_output=True, text=True, env=env, timeout=300)


def validate(report_path: Path) -> dict:
    data = json.loads(report_path.read_text("utf-8"))
    jsonschema.Draft202012Validator(report_schema()).validate(data)
    return data


def test_committed_schema_matches_the_models():
    assert json.loads(SCHEMA_FILE.read_text("utf-8")) == report_schema(), (
        "pipeline/data/report.schema.json is stale: run `make schema`")


def test_contract_keys_are_required_by_the_schema():
    required = set(report_schema()["required"])
    assert {"verdict", "as_of", "applicant", "documents", "findings"} <= required


@pytest.fixture(scope="module")
def partial_submission(tmp_path_factory) -> Path:
    """A license and a credit report, a Word file and a corrupt PDF: several gaps."""
    root = tmp_path_factory.mktemp("sub") / "APP-001"
    root.mkdir()
    docmaker.text_pdf(root / "营业执照.pdf", [docmaker.LICENSE])
    docmaker.text_pdf(root / "scan0002.pdf", [docmaker.CREDIT])
    (root / "申报书.docx").write_bytes(b"PK\x03\x04" + b"\0" * 26 + b"word/document.xml")
    (root / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF")
    return root


def test_gaps_exit_1_and_reports_validate(partial_submission, tmp_path, data_dir):
    out = tmp_path / "out"
    proc = run_check(str(partial_submission), "--out", str(out), "--as-of", "2026-06-30",
                     data_dir=data_dir)
    assert proc.returncode == 1, proc.stderr
    data = validate(out / "report.json")
    assert data["schema_version"] == "1" and data["as_of"] == "2026-06-30" and data["verdict"] == "gaps"
    codes = {(f["code"], f.get("doc_type")) for f in data["findings"]}
    assert ("MISSING_DOCUMENT", "application_form") in codes
    unreadable = {f["file"] for f in data["findings"] if f["code"] == "UNREADABLE_FILE"}
    assert unreadable == {"申报书.docx", "broken.pdf"}
    types = {d["file"]: d["doc_type"] for d in data["documents"]}
    assert types == {"营业执照.pdf": "business_license", "scan0002.pdf": "credit_report"}
    html = (out / "report.html").read_text("utf-8")
    assert "预审结论" in html and "缺少材料" in html and "申报书.docx" in html
    assert list((out / "pages").glob("*.jpg")), "page previews are copied beside the HTML"


def test_bad_arguments_exit_2(tmp_path, data_dir):
    assert run_check(str(tmp_path / "missing"), data_dir=data_dir).returncode == 2
    (tmp_path / "x.txt").write_text("not a submission")
    assert run_check(str(tmp_path / "x.txt"), data_dir=data_dir).returncode == 2
    proc = run_check(str(tmp_path), "--as-of", "30/06/2026", data_dir=data_dir)
    assert proc.returncode == 2
    bad_policy = tmp_path / "policy.yaml"
    bad_policy.write_text("categories: [oops\n")
    proc = run_check(str(tmp_path), "--policy", str(bad_policy), data_dir=data_dir)
    assert proc.returncode == 2 and "policy" in proc.stderr.lower()
