"""Placeholder: routes are added by the issue that builds this part."""

from __future__ import annotations

from starlette.routing import BaseRoute

from .settings import Settings


def routes(settings: Settings) -> list[BaseRoute]:
    """No routes yet."""
    return []
