"""Two machines, simulated: a Prefect server on PostgreSQL, a process work pool, two
workers with their own data directories sharing one PostgreSQL store, draining one inbox.

    python -m flows.cluster_demo INBOX [--pg postgresql://postgres@127.0.0.1:5432/test]

Creates two throwaway databases (Prefect's and the store's), starts everything, triggers
the intake deployment once per worker, waits, prints how often each submission was checked
and by which worker, then stops what it started and drops the databases.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

PORT = 4281


def _admin(pg: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(sql)


def _wait_http(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise TimeoutError(f"{url} not up after {seconds} s")


def run(inbox: Path, pg: str, *, workers: int = 2, lease: float = 30.0) -> dict:
    base = pg.rsplit("/", 1)[0]
    tag = uuid.uuid4().hex[:8]
    prefect_db, store_db = f"precheck_demo_prefect_{tag}", f"precheck_demo_store_{tag}"
    _admin(pg, f'CREATE DATABASE "{prefect_db}"')
    _admin(pg, f'CREATE DATABASE "{store_db}"')
    store_url = f"{base}/{store_db}"
    work = Path(tempfile.mkdtemp(prefix="precheck-cluster-"))
    api = f"http://127.0.0.1:{PORT}/api"
    common = dict(os.environ, DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false",
                  OMP_THREAD_LIMIT="1", PREFECT_HOME=str(work / "prefect-home"))
    server_env = dict(common, PREFECT_SERVER_API_PORT=str(PORT),
                      PREFECT_API_DATABASE_CONNECTION_URL=(
                          f"{base.replace('postgresql://', 'postgresql+asyncpg://')}/{prefect_db}"))
    client_env = dict(common, PREFECT_API_URL=api, PRECHECK_DATABASE_URL=store_url)
    started: list[subprocess.Popen] = []
    prefect = [sys.executable, "-m", "prefect"]
    try:
        started.append(subprocess.Popen(prefect + ["server", "start"], env=server_env,
                                        stdout=open(work / "server.log", "w"),
                                        stderr=subprocess.STDOUT, start_new_session=True))
        _wait_http(f"{api}/health", 120)
        subprocess.run(prefect + ["work-pool", "create", "precheck-demo", "--type", "process"],
                       env=client_env, check=True, capture_output=True)
        subprocess.run([sys.executable, "-c",
                        "import sys; from flows.register import register; "
                        "register('precheck-demo', sys.argv[1], cron=None, "
                        f"lease_seconds={lease})", str(inbox.resolve())],
                       env=client_env, check=True, capture_output=True)
        for i in range(workers):
            env = dict(client_env, PRECHECK_DATA_DIR=str(work / f"machine-{i}"),
                       PREFECT_WORKER_QUERY_SECONDS="2")
            started.append(subprocess.Popen(
                prefect + ["worker", "start", "--pool", "precheck-demo", "--limit", "1",
                           "--name", f"machine-{i}"], env=env,
                stdout=open(work / f"worker-{i}.log", "w"), stderr=subprocess.STDOUT,
                start_new_session=True))
        t0 = time.perf_counter()
        flow_runs = [subprocess.run(
            [sys.executable, "-c", "from prefect.deployments import run_deployment; "
             "print(run_deployment('intake/nightly', timeout=0).id)"],
            env=client_env, check=True, capture_output=True, text=True).stdout.strip()
            for _ in range(workers)]
        states = _wait_runs(flow_runs, client_env, 900)
        seconds = time.perf_counter() - t0
        return dict(_count(store_url), flow_runs=states, seconds=round(seconds, 1),
                    logs=str(work))
    finally:
        for proc in reversed(started):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for db in (prefect_db, store_db):
            try:
                _admin(pg, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            except Exception:  # noqa: BLE001 - best effort cleanup
                pass


def _wait_runs(ids: list[str], env: dict, seconds: float) -> dict:
    code = ("import sys, json, uuid; from prefect.client.orchestration import get_client\n"
            "with get_client(sync_client=True) as c:\n"
            "    print(json.dumps({i: c.read_flow_run(uuid.UUID(i)).state.type.value "
            "for i in sys.argv[1:]}))")
    import json

    deadline = time.monotonic() + seconds
    while True:
        out = subprocess.run([sys.executable, "-c", code, *ids], env=env, check=True,
                             capture_output=True, text=True).stdout
        states = json.loads(out)
        if all(s in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for s in states.values()) \
                or time.monotonic() > deadline:
            return states
        time.sleep(3)


def _count(store_url: str) -> dict:
    from sqlalchemy import func, select

    from pipeline.store import Store
    from pipeline.store.schema import Run, Version

    store = Store(store_url)
    with store.session() as s:
        versions = s.execute(select(func.count()).select_from(Version)).scalar_one()
        done = s.execute(select(Run.application_key, Run.worker)
                         .where(Run.status == "done").order_by(Run.application_key)).all()
        other = s.execute(select(Run.status, func.count()).where(Run.status != "done")
                          .group_by(Run.status)).all()
    store.dispose()
    return {"versions": versions, "done": [tuple(r) for r in done],
            "other_runs": dict(other)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inbox", type=Path)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    result = run(args.inbox, args.pg, workers=args.workers)
    checked: dict[str, int] = {}
    for key, _worker in result["done"]:
        checked[key] = checked.get(key, 0) + 1
    print(f"flow runs: {result['flow_runs']}  ({result['seconds']} s)")
    print(f"versions recorded: {result['versions']}; other runs: {result['other_runs']}")
    for key, worker in result["done"]:
        print(f"  {key:30} checked by {worker}")
    print(f"submissions checked more than once: {[k for k, n in checked.items() if n > 1]}")
    print(f"logs: {result['logs']}")


if __name__ == "__main__":
    main()
