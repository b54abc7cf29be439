"""Problems found in Turtle files and graphs, and how they print.

Syntax errors print as ``file:line: message``; shape violations as
``file: focus-node property: message (shape)``, the forms `hwkg validate` promises.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and why."""

    file: str
    message: str
    line: int | None = None
    focus: str | None = None
    path: str | None = None
    shape: str | None = None
    severity: str = "Violation"

    @property
    def is_syntax(self) -> bool:
        return self.shape is None

    def __str__(self) -> str:
        if self.is_syntax:
            where = f"{self.file}:{self.line}" if self.line is not None else self.file
            return f"{where}: {self.message}"
        subject = " ".join(part for part in (self.focus, self.path) if part)
        severity = "" if self.severity == "Violation" else f"[{self.severity}] "
        return f"{self.file}: {subject}: {severity}{self.message} ({self.shape})"


def in_order(problems: list[Problem]) -> list[Problem]:
    """``problems`` as they are reported: violations first, then by file, focus and message."""
    return sorted(problems, key=lambda p: (p.severity != "Violation", p.file, p.focus or "",
                                           p.message))


class InvalidGraph(Exception):
    """Raised when input fails to parse or conform; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
