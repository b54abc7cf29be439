"""Speaking the SPARQL 1.1 Protocol to another server: the requests hwkg sends and how it
reads the answers, the same way for every server it has been tried with.

- Queries go as form POSTs (``query=`` plus ``default-graph-uri`` / ``named-graph-uri``):
  every server takes them (Virtuoso 7 never answers a direct ``application/sparql-query``).
- Each query form asks only for the formats it has (SPARQL JSON for SELECT/ASK, N-Triples
  for CONSTRUCT/DESCRIBE): Virtuoso answers a CONSTRUCT in a JSON of its own otherwise.
- A dataset with no default graph or no named graphs names :data:`NO_GRAPH`: the protocol
  makes a missing parameter mean "none", Virtuoso reads it as "every graph".
- Answers are read with pyoxigraph's parsers (:func:`decode`), after undoing Virtuoso's
  quirks: ``nodeID://`` blank nodes, ``1``/``0`` booleans, ASK as a one-row SELECT.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlencode

import pyoxigraph as ox

from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_SHAPES, GRAPH_TRUTHY
from hwkg.sparql.negotiation import ALIASES
from hwkg.sparql.protocol import code_only

GRAPHS = (GRAPH_ONTOLOGY, GRAPH_SHAPES, GRAPH_DATA, GRAPH_TRUTHY)
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.5"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
#: What each query form is asked in (Virtuoso answers a CONSTRUCT in its own JSON when
#: SPARQL JSON is acceptable, so a graph query asks for RDF only).
ACCEPT = {"SELECT": RESULTS_ACCEPT, "ASK": RESULTS_ACCEPT, "CONSTRUCT": GRAPH_ACCEPT,
          "DESCRIBE": GRAPH_ACCEPT,
          "": f"{RESULTS_ACCEPT}, application/n-triples;q=0.4, text/turtle;q=0.3"}
#: Named in a dataset that must have no default graph or no named graphs: the protocol
#: makes a missing parameter mean "none", but Virtuoso reads it as "every graph".
NO_GRAPH = "urn:hwkg:no-graph"
_FORM = re.compile(r"(?<![\w:?$-])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:-])", re.IGNORECASE)
_VIRTUOSO_BNODE = re.compile(rb'("type":\s*"bnode",\s*"value":\s*"|<bnode>)nodeID://')
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_NUMERIC_BOOLEAN = re.compile(  # Virtuoso writes xsd:boolean as 1/0: back to true/false
    rb'(?P<json>"datatype":\s*"' + _BOOLEAN.encode() + rb'",\s*"value":\s*")(?P<jv>[01])"'
    rb'|(?P<xml><literal datatype="' + _BOOLEAN.encode() + rb'">)(?P<xv>[01])<'
    rb'|"(?P<nv>[01])"(?P<nt>\^\^<' + _BOOLEAN.encode() + rb'>)')
_CANONICAL = {b"1": b"true", b"0": b"false"}
ASK_VARIABLE = "__ASK_RETVAL"  # Virtuoso 7 answers ASK as a one-row SELECT of this variable
Results = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class RemoteError(RuntimeError):
    """The SPARQL server refused a request (``status``) or could not be reached (None)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset of one request: default graph IRIs and named graph IRIs, or the
    server's own dataset (``server``: no parameters sent)."""

    default: tuple[str, ...] = GRAPHS
    named: tuple[str, ...] = GRAPHS
    server: bool = False

    def params(self) -> list[tuple[str, str]]:
        if self.server:
            return []
        return ([("default-graph-uri", g) for g in self.default or (NO_GRAPH,)]
                + [("named-graph-uri", g) for g in self.named or (NO_GRAPH,)])


def dataset_for(default_graphs: Iterable[str] = (), named_graphs: Iterable[str] = (),
                union: Dataset = Dataset()) -> Dataset:
    """The dataset a request names, or ``union`` when it names none."""
    default, named = tuple(default_graphs), tuple(named_graphs)
    return Dataset(default, named) if default or named else union


