"""Store and intake commands (intake, list, recheck, serve): filled in by the flows issue."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add the store/intake commands to the ``precheck`` group."""
