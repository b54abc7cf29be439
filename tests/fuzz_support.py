"""Shared pieces of the fuzz tests: hypothesis profiles, byte mutations, case counters, and
what validating one mutated file reports.

Profiles: ``ci`` (the default; ``HWKG_FUZZ_EXAMPLES`` examples per test, 150 unless set) and
``long`` (10,000, what ``bench/fuzz.py`` runs). Every fuzz test counts the inputs it really
tried and prints ``fuzz: <test>: <n> cases`` in the test output (see :func:`report`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("HWKG_FUZZ_EXAMPLES", "150"))
settings.register_profile("ci", max_examples=EXAMPLES, deadline=None, derandomize=False,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                 HealthCheck.data_too_large])
settings.register_profile("long", parent=settings.get_profile("ci"),
                          max_examples=int(os.environ.get("HWKG_FUZZ_EXAMPLES", "10000")))
PROFILE = os.environ.get("HWKG_FUZZ_PROFILE", "ci")
FUZZ = settings(settings.get_profile(PROFILE), database=None)
CASES: Counter[str] = Counter()

#: Tokens that tend to break parsers: Turtle and JSON-LD syntax, escapes, odd Unicode.
TOKENS: list[bytes] = [
    b"@", b"@prefix", b"@base", b"@en", b"^^", b"<", b">", b"<>", b'"', b'"""', b"'", b"\\",
    b"\\u", b"\\U0010FFFF", b"_:", b"_:b0", b"[", b"]", b"(", b")", b";", b",", b".", b":",
    b"a", b"true", b"1e999", b"-0.0", b"1.", b"#", b"\n", b"\r", b"\t", b"\x00", b"\xff",
    b"\xc3\x28", b"\xed\xa0\x80", "\U0001F600".encode(), "\u202e".encode(), b"{", b"}",
    b'"@context"', b'"@id"', b'"@type"', b'"@value"', b'"@list"', b'"@graph"', b'"@reverse"',
    b"null", b"[]", b"{}", b"9" * 400, b"http://", b"file:///etc/passwd", b"<http://x/ y>",
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed with 1–6 mutations: deletions, token insertions, duplications, truncation."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "flip", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "duplicate":
            data[at:at] = data[at:at + draw(st.integers(1, 200))]
        elif op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        else:
            del data[at:]
    return bytes(data)


def report(request: pytest.FixtureRequest) -> None:
    """Print how many cases each test of the requesting module tried (output captured or not).

    Call it after the ``yield`` of a module-scoped autouse fixture in each fuzz module.
    """
    module = request.module.__name__
    lines = [f"fuzz: {name}: {tried} cases tried" for name, tried in sorted(CASES.items())
             if name.startswith(module + "::")]
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        for line in lines:
            print("\n" + line, file=sys.stderr, flush=True)


def count(test: str) -> None:
    CASES[test] += 1


__all__ = ["CASES", "FUZZ", "TOKENS", "count", "mutated", "report"]


ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def _validation_inputs() -> tuple[Any, Any, Any]:
    """The ontology, the shapes and tests/cases/context.ttl (the entities a case refers to)."""
    from hwkg.core import resources
    from hwkg.turtle.parsing import read

    ontology, _, _ = read(resources.turtle_files(ROOT / "ontology"))
    shapes, _, _ = read(resources.turtle_files(ROOT / "shapes"))
    context, _, _ = read([ROOT / "tests" / "cases" / "context.ttl"])
    return ontology, shapes, context


def validated(raw: bytes, path: Path, fmt: str = "turtle") -> list[Any]:
    """What ``hwkg validate FILE`` reports (problems) for ``raw`` written to ``path`` and read
    as ``fmt``, next to the shared context (without the bundle)."""
    from rdflib import Graph

    from hwkg.turtle.parsing import parse_file
    from hwkg.turtle.skolem import skolemize
    from hwkg.validation.shacl import validate

    ontology, shapes, context = _validation_inputs()
    path.write_bytes(raw)
    parsed = parse_file(path, fmt=fmt)
    if parsed.problem is not None:
        return [parsed.problem]
    assert parsed.graph is not None
    graph = Graph()
    graph += context
    graph += parsed.graph
    files = {subject: str(path) for subject in parsed.subjects}
    return validate(skolemize(graph), shapes, ontology, files)  # type: ignore[no-any-return]
