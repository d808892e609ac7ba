"""Two intake workers (separate processes, separate data directories, as on two machines)
drain one inbox through one PostgreSQL store: every submission checked exactly once, and a
worker killed mid-check loses nothing: its submission is checked again by the other one,
and recorded once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.docmaker import CREDIT, LICENSE, page_image, text_pdf
from tests.test_store_support import _truncate, pg_url  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

LEASE = "3"


def _worker(inbox: Path, data: Path, url: str) -> subprocess.Popen:
    env = dict(os.environ, PRECHECK_DATA_DIR=str(data), PRECHECK_DATABASE_URL=url,
               OMP_THREAD_LIMIT="1", PRECHECK_WORKERS="1")
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "intake", str(inbox), "--as-of",
                             "2026-07-01", "--quiet", "--concurrency", "1", "--lease", LEASE],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_workers_exactly_once_and_a_killed_one_loses_nothing(pg_url, tmp_path):  # noqa: F811
    from pipeline.store import Store, repo
    from pipeline.store.schema import Run, Version

    store = Store(pg_url)
    _truncate(store)
    inbox = tmp_path / "inbox"
    keys = [f"SJ-W-{i}" for i in range(4)]
    for i, key in enumerate(keys):
        folder = inbox / key
        folder.mkdir(parents=True)
        lines = [line.replace("张伟", f"张{'一二三四'[i]}") for line in LICENSE]
        page_image(lines).save(folder / "license.png")  # OCR: long enough to be killed in
        text_pdf(folder / "credit.pdf", [CREDIT])

    victim = _worker(inbox, tmp_path / "machine-a", pg_url)
    survivor = _worker(inbox, tmp_path / "machine-b", pg_url)
    killed_in = None
    deadline = time.monotonic() + 120
    while killed_in is None and time.monotonic() < deadline:
        with store.session() as s:
            killed_in = s.execute(select(Run.application_key).where(
                Run.worker.like(f"%:{victim.pid}"), Run.status == "running")).scalars().first()
        if killed_in is None:
            time.sleep(0.05)
    assert killed_in is not None, "the first worker never started a check"
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    out, err = survivor.communicate(timeout=240)
    assert survivor.returncode == 0, err

    with store.session() as s:
        assert s.execute(select(func.count()).select_from(Version)).scalar_one() == len(keys)
        done = s.execute(select(Run.application_key).where(Run.status == "done")).scalars().all()
        assert sorted(done) == keys  # each checked to the end exactly once
        abandoned = s.execute(select(Run.application_key, Run.worker)
                              .where(Run.status == "abandoned")).all()
    assert [k for k, _ in abandoned] == [killed_in]  # the killed check, taken over
    assert all(w.endswith(f":{victim.pid}") for _, w in abandoned)

    # the killed machine comes back: nothing left to do, nothing recorded twice
    again = _worker(inbox, tmp_path / "machine-a", pg_url)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "unchanged 4" in err
    assert [v.number for k in keys for v in repo.versions(store, k)] == [1] * len(keys)

    listed = subprocess.run([sys.executable, "-m", "pipeline.cli", "list", "--json"], check=True,
                            capture_output=True, text=True,
                            env=dict(os.environ, PRECHECK_DATABASE_URL=pg_url,
                                     PRECHECK_DATA_DIR=str(tmp_path / "machine-a")))
    assert [row["application"] for row in json.loads(listed.stdout)] == keys
    _truncate(store)
    store.dispose()
