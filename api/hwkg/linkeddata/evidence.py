"""Evidence files: the raw inputs that the project's own measurements cite, served as published.

A source for a figure this project measured (``hwkg import measured``) cites
``<base IRI>evidence/<path>``, e.g.
``https://w3id.org/hwkg/evidence/measured/h100-probe-2026-11-27.json``.
The served home's ``graph/evidence/`` folder is published at ``/evidence/`` byte for byte,
with the media type its file name implies. Files only: no listings, nothing outside the folder
(Starlette's ``StaticFiles`` refuses paths that leave it).
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from hwkg.core import resources
from hwkg.core.settings import Settings

PREFIX = "evidence/"


class Files(StaticFiles):
    """``StaticFiles`` for a folder that may not exist: then every path is a 404, not a 500."""

    async def check_config(self) -> None:
        """Nothing to check: a missing folder serves nothing."""


def routes(settings: Settings) -> list[BaseRoute]:
    """``/evidence/{path}``: the files under ``<home>/graph/evidence/``."""
    folder = (settings.home or resources.home()) / "graph" / "evidence"
    return [Mount("/evidence", app=Files(directory=folder, check_dir=False), name="evidence")]
