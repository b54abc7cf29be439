"""RDF answers: serialise triples in the negotiated format, with ``Vary: Accept``.

Every RDF document the server publishes (entity descriptions, the service description,
VoID, the ontology) goes through :func:`rdf_response`, so they all offer the same formats.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
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


def serialize(triples: Iterable[ox.Triple], media_type: str,
              prefixes: dict[str, str] | None = None) -> bytes:
    """``triples`` written by Oxigraph in ``media_type`` (Turtle gets hwkg's prefixes)."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"not an RDF media type: {media_type}")
    return ox.serialize(list(triples), format=fmt, prefixes=prefixes or PREFIXES) or b""


def content_type(media_type: str) -> str:
    return media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")


def rdf_response(triples: Iterable[ox.Triple], media_type: str,
                 headers: dict[str, str] | None = None,
                 prefixes: dict[str, str] | None = None) -> Response:
    """A 200 response with ``triples`` in ``media_type`` that varies on Accept."""
    body = serialize(triples, media_type, prefixes)
    return Response(body, media_type=content_type(media_type),
                    headers={"Vary": "Accept", **(headers or {})})
