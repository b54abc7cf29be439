"""Request limits: body size, tokens, depth, aliases, page size, field merges, fields after
fragments are expanded, fragment nesting, and an estimated cost.

Each check returns :class:`Exceeded` naming the limit, the value found and the maximum,
so the client learns which limit it hit and by how much. Introspection fields (``__schema``,
``__type``) are not counted for depth and cost, so GraphiQL's introspection query passes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Source,
    TokenKind,
    VariableNode,
)
from graphql.language.lexer import Lexer


@dataclass(frozen=True)
class Limits:
    """The maxima; defaults suit the graph's size and a 2-core server."""

    max_body_bytes: int = 1_000_000
    max_tokens: int = 5_000
    max_depth: int = 12
    max_aliases: int = 50
    max_page: int = 100
    default_page: int = 20
    max_cost: int = 100_000
    list_estimate: int = 10
    max_merges: int = 2_000
    max_expanded: int = 10_000
    max_fragment_nesting: int = 32


LIMITS = Limits()

@dataclass(frozen=True)
class Exceeded:
    """One limit a request went over."""

    limit: str
    value: int
    maximum: int
    #: True when counting stopped at the limit, so ``value`` is only a lower bound.
    stopped: bool = False

    @property
    def message(self) -> str:
        if self.stopped:
            return (f"{self.limit} limit exceeded: over the maximum {self.maximum} "
                    "(counting stopped there)")
        return (f"{self.limit} limit exceeded: {self.value} is over the maximum "
                f"{self.maximum} by {self.value - self.maximum}")

    def as_error(self) -> dict[str, Any]:
        extensions: dict[str, Any] = {"code": "LIMIT_EXCEEDED", "limit": self.limit,
                                      "value": self.value, "maximum": self.maximum}
        if self.stopped:
            extensions["valueIsLowerBound"] = True
        return {"message": self.message, "extensions": extensions}


def count_tokens(query: str, stop_after: int) -> int:
    """Lexical tokens in ``query`` (stops counting past ``stop_after``); raises on bad syntax."""
    lexer = Lexer(Source(query))
    count = 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
        if count > stop_after:
            break
    return count


class _TooLarge(Exception):
    """Raised by :class:`_Walker` once fragments expand to more fields than allowed."""


class _TooDeep(Exception):
    """Raised by :class:`_Walker` at a fragment spread nested deeper than allowed."""

    def __init__(self, nesting: int) -> None:
        super().__init__(nesting)
        self.nesting = nesting


