"""Hypothesis strategies that write SPARQL 1.1 queries from a small grammar, valid or nearly.

:func:`queries` draws a whole query: a prologue, a form (SELECT, ASK, CONSTRUCT, DESCRIBE),
a group graph pattern built recursively from triple patterns (with property paths),
FILTER, BIND, OPTIONAL, UNION, MINUS, VALUES, GRAPH, sub-selects and, now and then, a
``SERVICE`` clause pointing at :data:`SERVICE_TARGETS`; then solution modifiers. About one
query in five is mutated afterwards (a token inserted, a span deleted or cut) so the
parser's error paths are fuzzed as well. Terms come from the test graph's vocabulary,
prefixed names the endpoint predeclares, odd literals and odd Unicode. Patterns are kept
small (at most three triples per group, variables shared) so most queries finish quickly;
those that do not are the endpoint's time limit's business.
"""

from __future__ import annotations

from hypothesis import strategies as st

VARS = ["?a", "?b", "?c", "?d", "$e"]
IRIS = ["chip:test-gpu", "hw:memoryCapacity", "hw:value", "hw:unit", "hw:rank", "hw:GPU",
        "rdfs:label", "rdf:type", "prov:wasDerivedFrom", "hwt:memoryCapacity",
        "unit:GigaBYTE", "<https://w3id.org/hwkg/id/chip/test-gpu>", "<urn:x>", "<>",
        "<http://example.org/%20x>", "<http://[::1]/>", "hw:", "sh:path", "owl:Class"]
LITERALS = ['"Test GPU"@en', '"测试 GPU"@zh', "80", "3.35", "1e308", "-0", "1.0e-400", '""',
            '"x"^^xsd:integer', '"2022-03-22"^^xsd:date', '"NaN"^^xsd:double', "true",
            '"\\u0000"', '"\\U0010FFFF"', '"\u202e"', '"""multi\nline"""', "'single'",
            '"x"@en-US', '"9999999999999999999999999999"^^xsd:decimal', '"🙂"']
SERVICE_TARGETS = ["<http://127.0.0.1:9/sparql>", "<http://example.org/sparql>", "?svc"]
FUNCTIONS = ["STR", "LANG", "DATATYPE", "isIRI", "isLiteral", "BOUND", "STRLEN", "UCASE",
             "ABS", "CEIL", "YEAR", "MD5", "SHA512", "ENCODE_FOR_URI", "isNumeric", "IRI"]
FUNCTIONS2 = ["CONCAT", "REGEX", "CONTAINS", "STRSTARTS", "LANGMATCHES", "SUBSTR",
              "STRBEFORE", "sameTerm", "COALESCE", "STRDT", "STRLANG"]
OPERATORS = ["=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "&&", "||"]
AGGREGATES = ["COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"]
NOISE = ["{", "}", "(", ")", ".", ";", ",", "*", "?", "<", '"', "SELECT", "WHERE", "FILTER",
         "SERVICE", "LOAD", "\x00", "\\", "#", "PREFIX", "^^", "@", "|", "/", "^", "!"]

variables = st.sampled_from(VARS)
iris = st.sampled_from(IRIS)
literals = st.sampled_from(LITERALS) | st.integers(-10**20, 10**20).map(str) | st.text(
    st.characters(exclude_characters='"\\\n\r'), max_size=20).map(lambda t: f'"{t}"')
terms = st.one_of(variables, iris, literals)


def paths() -> st.SearchStrategy[str]:
    """A property path: IRIs combined with / | ^ ! and the * + ? modifiers."""
    base = st.sampled_from(["hw:value", "rdf:type", "a", "hw:memoryCapacity", "rdfs:label",
                            "rdfs:subClassOf", "owl:equivalentClass", "<urn:p>"])
    return st.recursive(base, lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda p: f"{p[0]}/{p[1]}"),
        st.tuples(inner, inner).map(lambda p: f"({p[0]}|{p[1]})"),
        inner.map(lambda p: f"^{p}"),
        st.tuples(inner, st.sampled_from(["*", "+", "?"])).map(lambda p: f"({p[0]}){p[1]}"),
        base.map(lambda p: f"!({p}|^rdf:type)")), max_leaves=4)


def triple() -> st.SearchStrategy[str]:
    subject = st.one_of(variables, iris, st.just("[]"))
    predicate = st.one_of(variables, iris, st.just("a"), paths())
    return st.tuples(subject, predicate, terms).map(lambda t: f"{t[0]} {t[1]} {t[2]} .")


def template() -> st.SearchStrategy[str]:
    """A CONSTRUCT template triple (no paths allowed there)."""
    return st.tuples(st.one_of(variables, iris), st.one_of(variables, iris, st.just("a")),
                     terms).map(lambda t: f"{t[0]} {t[1]} {t[2]} .")


