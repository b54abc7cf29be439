"""Coverage of the core figures can only go up: each core property's share of chips with a
value or a sourced absence (and, for accelerator prices, with a dated price) stays at or
above the threshold committed in tests/coverage/thresholds.json, and so does the number of
chips whose preferred figure cites a primary source (a count, not a share, so adding a chip
from secondary sources does not fail it), and the number whose stated absence cites one.
Raise a threshold when data is added; never lower one to make this pass."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from hwkg.derived import coverage
from hwkg.loading.snapshot import Snapshot
from hwkg.readmodel import cached
from hwkg.readmodel.catalog import Chip

THRESHOLDS = json.loads((Path(__file__).parents[1] / "coverage" / "thresholds.json").read_text())


@pytest.fixture(scope="module")
def rows(snapshot: Snapshot) -> dict[tuple[str, str], coverage.Row]:
    return {(r.group, r.prop): r for r in coverage.report(cached.for_snapshot(snapshot))}


def test_every_core_property_has_a_threshold(rows: dict[tuple[str, str], coverage.Row]) -> None:
    named = {(g, p) for g, props in THRESHOLDS["covered"].items() for p in props}
    assert rows and named == set(rows)


@pytest.mark.parametrize("group,prop", [(g, p) for g, props in THRESHOLDS["covered"].items()
                                        for p in props])
def test_coverage_does_not_fall(rows: dict[tuple[str, str], coverage.Row], group: str,
                                prop: str) -> None:
    row = rows[(group, prop)]
    assert row.total > 0
    assert row.covered >= THRESHOLDS["covered"][group][prop], (
        f"{group} {prop}: {row.covered:.1%} covered; lacking: {', '.join(row.missing)}")


@pytest.mark.parametrize("group,prop", [(g, p) for g, props in THRESHOLDS["primary"].items()
                                        for p in props])
def test_primary_sourcing_does_not_fall(rows: dict[tuple[str, str], coverage.Row], group: str,
                                        prop: str) -> None:
    row = rows[(group, prop)]
    assert row.primary is not None and row.valued
    assert set(row.primary) <= set(row.valued)
    assert len(row.primary) >= THRESHOLDS["primary"][group][prop], (
        f"{group} {prop}: {len(row.primary)} values cite a primary source; without one: "
        + ", ".join(sorted(set(row.valued) - set(row.primary))))


def test_every_figure_property_has_a_primary_threshold(
        rows: dict[tuple[str, str], coverage.Row]) -> None:
    figures = {key for key, row in rows.items() if row.primary is not None}
    named = {(g, p) for g, props in THRESHOLDS["primary"].items() for p in props}
    assert figures and named == figures


@pytest.mark.parametrize("group,prop", [(g, p) for g, props in
                                        THRESHOLDS["absent_primary"].items() for p in props])
def test_absences_backed_by_primary_sources_do_not_fall(
        rows: dict[tuple[str, str], coverage.Row], group: str, prop: str) -> None:
    row = rows[(group, prop)]
    assert row.absent_primary is not None and set(row.absent_primary) <= set(row.absent)
    assert len(row.absent_primary) >= THRESHOLDS["absent_primary"][group][prop], (
        f"{group} {prop}: {len(row.absent_primary)} absences cite a primary source; without "
        "one: " + ", ".join(sorted(set(row.absent) - set(row.absent_primary))))


def test_absences_backed_by_primary_sources_agree_with_sparql(
        snapshot: Snapshot, rows: dict[tuple[str, str], coverage.Row]) -> None:
    """The report's count, worked out from the catalog, against the same question asked of
    the store: which chips state a figure absent (not published, not supported) citing a
    primary source."""
    query = """
        PREFIX hw: <https://w3id.org/hwkg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT DISTINCT ?chip ?prop WHERE {
          ?chip hw:absence ?a . ?a hw:absentProperty ?prop ; hw:absenceKind ?kind ;
             prov:wasDerivedFrom ?src .
          ?src hw:sourceKind hw:PrimarySource .
          FILTER (?kind IN (hw:NotPublished, hw:NotSupported))
        }"""
    backed: set[tuple[str, str]] = set()
    for solution in snapshot.store.query(query, use_default_graph_as_union=True):
        assert isinstance(solution["chip"], ox.NamedNode)
        assert isinstance(solution["prop"], ox.NamedNode)
        backed.add((solution["chip"].value.rsplit("/", 1)[1],
                    solution["prop"].value.rsplit("#", 1)[1]))
    checked = 0
    for (_group, prop), row in rows.items():
        if row.absent_primary is None:
            continue
        assert set(row.absent_primary) == {c for c in row.absent if (c, prop) in backed}, prop
        checked += len(row.absent)
    assert checked > 50


def test_accelerator_prices(rows: dict[tuple[str, str], coverage.Row]) -> None:
    row = rows[("accelerator", "price")]
    assert row.valued_share >= THRESHOLDS["priced_accelerators"], (
        f"{row.valued_share:.1%} of accelerators have a price; without: "
        + ", ".join(row.missing + row.absent))


@pytest.mark.parametrize("kinds,group", [
    (["GPU"], "accelerator"), (["AIAccelerator"], "accelerator"), (["SoC"], "accelerator"),
    (["Superchip"], "accelerator"),           # GH200, GB200: a CPU and GPUs on one module
    (["Superchip", "CPU"], "cpu"),            # Grace CPU Superchip: CPUs only
    (["CPU"], "cpu"),
])
def test_a_chip_is_grouped_by_what_it_is(kinds: list[str], group: str) -> None:
    chip = Chip(id="https://example.org/chip", slug="chip", name="chip", name_zh=None,
                source_ids=[], figures={}, kinds=kinds)
    assert coverage.group_of(chip) == group


def test_cpu_superchips_are_compared_with_cpus(rows: dict[tuple[str, str], coverage.Row]) -> None:
    cpus = set(rows[("cpu", "cpuCores")].valued + rows[("cpu", "cpuCores")].missing)
    accelerators = rows[("accelerator", "memoryCapacity")]
    assert "nvidia-grace-cpu-superchip" in cpus
    assert "nvidia-gh200-grace-hopper" in accelerators.valued + accelerators.missing
