"""``hwkg import csv`` on the bundled graph: this checkout's code against another's.

    .venv/bin/python bench/import_start.py --against /path/to/other/checkout [--runs 3]

Each run copies this checkout's ``graph/`` to a fresh folder and imports the CSV fixture
table (``tests/fixtures/import/csv``: three chips' figures) into it with
``python -m hwkg import csv … --graph-dir``, in a fresh interpreter whose ``hwkg`` is the
checkout's; the two checkouts take turns. Most of such an import is reading the graph folder
(names to match, the context of each new figure), so this times what every import pays
before its own work. Prints the median wall time of each, their ratio, and whether the two
wrote the same files (a speed-up that changes what is written is not one). Make the other
checkout with ``git worktree add /tmp/hwkg-before <commit>``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TABLE = REPO / "tests" / "fixtures" / "import" / "csv"


def _run(checkout: Path, folder: Path) -> tuple[float, dict[str, bytes]]:
    """Import the table into a fresh copy of the graph at ``folder``; the seconds and what
    was written (path → bytes of every file the import added or changed)."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(REPO / "graph", folder)
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*.ttl")}
    env = dict(os.environ, PYTHONPATH=str(checkout / "api"))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "hwkg", "import", "csv", str(TABLE / "chips.csv"),
                    "--mapping", str(TABLE / "mapping.toml"), "--graph-dir", str(folder)],
                   env=env, check=True, capture_output=True)
    took = time.perf_counter() - started
    written = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*.ttl")
               if before.get(p) != p.stat().st_mtime_ns}
    return took, written


def main(argv: list[str] | None = None) -> int:
    cmd = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cmd.add_argument("--against", type=Path, required=True, help="the other checkout")
    cmd.add_argument("--runs", type=int, default=3)
    args = cmd.parse_args(argv)
    times: dict[str, list[float]] = {"this": [], "other": []}
    written: dict[str, dict[str, bytes]] = {}
    with tempfile.TemporaryDirectory(prefix="hwkg-import-bench-") as tmp:
        for _ in range(args.runs):
            for name, checkout in (("other", args.against.resolve()), ("this", REPO)):
                took, written[name] = _run(checkout, Path(tmp) / name)
                times[name].append(round(took, 2))
    same = written["this"] == written["other"] and bool(written["this"])
    this, other = (statistics.median(times[name]) for name in ("this", "other"))
    print(f"import, this checkout:  median {this:.2f} s of {times['this']}")
    print(f"import, {args.against}: median {other:.2f} s of {times['other']}")
    print(f"this ÷ other: {this / other:.2f}×; files written identical: {same} "
          f"({len(written['this'])} files)")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
