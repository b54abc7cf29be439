"""How long ``hwkg import mlperf`` takes for every staged MLPerf round into an empty home.

An "empty home" is a copy of the bundled graph without the files MLPerf imports wrote
(systems, submitters, generated rounds). Each run imports the rounds in order (training
v3.0 … v5.0, then inference v5.1) as real ``hwkg`` processes, then imports them all a
second time, which must change nothing. Prints each round's median, the total's median
(target: ≤ 120 s for all six rounds) and the second pass against the first (a ratio).

    .venv/bin/python bench/mlperf_import.py --data DIR [--runs 3]

``DIR`` holds the round folders (``mlperf-training-v3.0`` … ``mlperf-inference-v5.1``).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = ("mlperf-training-v3.0", "mlperf-training-v3.1", "mlperf-training-v4.0",
          "mlperf-training-v4.1", "mlperf-training-v5.0", "mlperf-inference-v5.1")


def empty_home(target: Path) -> Path:
    sys.path.insert(0, str(ROOT / "api"))
    from hwkg.importers.writer import generated

    shutil.copytree(ROOT / "graph", target)
    for path in [*target.glob("systems/mlperf-*.ttl"), *target.glob("organizations/*.ttl"),
                 *target.glob("rounds/*.ttl")]:
        if generated(path):
            path.unlink()
    return target


def imported(source: Path, folder: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "hwkg", "import", "mlperf", str(source),
                           "--graph-dir", str(folder), "--allow-rejected"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"import of {source.name} failed:\n{done.stdout[-3000:]}"
                         f"{done.stderr[-2000:]}")
    return took, done.stdout


def one_run(data: Path) -> tuple[dict[str, float], float, bool]:
    """Seconds per round (first pass), the second pass in all, and whether it changed nothing."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = empty_home(Path(tmp) / "graph")
        first = {name: imported(data / name, folder)[0] for name in ROUNDS}
        started = time.perf_counter()
        unchanged = all(imported(data / name, folder)[1].startswith(
            "added: nothing\nchanged: nothing\n") for name in ROUNDS)
        return first, time.perf_counter() - started, unchanged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of the round folders")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    missing = [name for name in ROUNDS if not (args.data / name).is_dir()]
    if missing:
        raise SystemExit(f"not in {args.data}: {', '.join(missing)}")
    runs = [one_run(args.data) for _ in range(args.runs)]
    for name in ROUNDS:
        print(f"{name:24} median {statistics.median(r[0][name] for r in runs):6.1f} s")
    totals = [sum(r[0].values()) for r in runs]
    again = [r[1] for r in runs]
    print(f"{'all six rounds':24} median {statistics.median(totals):6.1f} s "
          f"(runs: {', '.join(f'{t:.1f}' for t in totals)}; target ≤ 120 s)")
    print(f"{'second import':24} median {statistics.median(again):6.1f} s, "
          f"{statistics.median(again) / statistics.median(totals):.2f}× the first; "
          f"changed nothing: {all(r[2] for r in runs)}")


if __name__ == "__main__":
    main()
