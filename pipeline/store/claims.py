"""Exactly-once intake across workers: a claim per (application, submission content).

A worker takes a claim with a lease and renews it while it works (``hold``). A worker that
dies stops renewing; once the lease has run out, the next worker to see the submission
takes the claim over with a new token and checks it again. Saving the result flips the
claim to ``done`` only if the saver still holds the token (``finish`` in repo.py), in the
same transaction as the version and its findings, so a slow worker that lost its claim
cannot record the submission a second time.

Taking and taking over are single INSERT / conditional UPDATE statements, atomic on both
SQLite and PostgreSQL (under READ COMMITTED, PostgreSQL re-checks the WHERE clause of an
UPDATE after waiting for a concurrent one), so no SELECT ... FOR UPDATE is needed. Lease
times are epoch seconds from the workers' clocks: keep the machines on NTP.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from pipeline.store.db import Store
from pipeline.store.schema import Claim as ClaimRow
from pipeline.store.schema import Run

log = logging.getLogger(__name__)

DEFAULT_LEASE = 120.0  # seconds; renewed every third of it


@dataclass(frozen=True)
class Claim:
    id: int
    application_key: str
    submission_sha256: str
    token: str
    worker: str
    run_id: int
    attempt: int
    kind: str


class ClaimLost(Exception):
    """The lease ran out and another worker took the submission over."""


def acquire(store: Store, application_key: str, sha256: str, *, worker: str,
            lease_seconds: float = DEFAULT_LEASE, force: bool = False,
            kind: str = "intake") -> Claim | None:
    """Take the claim, or take over an expired one; ``force`` also retakes a done one (a
    reviewer's recheck). None when another live worker holds it, or it is done."""
    token = uuid.uuid4().hex
    now = time.time()
    try:
        with store.session() as s:
            row = ClaimRow(application_key=application_key, submission_sha256=sha256,
                           state="running", worker=worker, token=token,
                           lease_until=now + lease_seconds, attempts=1, updated_at=now)
            s.add(row)
            s.flush()
            run = _start_run(s, application_key, sha256, worker, kind, now)
            row.run_id = run.id
            return Claim(row.id, application_key, sha256, token, worker, run.id, 1, kind)
    except IntegrityError:
        pass  # somebody has (or had) it: see whether it can be taken over
    with store.session() as s:
        takeable = and_(ClaimRow.state == "running", ClaimRow.lease_until < now)
        if force:
            takeable = or_(takeable, ClaimRow.state == "done")
        taken = s.execute(
            update(ClaimRow)
            .where(ClaimRow.application_key == application_key,
                   ClaimRow.submission_sha256 == sha256, takeable)
            .values(state="running", worker=worker, token=token, lease_until=now + lease_seconds,
                    attempts=ClaimRow.attempts + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            return None
        row = s.execute(select(ClaimRow).where(ClaimRow.application_key == application_key,
                                               ClaimRow.submission_sha256 == sha256)).scalar_one()
        if row.run_id is not None:  # the previous taker's run will never finish
            s.execute(update(Run).where(Run.id == row.run_id, Run.status == "running")
                      .values(status="abandoned", finished_at=now)
                      .execution_options(synchronize_session=False))
        run = _start_run(s, application_key, sha256, worker, kind, now)
        row.run_id = run.id
        log.info("claim %s/%s taken over by %s (attempt %d)", application_key, sha256[:12],
                 worker, row.attempts)
        return Claim(row.id, application_key, sha256, token, worker, run.id, row.attempts, kind)


def _start_run(s, application_key: str, sha256: str, worker: str, kind: str, now: float) -> Run:
    run = Run(application_key=application_key, submission_sha256=sha256, kind=kind, worker=worker,
              status="running", started_at=now)
    s.add(run)
    s.flush()
    return run


def renew(store: Store, claim: Claim, lease_seconds: float = DEFAULT_LEASE) -> bool:
    now = time.time()
    with store.session() as s:
        return s.execute(
            update(ClaimRow)
            .where(ClaimRow.id == claim.id, ClaimRow.token == claim.token,
                   ClaimRow.state == "running")
            .values(lease_until=now + lease_seconds, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount == 1


def release(store: Store, claim: Claim, error: str) -> None:
    """Give the claim back after a failure so the next intake pass retries at once."""
    now = time.time()
    with store.session() as s:
        s.execute(update(ClaimRow)
                  .where(ClaimRow.id == claim.id, ClaimRow.token == claim.token,
                         ClaimRow.state == "running")
                  .values(lease_until=0.0, updated_at=now)
                  .execution_options(synchronize_session=False))
        s.execute(update(Run).where(Run.id == claim.run_id)
                  .values(status="failed", finished_at=now, error=error[:4000])
                  .execution_options(synchronize_session=False))


@contextmanager
def hold(store: Store, claim: Claim, lease_seconds: float = DEFAULT_LEASE) -> Iterator[None]:
    """Renew the lease in the background while the body runs."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(lease_seconds / 3):
            try:
                if not renew(store, claim, lease_seconds):
                    log.warning("lost claim on %s", claim.application_key)
                    return
            except Exception:  # noqa: BLE001 - a blip in the database must not kill the check
                log.exception("could not renew claim on %s", claim.application_key)

    thread = threading.Thread(target=beat, name=f"lease-{claim.application_key}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
