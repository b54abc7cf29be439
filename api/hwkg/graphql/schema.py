"""The strawberry schema and its printed SDL (the committed public contract)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import strawberry
from graphql import GraphQLSchema

from hwkg.graphql.query import Query

SDL_PATH = Path(__file__).with_name("schema.graphql")


@lru_cache(maxsize=1)
def schema() -> strawberry.Schema:
    """The schema, built once."""
    return strawberry.Schema(query=Query)


def graphql_schema() -> GraphQLSchema:
    """The graphql-core schema the endpoint executes against."""
    return schema()._schema


def sdl() -> str:
    """The printed schema, as committed in ``schema.graphql``."""
    return schema().as_str() + "\n"
