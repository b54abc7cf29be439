"""Which MLPerf round a results tree is: read from the tree, or given with ``--round``.

The rule (:func:`detect`), in order:

1. A tree holding ``summary_results.json`` is an **inference** results table; a tree of
   ``<submitter>/systems/*.json`` and ``<submitter>/results/…`` is a **training** tree.
2. The round's version comes from every place the tree names one: the folder's own name
   or its parent's (``training_results_v4.0``, ``mlperf-training-v4.0``,
   ``inference_results_v5.1``), the repository its ``SOURCE.md`` names
   (``mlcommons/training_results_v4.0``), and, in an inference table, each row's
   ``version`` (``v5.1``). ``--round`` gives it when the tree names none.
3. Two different versions among those (a SOURCE.md of another round, rows of two rounds,
   ``--round`` against the folder name), or sub-folders that are themselves round trees,
   are a **mixed tree**: an error naming them. No version at all is an error asking for
   ``--round``. A version is digits, a dot and digits (``4.0``); anything else is an error.

Nothing here lists known rounds: a round nobody has seen imports like the others.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

_NAMED = re.compile(r"(training|inference)[_-]results[_-]v(\d+\.\d+)|mlperf-(training|inference)"
                    r"-v(\d+\.\d+)", re.IGNORECASE)
_VERSION = re.compile(r"^v?(\d+\.\d+)$")


class RoundError(ValueError):
    """The round cannot be told, or the tree mixes rounds: the message says which."""


@dataclass(frozen=True)
class Round:
    """One MLPerf round: its suite (``training``/``inference``) and version (``4.0``)."""

    suite: str
    version: str

    @property
    def slug(self) -> str:
        return f"mlperf-{self.suite}-v{self.version}"

    @property
    def label(self) -> str:
        return f"MLPerf {self.suite.title()} v{self.version}"

    @property
    def iri(self) -> str:
        return f"round:{self.slug}"

    @property
    def repository(self) -> str:
        return f"https://github.com/mlcommons/{self.suite}_results_v{self.version}"

    @property
    def ruleset(self) -> str:
        """The mlperf-logging ruleset name (``4.0.0``)."""
        return f"{self.version}.0"


def suite_of(root: Path) -> str:
    """``inference`` for a results table, ``training`` for a results tree; else RoundError."""
    if (root / "summary_results.json").is_file():
        return "inference"
    if any(root.glob("*/systems/*.json")):
        return "training"
    raise RoundError(f"{root}: neither an MLPerf inference results table (summary_results.json)"
                     " nor a training results tree (<submitter>/systems/*.json)")


def _named(text: str, suite: str) -> set[str]:
    found = set()
    for match in _NAMED.finditer(text):
        kind = (match.group(1) or match.group(3)).lower()
        if kind == suite:
            found.add(match.group(2) or match.group(4))
    return found


def _row_versions(root: Path) -> set[str]:
    try:
        rows = json.loads((root / "summary_results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RoundError(f"{root}/summary_results.json: not readable JSON ({exc})") from exc
    found = set()
    for row in rows if isinstance(rows, list) else []:
        match = _VERSION.match(str(row.get("version", ""))) if isinstance(row, dict) else None
        if match:
            found.add(match.group(1))
    return found


def _evidence(root: Path, suite: str) -> dict[str, set[str]]:
    """Where the tree names a version: place -> versions."""
    places = {f"folder name {root.name!r}": _named(root.name, suite),
              f"parent folder {root.parent.name!r}": _named(root.parent.name, suite)}
    source = root / "SOURCE.md"
    if source.is_file():
        places["SOURCE.md"] = _named(source.read_text(encoding="utf-8", errors="replace"), suite)
    if suite == "inference":
        places["summary_results.json rows"] = _row_versions(root)
    return {place: found for place, found in places.items() if found}


def _nested(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and _NAMED.search(p.name))


def detect(root: Path, given: str | None = None) -> Round:
    """The round of the tree at ``root`` (see the module docstring); raises RoundError."""
    nested = _nested(root)
    if nested:
        raise RoundError(f"{root}: a tree of several rounds ({', '.join(nested)}); import each "
                         "round's folder on its own")
    suite = suite_of(root)
    evidence = _evidence(root, suite)
    if given is not None:
        match = _VERSION.match(given.strip())
        if match is None:
            raise RoundError(f"--round {given!r} is not a round version such as 4.0 or v4.0")
        evidence["--round"] = {match.group(1)}
    versions = set().union(*evidence.values()) if evidence else set()
    if not versions:
        raise RoundError(f"{root}: the tree does not say which MLPerf {suite} round it is "
                         "(no version in its folder name, SOURCE.md or rows); pass --round")
    if len(versions) > 1:
        said = "; ".join(f"{place}: {', '.join(sorted(v))}" for place, v in evidence.items())
        raise RoundError(f"{root}: mixed rounds ({said}); one tree is one round")
    return Round(suite, versions.pop())
