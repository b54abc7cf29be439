"""Browser assets (GraphiQL, React, YASGUI) served from npm packages on this machine.

``scripts/setup`` installs them into ``node_modules/`` at the checkout's top level (or
``HWKG_ASSETS`` names another ``node_modules``). Pages load them from ``/assets/…``, never
from a CDN, so the browser pages work without internet.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from hwkg.core import resources

#: URL path under /assets -> folder inside node_modules.
PACKAGES: dict[str, str] = {
    "graphiql": "graphiql",
    "react": "react/umd",
    "react-dom": "react-dom/umd",
    "yasgui": "@zazuko/yasgui/build",
}


def node_modules() -> Path | None:
    """The node_modules folder holding the assets, or None when setup has not run."""
    if env := os.environ.get("HWKG_ASSETS"):
        return Path(env)
    try:
        candidate = resources.home() / "node_modules"
    except FileNotFoundError:
        return None
    return candidate if candidate.is_dir() else None


def routes() -> list[BaseRoute]:
    """One static mount per package that is installed; missing packages are skipped."""
    root = node_modules()
    if root is None:
        return []
    mounts: list[BaseRoute] = []
    for name, folder in PACKAGES.items():
        directory = root / folder
        if directory.is_dir():
            mounts.append(Mount(f"/assets/{name}", app=StaticFiles(directory=directory),
                                name=f"assets-{name}"))
    return mounts
