"""SHACL core constraints compiled to set-based SPARQL, run on Oxigraph like the SPARQL ones.

pyshacl checks the core constraints (cardinality, datatype, ``sh:class``, ``sh:in`` …) node
by node in Python: three quarters of ``hwkg validate``'s time on the bundled graph, and too
slow to run at all on large graphs. Here each constraint component of a shape becomes a check
over the whole store that finds the focus nodes (and value nodes) violating it, with the
shape's message, and the checks of one target are merged into a few queries
(:func:`merged`): the results pyshacl reports (tests/validation/test_shape_cases.py runs both
on every case, tests/validation/test_components.py on feature cases and mutated graphs).

What compiles: targets ``sh:targetClass`` (with ``rdfs:subClassOf*``), ``sh:targetSubjectsOf``,
``sh:targetObjectsOf`` and ``sh:targetNode``; paths that are one IRI; the components
``class datatype nodeKind in hasValue pattern flags minLength maxLength minInclusive
maxInclusive minExclusive maxExclusive languageIn minCount maxCount qualifiedValueShape
qualifiedMinCount qualifiedMaxCount node or and not``. A shape using anything else (another
path form, ``sh:closed``, ``sh:equals`` …) is left whole to pyshacl: :func:`plan` returns it
in :attr:`Plan.residual`, so nothing is skipped silently.

Datatypes: a literal conforms to ``sh:datatype D`` when its datatype is ``D`` and its lexical
form is valid for ``D``, as the SHACL specification says. Oxigraph's cast to ``D`` tells
validity for the XSD types it reads; a literal it cannot cast but rdflib reads (an integer
beyond 64 bits) is looked up once per run (:func:`accepted`) and conforms, as it does in
pyshacl. One deliberate difference from pyshacl: it checks only the datatypes rdflib converts
to Python values, so an ill-formed ``xsd:gYear`` or ``xsd:gYearMonth`` ("20x3") passes there
and is a violation here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from hwkg.validation import constraints
from hwkg.validation.constraints import Constraint, Violation, core_shapes, query_scope

#: Datatypes whose lexical forms Oxigraph checks (a cast to the type fails when invalid).
CASTABLE = frozenset(XSD[name] for name in (
    "integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time",
    "gYear", "gYearMonth", "duration", "dayTimeDuration", "yearMonthDuration"))

#: Shape predicates that carry no constraint (they name, document or wire the shape).
_INERT = {SH.path, SH.message, SH.name, SH.description, SH.order, SH.group, SH.severity,
          SH.deactivated, SH.defaultValue, SH.property, SH.sparql, SH.targetClass,
          SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.flags,
          SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
          RDF.type, RDFS.label, RDFS.comment, RDFS.seeAlso}
_VALUE = {SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.hasValue, SH.pattern,
          SH.minLength, SH.maxLength, SH.minInclusive, SH.maxInclusive, SH.minExclusive,
          SH.maxExclusive, SH.languageIn, SH.node, SH["or"], SH["and"], SH["not"]}
_COUNT = {SH.minCount, SH.maxCount, SH.qualifiedValueShape}
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
_NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
_COMPARE = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">",
            SH.maxExclusive: "<"}


class Unsupported(Exception):
    """A shape uses a feature this compiler does not run (pyshacl runs it instead)."""


@dataclass
class Plan:
    """The compiled constraints, and the shapes graph left for pyshacl (:attr:`residual`)."""

    constraints: list[Constraint] = field(default_factory=list)
    residual: Graph = field(default_factory=Graph)
    #: True when :attr:`residual` holds a constraint (else pyshacl need not run at all).
    has_residual: bool = False


def _term(node: Node) -> str:
    if isinstance(node, BNode):
        raise Unsupported("a blank node where a term is expected")
    return node.n3()


def _int(node: Node | None) -> int:
    if not isinstance(node, Literal) or not isinstance(node.toPython(), int):
        raise Unsupported(f"a count that is not an integer: {node}")
    return int(node.toPython())


def _list(shapes: Graph, head: Node) -> list[Node]:
    return list(Collection(shapes, head))


def _string(text: str) -> str:
    return Literal(text).n3()


class Compiler:
    """Turns the shapes of one shapes graph into conditions and queries."""

    def __init__(self, shapes: Graph, accepted: dict[URIRef, list[Literal]] | None = None,
                 classes: Callable[[URIRef], list[URIRef]] | None = None) -> None:
        self.shapes = shapes
        #: Per castable datatype, literals Oxigraph cannot cast that are valid for rdflib.
        self.accepted = accepted or {}
        #: A class and its subclasses in the data (``rdfs:subClassOf*``), when known: the
        #: queries then name them instead of walking the path per node (several times faster
        #: on a large graph).
        self.classes = classes
        self._fresh = 0

    def var(self) -> str:
        self._fresh += 1
        return f"?_v{self._fresh}"

    def instance(self, v: str, cls: Node) -> str:
        """A pattern matching when node ``v`` is an instance of ``cls`` (SHACL's
        ``rdf:type/rdfs:subClassOf*``)."""
        if self.classes is None or not isinstance(cls, URIRef):
            return f"{v} {_TYPE} {_term(cls)} ."
        closure = self.classes(cls)
        if closure == [cls]:
            return f"{v} a {cls.n3()} ."
        t = self.var()
        return f"VALUES {t} {{ {' '.join(c.n3() for c in closure)} }} {v} a {t} ."

    def targets(self, shape: Node) -> str | None:
        """The pattern binding ``?this`` to every focus node of ``shape`` (a union of its
        targets); None when it has none."""
        shapes = self.shapes
        patterns = [self.instance("?this", c) for c in shapes.objects(shape, SH.targetClass)
                    if isinstance(c, URIRef)]
        patterns += [f"?this {p.n3()} [] ." for p in shapes.objects(shape, SH.targetSubjectsOf)
                     if isinstance(p, URIRef)]
        patterns += [f"[] {p.n3()} ?this ." for p in shapes.objects(shape, SH.targetObjectsOf)
                     if isinstance(p, URIRef)]
        nodes = list(shapes.objects(shape, SH.targetNode))
        if nodes:
            patterns.append("VALUES ?this { " + " ".join(_term(n) for n in nodes) + " }")
        return _unions(patterns) if patterns else None

    # -- conditions: "node v conforms" as a SPARQL expression -------------------------------

    def datatype(self, v: str, datatype: Node) -> str:
        if datatype == RDF.langString:
            return f'(isLiteral({v}) && lang({v}) != "")'
        if datatype == RDFS.Literal:
            return f"isLiteral({v})"
        test = f"(isLiteral({v}) && sameTerm(datatype({v}), {_term(datatype)})"
        if datatype in CASTABLE:
            valid = [f"COALESCE(isLiteral({_term(datatype)}({v})), false)"]
            valid += [f"sameTerm({v}, {lit.n3()})" for lit in self.accepted.get(datatype, [])]  # type: ignore[call-overload]
            test += " && (" + " || ".join(valid) + ")"
        return test + ")"

    def value(self, predicate: Node, obj: Node, v: str) -> str:
        """The condition one value component puts on node ``v`` (``sh:pattern`` needs its
        shape's flags: :meth:`pattern`)."""
        shapes = self.shapes
        if predicate == SH["class"]:
            return f"EXISTS {{ {self.instance(v, obj)} }}"
        if predicate == SH.datatype:
            return self.datatype(v, obj)
        if predicate == SH.nodeKind:
            if obj not in _NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {obj}")
            return _NODE_KINDS[obj].format(v=v)  # type: ignore[index]
        if predicate == SH["in"]:
            members = [f"sameTerm({v}, {_term(m)})" for m in _list(shapes, obj)]
            return "(" + (" || ".join(members) or "false") + ")"
        if predicate == SH.hasValue:
            return f"sameTerm({v}, {_term(obj)})"
        if predicate in (SH.minLength, SH.maxLength):
            op = ">=" if predicate == SH.minLength else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {_int(obj)})"
        if predicate in _COMPARE:
            return f"COALESCE({v} {_COMPARE[predicate]} {_term(obj)}, false)"  # type: ignore[index]
        if predicate == SH.languageIn:
            tags = [f'langMatches(lang({v}), {_string(str(t))})' for t in _list(shapes, obj)]
            return f"(isLiteral({v}) && (" + (" || ".join(tags) or "false") + "))"
        if predicate == SH.node:
            return self.conforms(obj, v)
        if predicate in (SH["or"], SH["and"]):
            parts = [self.conforms(member, v) for member in _list(shapes, obj)]
            either = predicate == SH["or"]
            joined = (" || " if either else " && ").join(parts)
            return "(" + (joined or str(not either).lower()) + ")"
        if predicate == SH["not"]:
            return f"!{self.conforms(obj, v)}"
        raise Unsupported(f"constraint {predicate}")

    def pattern(self, v: str, obj: Node, shape: Node | None = None) -> str:
        flags = self.shapes.value(shape, SH.flags) if shape is not None else None
        args = f"STR({v}), {_string(str(obj))}" + (f", {_string(str(flags))}" if flags else "")
        return f"(!isBlank({v}) && REGEX({args}))"

    def node_conditions(self, shape: Node, v: str) -> Iterator[str]:
        """The condition of each value component stated on ``shape`` itself, on node ``v``
        (a value node of a property shape; the focus node itself for a node shape). A
        property shape's ``sh:hasValue`` is a count (:meth:`_counts`), not a value test."""
        on_property = self.shapes.value(shape, SH.path) is not None
        for predicate, obj in self.shapes.predicate_objects(shape):
            if predicate == SH.hasValue and on_property:
                continue
            if predicate in _VALUE:
                yield (self.pattern(v, obj, shape) if predicate == SH.pattern
                       else self.value(predicate, obj, v))
            elif predicate in _COUNT and not on_property:
                raise Unsupported(f"{predicate} on a node shape")
            elif (predicate not in _INERT and predicate not in _COUNT
                  and str(predicate).startswith(str(SH))):
                raise Unsupported(f"constraint {predicate}")

    def conforms(self, shape: Node, v: str) -> str:
        """``v`` conforms to ``shape`` (its own components and its property shapes)."""
        if self.shapes.value(shape, SH.deactivated) == Literal(True):
            return "true"
        if self.shapes.value(shape, SH.path) is not None:
            return self.property_holds(shape, v)
        parts = list(self.node_conditions(shape, v))
        parts += [self.property_holds(prop, v) for prop in self.shapes.objects(shape, SH.property)]
        return "(" + (" && ".join(parts) or "true") + ")"

    def property_holds(self, prop: Node, focus: str) -> str:
        """Every constraint of property shape ``prop`` holds for ``focus`` (nested use)."""
        if self.shapes.value(prop, SH.deactivated) == Literal(True):
            return "true"
        path = self.path(prop)
        parts = []
        y = self.var()
        values = list(self.node_conditions(prop, y))
        if values:
            parts.append(f"NOT EXISTS {{ {focus} {path} {y} FILTER (!({' && '.join(values)})) }}")
        for required in self.shapes.objects(prop, SH.hasValue):
            parts.append(f"EXISTS {{ {focus} {path} {_term(required)} }}")
        for predicate, count in ((SH.minCount, "<"), (SH.maxCount, ">")):
            bound = self.shapes.value(prop, predicate)
            if bound is not None:
                parts.append(self._nested_count(focus, path, _int(bound), count))
        if self.shapes.value(prop, SH.qualifiedValueShape) is not None:
            raise Unsupported("sh:qualifiedValueShape in a nested shape")
        return "(" + (" && ".join(parts) or "true") + ")"

    def _nested_count(self, focus: str, path: str, bound: int, op: str) -> str:
        if op == "<" and bound <= 0:
            return "true"
        if op == "<" and bound == 1:
            return f"EXISTS {{ {focus} {path} {self.var()} }}"
        if op == ">" and bound == 0:
            return f"NOT EXISTS {{ {focus} {path} {self.var()} }}"
        if op == ">" and bound == 1:
            a, b = self.var(), self.var()
            return f"NOT EXISTS {{ {focus} {path} {a}, {b} FILTER (!sameTerm({a}, {b})) }}"
        raise Unsupported(f"a count of {bound} in a nested shape")

    def path(self, prop: Node) -> str:
        path = self.shapes.value(prop, SH.path)
        if not isinstance(path, URIRef):
            raise Unsupported("a path that is not one IRI")
        return path.n3()

    # -- top-level checks -------------------------------------------------------------------

    def checks(self, shape: Node, prop: Node | None, target: str,
               message: str, severity: str) -> list[Check]:
        """One check per component of ``prop`` (or of node shape ``shape`` itself, when
        ``prop`` is None) over the focus nodes ``target`` binds to ``?this``."""
        holder = shape if prop is None else prop
        iri = holder if isinstance(holder, URIRef) else None
        if self.shapes.value(holder, SH.deactivated) == Literal(True):
            return []
        if prop is None:
            part = Constraint(iri, target, "", message, None, severity)
            return [Check("query", f"SELECT DISTINCT ?this WHERE {{ {target} FILTER (!({c})) }}",
                          part) for c in self.node_conditions(shape, "?this")]
        path = self.path(prop)
        part = Constraint(iri, target, "", message, URIRef(str(self.shapes.value(prop, SH.path))),
                          severity)
        out = [Check("value", f"?this {path} ?value FILTER (!({cond}))", part)
               for cond in self.node_conditions(prop, "?value")]
        return out + self._counts(prop, path, target, part)

    def _counts(self, prop: Node, path: str, target: str, part: Constraint) -> list[Check]:
        shapes, out = self.shapes, []
        low, high = shapes.value(prop, SH.minCount), shapes.value(prop, SH.maxCount)
        if low is not None and _int(low) == 1:
            out.append(Check("missing", path, part))
        elif low is not None and _int(low) > 1:
            out.append(Check("query", self._grouped(
                target, f"OPTIONAL {{ ?this {path} ?v }}", "<", _int(low)), part))
        if high is not None and _int(high) == 1:
            out.append(Check("single", path, part))
        elif high is not None:
            out.append(Check("query", self._grouped(target, f"?this {path} ?v", ">", _int(high)),
                             part))
        for required in shapes.objects(prop, SH.hasValue):
            out.append(Check("query", f"SELECT DISTINCT ?this WHERE {{ {target} "
                             f"FILTER NOT EXISTS {{ ?this {path} {_term(required)} }} }}", part))
        qualified = shapes.value(prop, SH.qualifiedValueShape)
        if qualified is not None:
            if shapes.value(prop, SH.qualifiedValueShapesDisjoint) == Literal(True):
                raise Unsupported("sh:qualifiedValueShapesDisjoint")
            cond = self.conforms(qualified, "?v")
            qlow = shapes.value(prop, SH.qualifiedMinCount)
            qhigh = shapes.value(prop, SH.qualifiedMaxCount)
            inner = f"?this {path} ?v FILTER ({cond})"
            if qlow is not None:
                out.append(Check("query", self._grouped(
                    target, f"OPTIONAL {{ {inner} }}", "<", _int(qlow)), part))
            if qhigh is not None:
                out.append(Check("query", self._grouped(target, inner, ">", _int(qhigh)), part))
        return out

    @staticmethod
    def _grouped(target: str, pattern: str, op: str, bound: int) -> str:
        return (f"SELECT ?this WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {target} }} }} "
                f"{pattern} }} GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {op} {bound})")


