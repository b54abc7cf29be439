"""The GraphiQL page: loads React, ReactDOM and GraphiQL from ``/assets/…`` (npm packages
installed at setup), never from a CDN, so it works without internet. It is rendered in the
site's layout (:mod:`hwkg.web.pages`), with the same header as every other page."""

from __future__ import annotations

from hwkg import __version__
from hwkg.web import assets, pages

DEFAULT_QUERY = """# Five chips with the most memory per US dollar, with their prices' sources.
{
  chips(orderBy: [{memoryPerDollar: DESC}], first: 5) {
    nodes {
      name
      memoryPerDollar {
        value unit reason
        inputs { role value unit offer { sources { title url } } }
      }
    }
  }
}
"""


def html() -> str:
    """The page's HTML: ``templates/graphiql.html``, inside the site's layout (header, links)."""
    return pages.environment().get_template("graphiql.html").render(
        version=__version__, default_query=DEFAULT_QUERY, how=assets.HOW)
