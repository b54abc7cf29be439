"""The comparison pages: ``/`` and ``/compare``, and ``/coverage.json`` behind the home page's
coverage section.

- ``/`` is a table of accelerators (CPUs on a toggle) with their core and derived figures,
  sortable, filterable and searchable (English and Chinese names, aliases), and two charts
  (price vs dense BF16, memory vs bandwidth; log scales, Pareto front marked). Its script
  (``/static/table.js``) reads every chip from ``/graphql``, a page of 100 at a time.
- ``/compare?chips=a,b`` puts two to four chips side by side — each figure with its unit and
  source, the statements that disagree with the preferred one, prices, derived figures —
  with the LLM workload planner as a form (``/static/compare.js``, ``/static/planner.js``).

The pages are rendered here as shells and filled by their scripts, which talk to GraphQL
over HTTP: this package never imports :mod:`hwkg.graphql`. The chips of ``/compare`` are
looked up in the read model only to title the page and to name the slugs that match nothing.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from hwkg.derived import coverage
from hwkg.readmodel import cached
from hwkg.readmodel import catalog as C
from hwkg.web import pages

MAX_CHIPS = 4
#: The article's question, the example the compare page offers when given no chips.
EXAMPLE = ("nvidia-h100-sxm5-80gb", "apple-m2-ultra")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,120}$")


def requested(raw: str | None) -> list[str]:
    """The slugs ``?chips=`` names (comma-separated), lower-cased, each once, in order."""
    slugs = [s.strip().lower() for s in (raw or "").split(",")]
    return list(dict.fromkeys(s for s in slugs if s))


#: Chips the home page names per coverage row; the rest are counted and left to
#: ``/coverage.json`` (at 100,000 chips, listing them all made the page 17 MB).
MISSING_SHOWN = 50


async def home(request: Request) -> Response:
    """``/``: the comparison table and charts, and how complete the graph is (the coverage of
    each core property, :mod:`hwkg.derived.coverage`, made once per graph version; the first
    :data:`MISSING_SHOWN` chips lacking each property are linked)."""
    snapshot = request.app.state.graph.current
    rows = coverage.cached_report(cached.for_snapshot(snapshot))
    return pages.render("home.html", graph_version=snapshot.version, example=",".join(EXAMPLE),
                        coverage=rows, missing_shown=MISSING_SHOWN)


async def coverage_json(request: Request) -> Response:
    """``/coverage.json``: the whole coverage report, every chip lacking each property
    named (what ``hwkg coverage --format json --missing`` prints), for the graph served."""
    snapshot = request.app.state.graph.current
    rows = coverage.cached_report(cached.for_snapshot(snapshot))
    return JSONResponse({"graphVersion": snapshot.version,
                         "rows": [row.as_json() for row in rows]})


async def compare(request: Request) -> Response:
    """``/compare?chips=…``: the chips side by side and the planner form. Slugs that name no
    chip, and any beyond the fourth, are listed as left out."""
    cat = cached.for_snapshot(request.app.state.graph.current)
    chips: list[C.Chip] = []
    unknown: list[str] = []
    for slug in requested(request.query_params.get("chips")):
        chip = cat.resolve(cat.chips, slug) if _SLUG.match(slug) else None
        if chip is None:
            unknown.append(slug)
        elif chip.slug not in (c.slug for c in chips):
            chips.append(chip)
    return pages.render(
        "compare.html", chips=[{"slug": c.slug, "name": c.name} for c in chips[:MAX_CHIPS]],
        unknown=unknown, dropped=[c.name for c in chips[MAX_CHIPS:]],
        example=",".join(EXAMPLE), max_chips=MAX_CHIPS)


def routes() -> list[BaseRoute]:
    return [Route("/", home, methods=["GET", "HEAD"], name="home"),
            Route("/compare", compare, methods=["GET", "HEAD"], name="compare"),
            Route("/coverage.json", coverage_json, methods=["GET", "HEAD"], name="coverage")]
