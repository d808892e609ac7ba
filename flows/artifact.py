"""The gap report as a Prefect markdown artifact: verdict, diff, findings table, link."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from pipeline.store.intake import Outcome

_VERDICT = {"pass": "通过 (pass)", "review": "需人工复核 (review)", "gaps": "存在缺漏 (gaps)"}


def artifact_key(application: str) -> str:
    """Artifact keys allow lowercase letters, digits and dashes; the same key makes versions,
    so every check of one application lands under one key."""
    slug = re.sub(r"[^a-z0-9]+", "-", application.lower()).strip("-")
    if not slug or slug != application.lower():
        slug = f"{slug}-{hashlib.sha256(application.encode()).hexdigest()[:8]}".strip("-")
    return f"gap-{slug}"[:100]


def _cell(text) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def gap_markdown(outcome: Outcome) -> str:
    report = json.loads(Path(outcome.report_json).read_text("utf-8"))
    html = Path(outcome.report_html).resolve()
    lines = [
        f"# {outcome.key} 第 {outcome.version} 版：{_VERDICT.get(report['verdict'], report['verdict'])}",
        "",
        f"- 申请人：{_cell(report['applicant'].get('name'))}（{_cell(report['applicant'].get('uscc'))}）",
        f"- 检查日期：{report['as_of']}；页数：读取 {outcome.pages_read}，缓存 {outcome.pages_cached}",
        f"- 报告：[report.html]({html.as_uri()})",
    ]
    diff = report.get("diff")
    if diff:
        lines.append(f"- 与第 {diff['previous_version']} 版相比：已解决 {len(diff['resolved'])} 项，"
                     f"新出现 {len(diff['new'])} 项，仍存在 {len(diff['remaining'])} 项")
    lines += ["", "| 严重度 | 代码 | 材料 | 位置 | 说明 |", "| --- | --- | --- | --- | --- |"]
    for f in report["findings"]:
        where = f"{f['file']}#{f['page']}" if f.get("file") else ""
        lines.append(f"| {f['severity']} | {f['code']} | {_cell(f.get('doc_type'))} | {_cell(where)} "
                     f"| {_cell(f['message'])} |")
    if not report["findings"]:
        lines.append("| – | – | – | – | 未发现问题 |")
    return "\n".join(lines) + "\n"


def publish(outcome: Outcome) -> str | None:
    """Create the artifact (only for a finished check); returns its key."""
    from prefect.artifacts import create_markdown_artifact

    if outcome.status != "checked" or not outcome.report_json:
        return None
    key = artifact_key(outcome.key)
    create_markdown_artifact(markdown=gap_markdown(outcome), key=key,
                             description=f"{outcome.key} v{outcome.version} gap report")
    return key
