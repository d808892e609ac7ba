"""Store and intake commands: ``intake``, ``list``, ``recheck``, ``serve``.

``intake`` and ``recheck`` run the plain steps (pipeline.store.intake) in this process with
a progress bar; ``--prefect`` runs the same work as Prefect flows instead (a temporary
server unless PREFECT_API_URL points at one). ``serve`` always needs Prefect. Prefect is
imported only inside those commands, from flows/.
"""

from __future__ import annotations

import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

err = Console(stderr=True)
out = Console()

_COLOUR = {"pass": "green", "review": "yellow", "gaps": "red"}


def _common(fn):
    fn = click.option("--as-of", "as_of", default=None,
                      help="Date the rules are checked against (YYYY-MM-DD).")(fn)
    fn = click.option("--policy", "policy_path", type=click.Path(path_type=Path), default=None,
                      help="A policy file overriding the bundled one.")(fn)
    fn = click.option("--prefect", "use_prefect", is_flag=True,
                      help="Run as Prefect flows (runs, retries, artifacts in the Prefect UI).")(fn)
    fn = click.option("--quiet", is_flag=True, help="No progress bar.")(fn)
    return fn


def _print_outcome(o: dict) -> None:
    status = o["status"]
    if status == "checked":
        verdict = o.get("verdict") or "?"
        diff = ""
        if o.get("version", 1) and o["version"] > 1:
            diff = f" 已解决 {o['resolved']} 新出现 {o['new']} 仍存在 {o['remaining']}"
        out.print(f"[bold {_COLOUR.get(verdict, 'white')}]{verdict:6}[/] {o['key']} v{o['version']}: "
                  f"读取 {o['pages_read']} 页, 缓存 {o['pages_cached']} 页, {o['seconds']:.1f} s{diff}"
                  f"  {o.get('report_html') or ''}", highlight=False)
    elif status == "unchanged":
        out.print(f"[dim]未变化 {o['key']} v{o.get('version') or '?'} ({o.get('verdict') or '-'}): "
                  f"读取 0 页[/]", highlight=False)
    elif status == "busy":
        out.print(f"[dim]跳过   {o['key']}: 另一个进程正在检查[/]", highlight=False)
    else:
        out.print(f"[red]失败   {o['key']}: {o.get('error')}[/]", highlight=False)


def _progress(quiet: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, disable=quiet, transient=True)


def run_intake(inbox: Path, *, settings, policy, as_of, concurrency: int, lease: float,
               quiet: bool = True, on_outcome=None) -> list[dict]:
    """One intake pass without Prefect: entries ``concurrency`` at a time, their pages through
    one shared pool of ``settings.workers`` threads (one Tesseract each)."""
    from pipeline.pages import read_page
    from pipeline.store import open_store
    from pipeline.store.intake import check_entry, scan_inbox

    store = open_store(settings)
    entries = scan_inbox(inbox)
    lock = threading.Lock()
    page_total = [0]
    outcomes: list[dict] = []
    with _progress(quiet) as progress, ThreadPoolExecutor(max(1, settings.workers)) as pages:
        entry_bar = progress.add_task("申报", total=len(entries))
        page_bar = progress.add_task("页面", total=0)

        def mapper(submission, tasks, s):
            with lock:
                page_total[0] += len(tasks)
                progress.update(page_bar, total=page_total[0])
            futures = [pages.submit(read_page, submission, sf, n, s) for sf, n in tasks]
            results = []
            for future in futures:
                results.append(future.result())
                progress.advance(page_bar)
            return results

        def one(entry, wait):
            return check_entry(store, entry, settings=settings, policy=policy, as_of=as_of,
                               map_pages=mapper, lease_seconds=lease,
                               wait_seconds=wait).as_dict()

        # First every entry without waiting for claims another worker holds, then those
        # again, waiting for the other worker to finish or for its lease to run out.
        deferred = []
        with ThreadPoolExecutor(max(1, concurrency)) as pool:
            for entry, outcome in zip(entries, pool.map(lambda e: one(e, 0.0), entries)):
                if outcome["status"] == "busy":
                    deferred.append(entry)
                    continue
                outcomes.append(outcome)
                progress.advance(entry_bar)
                if on_outcome:
                    on_outcome(outcome)
            for outcome in pool.map(lambda e: one(e, None), deferred):
                outcomes.append(outcome)
                progress.advance(entry_bar)
                if on_outcome:
                    on_outcome(outcome)
    store.dispose()
    return outcomes


