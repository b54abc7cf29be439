"""The GraphQL API's routes: ``/graphql`` (GET, POST; GraphiQL for browsers).

Print the schema (the committed contract, ``api/hwkg/graphql/schema.graphql``) with::

    .venv/bin/python -m hwkg.graphql.routes --print-schema > api/hwkg/graphql/schema.graphql
"""

from __future__ import annotations

import argparse
import sys

from starlette.routing import BaseRoute, Route

from hwkg.core.settings import Settings


def routes(settings: Settings) -> list[BaseRoute]:
    """``/graphql`` for GET and POST."""
    from hwkg.graphql.endpoint import GraphQLEndpoint

    endpoint = GraphQLEndpoint(settings)
    return [Route("/graphql", endpoint.handle, methods=["GET", "POST"], name="graphql")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hwkg.graphql.routes")
    parser.add_argument("--print-schema", action="store_true", help="print the SDL and exit")
    args = parser.parse_args(argv)
    if args.print_schema:
        from hwkg.graphql.schema import sdl

        sys.stdout.write(sdl())
        return 0
    parser.print_help()
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
