"""Every ``hwkg`` subcommand and flag the README shows exists (a user copies them)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from hwkg.cli.main import parser

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
#: Code in the README: fenced blocks, then inline code spans.
CODE = re.compile(r"```[^\n]*\n(.*?)```|`([^`\n]+)`", re.S)
MENTION = re.compile(r"(?<![\w/.-])hwkg (import [a-z]+|[a-z]+)\b([^\n|]*)")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    top = parser()
    action = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _flags(cmd: argparse.ArgumentParser) -> set[str]:
    found: set[str] = set()
    for action in cmd._actions:
        found.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _flags(sub)
    return found


def test_every_command_and_flag_in_the_readme_exists() -> None:
    commands = _subcommands()
    seen = 0
    wrong = []
    code = "\n".join(block or span for block, span in CODE.findall(README))
    for match in MENTION.finditer(code):
        name = match.group(1).split()[0]
        if name not in commands:
            wrong.append(f"hwkg {name}: no such subcommand")
            continue
        seen += 1
        known = _flags(commands[name])
        for flag in re.findall(r"(?<![\w-])--[a-z][a-z-]*", match.group(2)):
            if flag not in known:
                wrong.append(f"hwkg {name} {flag}: no such flag")
    assert seen >= 10, "the README shows fewer hwkg commands than expected"
    assert not wrong, "\n".join(sorted(set(wrong)))
