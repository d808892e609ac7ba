"""``precheck``: the command line. Exceptions become exit codes here and nowhere else.

Exit status (report-contract.md): 0 = no finding of severity error, 1 = at least one
error, 2 = the command could not run.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.errors import PrecheckError
from pipeline.models import GapReport

err = Console(stderr=True)


def parse_as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class _Group(click.Group):
    """Translate the project's exceptions into messages and exit status 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PrecheckError as exc:
            err.print(f"[red]错误：[/red]{exc}")
            sys.exit(exc.exit_code)


@click.group(cls=_Group)
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
def main(verbose: int) -> None:
    """Pre-review of application materials for the Songjiang AI-compute subsidy."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.argument("submission", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder for report.json and report.html (default: under the data directory).")
@click.option("--as-of", "as_of", default=None, help="Date the rules are checked against (YYYY-MM-DD).")
@click.option("--policy", "policy_path", type=click.Path(path_type=Path), default=None,
              help="A policy file overriding the bundled one.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def check(submission: Path, out_dir: Path | None, as_of: str | None, policy_path: Path | None,
          quiet: bool) -> None:
    """Check one submission (a folder or a .zip) and write its gap report."""
    from pipeline.check import check_submission, default_mapper
    from pipeline.ocr import check_languages
    from pipeline.policy import load_policy
    from pipeline.settings import Settings

    day = parse_as_of(as_of)
    settings = Settings()
    policy = load_policy(policy_path)
    check_languages(settings.ocr_lang)
    out = out_dir or settings.reports_dir / (submission.stem if submission.is_file() else submission.name)

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, disable=quiet, transient=True) as progress:
        task = progress.add_task(f"读取 {submission.name}", total=None)

        def on_done(result):
            progress.advance(task)

        def mapper(sub, tasks, s):
            progress.update(task, total=len(tasks))
            return default_mapper(on_done)(sub, tasks, s)

        report = check_submission(submission, out_dir=out, as_of=day, policy=policy,
                                  settings=settings, map_pages=mapper)
    print_summary(report, out)
    sys.exit(1 if any(f.severity == "error" for f in report.findings) else 0)


def print_summary(report: GapReport, out: Path) -> None:
    console = Console()
    colour = {"pass": "green", "review": "yellow", "gaps": "red"}[report.verdict]
    console.print(f"[bold {colour}]{report.verdict}[/] {report.submission}: "
                  f"{len(report.findings)} findings, {len(report.documents)} documents")
    for f in report.findings:
        where = f" [{f.file}#{f.page}]" if f.file else ""
        console.print(f"  {f.severity:7} {f.code:28} {f.message}{where}", highlight=False)
    console.print(f"report: {out / 'report.json'}  {out / 'report.html'}")


@main.command()
@click.option("--out", "out_path", type=click.Path(path_type=Path), default=None,
              help="Write the JSON Schema of report.json here instead of standard output.")
def schema(out_path: Path | None) -> None:
    """Print the JSON Schema of report.json (schema_version 1)."""
    text = json.dumps(report_schema(), ensure_ascii=False, indent=2)
    if out_path:
        out_path.write_text(text + "\n", "utf-8")
    else:
        click.echo(text)


def report_schema() -> dict:
    schema_dict = GapReport.model_json_schema(mode="serialization")
    schema_dict["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema_dict["title"] = "precheck report.json (schema_version 1)"
    return schema_dict


def _register_plugins() -> None:
    from pipeline.cli_intake import register

    register(main)


_register_plugins()


if __name__ == "__main__":  # pragma: no cover
    main()