class _Walker:
    """Walks one operation (following fragments once per path) to measure it. Every field
    met with fragments inlined counts against ``max_expanded``: fragments that spread
    others twice double at each level, so a few hundred tokens can stand for millions of
    fields, and the walk stops there instead of following them."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any],
                 limits: Limits):
        self.schema = schema
        self.fragments = {d.name.value: d for d in document.definitions
                          if isinstance(d, FragmentDefinitionNode)}
        self.variables, self.limits = variables, limits
        self.aliases = 0
        self.pages: list[int] = []
        self.expanded = 0

    def _first(self, node: FieldNode) -> int | None:
        for arg in node.arguments or ():
            if arg.name.value != "first":
                continue
            value = arg.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                found = self.variables.get(value.name.value)
                return found if isinstance(found, int) else None
        return None

    def fields(self, selection: SelectionSetNode | None, seen: frozenset[str],
               follow: bool = True) -> list[tuple[FieldNode, frozenset[str]]]:
        """Fields of a selection set with fragments inlined (spreads only when ``follow``),
        each with the fragments above it."""
        out: list[tuple[FieldNode, frozenset[str]]] = []
        for sel in selection.selections if selection else ():
            if isinstance(sel, FieldNode):
                self.expanded += 1
                if self.expanded > self.limits.max_expanded:
                    raise _TooLarge
                out.append((sel, seen))
            elif isinstance(sel, InlineFragmentNode):
                out += self.fields(sel.selection_set, seen, follow)
            elif isinstance(sel, FragmentSpreadNode) and follow and sel.name.value not in seen:
                frag = self.fragments.get(sel.name.value)
                if frag is not None:
                    if len(seen) >= self.limits.max_fragment_nesting:
                        raise _TooDeep(len(seen) + 1)
                    out += self.fields(frag.selection_set, seen | {sel.name.value})
        return out

    def _size(self, parent: GraphQLObjectType | None, node: FieldNode, first: int | None) -> tuple[
            int, GraphQLObjectType | None]:
        """How many times the field's selection runs (estimate), and the field's object type."""
        field = parent.fields.get(node.name.value) if parent is not None else None
        if field is None:
            return 1, None
        t = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        size = 1
        if isinstance(t, GraphQLList) and parent is not None:
            # Items of a connection's page are counted by the connection itself.
            size = 1 if parent.name.endswith("Connection") else self.limits.list_estimate
            t = t.of_type.of_type if isinstance(t.of_type, GraphQLNonNull) else t.of_type
        if isinstance(t, GraphQLObjectType) and t.name.endswith("Connection"):
            size = first if first is not None else self.limits.default_page
        return max(size, 1), t if isinstance(t, GraphQLObjectType) else None

    def measure(self, selection: SelectionSetNode | None, parent: GraphQLObjectType | None,
                seen: frozenset[str] = frozenset(), depth: int = 0) -> tuple[int, int]:
        """(depth, cost) of a selection set; list sizes multiply the cost below them."""
        deepest, cost = depth, 0
        for node, above in self.fields(selection, seen):
            if node.name.value.startswith("__") and node.selection_set is not None:
                continue
            if node.alias is not None:
                self.aliases += 1
            first = self._first(node)
            if first is not None:
                self.pages.append(first)
            size, inner = self._size(parent, node, first)
            d, c = self.measure(node.selection_set, inner, above, depth + 1)
            cost += 1 + size * c
            deepest = max(deepest, d)
        return deepest, cost

    def spreads(self, selection: SelectionSetNode | None, names: set[str], cap: int) -> None:
        """Add to ``names`` the fragments spread directly at this level (or in its inline
        fragments), as graphql-core collects them; stops once ``names`` holds over ``cap``."""
        for sel in selection.selections if selection else ():
            if len(names) > cap:
                return
            if isinstance(sel, InlineFragmentNode):
                self.spreads(sel.selection_set, names, cap)
            elif isinstance(sel, FragmentSpreadNode):
                names.add(sel.name.value)

    def merges(self, sets: list[tuple[SelectionSetNode, frozenset[str]]], stop: int,
               inline: bool = True) -> int:
        """The comparisons validation makes to check that fields can merge, counted before
        it starts; stops counting past ``stop``. graphql-core's OverlappingFieldsCanBeMerged
        compares every pair of same-named fields at one place, fragments inlined and the
        sub-selections of same-named fields taken together (1,000 copies of one field:
        ~500,000 pairs, then a recursion error), and every pair of fragments spread directly
        at one place (300 one-field fragments: ~0.4 s). Each such pair counts one. With
        ``inline`` false, spread fragments are not inlined (each is counted where defined)."""
        groups: dict[str, list[tuple[FieldNode, frozenset[str]]]] = {}
        names: set[str] = set()
        cap = math.isqrt(2 * stop) + 1  # more fragments than this are over ``stop`` alone
        for selection, seen in sets:
            self.spreads(selection, names, cap)
            for node, above in self.fields(selection, seen, follow=inline):
                groups.setdefault((node.alias or node.name).value, []).append((node, above))
        total = len(names) * (len(names) - 1) // 2
        for group in groups.values():
            if total > stop:
                break
            total += len(group) * (len(group) - 1) // 2
            inner = [(node.selection_set, above) for node, above in group
                     if node.selection_set is not None]
            if inner and total <= stop:
                total += self.merges(inner, stop - total, inline)
        return total


def check_document(schema: GraphQLSchema, document: DocumentNode,
                   variables: dict[str, Any] | None, limits: Limits = LIMITS) -> list[Exceeded]:
    """Depth, alias, page-size and cost limits over every operation in ``document``.

    Cost: 1 per field, times the items it runs for: a connection's ``first`` (default page
    size), an estimated ``list_estimate`` items per plain list field. Merges: pairs of
    same-named fields, and of fragments, validation must compare (:meth:`_Walker.merges`),
    in every operation and in every fragment as defined. Expanded fields: fields met with
    fragments inlined, counted as the walk goes; past the limit the walk stops and only that
    limit is reported (its value is then a lower bound). Fragment nesting: fragments spread
    inside fragments, along one path; past the limit the walk stops likewise.
    """
    walker = _Walker(schema, document, variables or {}, limits)
    try:
        return _measured(walker, schema, document, limits)
    except _TooLarge:
        return [Exceeded("expanded field", walker.expanded, limits.max_expanded, stopped=True)]
    except _TooDeep as deep:  # graphql-core's own check ends in a bare "Validation aborted."
        return [Exceeded("fragment nesting", deep.nesting, limits.max_fragment_nesting,
                         stopped=True)]


def _measured(walker: _Walker, schema: GraphQLSchema, document: DocumentNode,
              limits: Limits) -> list[Exceeded]:
    found: list[Exceeded] = []
    depth = cost = merges = 0
    for op in document.definitions:
        if isinstance(op, OperationDefinitionNode):
            d, c = walker.measure(op.selection_set, schema.query_type)
            depth, cost = max(depth, d), cost + c
            if merges <= limits.max_merges:
                merges += walker.merges([(op.selection_set, frozenset())], limits.max_merges)
        elif isinstance(op, FragmentDefinitionNode) and merges <= limits.max_merges:
            # validation compares inside every fragment as defined, even one never spread;
            # its spreads are counted where they are defined (linear in the document)
            merges += walker.merges([(op.selection_set, frozenset())], limits.max_merges,
                                    inline=False)
    if depth > limits.max_depth:
        found.append(Exceeded("depth", depth, limits.max_depth))
    if walker.aliases > limits.max_aliases:
        found.append(Exceeded("alias", walker.aliases, limits.max_aliases))
    if walker.pages and max(walker.pages) > limits.max_page:
        found.append(Exceeded("page size", max(walker.pages), limits.max_page))
    if cost > limits.max_cost:
        found.append(Exceeded("cost", cost, limits.max_cost))
    if merges > limits.max_merges:
        found.append(Exceeded("field merge", merges, limits.max_merges))
    return found
