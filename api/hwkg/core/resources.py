"""Where the bundled ontology, shapes and graph live, in a checkout or an installed wheel.

A checkout keeps them at the repository's top level (``ontology/``, ``shapes/``, ``graph/``);
a wheel carries copies under ``hwkg/_bundled/``. ``HWKG_HOME`` overrides both.
"""

from __future__ import annotations

import os
from pathlib import Path

PARTS = ("ontology", "shapes", "graph")


def _has_parts(root: Path) -> bool:
    return all((root / part).is_dir() for part in PARTS)


def home() -> Path:
    """Return the folder holding ``ontology/``, ``shapes/`` and ``graph/``.

    Raises FileNotFoundError when none of the candidate folders has all three.
    """
    candidates = []
    if env := os.environ.get("HWKG_HOME"):
        candidates.append(Path(env))
    package = Path(__file__).resolve().parents[1]  # hwkg/
    candidates += [package / "_bundled", package.parents[1]]
    for root in candidates:
        if _has_parts(root):
            return root
    raise FileNotFoundError(f"no ontology/, shapes/ and graph/ under any of {candidates}")


def turtle_files(folder: Path) -> list[Path]:
    """Every ``*.ttl`` file under ``folder``, sorted so loads are reproducible."""
    return sorted(p for p in folder.rglob("*.ttl") if p.is_file())


def ontology_dir() -> Path:
    return home() / "ontology"


def shapes_dir() -> Path:
    return home() / "shapes"


def graph_dir() -> Path:
    return home() / "graph"
