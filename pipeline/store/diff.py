"""What changed between two versions of an application, in the reviewer's terms.

A finding's identity across versions is ``Finding.key()`` (code, doc_type, subject), which
leaves out the page, box and wording that change whenever an applicant rescans a page.
The same key can occur more than once in one version (e.g. two seals of another company);
keys are compared as multisets so that fixing one of two equal gaps shows one resolved.
"""

from __future__ import annotations

from collections import defaultdict

from pipeline.models import Finding, FindingDiff


def diff_findings(previous: list[Finding], current: list[Finding], *,
                  previous_version: int | None) -> FindingDiff:
    """resolved = in the previous version only, new = in the current only, remaining = both
    (listed as they read in the current version)."""
    left: dict[str, list[Finding]] = defaultdict(list)
    for finding in previous:
        left[finding.key()].append(finding)
    new: list[Finding] = []
    remaining: list[Finding] = []
    for finding in current:
        bucket = left.get(finding.key())
        if bucket:
            bucket.pop(0)
            remaining.append(finding)
        else:
            new.append(finding)
    resolved = [f for bucket in left.values() for f in bucket]
    return FindingDiff(previous_version=previous_version, resolved=resolved, new=new,
                       remaining=remaining)
