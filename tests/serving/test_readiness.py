"""A graph version is prepared before it is served: the catalog and the home page's coverage
report exist before the first request (``hwkg.serving.readiness``)."""

from __future__ import annotations

from hwkg.derived import coverage
from hwkg.loading.snapshot import Snapshot
from hwkg.readmodel import cached
from hwkg.serving import readiness


def test_prepare_makes_the_coverage_report_the_home_page_reads(snapshot: Snapshot) -> None:
    cat = cached.for_snapshot(snapshot)
    cat.memo.pop(("kept", "coverage"), None)  # whatever an earlier test made
    assert readiness.prepare(snapshot)
    kept = cat.memo[("kept", "coverage")]["report"]
    assert kept and kept is coverage.cached_report(cat)  # the page reads this very object
    assert {row.group for row in kept} == {"accelerator", "cpu"}
