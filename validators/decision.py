"""The verdict of domain.md §4 and the exit status of report-contract.md."""

from __future__ import annotations

from typing import Iterable, Literal

from pipeline.models import Finding, Severity

Verdict = Literal["pass", "review", "gaps"]


def _sev(f: Finding) -> str:
    return Severity(f.severity).value


def verdict(findings: Iterable[Finding]) -> Verdict:
    """``gaps`` on any error, ``review`` on any warning, else ``pass`` (info never blocks)."""
    sevs = {_sev(f) for f in findings}
    if Severity.error.value in sevs:
        return "gaps"
    if Severity.warning.value in sevs:
        return "review"
    return "pass"


def exit_code(findings: Iterable[Finding]) -> int:
    """0 = no error finding, 1 = at least one (2, could not run, comes from PrecheckError)."""
    return 1 if any(_sev(f) == Severity.error.value for f in findings) else 0