def register(group: click.Group) -> None:
    """Add the store/intake commands to the ``precheck`` group."""

    @group.command()
    @click.argument("inbox", type=click.Path(path_type=Path))
    @_common
    @click.option("--concurrency", default=2, show_default=True,
                  help="Submissions in flight at once (pages share one pool per core).")
    @click.option("--lease", default=120.0, show_default=True,
                  help="Seconds a claim lasts without renewal (a dead worker's is retaken after).")
    def intake(inbox: Path, as_of, policy_path, use_prefect, quiet, concurrency, lease):
        """One intake pass over INBOX: check new and changed submissions, skip unchanged ones."""
        from pipeline.cli import parse_as_of
        from pipeline.policy import load_policy
        from pipeline.settings import Settings

        day = parse_as_of(as_of)
        settings = Settings()
        if use_prefect:
            from flows.runtime import prefect_env

            prefect_env(settings)
            from flows.intake import intake as intake_flow

            outcomes = intake_flow(inbox=str(inbox.resolve()), as_of=day.isoformat(),
                                   policy_path=str(policy_path) if policy_path else None,
                                   concurrency=concurrency, lease_seconds=lease)
            for o in outcomes:
                _print_outcome(o)
        else:
            from pipeline.ocr import check_languages

            check_languages(settings.ocr_lang)
            outcomes = run_intake(inbox, settings=settings, policy=load_policy(policy_path),
                                  as_of=day, concurrency=concurrency, lease=lease, quiet=quiet,
                                  on_outcome=_print_outcome)
        counts = {}
        for o in outcomes:
            counts[o["status"]] = counts.get(o["status"], 0) + 1
        read = sum(o.get("pages_read", 0) for o in outcomes)
        err.print(f"{len(outcomes)} 份申报: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                  + f"; 读取 {read} 页")
        sys.exit(2 if counts.get("failed") else 0)

    @group.command(name="list")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
    def list_cmd(as_json: bool):
        """Applications with their latest version and its verdict."""
        import dataclasses

        from pipeline.settings import Settings
        from pipeline.store import open_store, repo

        store = open_store(Settings())
        rows = repo.list_applications(store)
        store.dispose()
        if as_json:
            click.echo(json.dumps([dataclasses.asdict(r) for r in rows], ensure_ascii=False, indent=2))
            return
        table = Table("申报", "版本", "结论", "问题数", "检查时间", "报告")
        import datetime as dt

        for r in rows:
            when = (dt.datetime.fromtimestamp(r.checked_at).strftime("%Y-%m-%d %H:%M")
                    if r.checked_at else "-")
            verdict = r.verdict or "-"
            table.add_row(r.application, f"{r.number}/{r.versions}",
                          f"[{_COLOUR.get(verdict, 'white')}]{verdict}[/]", str(r.findings), when,
                          r.report_html or "-")
        out.print(table)

    @group.command()
    @click.argument("application")
    @_common
    def recheck(application: str, as_of, policy_path, use_prefect, quiet):
        """Check APPLICATION's latest version again (e.g. after a policy change)."""
        from pipeline.cli import parse_as_of
        from pipeline.policy import load_policy
        from pipeline.settings import Settings
        from pipeline.store import open_store
        from pipeline.store.intake import recheck_entry

        day = parse_as_of(as_of)
        settings = Settings()
        if use_prefect:
            from flows.runtime import prefect_env

            prefect_env(settings)
            from flows.intake import recheck as recheck_flow

            outcome = recheck_flow(application=application, as_of=day.isoformat(),
                                   policy_path=str(policy_path) if policy_path else None)
        else:
            store = open_store(settings)
            policy = load_policy(policy_path)
            with _progress(quiet) as progress:
                progress.add_task(f"复查 {application}", total=None)
                outcome = recheck_entry(store, application, settings=settings, policy=policy,
                                        as_of=day).as_dict()
            store.dispose()
        _print_outcome(outcome)
        sys.exit(2 if outcome["status"] == "failed" else 0)

    @group.command()
    @click.option("--inbox", type=click.Path(path_type=Path), default=Path("inbox"),
                  show_default=True, help="The folder the platform drops submissions into.")
    @click.option("--cron", default="0 2 * * *", show_default=True,
                  help="When the intake runs (cron, server time zone).")
    @click.option("--concurrency", default=2, show_default=True)
    @click.option("--policy", "policy_path", type=click.Path(path_type=Path), default=None)
    def serve(inbox: Path, cron: str, concurrency: int, policy_path):
        """Serve the nightly intake (cron) and the recheck deployment; runs until stopped."""
        from pipeline.settings import Settings

        from flows.runtime import prefect_env

        prefect_env(Settings())
        from flows.deploy import serve_all

        serve_all(str(inbox.resolve()), cron=cron, concurrency=concurrency,
                  policy_path=str(policy_path.resolve()) if policy_path else None)
