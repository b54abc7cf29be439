"""The GraphQL schema as a contract: the committed SDL, and drift against the SHACL shapes.

Every property a shape constrains for a class is reachable through the class's GraphQL
type, and the field's nullability and list-ness agree with sh:minCount / sh:maxCount.
Figure properties (values are hw:Statement) are reachable as a Figure field (the preferred
statement) or a list of them; every statement is also on the type's ``statements`` field.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    get_named_type,
)
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from hwkg.core.namespaces import GRAPH_ONTOLOGY, GRAPH_SHAPES, HW
from hwkg.graphql.schema import SDL_PATH, graphql_schema, sdl
from hwkg.loading.snapshot import Snapshot

REGENERATE = (".venv/bin/python -m hwkg.graphql.routes --print-schema"
              " > api/hwkg/graphql/schema.graphql")

#: Shape class → GraphQL type, where the names differ.
TYPE_NAMES = {"Statement": "Figure"}
#: Property path (local name or full IRI) → GraphQL field, where the names differ.
FIELD_NAMES = {
    "http://www.w3.org/2000/01/rdf-schema#label": "nameZh",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "sources",
    "http://www.w3.org/2004/02/skos/core#exactMatch": "exactMatch",
    "https://schema.org/url": "url",
    "https://schema.org/archivedAt": "archivedAt",
    "http://purl.org/dc/terms/title": "title",
    "http://purl.org/dc/terms/date": "date",
    "http://purl.org/dc/terms/publisher": "publisher",
    "softwareStack": "softwareStacks", "interconnect": "interconnects", "die": "dies",
    "component": "components", "componentChip": "chip", "softwareVersion": "softwareVersions",
    "quote": "quotes", "unit": "unitIri", "absence": "absences",
    "instructionSet": "instructionSets", "absentProperty": "property", "absenceKind": "kind",
    "submitter": "submitters",
}
SKIP_CLASSES = {"Entity"}  # only SPARQL constraints and the shared source shape


@dataclass(frozen=True)
class ShapeProperty:
    cls: str
    path: str
    min_count: int
    max_count: int | None
    figure: bool
    #: The shape states a value that applies when none is given (sh:defaultValue): the
    #: GraphQL field then always has a value.
    defaulted: bool = False


def shape_properties(shapes: Graph, ontology: Graph) -> list[ShapeProperty]:
    figures = set(ontology.subjects(RDF.type, HW.FigureProperty))
    found = []
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        target = shapes.value(shape, SH.targetClass)
        if target is None:
            continue
        cls = str(target).rsplit("#", 1)[-1]
        if cls in SKIP_CLASSES:
            continue
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            if not isinstance(path, URIRef):
                continue
            low = shapes.value(prop, SH.minCount) or shapes.value(prop, SH.qualifiedMinCount)
            high = shapes.value(prop, SH.maxCount)
            qualified = shapes.value(prop, SH.qualifiedValueShape) is not None
            found.append(ShapeProperty(cls, str(path), int(low or 0),
                                       1 if qualified else (int(high) if high else None),
                                       path in figures,
                                       shapes.value(prop, SH.defaultValue) is not None))
    return found


def field_name(path: str) -> str:
    if path in FIELD_NAMES:
        return FIELD_NAMES[path]
    local = path.rsplit("#", 1)[-1]
    return FIELD_NAMES.get(local, local)


def shape_of(t: GraphQLOutputType) -> tuple[bool, bool]:
    """(non-null, list) of a field type."""
    non_null = isinstance(t, GraphQLNonNull)
    inner = t.of_type if isinstance(t, GraphQLNonNull) else t
    return non_null, isinstance(inner, GraphQLList)


@pytest.fixture(scope="module")
def properties(snapshot: Snapshot) -> list[ShapeProperty]:
    found = shape_properties(snapshot.graph(GRAPH_SHAPES), snapshot.graph(GRAPH_ONTOLOGY))
    assert len(found) > 50, "expected the shapes to constrain many properties"
    return found


def test_committed_schema_matches_the_code() -> None:
    assert SDL_PATH.read_text(encoding="utf-8") == sdl(), f"regenerate with: {REGENERATE}"


def test_every_shaped_property_is_reachable(properties: list[ShapeProperty]) -> None:
    schema = graphql_schema()
    missing = []
    for p in properties:
        gql_type = schema.get_type(TYPE_NAMES.get(p.cls, p.cls))
        if not isinstance(gql_type, GraphQLObjectType):
            missing.append(f"{p.cls}: no GraphQL type")
        elif field_name(p.path) not in gql_type.fields:
            missing.append(f"{p.cls}.{field_name(p.path)} ({p.path})")
    assert not missing, "shaped properties not reachable through GraphQL: " + ", ".join(missing)


def test_nullability_and_lists_agree_with_shape_counts(properties: list[ShapeProperty]) -> None:
    schema = graphql_schema()
    wrong = []
    for p in properties:
        gql_type = schema.get_type(TYPE_NAMES.get(p.cls, p.cls))
        assert isinstance(gql_type, GraphQLObjectType)
        name = field_name(p.path)
        non_null, is_list = shape_of(gql_type.fields[name].type)
        if p.figure:
            named = get_named_type(gql_type.fields[name].type).name
            ok = named == "Figure" and (is_list or non_null == (p.min_count >= 1))
        elif p.max_count == 1:
            ok = not is_list and non_null == (p.min_count >= 1 or p.defaulted)
        else:
            ok = is_list and non_null
        if not ok:
            wrong.append(f"{p.cls}.{name}: minCount {p.min_count}, maxCount {p.max_count}, "
                         f"field {gql_type.fields[name].type}")
    assert not wrong, "; ".join(wrong)


def test_every_type_and_field_has_a_description() -> None:
    schema = graphql_schema()
    undocumented = []
    for name, t in schema.type_map.items():
        if name.startswith("__") or not isinstance(t, GraphQLObjectType):
            continue
        if name.endswith(("Connection", "Edge")) or name == "PageInfo":
            continue
        if not t.description:
            undocumented.append(name)
        undocumented += [f"{name}.{f}" for f, d in t.fields.items() if not d.description]
    assert not undocumented, undocumented


def test_connections_exist_for_every_growing_list() -> None:
    query = graphql_schema().query_type
    assert query is not None
    for field in ("chips", "systems", "benchmarkResults", "interconnects", "softwareStacks",
                  "vendors", "sources"):
        conn = get_named_type(query.fields[field].type)
        assert isinstance(conn, GraphQLObjectType)
        assert {"totalCount", "nodes", "edges", "pageInfo"} <= set(conn.fields)
        assert {"where", "orderBy", "first", "after"} <= set(query.fields[field].args)
