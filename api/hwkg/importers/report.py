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

from hwkg.core import interrupts


@dataclass(frozen=True)
class Rejection:
    """An input item (a file, a row, a system) that was not imported, and why; ``kind``
    (``system``, ``result`` …) and ``group`` (an MLPerf round …) place it in the summary."""

    item: str
    reason: str
    kind: str = ""
    group: str = ""

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
    unmatched_by: dict[str, set[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    groups: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)
    written: bool = False

    def reject(self, item: str, reason: str, kind: str = "", group: str = "") -> None:
        self.rejected.append(Rejection(item, reason, kind, group))
        if group and kind:
            self._group(group)["rejected"][kind] += 1

    def unmatch(self, name: str, who: str) -> None:
        """Record a name no chip has, and the system (or row) that uses it."""
        if who not in self.unmatched_by.setdefault(name, set()):
            self.unmatched[name] += 1
            self.unmatched_by[name].add(who)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def _group(self, group: str) -> dict[str, Counter[str]]:
        return self.groups.setdefault(group, {o: Counter() for o in OUTCOMES})

    def count(self, outcome: str, kinds: Counter[str], group: str = "") -> None:
        getattr(self, outcome).update(kinds)
        if group:
            self._group(group)[outcome].update(kinds)

    def group_lines(self) -> list[str]:
        """Per group (round): systems, results and benchmarks added/changed/unchanged/rejected."""
        lines = []
        for group in sorted(self.groups):
            counts = self.groups[group]
            cells = [f"{kind}s " + ", ".join(f"{counts[o][kind]} {o}" for o in OUTCOMES)
                     for kind in ("system", "result", "benchmark")]
            lines.append(f"{group}: " + "; ".join(cells))
        return lines

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
        lines += self.group_lines()
        lines += [f"warning: {w}" for w in self.warnings]
        if self.unmatched:
            lines.append("unmatched names (no chip in the graph with this name or alias; "
                         "no stack or interconnect where marked):")
            for name, n in sorted(self.unmatched.items()):
                who = sorted(self.unmatched_by.get(name, ()))
                users = f" — {', '.join(who[:8])}" + (" …" if len(who) > 8 else "")
                lines.append(f"  {name!r} ×{n}" + (users if who else ""))
        lines += self.notes
        if not self.written:
            lines.append("nothing was written")
        return "\n".join(lines)


OUTCOMES = ("added", "changed", "unchanged", "rejected")


class Progress:
    """Counts steps of a long run on stderr: a live bar on a terminal, else a line every 10%."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label, self.total, self.done = label, total, 0
        self.stream = stream or sys.stderr
        self._tty = self.stream.isatty()
        self._next = max(1, total // 10)

    def step(self, what: str = "") -> None:
        """Count one step done; stops the run here if a Ctrl-C came during the step."""
        interrupts.checkpoint()
        self.done += 1
        if self._tty:
            filled = 30 * self.done // max(self.total, 1)
            bar = "#" * filled + "." * (30 - filled)
            self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {what[:40]:<40}")
            if self.done == self.total:
                self.stream.write("\n")
        elif self.done % self._next == 0 or self.done == self.total:
            self.stream.write(f"{self.label}: {self.done}/{self.total}\n")
        self.stream.flush()
