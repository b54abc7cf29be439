"""Example queries that tests of several packages send: the GraphQL examples of
graphql/test_examples.py and the SPARQL queries of sparql/test_cross_engine.py, which
serving/test_remote_serve.py asks again of every serving mode."""

from __future__ import annotations

import pyoxigraph as ox

TOP_FIVE_MEMORY_PER_DOLLAR = """
query TopMemoryPerDollar {
  chips(orderBy: [{memoryPerDollar: DESC}], where: {memoryPerDollar: {gt: 0}}, first: 5) {
    nodes {
      id name
      memoryPerDollar(currency: "USD") {
        value unit
        inputs { role value unit figure { id value unit }
                 offer { id amount currency offerDate sources { title url date } }
                 rate { id rate rateDate fromCurrency toCurrency } }
      }
    }
  }
}"""

ROCM_AT_LEAST_1_TBPS = """
query RocmFast {
  chips(where: {softwareStack: {name: {contains: "ROCm"}}, memoryBandwidth: {gte: 1000}},
        first: 100) {
    totalCount nodes { id name memoryBandwidth { value unit } softwareStacks { name } }
  }
}"""

DEVICES_FOR_65B_FP16 = """
query Hold65B($after: String) {
  chips(orderBy: [{devicesNeeded: {parameters: 65e9, bytesPerParameter: 2}}], first: 100,
        after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id name
      devicesNeeded(parameters: 65e9, bytesPerParameter: 2) {
        value unit reason inputs { role value unit figure { value unit scope { name } } } } }
  }
}"""

MEASURED_VS_DATASHEET_BF16 = """
query MeasuredBF16($chip: ID!) {
  chip(id: $chip) {
    name
    computeBF16 { value unit source { title url } }
    benchmarkResults {
      id name benchmark { name measures }
      system { acceleratorCount components { count chip { id } } }
      result { value unit }
      measuredVsPeak { value unit reason inputs { role value unit entityId } }
    }
  }
}"""

QUERIES = {
    "chips-by-label": ("""SELECT ?chip ?label WHERE {
        ?chip a/rdfs:subClassOf* hw:Chip ; rdfs:label ?label } ORDER BY ?label ?chip""", True),
    "statements-per-property": ("""SELECT ?p (COUNT(?st) AS ?n) WHERE {
        ?s ?p ?st . ?st a hw:Statement } GROUP BY ?p ORDER BY DESC(?n) ?p""", True),
    "truthy-with-optional": ("""SELECT ?chip ?mem ?bw WHERE {
        ?chip a/rdfs:subClassOf* hw:Chip .
        OPTIONAL { ?chip hwt:memoryCapacity ?mem } OPTIONAL { ?chip hwt:memoryBandwidth ?bw } }""",
                             False),
    "filtered-figures": ("""SELECT ?s ?v ?u WHERE { ?s ?p ?st . ?st hw:value ?v ; hw:unit ?u ;
        hw:rank hw:PreferredRank FILTER(?v > 10) }""", False),
    "sources": ("""SELECT ?src ?title ?url WHERE { ?src a hw:Source .
        OPTIONAL { ?src dcterms:title ?title } OPTIONAL { ?src schema:url ?url } }""", False),
    "classes-in-named-graphs": ("""SELECT ?g (COUNT(DISTINCT ?c) AS ?n) WHERE {
        GRAPH ?g { ?s a ?c } } GROUP BY ?g ORDER BY ?g""", True),
    "ranks": ("SELECT DISTINCT ?r WHERE { ?st hw:rank ?r } ORDER BY ?r", True),
    "ask-deprecated": ("ASK { ?st hw:rank hw:DeprecatedRank }", True),
    "construct-vendors": ("""CONSTRUCT { ?v rdfs:label ?l } WHERE {
        ?v a hw:Vendor ; rdfs:label ?l }""", False),
}


def rows(result: object) -> list[tuple[str, ...]] | bool | set[str]:
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return [tuple(str(s[n]) if s[n] is not None else "" for n in names) for s in result]
    return {str(t) for t in result}  # type: ignore[attr-defined]
