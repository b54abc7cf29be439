"""RDF answers: serialise triples in the negotiated format, with ``Vary: Accept``.

Every RDF document the server publishes (entity descriptions, the service description,
VoID, the ontology) goes through :func:`rdf_response`, so they all offer the same formats.
JSON-LD is compacted with hwkg's context (the one published at ``/context.jsonld``, carried
inline so no parser has to fetch it): ``"hw:memoryCapacity"``, not the full IRI. The
expanded form stays available: ``Accept: application/ld+json;
profile="http://www.w3.org/ns/json-ld#expanded"`` (the JSON-LD profile parameter), or
``?profile=expanded``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from starlette.responses import Response

from hwkg.core.namespaces import PREFIXES
from hwkg.sparql import negotiation

RDF_TYPES = negotiation.GRAPH_TYPES

#: File suffix -> media type, for clients that cannot negotiate.
SUFFIXES: dict[str, str] = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
EXTENSION = {media_type: suffix for suffix, media_type in SUFFIXES.items()}


EXPANDED = "http://www.w3.org/ns/json-ld#expanded"


def wants_expanded(accept: str | None, query_profile: str | None = None) -> bool:
    """Whether a JSON-LD client asked for the expanded form."""
    return query_profile == "expanded" or (accept is not None and EXPANDED in accept)


def compact_jsonld(triples: Iterable[ox.Triple], prefixes: dict[str, str] | None = None) -> bytes:
    """``triples`` as JSON-LD compacted with the prefix context (``@context`` inline), the same
    bytes for the same triples: nodes sorted by ``@id``, a property's values sorted (they are a
    set; ``@list`` order is kept), keys sorted."""
    payload = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    graph = Graph().parse(data=payload, format="nt")
    text = graph.serialize(format="json-ld", context=dict(prefixes or PREFIXES),
                           auto_compact=True)
    canonical = _canonical(json.loads(text))
    return (json.dumps(canonical, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()


def _canonical(value: Any) -> Any:
    """``value`` with every JSON array that stands for a set sorted (rdflib orders them by
    hash, which changes from one process to the next)."""
    if isinstance(value, dict):
        return {key: [_canonical(v) for v in item] if key == "@list" else _canonical(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return sorted((_canonical(v) for v in value),
                      key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def serialize(triples: Iterable[ox.Triple], media_type: str,
              prefixes: dict[str, str] | None = None, expanded: bool = False) -> bytes:
    """``triples`` written in ``media_type`` (Turtle gets hwkg's prefixes; JSON-LD is compacted
    with them unless ``expanded``)."""
    if media_type == "application/ld+json" and not expanded:
        return compact_jsonld(triples, prefixes)
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"not an RDF media type: {media_type}")
    return ox.serialize(list(triples), format=fmt, prefixes=prefixes or PREFIXES) or b""


def content_type(media_type: str) -> str:
    return media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")


def rdf_response(triples: Iterable[ox.Triple], media_type: str,
                 headers: dict[str, str] | None = None,
                 prefixes: dict[str, str] | None = None, expanded: bool = False) -> Response:
    """A 200 response with ``triples`` in ``media_type`` that varies on Accept."""
    body = serialize(triples, media_type, prefixes, expanded)
    return Response(body, media_type=content_type(media_type),
                    headers={"Vary": "Accept", **(headers or {})})