@dataclass(frozen=True)
class Check:
    """One component's check before merging: ``kind`` "value" (``text`` a pattern binding
    ``?this`` and a violating ``?value``), "missing" (``text`` a path the focus node must
    have), "single" (a path with at most one value) or "query" (``text`` a whole query);
    ``part`` says which shape and message a row of it reports."""

    kind: str
    text: str
    part: Constraint


def merged(target: str, checks: list[Check]) -> list[Constraint]:
    """The checks over one ``target`` as few queries as possible: all value checks in one
    (a union of their patterns joined once with the focus nodes), all required paths in one,
    all single-valued paths in one; a row's ``?k`` names its part. Evaluating the target once
    instead of once per component is what makes this fast on large graphs."""
    out = [replace(c.part, query=c.text) for c in checks if c.kind == "query"]
    values = [c for c in checks if c.kind == "value"]
    if values:
        union = " UNION ".join(f"{{ {c.text} BIND ({i} AS ?k) }}" for i, c in enumerate(values))
        out.append(_whole(values, target,
                          f"SELECT DISTINCT ?this ?value ?k WHERE {{ {target} {union} }}"))
    for kind, pattern in (("missing", "FILTER NOT EXISTS {{ ?this ?p ?any }}"),
                          ("single", "?this ?p ?a , ?b FILTER (!sameTerm(?a, ?b))")):
        chosen = [c for c in checks if c.kind == kind]
        if chosen:
            rows = " ".join(f"({i} {c.text})" for i, c in enumerate(chosen))
            out.append(_whole(chosen, target, f"SELECT DISTINCT ?this ?k WHERE {{ {target} "
                              f"VALUES (?k ?p) {{ {rows} }} {pattern.format()} }}"))
    return out


