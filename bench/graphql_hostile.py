"""Large distinct GraphQL documents, each refused by the limits: what they cost the endpoint.

    .venv/bin/python bench/graphql_hostile.py              # 1,024 documents (about a minute)
    .venv/bin/python bench/graphql_hostile.py --documents 100
    .venv/bin/python bench/graphql_hostile.py --kind merges --documents 100
    .venv/bin/python bench/graphql_hostile.py --kind fanout --documents 100

Each document is distinct (a trailing comment) and goes through
``hwkg.graphql.endpoint.prepare`` in process. ``--kind aliases`` (default): about 13 KB with
1,200 aliases (the limit is 50). ``--kind merges``: 300 one-field fragments spread in one
place, within the token and alias limits but over the field merge limit (44,850 pairs of
fragments against 2,000). ``--kind fanout``: 18 levels of fragments that each spread the
next one twice (557 tokens standing for 2^18 paths), over the expanded-field limit.
Printed: the process's resident memory before and after (what the endpoint's caches kept),
and the median CPU time per refused document against the median CPU time of graphql-core's
parser alone on the same texts (the floor: a document must be parsed before its limits can
be counted); for ``merges`` also graphql-core's validation of the same documents (what each
cost before the limit refused it first).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

from graphql import parse, validate

from hwkg.graphql import endpoint
from hwkg.graphql.query_limits import LIMITS
from hwkg.graphql.schema import graphql_schema

FIELDS = " ".join(f"a{i}: name" for i in range(1200))
SCALARS = ("name", "slug", "launchDate", "launchDatePrecision")
FRAGMENTS = (" ".join(f"...F{i}" for i in range(300)) + " } } } "
             + " ".join(f"fragment F{i} on Chip {{ {SCALARS[i % 4]} }}" for i in range(300)))
FANOUT = (" ".join(f"fragment F{i} on Chip {{ vendor {{ chips {{ nodes {{ ...F{i + 1} }} }} }} "
                   f"maker: vendor {{ chips {{ nodes {{ ...F{i + 1} }} }} }} }}" for i in range(18))
          + " fragment F18 on Chip { name }")
KIND = "aliases"


def text(k: int) -> str:
    if KIND == "merges":
        return f"{{ chips(first: 1) {{ nodes {{ {FRAGMENTS} # {k}"
    if KIND == "fanout":
        return f"{{ chips {{ nodes {{ ...F0 }} }} }} {FANOUT} # {k}"
    return f"{{ chips(first: 1) {{ nodes {{ {FIELDS} }} }} }} # {k}"


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1024)
    parser.add_argument("--kind", choices=("aliases", "merges", "fanout"), default="aliases")
    args = parser.parse_args()
    global KIND
    KIND = args.kind
    endpoint.prepare(endpoint.Params("{ chips { totalCount } }", None, None), "POST", LIMITS)
    gc.collect()
    before = rss_mb()
    refused, parsing = [], []
    for k in range(args.documents):
        started = time.process_time()
        try:
            endpoint.prepare(endpoint.Params(text(k), None, None), "POST", LIMITS)
        except endpoint.RequestError as exc:
            assert exc.status == 400, exc.errors
        else:
            raise AssertionError(f"a document over the {KIND} limit was accepted")
        refused.append(time.process_time() - started)
    gc.collect()
    after = rss_mb()
    for k in range(min(args.documents, 200)):
        started = time.process_time()
        parse(text(-k - 1), max_tokens=LIMITS.max_tokens)
        parsing.append(time.process_time() - started)
    cost, floor = statistics.median(refused) * 1000, statistics.median(parsing) * 1000
    print(f"{args.documents} distinct refused documents of {len(text(0)):,} characters")
    print(f"resident memory: {before:.0f} MB before, {after:.0f} MB after "
          f"(+{after - before:.0f} MB kept)")
    print(f"CPU per refused document, median: {cost:.1f} ms; graphql-core's parse alone "
          f"{floor:.1f} ms; ratio {cost / floor:.2f}")
    if KIND == "merges":
        checks = []
        for k in range(min(args.documents, 20)):
            document = parse(text(-k - 1000), max_tokens=LIMITS.max_tokens)
            started = time.process_time()
            validate(graphql_schema(), document)
            checks.append(time.process_time() - started)
        before_limit = statistics.median(checks) * 1000
        print(f"graphql-core's validation of such a document, median: {before_limit:.1f} ms "
              f"(what it cost before the field merge limit); refused now in "
              f"{cost / before_limit:.2f} of that")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
