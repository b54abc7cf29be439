"""``hwkg validate`` on the bundled graph: this checkout's code against another's.

    .venv/bin/python bench/validate_bench.py --against /path/to/other/checkout [--runs 5]

Two commands, each in a fresh interpreter whose ``hwkg`` is the checkout's, the checkouts
taking turns:

- ``hwkg validate``: the whole bundled graph, which conforms;
- ``hwkg validate tests/cases/context.ttl tests/cases/invalid``: the shape-case files that
  must fail, checked against the bundled graph (hundreds of problems).

Prints each command's median wall time per checkout, their ratio, and whether the two
printed the same problems, each distinct line counted once (a speed-up that changes the
answer is not one; since 2026-12-03 a problem is printed once, where pyshacl's path could
print the same line twice). Make the other
checkout with ``git worktree add /tmp/hwkg-before <commit>``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "tests" / "cases"
COMMANDS = {
    "whole graph": [],
    "invalid cases": [str(CASES / "context.ttl"), str(CASES / "invalid")],
}


def _run(checkout: Path, args: list[str]) -> tuple[float, list[str]]:
    """Seconds and the distinct problem lines, sorted, of ``hwkg validate ARGS`` run with
    ``checkout``'s code (the graph is this checkout's either way)."""
    env = dict(os.environ, PYTHONPATH=str(checkout / "api"), HWKG_HOME=str(REPO))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "hwkg", "validate", *args], env=env,
                          capture_output=True, text=True, cwd=REPO)
    took = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"hwkg validate failed ({checkout}): {done.stderr[-2000:]}")
    return took, sorted(set(done.stdout.splitlines()))


def main(argv: list[str] | None = None) -> int:
    cmd = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cmd.add_argument("--against", type=Path, required=True, help="the other checkout")
    cmd.add_argument("--runs", type=int, default=5)
    args = cmd.parse_args(argv)
    same_everywhere = True
    for label, command in COMMANDS.items():
        times: dict[str, list[float]] = {"this": [], "other": []}
        printed: dict[str, list[str]] = {}
        for _ in range(args.runs):
            for name, checkout in (("other", args.against.resolve()), ("this", REPO)):
                took, printed[name] = _run(checkout, command)
                times[name].append(round(took, 2))
        same = printed["this"] == printed["other"]
        same_everywhere &= same
        this, other = (statistics.median(times[name]) for name in ("this", "other"))
        print(f"{label}: this {this:.2f} s {times['this']}, other {other:.2f} s "
              f"{times['other']}; this ÷ other {this / other:.2f}×; same problems: {same} "
              f"({len(printed['this'])} lines)")
    return 0 if same_everywhere else 1


if __name__ == "__main__":
    raise SystemExit(main())