def _whole(checks: list[Check], target: str, query: str) -> Constraint:
    first = checks[0].part
    return Constraint(first.iri, target, query, first.message, first.path, first.severity,
                      tuple(c.part for c in checks))


def _severity(shapes: Graph, shape: Node) -> str:
    value = shapes.value(shape, SH.severity)
    return str(value).rsplit("#", 1)[-1] if isinstance(value, URIRef) else "Violation"


def _message(shapes: Graph, shape: Node) -> str:
    message = shapes.value(shape, SH.message)
    if message is not None:
        return str(message)
    return f"{shape.n3() if isinstance(shape, URIRef) else 'a shape'} is not satisfied"


def _unions(patterns: list[str]) -> str:
    if len(patterns) == 1:
        return patterns[0]
    return " UNION ".join("{ " + p + " }" for p in patterns)


def plan(shapes: Graph, accepted: dict[URIRef, list[Literal]] | None = None,
         classes: Callable[[URIRef], list[URIRef]] | None = None) -> Plan:
    """Compile every targeted shape's core constraints (see :class:`Compiler` for
    ``accepted`` and ``classes``); what does not compile goes to :attr:`Plan.residual` (core
    constraints only: the SPARQL-based ones are :mod:`hwkg.validation.constraints`'s)."""
    compiler = Compiler(shapes, accepted, classes)
    result = Plan()
    residual = core_shapes(shapes)
    by_property: dict[Node, list[str]] = {}
    checks: dict[str, list[Check]] = {}
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))
                        | {s for kind in (SH.targetClass, SH.targetSubjectsOf,
                                          SH.targetObjectsOf, SH.targetNode)
                           for s in shapes.subjects(kind, None)}, key=str):
        try:
            target = compiler.targets(shape)
        except Unsupported:
            result.has_residual = True
            continue
        if target is None or shapes.value(shape, SH.deactivated) == Literal(True):
            continue
        if shapes.value(shape, SH.path) is not None:  # a property shape with its own target
            result.has_residual = True
            continue
        try:
            checks.setdefault(target, []).extend(compiler.checks(
                shape, None, target, _message(shapes, shape), _severity(shapes, shape)))
            for predicate in _VALUE:
                residual.remove((shape, predicate, None))
        except Unsupported:
            result.has_residual = True
        for prop in shapes.objects(shape, SH.property):
            by_property.setdefault(prop, []).append(target)
            residual.remove((shape, SH.property, prop))
    for prop, targets in sorted(by_property.items(), key=lambda item: str(item[0])):
        try:  # per node shape: Oxigraph joins a union of targets slowly
            found = {target: compiler.checks(prop, prop, target, _message(shapes, prop),
                                             _severity(shapes, prop))
                     for target in sorted(set(targets))}
            for target, more in found.items():
                checks.setdefault(target, []).extend(more)
        except Unsupported:
            result.has_residual = True
            for shape in shapes.subjects(SH.property, prop):
                residual.add((shape, SH.property, prop))
    for target, listed in checks.items():
        result.constraints += merged(target, listed)
    result.residual = residual
    return result


