"""HTML pages: one Jinja2 environment over ``hwkg/templates`` (autoescaped)."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse

from hwkg import __version__


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("hwkg", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, status_code: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    """An HTML response rendered from ``template`` with ``context``."""
    html = environment().get_template(template).render(version=__version__, **context)
    return HTMLResponse(html, status_code=status_code, headers=headers)
