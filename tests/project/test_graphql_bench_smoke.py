"""The GraphQL benchmark starts, runs briefly and prints its ratio (no timing assertions)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.server
def test_bench_quick_run_prints_its_figures() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench/graphql_bench.py"), "--quick"],
                          capture_output=True, text=True, timeout=240, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ratio GraphQL / plain:" in done.stdout and "p50" in done.stdout
