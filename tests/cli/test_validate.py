"""``hwkg validate`` as a user runs it: messages, their format, and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).parents[1] / "cases"
SYNTAX = sorted((CASES / "syntax").glob("*.ttl"))
EXPECTED_LINES: dict[str, int] = json.loads((CASES / "syntax" / "expected-lines.json").read_text())
SYNTAX_FRAGMENTS = {
    "lone-at": "malformed or truncated input",
    "unknown-prefix": 'Prefix "nope:" not bound',
    "unterminated-string": "string literal",
    "missing-dot": "expected '.'",
    "not-utf8": "not UTF-8",
    "byte-order-mark": "byte-order mark (U+FEFF)",
}
VIOLATION_LINE = re.compile(
    r"^(?P<file>[^:]+\.ttl): (?P<focus>\S+)(?: (?P<path>\S+))?: (?P<msg>.+) "
    r"\((?P<shape>hwsh:[\w-]+)\)$")


def hwkg(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HWKG_HOME": str(home)} if home is not None else None
    return subprocess.run(
        [sys.executable, "-m", "hwkg", *args], capture_output=True, text=True, timeout=300,
        check=False, env=env
    )


def test_bundled_graph_conforms() -> None:
    done = hwkg("validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""
    assert "conform" in done.stderr


def test_syntax_cases_found() -> None:
    assert {p.stem for p in SYNTAX} == set(EXPECTED_LINES) == set(SYNTAX_FRAGMENTS)


@pytest.mark.parametrize("case", SYNTAX, ids=lambda p: p.stem)
def test_syntax_error_names_file_and_line(case: Path) -> None:
    done = hwkg("validate", str(case))
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1, done.stdout
    assert lines[0].startswith(f"{case}:{EXPECTED_LINES[case.stem]}: ")
    assert SYNTAX_FRAGMENTS[case.stem] in lines[0]


@pytest.mark.parametrize(
    ("case", "shape", "fragment"),
    [
        ("missing-source", "hwsh:Statement-source", "prov:wasDerivedFrom"),
        ("two-preferred", "hwsh:QA-onePreferred", "two preferred hw:memoryCapacity"),
        ("wrong-datatype", "hwsh:Statement-value", "xsd:integer or xsd:decimal"),
        ("memory-50000", "hwsh:Chip-memoryCapacity", "plausible range"),
    ],
)
def test_violation_names_file_focus_and_shape(case: str, shape: str, fragment: str,
                                             fixture_home: Path) -> None:
    """The report's format, on the small fixture graph (the real ontology and shapes): the
    bundled graph as context is tried by the test below and by the bundled graph's own."""
    path = CASES / "invalid" / f"{case}.ttl"
    done = hwkg("validate", str(CASES / "context.ttl"), str(path), home=fixture_home)
    assert done.returncode == 1, done.stdout + done.stderr
    parsed = [VIOLATION_LINE.match(line) for line in done.stdout.splitlines()]
    assert parsed and all(parsed), done.stdout
    hits = [m for m in parsed if m and m["shape"] == shape]
    assert hits, done.stdout
    assert hits[0]["file"] == str(path)
    assert hits[0]["focus"].startswith("chip:test-gpu")
    assert fragment in hits[0]["msg"]


def test_valid_case_passes_against_bundled_graph() -> None:
    done = hwkg("validate", str(CASES / "context.ttl"), str(CASES / "valid" / "chip-complete.ttl"))
    assert done.returncode == 0, done.stdout + done.stderr


def test_missing_path_is_a_usage_error() -> None:
    done = hwkg("validate", "no/such/file.ttl")
    assert done.returncode == 2
    assert "no such file" in done.stderr


def test_unknown_option_is_a_usage_error() -> None:
    assert hwkg("validate", "--frobnicate").returncode == 2


def test_every_invalid_case_is_reported_and_each_line_once() -> None:
    """All invalid shape cases at once (they share a test chip, whose triples merge, so some
    cases mend others): many rules are reported, no line is printed twice (two values
    breaking one rule of one node read the same), and the count says so."""
    done = hwkg("validate", str(CASES / "context.ttl"), str(CASES / "invalid"))
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(set(lines))
    shapes = {VIOLATION_LINE.match(line).group("shape") for line in lines}  # type: ignore[union-attr]
    assert len(shapes) >= 40, sorted(shapes)
    assert f"hwkg validate: {len(lines)} problem(s)" in done.stderr


@pytest.mark.parametrize("prop,bad", [("unifiedMemory", '"maybe"^^xsd:boolean'),
                                      ("unifiedMemory", '"yes"^^xsd:boolean')])
def test_an_invalid_boolean_is_reported_not_read_as_false(tmp_path: Path, prop: str,
                                                          bad: str) -> None:
    """rdflib writes an invalid boolean as "false"; the loader's normal literal forms once
    took that form, so "maybe" loaded as false and passed. (Not a shape case: the cases are
    read through rdflib, which makes the same change.)"""
    case = tmp_path / "soc.ttl"
    case.write_text(PREFIXES + f"""
chip:test-soc a hw:SoC ; rdfs:label "Test SoC"@en , "测试 SoC"@zh ;
    hw:vendor vendor:test-vendor ; prov:wasDerivedFrom src:test-source ;
    hw:{prop} {bad} .
""", encoding="utf-8")
    done = hwkg("validate", str(CASES / "context.ttl"), str(case))
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"hw:{prop}: Chip-{prop}:" in done.stdout, done.stdout


PREFIXES = """@prefix hw: <https://w3id.org/hwkg/ontology#> .
@prefix chip: <https://w3id.org/hwkg/id/chip/> .
@prefix vendor: <https://w3id.org/hwkg/id/vendor/> .
@prefix src: <https://w3id.org/hwkg/id/source/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
