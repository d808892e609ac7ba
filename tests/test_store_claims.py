"""Exactly-once claims: one winner, takeover after a dead worker's lease, no double record."""

from __future__ import annotations

import multiprocessing as mp
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from pipeline.store import claims, repo
from pipeline.store.claims import ClaimLost
from pipeline.store.schema import Run, Version
from tests.test_store_support import pg_url, report, store, submission  # noqa: F401


def test_only_one_of_many_takers_wins(store):
    sub = submission("D-1", {"a.pdf": b"x"})
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda i: claims.acquire(store, "D-1", sub.sha256, worker=f"w{i}"),
                            range(8)))
    assert sum(c is not None for c in got) == 1


def test_dead_worker_is_taken_over_and_cannot_record_late(store):
    sub = submission("E-1", {"a.pdf": b"x"})
    dead = claims.acquire(store, "E-1", sub.sha256, worker="dead", lease_seconds=0.2)
    assert claims.acquire(store, "E-1", sub.sha256, worker="live") is None  # lease still valid
    time.sleep(0.3)
    live = claims.acquire(store, "E-1", sub.sha256, worker="live")
    assert live is not None and live.attempt == 2
    with pytest.raises(ClaimLost):  # the "dead" one wakes up late: it must not record
        repo.save_result(store, dead, sub, report(sub, []), [], source=sub.source)
    assert repo.save_result(store, live, sub, report(sub, []), [], source=sub.source) == 1
    assert [(r["worker"], r["status"]) for r in repo.runs_of(store, "E-1")] == [
        ("dead", "abandoned"), ("live", "done")]
    with store.session() as s:
        assert s.execute(select(func.count()).select_from(Version)).scalar_one() == 1


def test_hold_keeps_a_short_lease_alive(store):
    sub = submission("F-1", {"a.pdf": b"x"})
    claim = claims.acquire(store, "F-1", sub.sha256, worker="slow", lease_seconds=0.6)
    with claims.hold(store, claim, lease_seconds=0.6):
        time.sleep(1.5)  # longer than the lease: only renewal keeps it
        assert claims.acquire(store, "F-1", sub.sha256, worker="other", lease_seconds=0.6) is None


def test_release_lets_the_next_pass_retry(store):
    sub = submission("G-1", {"a.pdf": b"x"})
    claim = claims.acquire(store, "G-1", sub.sha256, worker="w1")
    claims.release(store, claim, "RuntimeError: disk full")
    retry = claims.acquire(store, "G-1", sub.sha256, worker="w1")
    assert retry is not None
    assert [r["status"] for r in repo.runs_of(store, "G-1")] == ["failed", "running"]


def _drain(url: str, keys: list[str], worker: str, out) -> None:
    from pipeline.store import Store

    st = Store(url)
    done = []
    for key in keys:
        sub = submission(key, {"a.pdf": key.encode()})
        claim = claims.acquire(st, key, sub.sha256, worker=worker)
        if claim is None:
            continue
        time.sleep(0.01)
        repo.save_result(st, claim, sub, report(sub, []), [], source=sub.source)
        done.append(key)
    out.put((worker, done))
    st.dispose()


@pytest.mark.postgres
def test_two_processes_drain_one_list_exactly_once(pg_url):
    from pipeline.store import Store
    from tests.test_store_support import _truncate

    st = Store(pg_url)
    _truncate(st)
    keys = [f"K-{i:03d}" for i in range(40)]
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_drain, args=(pg_url, keys, f"proc{i}", out)) for i in range(2)]
    for p in procs:
        p.start()
    results = dict(out.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=30)
    checked = results["proc0"] + results["proc1"]
    assert sorted(checked) == keys  # every one, once
    with st.session() as s:
        assert s.execute(select(func.count()).select_from(Version)).scalar_one() == 40
        assert s.execute(select(func.count()).select_from(Run).where(Run.status == "done")).scalar_one() == 40
    _truncate(st)
    st.dispose()
