"""Fuzzing the Turtle input of ``hwkg validate``: a clean report or a clean error, never a crash.

Inputs are the data-driven cases (tests/cases) mutated byte by byte, and Turtle-like text
made from its tokens. Each goes through what ``hwkg validate`` does with a file: read the
bytes (:func:`hwkg.turtle.parsing.parse_file`), and when it parses, skolemise and validate it with
the real ontology and shapes next to tests/cases/context.ttl. The contract: a list of
:class:`~hwkg.core.problems.Problem` comes back (syntax problems name their file and line), and
no exception escapes. A few inputs also go through the ``hwkg validate`` command itself.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import FUZZ, TOKENS, count, mutated, report, validated
from hwkg.core.problems import Problem

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
SEEDS = [p.read_bytes() for p in sorted(CASES.rglob("*.ttl"))]
WORK = Path(tempfile.mkdtemp(prefix="hwkg-fuzz-turtle-"))


@pytest.fixture(scope="module", autouse=True)
def cases_tried(request: pytest.FixtureRequest) -> Iterator[None]:
    try:
        yield
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    report(request)


def check_bytes(raw: bytes) -> list[Problem]:
    """What ``hwkg validate FILE`` reports for a file holding ``raw`` (without the bundle)."""
    return validated(raw, WORK / "input.ttl", fmt="turtle")


def assert_clean(problems: list[Problem]) -> None:
    for problem in problems:
        assert isinstance(problem, Problem) and problem.message
        text = str(problem)
        assert "Traceback" not in text and text.strip()
        if problem.is_syntax:
            assert problem.file.endswith("input.ttl")


def test_seeds_exist() -> None:
    assert len(SEEDS) >= 20, "the fuzz seeds are the files under tests/cases"


@FUZZ
@given(mutated(SEEDS))
def test_mutated_cases_give_a_report_not_a_crash(raw: bytes) -> None:
    count(f"{__name__}::test_mutated_cases_give_a_report_not_a_crash")
    assert_clean(check_bytes(raw))


TURTLE_WORDS = st.sampled_from([t.decode("utf-8", "replace") for t in TOKENS] + [
    "chip:x", "hw:value", "hw:unit", "unit:W", "rdfs:label", " ", "\n", "<https://w3id.org/hwkg/>",
    "@prefix chip: <https://w3id.org/hwkg/id/chip/> .",
    "@prefix hw: <https://w3id.org/hwkg/ontology#> .",
    '"x"@en', "12", "0x1F", '"2024-13-45"^^xsd:date', "xsd:", "[ a hw:Statement ]",
])


@FUZZ
@given(st.lists(TURTLE_WORDS, max_size=60).map("".join))
def test_generated_turtle_gives_a_report_not_a_crash(text: str) -> None:
    count(f"{__name__}::test_generated_turtle_gives_a_report_not_a_crash")
    assert_clean(check_bytes(text.encode("utf-8", "surrogatepass")))


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_give_a_report_not_a_crash(raw: bytes) -> None:
    count(f"{__name__}::test_random_bytes_give_a_report_not_a_crash")
    assert_clean(check_bytes(raw))


def test_the_command_reports_known_parser_crashes_as_syntax_errors(tmp_path: Path) -> None:
    """rdflib 7.6.0 raises IndexError on a lone "@" (RDFLib/rdflib#3404), among others."""
    inputs = {"lone-at.ttl": b"@", "at-prefix.ttl": b"@prefix", "nul.ttl": b"\x00",
              "bad-utf8.ttl": b"<a> <b> \"\xff\" .", "open.ttl": b"<a> <b> [",
              "huge-number.ttl": b"<http://x/a> <http://x/b> " + b"9" * 5000 + b" ."}
    for name, raw in inputs.items():
        (tmp_path / name).write_bytes(raw)
        done = subprocess.run([sys.executable, "-m", "hwkg", "validate", str(tmp_path / name)],
                              capture_output=True, text=True, timeout=300, cwd=ROOT)
        output = done.stdout + done.stderr
        assert done.returncode in (0, 1), (name, output)
        assert "Traceback" not in output, (name, output)
        if done.returncode == 1:
            assert f"{name}:" in output, (name, output)
