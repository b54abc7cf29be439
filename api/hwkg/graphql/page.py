"""The GraphiQL page: loads React, ReactDOM and GraphiQL from ``/assets/…`` (npm packages
installed at setup), never from a CDN, so it works without internet."""

from __future__ import annotations

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

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>hwkg GraphQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/assets/graphiql/graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL… (needs JavaScript and the npm assets from scripts/setup)</div>
<script src="/assets/react/react.production.min.js"></script>
<script src="/assets/react-dom/react-dom.production.min.js"></script>
<script src="/assets/graphiql/graphiql.min.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: __DEFAULT_QUERY__,
    defaultEditorToolsVisibility: true,
  }));
</script>
</body>
</html>
"""


def html() -> str:
    """The page's HTML."""
    import json

    return PAGE.replace("__DEFAULT_QUERY__", json.dumps(DEFAULT_QUERY).replace("</", "<\\/"))