def expressions() -> st.SearchStrategy[str]:
    """A FILTER/BIND expression: terms under functions and operators."""
    return st.recursive(terms, lambda inner: st.one_of(
        st.tuples(st.sampled_from(FUNCTIONS), inner).map(lambda f: f"{f[0]}({f[1]})"),
        st.tuples(st.sampled_from(FUNCTIONS2), inner, inner).map(
            lambda f: f"{f[0]}({f[1]}, {f[2]})"),
        st.tuples(inner, st.sampled_from(OPERATORS), inner).map(
            lambda f: f"({f[0]} {f[1]} {f[2]})"),
        inner.map(lambda e: f"!({e})"),
        st.tuples(inner, inner, inner).map(lambda f: f"IF({f[0]}, {f[1]}, {f[2]})"),
        st.tuples(inner, st.lists(terms, max_size=3)).map(
            lambda f: f"({f[0]} IN ({', '.join(f[1])}))")), max_leaves=6)


def groups() -> st.SearchStrategy[str]:
    """A group graph pattern ``{ … }``, nested a few levels at most."""
    leaf = st.lists(triple(), min_size=0, max_size=3).map(lambda ts: "{ " + " ".join(ts) + " }")

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        element = st.one_of(
            triple(),
            expressions().map(lambda e: f"FILTER({e})"),
            st.tuples(expressions(), variables).map(lambda b: f"BIND({b[0]} AS ?z{b[1][1:]})"),
            inner.map(lambda g: f"OPTIONAL {g}"),
            st.tuples(inner, inner).map(lambda g: f"{g[0]} UNION {g[1]}"),
            inner.map(lambda g: f"MINUS {g}"),
            st.tuples(st.one_of(variables, iris), inner).map(lambda g: f"GRAPH {g[0]} {g[1]}"),
            st.tuples(variables, st.lists(iris | literals | st.just("UNDEF"), max_size=4)).map(
                lambda v: f"VALUES {v[0]} {{ {' '.join(v[1])} }}"),
            inner.map(lambda g: f"{{ SELECT * WHERE {g} LIMIT 5 }}"),
            st.tuples(st.sampled_from(SERVICE_TARGETS), st.booleans(), inner).map(
                lambda s: f"SERVICE {'SILENT ' if s[1] else ''}{s[0]} {s[2]}"),
            inner,
        )
        return st.lists(element, max_size=4).map(lambda es: "{ " + " ".join(es) + " }")

    return st.recursive(leaf, extend, max_leaves=6)


def modifiers() -> st.SearchStrategy[str]:
    parts = st.tuples(
        st.sampled_from(["", "GROUP BY ?a", "GROUP BY ?a HAVING (COUNT(*) > 1)"]),
        st.sampled_from(["", "ORDER BY ?a", "ORDER BY DESC(?b) ?a", "ORDER BY RAND()"]),
        st.sampled_from(["", "LIMIT 0", "LIMIT 10", "LIMIT 100000", "OFFSET 3 LIMIT 2",
                         "LIMIT -1", "OFFSET 99999999999999999999"]))
    return parts.map(" ".join)


def projections() -> st.SearchStrategy[str]:
    aggregate = st.tuples(st.sampled_from(AGGREGATES), st.booleans(), variables).map(
        lambda a: f"({a[0]}({'DISTINCT ' if a[1] else ''}{a[2]}) AS ?agg)")
    return st.one_of(st.just("*"), st.lists(variables, min_size=1, max_size=3, unique=True)
                     .map(" ".join), aggregate, aggregate.map(lambda a: "?a " + a))


def forms() -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(st.sampled_from(["", "DISTINCT ", "REDUCED "]), projections()).map(
            lambda f: f"SELECT {f[0]}{f[1]} WHERE"),
        st.just("ASK"),
        st.lists(template(), max_size=2).map(lambda ts: "CONSTRUCT { " + " ".join(ts) + " } WHERE"),
        st.sampled_from(["DESCRIBE ?a WHERE", "DESCRIBE chip:test-gpu WHERE", "DESCRIBE * WHERE"]),
    )


@st.composite
def mutate(draw: st.DrawFn, text: str) -> str:
    """``text`` with a noise token inserted, a span deleted, or its tail cut."""
    at = draw(st.integers(0, len(text)))
    op = draw(st.sampled_from(["insert", "delete", "cut"]))
    if op == "insert":
        return text[:at] + draw(st.sampled_from(NOISE)) + text[at:]
    if op == "delete":
        return text[:at] + text[at + draw(st.integers(1, 20)):]
    return text[:at]


@st.composite
def queries(draw: st.DrawFn) -> str:
    """One query (valid, or one mutation away from valid)."""
    prologue = draw(st.sampled_from(["", "PREFIX ex: <http://example.org/> ",
                                     "BASE <http://example.org/> ", "PREFIX : <urn:> "]))
    dataset = draw(st.sampled_from(["", " FROM <https://w3id.org/hwkg/graph/data>",
                                    " FROM NAMED <urn:g>", " FROM <http://127.0.0.1:9/>"]))
    form = draw(forms())
    head, _, tail = form.rpartition(" WHERE") if form != "ASK" else ("ASK", "", "")
    text = f"{prologue}{head}{dataset}{' WHERE' if form != 'ASK' else ''} " \
           f"{draw(groups())} {draw(modifiers()) if form != 'ASK' else ''}{tail}"
    if draw(st.integers(0, 4)) == 0:
        text = draw(mutate(text))
    return text
