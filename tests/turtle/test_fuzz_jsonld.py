"""Fuzzing JSON-LD input: a clean report or a clean error, never a crash, never the network.

Seeds are the data-driven Turtle cases (tests/cases) written as JSON-LD by rdflib; inputs are
their bytes mutated, and random JSON values. Each is read as JSON-LD by
:func:`hwkg.turtle.parsing.parse_file` (the parser every input goes through) and, when it parses,
validated with the real ontology and shapes. While these tests run, an audit hook refuses
any connection to a non-loopback address (a remote ``@context`` must not be fetched):
the refusal surfaces as the input's error, and the attempts are counted in the output.
"""

from __future__ import annotations

import ipaddress
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import CASES, FUZZ, count, mutated, report, validated
from hwkg.core.problems import Problem
from hwkg.turtle.parsing import read

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = ROOT / "tests" / "cases"
WORK = Path(tempfile.mkdtemp(prefix="hwkg-fuzz-jsonld-"))
GUARD = {"on": False}


def _seeds() -> list[bytes]:
    seeds = []
    for path in sorted((CASES_DIR / "valid").glob("*.ttl")) + [CASES_DIR / "context.ttl"]:
        graph, _, problems = read([path])
        assert not problems, problems
        seeds.append(graph.serialize(format="json-ld", indent=1).encode("utf-8"))
    return seeds


SEEDS = _seeds()


def _no_outbound(event: str, args: tuple[Any, ...]) -> None:
    if not GUARD["on"] or event not in ("socket.connect", "socket.getaddrinfo"):
        return
    host = args[1][0] if event == "socket.connect" and isinstance(args[1], tuple) else args[0]
    try:
        loopback = ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        loopback = str(host) in ("localhost", "")
    if not loopback:
        CASES["test_fuzz_jsonld::outbound connection attempts refused"] += 1
        raise PermissionError(f"outbound connection to {host!r} refused by the fuzz test")


sys.addaudithook(_no_outbound)


@pytest.fixture(scope="module", autouse=True)
def cases_tried(request: pytest.FixtureRequest) -> Iterator[None]:
    GUARD["on"] = True
    try:
        yield
    finally:
        GUARD["on"] = False
        shutil.rmtree(WORK, ignore_errors=True)
    report(request)


def check_bytes(raw: bytes) -> list[Problem]:
    """Parse ``raw`` as a JSON-LD file and validate it next to the shared context."""
    return validated(raw, WORK / "input.jsonld", fmt="json-ld")


def assert_clean(problems: list[Problem]) -> None:
    for problem in problems:
        assert isinstance(problem, Problem) and problem.message
        assert "Traceback" not in str(problem)


def test_the_seeds_parse_and_conform() -> None:
    assert len(SEEDS) >= 5
    for raw in SEEDS:
        assert [p for p in check_bytes(raw) if p.severity == "Violation"] == []


@FUZZ
@given(mutated(SEEDS))
def test_mutated_jsonld_gives_a_report_not_a_crash(raw: bytes) -> None:
    count(f"{__name__}::test_mutated_jsonld_gives_a_report_not_a_crash")
    assert_clean(check_bytes(raw))


KEYS = st.sampled_from(["@context", "@id", "@type", "@value", "@language", "@list", "@graph",
                        "@reverse", "@vocab", "@base", "hw:value", "rdfs:label", "x"])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(["https://w3id.org/hwkg/id/chip/x", "_:b", "@id", "en", "http://[::1]/"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=30,
)


@FUZZ
@given(JSON)
def test_random_json_gives_a_report_not_a_crash(value: object) -> None:
    count(f"{__name__}::test_random_json_gives_a_report_not_a_crash")
    assert_clean(check_bytes(json.dumps(value).encode("utf-8")))
