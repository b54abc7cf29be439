"""Every checkable claim of the seed article is in the graph as the claim list says.

tests/claims/seed-article.tsv holds one row per claim: the article's words, the entity and
property it is about, the article's value (and unit), and how the graph carries it:

- ``statement``: a hw:Statement of that property on that entity with that value (numbers
  compared numerically in the row's unit) and unit, citing src:seed-article, with the row's
  rank; a non-preferred one says why (hw:rankReason) and sits beside a preferred statement of
  the same property from another source;
- ``fact``: the triple holds (for hw:component the value is the component's chip), and the
  entity cites a source other than the article for its facts;
- ``claim``: a hw:Claim claimed by src:seed-article; with hw:quantity, a quantity statement
  with that value, unit and rank; with hw:about, the claim is about that entity.
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest

from hwkg.core.namespaces import GRAPH_DATA, PREFIXES
from hwkg.loading.snapshot import Snapshot

ROWS = list(csv.DictReader(
    (Path(__file__).parents[1] / "claims" / "seed-article.tsv").open(encoding="utf-8"),
    delimiter="\t"))
ARTICLE = PREFIXES["src"] + "seed-article"
HW = PREFIXES["hw"]


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES else curie


def term(value: str) -> str:
    """The SPARQL text of a row's value: an IRI for a CURIE, else a literal to compare."""
    if ":" in value and value.split(":")[0] in PREFIXES:
        return f"<{expand(value)}>"
    return value


def ask(snapshot: Snapshot, body: str) -> list[dict[str, str]]:
    query = f"SELECT * WHERE {{ GRAPH <{GRAPH_DATA}> {{ {body} }} }}"
    rows = snapshot.store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    names = [v.value for v in rows.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in rows]


def same_number(a: str, b: str) -> bool:
    try:
        return Decimal(a) == Decimal(b)
    except InvalidOperation:
        return False


def test_the_claim_list_is_exhaustive_enough() -> None:
    kinds = {row["kind"] for row in ROWS}
    assert len(ROWS) >= 100 and kinds == {"statement", "fact", "claim"}
    assert len({row["id"] for row in ROWS}) == len(ROWS), "ids must be unique"


def _statements(snapshot: Snapshot, row: dict[str, str]) -> list[dict[str, str]]:
    return ask(snapshot, f"""<{expand(row['entity'])}> <{expand(row['property'])}> ?st .
        ?st <{HW}value> ?v ; <{HW}unit> ?u ; <{HW}rank> ?rank .
        OPTIONAL {{ ?st <{HW}rankReason> ?why }}
        OPTIONAL {{ ?st <http://www.w3.org/ns/prov#wasDerivedFrom> ?src }}""")


@pytest.mark.parametrize("row", [r for r in ROWS if r["kind"] == "statement"],
                         ids=lambda r: r["id"])
def test_statement_claim(snapshot: Snapshot, row: dict[str, str]) -> None:
    found = _statements(snapshot, row)
    mine = [s for s in found if s.get("src") == ARTICLE and same_number(s["v"], row["value"])
            and s["u"] == expand(row["unit"])]
    assert mine, f"no statement of {row['property']} = {row['value']} citing the article"
    ranks = {s["rank"] for s in mine}
    assert expand(row["rank"]) in ranks, f"ranked {ranks}, the list says {row['rank']}"
    if row["rank"] != "hw:PreferredRank":
        assert any(s.get("why") for s in mine if s["rank"] == expand(row["rank"]))
        preferred = [s for s in found if s["rank"] == HW + "PreferredRank"
                     and s.get("src") != ARTICLE]
        assert preferred, "a lower-ranked article figure needs a preferred one beside it"


@pytest.mark.parametrize("row", [r for r in ROWS if r["kind"] == "fact"], ids=lambda r: r["id"])
def test_fact_claim(snapshot: Snapshot, row: dict[str, str]) -> None:
    entity, prop = f"<{expand(row['entity'])}>", f"<{expand(row['property'])}>"
    if row["property"] == "hw:component":
        body = f"{entity} {prop} ?c . ?c <{HW}componentChip> ?value"
    else:
        body = f"{entity} {prop} ?value"
    values = [r["value"] for r in ask(snapshot, body)]
    wanted = expand(row["value"]) if term(row["value"]).startswith("<") else row["value"]
    assert wanted in values, f"{row['entity']} {row['property']}: {values}"
    sources = {r["s"] for r in ask(snapshot, f"{entity} <http://www.w3.org/ns/prov#"
                                             "wasDerivedFrom> ?s")}
    assert sources - {ARTICLE}, "a fact needs a source besides the article"


@pytest.mark.parametrize("row", [r for r in ROWS if r["kind"] == "claim"], ids=lambda r: r["id"])
def test_claim_entity(snapshot: Snapshot, row: dict[str, str]) -> None:
    claim = f"<{expand(row['entity'])}>"
    assert ask(snapshot, f"{claim} a <{HW}Claim> ; <{HW}claimedBy> <{ARTICLE}>"), "no such claim"
    if row["property"] == "hw:quantity":
        found = _statements(snapshot, row)
        assert any(same_number(s["v"], row["value"]) and s["u"] == expand(row["unit"])
                   and s["rank"] == expand(row["rank"]) for s in found), found
    elif row["property"] == "hw:about":
        about = {r["x"] for r in ask(snapshot, f"{claim} <{HW}about> ?x")}
        assert expand(row["value"]) in about, about
