"""``precheck intake / list / recheck`` through the command line (plain path, SQLite)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.docmaker import CREDIT, text_pdf


def test_intake_list_recheck(tmp_path, monkeypatch):
    from pipeline.cli import main

    monkeypatch.setenv("PRECHECK_DATA_DIR", str(tmp_path / "data"))
    inbox = tmp_path / "inbox"
    (inbox / "SJ-C-1").mkdir(parents=True)
    (inbox / ".incoming").mkdir()  # hidden: the platform is still writing it
    text_pdf(inbox / "SJ-C-1" / "credit.pdf", [CREDIT])
    runner = CliRunner()

    first = runner.invoke(main, ["intake", str(inbox), "--as-of", "2026-07-01", "--quiet"])
    assert first.exit_code == 0, first.output
    assert "SJ-C-1 v1" in first.output and "读取 1 页" in first.output
    again = runner.invoke(main, ["intake", str(inbox), "--as-of", "2026-07-01", "--quiet"])
    assert again.exit_code == 0 and "未变化 SJ-C-1 v1" in again.output

    # a month later the same credit report is stale: recheck = a new run of version 1
    later = runner.invoke(main, ["recheck", "SJ-C-1", "--as-of", "2026-08-30", "--quiet"])
    assert later.exit_code == 0, later.output
    assert "SJ-C-1 v1" in later.output and "读取 0 页, 缓存 1 页" in later.output
    listed = json.loads(runner.invoke(main, ["list", "--json"]).output)
    assert [(r["application"], r["number"], r["versions"]) for r in listed] == [("SJ-C-1", 1, 1)]
    report = json.loads(open(listed[0]["report_json"], encoding="utf-8").read())
    assert report["as_of"] == "2026-08-30" and "recheck" in listed[0]["report_json"]
    assert "CREDIT_REPORT_STALE" in {f["code"] for f in report["findings"]}

    missing = runner.invoke(main, ["recheck", "NO-SUCH", "--quiet"])
    assert missing.exit_code == 2
