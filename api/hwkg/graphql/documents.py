"""GraphQL documents, parsed once per text and validated once per document.

:func:`parsed` memoises the syntax tree of each query text (:data:`DOCUMENTS`);
:func:`validated` works out a text's validation errors once, and not at all for a new text
(another layout, a comment) of a document that passed before (:class:`ValidDocuments`).
Both caches are bounded by the size of what they hold: a client sending many large distinct
documents cannot make them grow past their budgets. The endpoint checks a request's limits
between the two, so that a document over them never reaches graphql-core's rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError, parse, print_ast, validate

from hwkg.graphql.cache import BoundedLRU
from hwkg.graphql.schema import graphql_schema


class ValidDocuments:
    """The canonical forms (``print_ast``) of documents that passed validation: at most
    ``size`` of them and ``budget`` characters in all (least recently used first out).

    Validation depends only on the document's syntax tree and the schema, never on its
    layout, comments, variables or the graph, so a text that prints to a remembered form is
    valid without running graphql-core's rules again. Documents with errors are not kept:
    their errors carry the line and column of the text they came from.
    """

    def __init__(self, size: int = 4096, budget: int = 2_000_000) -> None:
        self.forms: BoundedLRU[str, bool] = BoundedLRU(size, budget,
                                                       lambda form, _valid: len(form))

    def errors(self, document: DocumentNode) -> tuple[GraphQLError, ...]:
        """``document``'s validation errors against the schema; () when it is valid."""
        form = print_ast(document)
        if self.forms.get(form):
            return ()
        errors = tuple(validate(graphql_schema(), document))
        if not errors:
            self.forms.put(form, True)
        return errors


VALID = ValidDocuments()


@dataclass
class Parsed:
    """A parsed query text and, once :func:`validated` has run, its validation errors."""

    document: DocumentNode
    errors: tuple[GraphQLError, ...] | None = None


#: Parsed documents by (text, token limit). A syntax tree takes about 120 bytes per
#: character of its text (1.6 MB for a 13 KB query), so the cache is bounded by the texts'
#: total length as well as by their number: 400,000 characters, about 50 MB of trees.
#: Documents are kept whether or not they pass the limits checked later.
DOCUMENTS: BoundedLRU[tuple[str, int], Parsed] = BoundedLRU(
    1024, 400_000, lambda key, _parsed: len(key[0]))


def parsed(query: str, max_tokens: int) -> Parsed:
    """The parsed document of ``query`` (memoised by text, :data:`DOCUMENTS`). Raises
    GraphQLError on a syntax error or when the document has more than ``max_tokens``
    tokens."""
    key = (query, max_tokens)
    if (found := DOCUMENTS.get(key)) is not None:
        return found
    found = Parsed(parse(query, max_tokens=max_tokens))
    DOCUMENTS.put(key, found)
    return found


def validated(entry: Parsed) -> tuple[GraphQLError, ...]:
    """``entry``'s validation errors against the schema, worked out once per text (neither
    depends on variables or on the graph) and not at all for a new text of a document that
    passed before (:class:`ValidDocuments`). Called only once the request's limits passed:
    graphql-core's rules cost up to ~100 ms on a document of a few thousand tokens."""
    if entry.errors is None:
        entry.errors = VALID.errors(entry.document)
    return entry.errors
