"""What the importer tests share: the command line as a subprocess, a folder's bytes, and a
folder's Turtle as one graph (to compare what an import wrote)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]


def hwkg(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m hwkg ARGS`` from the repository root (10 minutes at most)."""
    return subprocess.run([sys.executable, "-m", "hwkg", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=600, check=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``: relative path → bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def load(folder: Path) -> Graph:
    """Every Turtle file under ``folder`` in one graph."""
    graph = Graph()
    for path in sorted(folder.rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph
