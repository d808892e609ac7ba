"""The Prefect flows end to end on a tiny inbox: skip unchanged, re-read only what changed,
diff versions, publish the artifact, degrade a page whose OCR fails.

One Prefect test server for the whole module (prefect_test_harness, ~10 s to start).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.docmaker import CREDIT, LICENSE, page_image, text_pdf

pytestmark = pytest.mark.slow

AS_OF = "2026-07-01"


def credit(dated: str) -> list[str]:
    """A credit report of the docmaker applicant, generated on ``dated`` (YYYY年MM月DD日)."""
    return [line if not line.startswith("报告生成日期") else f"报告生成日期：{dated}" for line in CREDIT]


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


def _by_key(outcomes):
    return {o["key"]: o for o in outcomes}


def _codes(findings):
    return {f["code"] for f in findings}


def test_intake_skips_unchanged_and_rereads_only_the_replaced_file(harness, tmp_path):
    from flows.intake import intake

    inbox, data = tmp_path / "inbox", tmp_path / "data"
    a = inbox / "SJ-2026-001"
    a.mkdir(parents=True)
    page_image(LICENSE).save(a / "license.png")  # an OCR page
    text_pdf(a / "credit.pdf", [credit("2026年05月01日")])  # stale on AS_OF: a planted gap
    b = inbox / "SJ-2026-002"
    b.mkdir()
    text_pdf(b / "credit.pdf", [credit("2026年06月28日")])
    run = dict(inbox=str(inbox), as_of=AS_OF, concurrency=2, data_dir=str(data))

    first = _by_key(intake(**run))
    assert {k: (o["status"], o["version"], o["pages_read"]) for k, o in first.items()} == {
        "SJ-2026-001": ("checked", 1, 2), "SJ-2026-002": ("checked", 1, 1)}
    v1 = json.loads(Path(first["SJ-2026-001"]["report_json"]).read_text("utf-8"))
    assert "CREDIT_REPORT_STALE" in _codes(v1["findings"])
    assert v1["version"] == 1 and v1["application_id"] == "SJ-2026-001" and v1["diff"] is None

    second = _by_key(intake(**run))
    assert {o["status"] for o in second.values()} == {"unchanged"}
    assert sum(o["pages_read"] + o["pages_cached"] for o in second.values()) == 0

    # the applicant fixes the stale credit report: only that file's page is read again
    text_pdf(a / "credit.pdf", [credit("2026年06月25日")])
    third = _by_key(intake(**run))
    fixed = third["SJ-2026-001"]
    assert (fixed["status"], fixed["version"], fixed["pages_read"], fixed["pages_cached"]) == (
        "checked", 2, 1, 1)
    assert third["SJ-2026-002"]["status"] == "unchanged"
    v2 = json.loads(Path(fixed["report_json"]).read_text("utf-8"))
    assert v2["diff"]["previous_version"] == 1
    assert "CREDIT_REPORT_STALE" in _codes(v2["diff"]["resolved"])
    assert "CREDIT_REPORT_STALE" not in _codes(v2["diff"]["new"] + v2["diff"]["remaining"])
    assert "与第 1 版相比" in Path(fixed["report_html"]).read_text("utf-8")

    # ... and then breaks the license scan: a new gap
    (a / "license.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    fourth = _by_key(intake(**run))["SJ-2026-001"]
    assert (fourth["version"], fourth["pages_read"]) == (3, 0)
    v3 = json.loads(Path(fourth["report_json"]).read_text("utf-8"))
    assert "UNREADABLE_FILE" in _codes(v3["diff"]["new"])
    assert "UNREADABLE_FILE" not in _codes(v3["diff"]["resolved"] + v3["diff"]["remaining"])

    _assert_artifact("gap-sj-2026-001", "第 3 版")


def _assert_artifact(key: str, text: str) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    assert found, f"no artifact {key}"
    latest = max(found, key=lambda art: art.created)
    assert text in latest.data and "| 严重度 | 代码 |" in latest.data and "report.html" in latest.data


def test_a_page_that_cannot_be_read_degrades_the_page_not_the_run(harness, tmp_path, monkeypatch):
    from flows.check import check_submission

    entry = tmp_path / "inbox" / "SJ-2026-009"
    entry.mkdir(parents=True)
    page_image(LICENSE).save(entry / "license.png")
    text_pdf(entry / "credit.pdf", [credit("2026年06月28日")])
    monkeypatch.setenv("PRECHECK_OCR_TIMEOUT", "0.01")  # Tesseract is killed on every try

    outcome = check_submission(entry_path=str(entry), as_of=AS_OF, data_dir=str(tmp_path / "data"))
    assert outcome["status"] == "checked"
    report = json.loads(Path(outcome["report_json"]).read_text("utf-8"))
    errors = {p["file"]: p["error"] for p in report["pages"]}
    assert errors["license.png"] and errors["credit.pdf"] is None
    assert any(d["doc_type"] == "credit_report" for d in report["documents"])
    # a timeout is not retried: the same page would only time out again
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(task_run_filter=TaskRunFilter(
            name=TaskRunFilterName(any_=["read license.png#1"])))
    assert runs and max(run.run_count for run in runs) == 1


def test_dask_page_fan_out_gives_the_same_report_as_threads(harness, tmp_path):
    """The Dask runner option ("local": a cluster of worker processes on this machine) reads
    the pages in other processes and must come to the same report as the thread runner."""
    from distributed import Client, get_task_stream

    from flows.check import with_runner
    from pipeline.settings import Settings

    entry = tmp_path / "inbox" / "SJ-2026-010"
    entry.mkdir(parents=True)
    page_image(LICENSE).save(entry / "license.png")
    text_pdf(entry / "credit.pdf", [credit("2026年05月01日")])

    def run(dask_address, data):
        flow = with_runner(Settings(data_dir=tmp_path / data), dask_address)
        outcome = flow(entry_path=str(entry), as_of=AS_OF, data_dir=str(tmp_path / data))
        assert (outcome["status"], outcome["pages_read"]) == ("checked", 2)
        report = json.loads(Path(outcome["report_json"]).read_text("utf-8"))
        return report["verdict"], sorted((f["code"], f["severity"]) for f in report["findings"]), \
            {d["doc_type"]: {k: f["value"] for k, f in d["fields"].items()} for d in report["documents"]}

    threads = run(None, "threads")
    with Client(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as client:
        with get_task_stream(client) as stream:
            dask = run(client.scheduler.address, "dask")
        pids = client.run(os.getpid)
    assert os.getpid() not in pids.values()
    assert len(stream.data) >= 2  # both pages were tasks on the cluster's worker processes
    assert dask == threads
    assert "CREDIT_REPORT_STALE" in {code for code, _ in threads[1]}