_CAST_FAILS = "(sameTerm(datatype(?v), {dt}) && !COALESCE(isLiteral({dt}(?v)), false))"
_ACCEPT = """SELECT DISTINCT ?v WHERE {{ {values} ?s ?p ?v
  FILTER (isLiteral(?v) && ({fails})) }}"""
_NESTING = (SH["or"], SH["and"], SH["xone"], SH["not"], RDF.first, RDF.rest)


def _datatypes_below(shapes: Graph, shape: Node) -> set[Node]:
    """The ``sh:datatype`` values of ``shape`` and of the shapes its logical components name."""
    found, todo, seen = set(), [shape], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        found |= set(shapes.objects(node, SH.datatype))
        todo += [o for p in _NESTING for o in shapes.objects(node, p)]
    return found


def _typed_paths(shapes: Graph, datatypes: set[URIRef]) -> list[URIRef] | None:
    """The paths whose values a ``sh:datatype`` in ``datatypes`` judges; None when a shape
    without a path (a node shape) judges its focus nodes, which may be any node."""
    paths: set[URIRef] = set()
    for shape in set(shapes.subjects(SH.datatype, None)) | set(shapes.subjects(SH["or"], None)) \
            | set(shapes.subjects(SH["and"], None)) | set(shapes.subjects(SH["xone"], None)) \
            | set(shapes.subjects(SH["not"], None)):
        if not _datatypes_below(shapes, shape) & datatypes:
            continue
        path = shapes.value(shape, SH.path)
        if isinstance(path, URIRef):
            paths.add(path)
        elif path is None and next(shapes.subjects(RDF.first, shape), None) is None \
                and next(shapes.subjects(SH["not"], shape), None) is None:
            return None  # a node shape's own datatype: its focus nodes may be any node
    return sorted(paths)


