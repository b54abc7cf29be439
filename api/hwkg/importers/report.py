"""What an import did: progress while it runs, and the summary it ends with.

The summary counts entities (systems, results, sources …) in four outcomes: added (new
files), changed (rewritten files), unchanged (files already as generated), and rejected
(input items that did not become data, each with the reason). Conflicting items are
imported but carry conflicting claims; unmatched names are listed with how often they
occurred, so a missing chip is visible rather than guessed.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO


@dataclass(frozen=True)
class Rejection:
    """An input item (a file, a row, a system) that was not imported, and why."""

    item: str
    reason: str

    def __str__(self) -> str:
        return f"{self.item}: {self.reason}"


@dataclass
class Report:
    """Outcome counts by entity kind, plus rejections, conflicts and unmatched names."""

    added: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    rejected: list[Rejection] = field(default_factory=list)
    conflicting: list[str] = field(default_factory=list)
    unmatched: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    written: bool = False

    def reject(self, item: str, reason: str) -> None:
        self.rejected.append(Rejection(item, reason))

    def count(self, outcome: str, kinds: Counter[str]) -> None:
        getattr(self, outcome).update(kinds)

    def summary(self) -> str:
        """Human-readable lines: one per outcome, then each rejection and unmatched name."""

        def shown(counter: Counter[str]) -> str:
            return ", ".join(f"{n} {k}" for k, n in sorted(counter.items())) or "nothing"

        lines = [
            f"added: {shown(self.added)}",
            f"changed: {shown(self.changed)}",
            f"unchanged: {shown(self.unchanged)}",
            f"conflicting: {len(self.conflicting)}"
            + (f" ({', '.join(self.conflicting)})" if self.conflicting else ""),
            f"rejected: {len(self.rejected)}",
        ]
        lines += [f"  rejected {r}" for r in self.rejected]
        if self.unmatched:
            lines.append("unmatched names (no chip, stack or interconnect in the graph):")
            lines += [f"  {name!r} ×{n}" for name, n in sorted(self.unmatched.items())]
        lines += self.notes
        if not self.written:
            lines.append("nothing was written")
        return "\n".join(lines)


class Progress:
    """Counts steps of a long run on stderr: a live counter on a terminal, else every 10%."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label, self.total, self.done = label, total, 0
        self.stream = stream or sys.stderr
        self._tty = self.stream.isatty()
        self._next = max(1, total // 10)

    def step(self, what: str = "") -> None:
        self.done += 1
        if self._tty:
            self.stream.write(f"\r{self.label}: {self.done}/{self.total} {what[:60]:<60}")
            if self.done == self.total:
                self.stream.write("\n")
        elif self.done % self._next == 0 or self.done == self.total:
            self.stream.write(f"{self.label}: {self.done}/{self.total}\n")
        self.stream.flush()
