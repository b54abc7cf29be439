"""The long fuzz run: the test suite's fuzzers with 10,000 cases each (CI runs 150).

    .venv/bin/python bench/fuzz.py                    # 10,000 cases per fuzz test, every fuzzer
    .venv/bin/python bench/fuzz.py --examples 20000   # more
    .venv/bin/python bench/fuzz.py --only sparql --only graphql   # some of: turtle, jsonld,
                                                                  # http, sparql, graphql

It runs ``pytest tests/*/test_fuzz_*.py`` with ``HWKG_FUZZ_PROFILE=long`` and
``HWKG_FUZZ_EXAMPLES``, prints each test's ``fuzz: <test>: <n> cases tried`` line and the
total, and exits with pytest's status (non-zero when any input crashed or got a 5xx).
Every case runs on this machine; the HTTP, SPARQL and GraphQL fuzzers talk to a server on
127.0.0.1 only. Fixed-list tests (hostile SPARQL, updates, oversized and slow bodies) run their
list once whatever ``--examples`` says; their case counts are printed too.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUZZERS = {"turtle": "tests/turtle/test_fuzz_turtle.py",
           "jsonld": "tests/turtle/test_fuzz_jsonld.py",
           "http": "tests/web/test_fuzz_http.py",
           "sparql": "tests/sparql/test_fuzz_sparql.py",
           "graphql": "tests/graphql/test_fuzz_graphql.py"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--only", choices=sorted(FUZZERS), action="append")
    args = parser.parse_args(argv)
    files = [FUZZERS[name] for name in (args.only or sorted(FUZZERS))]
    env = {**os.environ, "HWKG_FUZZ_PROFILE": "long", "HWKG_FUZZ_EXAMPLES": str(args.examples)}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:logging",
                           "-p", "no:cacheprovider", *files], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    lines = done.stdout.splitlines() + done.stderr.splitlines()
    counts = [line for line in lines if line.startswith("fuzz: ")]
    for line in counts:
        print(line)
    total = sum(int(m.group(1)) for line in counts if (m := re.search(r": (\d+) cases", line)))
    summary = next((line for line in reversed(lines) if " passed" in line or " failed" in line),
                   "")
    print(f"total: {total} cases in {time.monotonic() - started:.0f} s; pytest: {summary}")
    if done.returncode != 0:
        print("\n".join(line for line in lines if line.startswith(("E ", "FAILED")))[:20000])
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
