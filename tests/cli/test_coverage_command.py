"""``hwkg coverage`` as a user runs it: the table, the chips lacking a figure and the chips whose
figure is stated absent, each agreeing with the report the web page and /coverage.json give."""

from __future__ import annotations

import json
import subprocess
import sys

from hwkg.derived import coverage
from hwkg.loading.snapshot import Snapshot
from hwkg.readmodel import cached


def hwkg_coverage(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "hwkg", "coverage", *args], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def listed(text: str, label: str) -> list[list[str]]:
    """The chip lists printed under each row with ``label`` (``neither`` / ``absent``)."""
    return [line.split(": ", 1)[1].split(", ") for line in text.splitlines()
            if line.startswith(f"    {label}: ")]


def test_absent_lists_the_chips_with_a_stated_absence(snapshot: Snapshot) -> None:
    report = coverage.report(cached.for_snapshot(snapshot))
    expected = [row.absent for row in report if row.absent]
    assert expected, "the bundled graph states no absence at all"
    text = hwkg_coverage("--absent")
    assert listed(text, "absent") == expected
    assert listed(text, "neither") == []


def test_json_names_absent_and_missing_chips(snapshot: Snapshot) -> None:
    rows = json.loads(hwkg_coverage("--format", "json"))
    report = coverage.report(cached.for_snapshot(snapshot))
    assert [(r["absentChips"], r["missing"]) for r in rows] == [
        (row.absent, row.missing) for row in report]
    assert all(len(r["absentChips"]) == r["absent"] for r in rows)