_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)


def with_prologue(query: str, prefixes: dict[str, str] | None = None,
                  base_iri: str | None = None) -> str:
    """``query`` with ``BASE`` and the ``PREFIX`` declarations it does not make itself, on
    the first line (so the server's line numbers in error messages stay right)."""
    declared = {m.group(1) or "" for m in _DECLARED.finditer(query)}
    parts = [f"BASE <{base_iri}>"] if base_iri else []
    parts += [f"PREFIX {name}: <{iri}>" for name, iri in (prefixes or {}).items()
              if name not in declared]
    return " ".join(parts) + " " + query if parts else query


def _media_type(content_type: str) -> str:
    media = content_type.split(";")[0].strip().lower()
    return ALIASES.get(media, (media,))[0] if media != "text/plain" else "application/n-triples"


def _boolean(value: bool) -> ox.QueryBoolean:
    text = '{"head":{},"boolean":%s}' % ("true" if value else "false")
    return cast(ox.QueryBoolean, ox.parse_query_results(text, ox.QueryResultsFormat.JSON))


def _virtuoso_ask(results: ox.QuerySolutions) -> ox.QuerySolutions | ox.QueryBoolean:
    if [v.value for v in results.variables] != [ASK_VARIABLE]:
        return results
    row = next(iter(results), None)
    term = row[0] if row is not None else None
    return _boolean(term is not None and term.value not in ("0", "false"))


def triples_result(triples: Iterable[ox.Triple | ox.Quad]) -> ox.QueryTriples:
    """Triples as a real :class:`pyoxigraph.QueryTriples` (through a scratch store)."""
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    result = scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
    return cast(ox.QueryTriples, result)


def _canonical_boolean(found: re.Match[bytes]) -> bytes:
    if found["json"]:
        return found["json"] + _CANONICAL[found["jv"]] + b'"'
    if found["xml"]:
        return found["xml"] + _CANONICAL[found["xv"]] + b"<"
    return b'"' + _CANONICAL[found["nv"]] + b'"' + found["nt"]


def _undo_virtuoso(body: bytes) -> bytes:
    """``body`` without Virtuoso's ``nodeID://`` blank node labels and 1/0 booleans."""
    if b"nodeID://" in body:
        body = _VIRTUOSO_BNODE.sub(rb"\1", body)
    if _BOOLEAN.encode() in body:
        body = _NUMERIC_BOOLEAN.sub(_canonical_boolean, body)
    return body


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (the first such keyword outside strings, IRIs and
    comments), or "" when none is found."""
    found = _FORM.search(code_only(query))
    return found.group(1).upper() if found else ""


def decode(content_type: str, body: bytes) -> Results:
    """The pyoxigraph result for a server's answer of ``content_type``."""
    media = _media_type(content_type)
    body = _undo_virtuoso(body)
    results_format = ox.QueryResultsFormat.from_media_type(media)
    if results_format is not None:
        parsed = ox.parse_query_results(body, results_format)
        return _virtuoso_ask(parsed) if isinstance(parsed, ox.QuerySolutions) else parsed
    rdf_format = ox.RdfFormat.from_media_type(media)
    if rdf_format is None:
        raise RemoteError(f"the SPARQL server answered in {content_type!r}, which hwkg cannot read")
    return triples_result(ox.parse(body, rdf_format))


def headers(query: str) -> dict[str, str]:
    """The headers of a query request: a form POST accepting what ``query``'s form gives."""
    return {"Content-Type": "application/x-www-form-urlencoded",
            "Accept": ACCEPT[query_form(query)]}


def form(query: str, dataset: Dataset) -> bytes:
    """The body of a query request: a form POST, the protocol's most portable way (Virtuoso 7
    never answers a direct ``application/sparql-query`` POST)."""
    return urlencode([("query", query), *dataset.params()]).encode("ascii")
