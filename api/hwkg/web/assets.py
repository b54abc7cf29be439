"""Browser assets (GraphiQL, React, YASGUI, Chart.js) served from npm packages on this machine.

Where they come from, first found wins: ``HWKG_ASSETS`` (a ``node_modules`` folder you name),
the copies a wheel carries (``hwkg/_assets/<name>``, put there at build time by
``hatch_build.py``), or ``node_modules/`` at a checkout's top level (``scripts/setup`` runs
``npm ci``). Pages load them from ``/assets/…``, never from a CDN, so the browser pages work
without internet. When some are missing, the server logs once which, and how to get them;
the pages say so in place of the editor.
"""

from __future__ import annotations

import logging
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
    "chartjs": "chart.js/dist",
}


log = logging.getLogger("hwkg.assets")
PACKAGED = Path(__file__).resolve().parent.parent / "_assets"
HOW = ("install the npm packages: in a checkout run scripts/setup (npm ci); with a wheel, "
       "run `npm install graphiql@3 react@18 react-dom@18 @zazuko/yasgui@4 chart.js@4` in a "
       "folder and set HWKG_ASSETS to its node_modules")


def folders() -> dict[str, Path]:
    """URL name → the folder serving it, for the assets found on this machine."""
    found: dict[str, Path] = {}
    root = node_modules()
    for name, folder in PACKAGES.items():
        packaged = PACKAGED / name
        if os.environ.get("HWKG_ASSETS") is None and packaged.is_dir():
            found[name] = packaged
        elif root is not None and (root / folder).is_dir():
            found[name] = root / folder
    return found


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
    """One static mount per package found; the missing ones are logged once, with how to
    install them."""
    found = folders()
    missing = sorted(set(PACKAGES) - set(found))
    if missing:
        log.warning("browser assets missing: %s; the GraphQL and SPARQL pages cannot load "
                    "their editors. To fix: %s", ", ".join(missing), HOW)
    return [Mount(f"/assets/{name}", app=StaticFiles(directory=directory), name=f"assets-{name}")
            for name, directory in sorted(found.items())]
