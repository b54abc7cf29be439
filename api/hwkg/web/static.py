"""The app's own browser files (scripts and styles of the HTML pages) at ``/static/…``.

They live in the package (``hwkg/static``), so a wheel carries them, and need no build step:
plain ES2017 scripts that the pages load with ``<script src>``. Third-party browser code
comes from npm through :mod:`hwkg.web.assets` instead.
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

FOLDER = Path(__file__).resolve().parent.parent / "static"


def routes() -> list[BaseRoute]:
    """``/static/{path}``: the files of ``hwkg/static``."""
    return [Mount("/static", app=StaticFiles(directory=FOLDER), name="static")]
