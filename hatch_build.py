"""Wheel build hook: put the browser assets (GraphiQL, React, YASGUI, Chart.js) into the wheel.

The pages load them from ``/assets/…`` (never a CDN). In a checkout they come from
``node_modules/`` (``scripts/setup`` runs ``npm ci``); a wheel carries copies under
``hwkg/_assets/<name>/`` with each npm package's licence file beside them, taken from
``node_modules/`` when the wheel is built. Which folders go in is
``hwkg.web.assets.PACKAGES``, read from the source without importing hwkg. Building without
``node_modules/`` still works: the wheel then has no assets, the build says so, and a server
installed from it says how to add them (``hwkg.web.assets``).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ROOT = Path(__file__).resolve().parent


def packages() -> dict[str, str]:
    """``PACKAGES`` of api/hwkg/web/assets.py: URL name → folder inside node_modules."""
    tree = ast.parse((ROOT / "api" / "hwkg" / "web" / "assets.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "PACKAGES":
            return dict(ast.literal_eval(node.value))  # type: ignore[arg-type]
    raise RuntimeError("hwkg.web.assets.PACKAGES not found")


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Adds ``node_modules/<folder>`` as ``hwkg/_assets/<name>`` to wheels."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        modules = ROOT / "node_modules"
        missing = []
        for name, folder in packages().items():
            source = modules / folder
            if not source.is_dir():
                missing.append(folder)
                continue
            build_data["force_include"][str(source)] = f"hwkg/_assets/{name}"
            package = modules / folder.split("/")[0]
            if folder.startswith("@"):
                package = modules / "/".join(folder.split("/")[:2])
            for licence in sorted(package.glob("LICEN[CS]E*")):
                build_data["force_include"][str(licence)] = f"hwkg/_assets/{name}.{licence.name}"
        if missing:
            print(f"hwkg build: no node_modules/{', '.join(missing)}: the wheel has no browser "
                  "assets for them (run npm ci first)", file=sys.stderr)