def accepted(store: ox.Store, shapes: Graph,
             graphs: list[str] | None = None) -> dict[URIRef, list[Literal]]:
    """For each castable datatype the shapes name, the literals of the store (of ``graphs``,
    else of all) Oxigraph cannot cast to it but rdflib reads as valid (pyshacl's judge):
    usually none. Only the values of the paths those datatypes judge are read."""
    datatypes = {d for d in shapes.objects(None, SH.datatype)
                 if isinstance(d, URIRef) and d in CASTABLE}
    paths = _typed_paths(shapes, datatypes) if datatypes else []
    if not datatypes or paths == []:
        return {}
    values = "" if paths is None else "VALUES ?p { " + " ".join(p.n3() for p in paths) + " }"
    fails = " || ".join(_CAST_FAILS.format(dt=d.n3()) for d in sorted(datatypes))
    out: dict[URIRef, list[Literal]] = {}
    rows = store.query(_ACCEPT.format(values=values, fails=fails), **query_scope(graphs))
    for row in rows:  # type: ignore[union-attr]
        term = row["v"]  # type: ignore[index]
        datatype = URIRef(term.datatype.value)
        literal = Literal(term.value, datatype=datatype)
        if getattr(literal, "ill_typed", None) is False:
            out.setdefault(datatype, []).append(literal)
    return out


