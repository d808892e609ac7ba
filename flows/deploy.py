"""Deployments: the nightly intake on a cron schedule and a recheck a reviewer can trigger.

``serve`` runs both in this process (no work pool needed). For several machines, register
the same flows into a process work pool instead and start workers (docs/deploy.md).
"""

from __future__ import annotations

from prefect import serve

from flows.intake import intake, recheck

DEFAULT_CRON = "0 2 * * *"


def deployments(inbox: str, *, cron: str = DEFAULT_CRON, concurrency: int = 2,
                policy_path: str | None = None):
    nightly = intake.to_deployment(
        name="nightly", cron=cron,
        parameters={"inbox": inbox, "concurrency": concurrency, "policy_path": policy_path},
        description="Scheduled intake pass over the inbox.")
    again = recheck.to_deployment(
        name="recheck", parameters={"policy_path": policy_path},
        description="Re-check an application's latest version (parameter: application).")
    return nightly, again


def serve_all(inbox: str, *, cron: str = DEFAULT_CRON, concurrency: int = 2,
              policy_path: str | None = None) -> None:
    # A restart (deploy, reboot) must not leave the nightly schedule paused.
    serve(*deployments(inbox, cron=cron, concurrency=concurrency, policy_path=policy_path),
          pause_on_shutdown=False)
