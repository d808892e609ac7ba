"""Register the deployments in a work pool (several machines; see docs/deploy.md).

    python -m flows.register --pool precheck --inbox /mnt/inbox [--cron "0 2 * * *"]

The code is taken from this checkout (``from_source`` on the repository folder), which
must sit at the same path on every worker machine.
"""

from __future__ import annotations

import argparse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def register(pool: str, inbox: str, *, cron: str | None = "0 2 * * *", concurrency: int = 2,
             policy_path: str | None = None, lease_seconds: float = 120.0,
             extra: dict | None = None) -> list:
    """Create or update ``intake/nightly`` and ``recheck/recheck`` in ``pool``; returns ids."""
    from prefect import flow

    params = {"inbox": inbox, "concurrency": concurrency, "policy_path": policy_path,
              "lease_seconds": lease_seconds, **(extra or {})}
    intake = flow.from_source(source=str(REPO), entrypoint="flows/intake.py:intake")
    recheck = flow.from_source(source=str(REPO), entrypoint="flows/intake.py:recheck")
    ids = [intake.deploy(name="nightly", work_pool_name=pool, cron=cron, parameters=params,
                         print_next_steps=False),
           recheck.deploy(name="recheck", work_pool_name=pool,
                          parameters={"policy_path": policy_path, **(extra or {})},
                          print_next_steps=False)]
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", required=True)
    parser.add_argument("--inbox", required=True)
    parser.add_argument("--cron", default="0 2 * * *")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--policy", default=None)
    args = parser.parse_args()
    for deployment_id in register(args.pool, str(Path(args.inbox).resolve()), cron=args.cron,
                                  concurrency=args.concurrency, policy_path=args.policy):
        print(deployment_id)


if __name__ == "__main__":
    main()