_SUBCLASSES = "SELECT DISTINCT ?sub WHERE {{ ?sub <{sub}>* {cls} }}"


def run(shapes: Graph, store: ox.Store,
        graphs: list[str] | None = None) -> tuple[list[Violation], Plan]:
    """Every constraint of ``shapes`` that runs as SPARQL — the SHACL-SPARQL ones
    (:mod:`hwkg.validation.constraints`) and the compiled core ones — over ``store`` (its
    ``graphs``, else all): the violations, and the plan (whose residual pyshacl must run)."""
    plan = compiled(shapes, store, graphs)
    return constraints.run(constraints.collect(shapes) + plan.constraints, store, graphs), plan


def compiled(shapes: Graph, store: ox.Store, graphs: list[str] | None = None) -> Plan:
    """:func:`plan` for ``shapes`` over ``store`` (its ``graphs``, else all): with the
    literals rdflib accepts (:func:`accepted`) and each class's subclasses read from it."""
    scope = query_scope(graphs)
    known: dict[URIRef, list[URIRef]] = {}

    def classes(cls: URIRef) -> list[URIRef]:
        if cls not in known:
            rows = store.query(_SUBCLASSES.format(sub=RDFS.subClassOf, cls=cls.n3()), **scope)
            found = {URIRef(row["sub"].value) for row in rows  # type: ignore[union-attr,index]
                     if isinstance(row["sub"], ox.NamedNode)}  # type: ignore[index]
            known[cls] = sorted(found | {cls})
        return known[cls]

    return plan(shapes, accepted(store, shapes, graphs), classes)
