"""Every ``hwkg`` command that meets a graph that does not conform reports it problem by
problem (``hwkg.cli.main``), whichever command it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_GRAPH, ROOT


@pytest.mark.parametrize("command", [["query", "ASK {}"], ["coverage"],
                                     ["export", "--format", "nt"]])
def test_an_invalid_graph_is_reported_problem_by_problem(
        tmp_path: Path, command: list[str]) -> None:
    """Any command that meets a graph that does not conform names the file and the rule on
    stderr and exits 1: no traceback, nothing on stdout."""
    home = tmp_path / "home"
    home.mkdir()
    for name in ("ontology", "shapes"):
        (home / name).symlink_to(ROOT / name)
    shutil.copytree(FIXTURE_GRAPH, home / "graph")
    bad = sorted((home / "graph").rglob("*.ttl"))[0]
    bad.write_text(bad.read_text() + "\n<https://w3id.org/hwkg/id/chip/broken> a "
                   "<https://w3id.org/hwkg/ontology#GPU> .\n")
    done = subprocess.run([sys.executable, "-m", "hwkg", *command, "--home", str(home)],
                          cwd=ROOT, capture_output=True, check=False, timeout=300,
                          env={**os.environ, "HWKG_CACHE_DIR": str(tmp_path / "cache")})
    errors = done.stderr.decode()
    assert done.returncode == 1, errors
    assert "Traceback" not in errors and not done.stdout
    assert f"{bad}:" in errors and "chip:broken" in errors, errors
    assert f"hwkg {command[0]}: the graph has" in errors
