"""Oxigraph terms in their normal lexical forms: the forms skolem IRIs hash.

Statement IRIs (:mod:`hwkg.turtle.skolem`) are hashes of their content, so a literal must hash
the same however it was written: ``01`` and ``1``, ``1e3`` and ``1000.0``, a ``dateTime``'s
``Z`` and ``+00:00``. The normal form is rdflib's (the graph was first loaded with rdflib, and
keeping its forms keeps every published statement IRI stable): :func:`normal` applies it
(cheap checks first, rdflib itself for the rest, cached) and :func:`n3` gives rdflib's
``n3()`` text of an Oxigraph term.

Known limit: Oxigraph reads a plain literal ``"x"`` as ``"x"^^xsd:string`` and cannot tell
it from an explicit ``"x"^^xsd:string``; :func:`n3` writes both as the plain one. No file of
the graph writes ``^^xsd:string`` (the shapes' literal convention is plain). Oxigraph also
lower-cases language tags: a blank node holding an upper-case tag hashes the lower-case one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

#: rdflib logs a traceback when a literal's lexical form does not convert to a Python value
#: (a 5,000-digit integer exceeds Python's int conversion limit): the literal is kept as
#: written and the shapes judge it, so the warning is noise on every command's stderr.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)

XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: Lexical forms rdflib leaves as they are, per datatype (checked before asking rdflib).
_CANONICAL = {
    XSD + "integer": re.compile(r"0|-?[1-9][0-9]*"),
    XSD + "decimal": re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?"),
    XSD + "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    XSD + "boolean": re.compile(r"true|false"),
    XSD + "anyURI": re.compile(r"[^\s]*"),
}


@lru_cache(maxsize=200_000)
def _rdflib_lexical(lexical: str, datatype: str) -> str:
    literal = Literal(lexical, datatype=URIRef(datatype))
    # An ill-typed literal keeps its form: rdflib writes an invalid boolean ("maybe") as
    # "false", which would turn bad input into a valid value the shapes then pass.
    return lexical if literal.ill_typed else str(literal)


def normal(term: ox.Literal) -> ox.Literal:
    """``term`` with the lexical form rdflib would give it (the same object when unchanged)."""
    if term.language is not None:
        return term
    datatype = term.datatype.value
    if datatype == _STRING:
        return term
    pattern = _CANONICAL.get(datatype)
    if pattern is not None and pattern.fullmatch(term.value):
        return term
    lexical = _rdflib_lexical(term.value, datatype)
    return term if lexical == term.value else ox.Literal(lexical, datatype=term.datatype)


def _quoted(text: str) -> str:
    """rdflib's ``Literal._quote_encode``."""
    if "\n" in text:
        encoded = text.replace("\\", "\\\\")
        if '"""' in text:
            encoded = encoded.replace('"""', '\\"\\"\\"')
        if encoded[-1] == '"' and encoded[-2] != "\\":
            encoded = encoded[:-1] + "\\" + '"'
        body = encoded.replace("\r", "\\r")
        return f'"""{body}"""'
    body = text.replace("\n", "\\n").replace("\\", "\\\\").replace(
        '"', '\\"').replace("\r", "\\r")
    return f'"{body}"'


def n3(term: ox.NamedNode | ox.Literal) -> str:
    """rdflib's ``n3()`` of the equivalent rdflib term (literals already :func:`normal`)."""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    quoted = _quoted(term.value)
    if term.language is not None:
        return f"{quoted}@{term.language}"
    datatype = term.datatype.value
    if datatype in (_STRING, _LANG_STRING):
        return quoted
    return f"{quoted}^^<{datatype}>"


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal,
              iri: Callable[[str], URIRef] = URIRef) -> URIRef | BNode | Literal:
    """The rdflib term rdflib's own Turtle parser makes for ``term``: a plain literal has no
    datatype there (Oxigraph gives it ``xsd:string``), a language-tagged one its tag.
    ``iri`` makes the IRIs (a caching factory, for a reader making many)."""
    if isinstance(term, ox.NamedNode):
        return iri(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language is not None:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == _STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=iri(datatype))
