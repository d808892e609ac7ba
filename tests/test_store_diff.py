"""The resolved / new / remaining diff between two versions' findings."""

from __future__ import annotations

from pipeline.store.diff import diff_findings
from tests.test_store_support import finding


def test_fix_and_new_gap_are_told_apart():
    before = [finding("SEAL_MISSING", "street_review"), finding("LICENSE_EXPIRED", "business_license"),
              finding("REPORT_SECTION_MISSING", "project_report", "技术方案", "warning")]
    after = [finding("SEAL_MISSING", "street_review", page=3),  # rescanned: page moved
             finding("REPORT_SECTION_MISSING", "project_report", "技术方案", "warning"),
             finding("REPORT_SECTION_MISSING", "project_report", "服务成效", "warning")]
    diff = diff_findings(before, after, previous_version=1)
    assert diff.previous_version == 1
    assert [f.code for f in diff.resolved] == ["LICENSE_EXPIRED"]
    assert [(f.code, f.evidence["subject"]) for f in diff.new] == [("REPORT_SECTION_MISSING", "服务成效")]
    assert sorted(f.code for f in diff.remaining) == ["REPORT_SECTION_MISSING", "SEAL_MISSING"]
    assert diff.remaining[0].page == 3  # remaining ones read as in the new version


def test_equal_keys_count_as_a_multiset():
    two = [finding("SEAL_NAME_MISMATCH", "credit_report"), finding("SEAL_NAME_MISMATCH", "credit_report")]
    diff = diff_findings(two, two[:1], previous_version=4)
    assert len(diff.resolved) == 1 and len(diff.remaining) == 1 and not diff.new


def test_everything_new_against_an_empty_version():
    diff = diff_findings([], [finding("MISSING_DOCUMENT", "credit_report")], previous_version=1)
    assert len(diff.new) == 1 and not diff.resolved and not diff.remaining
