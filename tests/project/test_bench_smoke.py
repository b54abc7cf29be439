"""The benchmark suite starts, runs its smallest size and prints its header and table.

No timing is asserted: speed is reported by ``bench/suite.py``, not tested.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.server
def test_suite_quick_prints_header_and_table(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "suite.py"), "--quick", "--work", str(tmp_path)],
        capture_output=True, text=True, timeout=600, cwd=ROOT, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("hwkg benchmark suite — "), done.stdout[:500]
    assert "| metric | 100 chips |" in lines
    for metric in ("hwkg load (s)", "full validation (s)", "restart on store → /health (s)",
                   "SPARQL Q1 top-10 memory per US$ (ms)"):
        assert any(line.startswith(f"| {metric} |") for line in lines), metric
