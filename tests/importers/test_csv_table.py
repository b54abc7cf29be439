"""``hwkg import csv FILE --mapping M``: an Epoch-AI-style table as statements on chips."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef

from importers_support import hwkg, snapshot

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "import" / "csv"
HW = Namespace("https://w3id.org/hwkg/ontology#")
CHIP = "https://w3id.org/hwkg/id/chip/"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "graph"
    shutil.copytree(ROOT / "graph", target)
    return target


@pytest.mark.parametrize("mapping", ["mapping.toml", "mapping.json"])
def test_good_table_imports(folder: Path, mapping: str) -> None:
    done = hwkg("import", "csv", str(FIXTURES / "chips.csv"), "--mapping",
                str(FIXTURES / mapping), "--graph-dir", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    written = folder / "figures" / "test-chip-table" / "nvidia-a100-sxm4-80gb.ttl"
    graph = Graph().parse(written, format="turtle")
    chip = URIRef(CHIP + "nvidia-a100-sxm4-80gb")
    bandwidth = graph.value(chip, HW.memoryBandwidth)
    assert str(graph.value(bandwidth, HW.value)) == "2039.0"
    assert graph.value(bandwidth, HW.rank) == HW.NormalRank
    h100 = Graph().parse(written.with_name("nvidia-h100-sxm5-80gb.ttl"), format="turtle")
    statement = h100.value(URIRef(CHIP + "nvidia-h100-sxm5-80gb"), HW.memoryBandwidth)
    assert str(h100.value(statement, HW.unit)).endswith("TeraBYTE-PER-SEC")
    # with the bundled graph as context, and the table's source the import wrote beside it
    check = hwkg("validate", str(written), str(folder / "sources" / "test-chip-table.ttl"))
    assert check.returncode == 0, check.stdout


def test_bad_unit_is_rejected_and_graph_unchanged(folder: Path) -> None:
    before = snapshot(folder)
    done = hwkg("import", "csv", str(FIXTURES / "chips-bad-unit.csv"), "--mapping",
                str(FIXTURES / "mapping.toml"), "--graph-dir", str(folder))
    assert done.returncode == 1
    assert "row 3: column 'Memory bandwidth unit': unit 'GB/hour' is not in the unit " \
           "vocabulary" in done.stdout
    assert snapshot(folder) == before


def test_mapping_unit_of_the_wrong_kind_is_rejected(folder: Path, tmp_path: Path) -> None:
    mapping = json.loads((FIXTURES / "mapping.json").read_text())
    mapping["figures"][2]["unit"] = "unit:GigaBYTE"  # TDP column declared in gigabytes
    path = tmp_path / "wrong-kind.json"
    path.write_text(json.dumps(mapping))
    before = snapshot(folder)
    done = hwkg("import", "csv", str(FIXTURES / "chips.csv"), "--mapping", str(path),
                "--graph-dir", str(folder))
    assert done.returncode == 1
    assert "unit unit:GigaBYTE measures DataSize, but hw:maxPower needs Power" in done.stdout
    assert snapshot(folder) == before


def test_shape_violation_is_reported_and_nothing_written(folder: Path, tmp_path: Path) -> None:
    mapping = json.loads((FIXTURES / "mapping.json").read_text())
    mapping["figures"][0]["scale"] = 1000  # 80 GB misread as 80,000 GB: implausible
    path = tmp_path / "scaled.json"
    path.write_text(json.dumps(mapping))
    before = snapshot(folder)
    done = hwkg("import", "csv", str(FIXTURES / "chips.csv"), "--mapping", str(path),
                "--graph-dir", str(folder))
    assert done.returncode == 1
    assert "Chip-memoryCapacity" in done.stdout and "outside the plausible range" in done.stdout
    assert "figures/test-chip-table/nvidia-h100-sxm5-80gb.ttl" in done.stdout
    assert "nothing written" in done.stderr
    assert snapshot(folder) == before


def test_a_second_preferred_figure_is_rejected(folder: Path, tmp_path: Path) -> None:
    mapping = json.loads((FIXTURES / "mapping.json").read_text())
    mapping["figures"][0]["rank"] = "PreferredRank"  # the chips already prefer a datasheet 80 GB
    path = tmp_path / "preferred.json"
    path.write_text(json.dumps(mapping))
    before = snapshot(folder)
    done = hwkg("import", "csv", str(FIXTURES / "chips.csv"), "--mapping", str(path),
                "--graph-dir", str(folder))
    assert done.returncode == 1
    assert "QA-onePreferred" in done.stdout and "hw:memoryCapacity" in done.stdout
    assert snapshot(folder) == before


@pytest.mark.parametrize(("cell", "says"), [
    ('"80,5"', "'80,5' has a comma that is not a thousands separator"),
    ("NaN", "'NaN' is not a finite number"),
    ("Infinity", "'Infinity' is not a finite number"),
])
def test_an_ambiguous_or_non_finite_number_is_rejected(folder: Path, tmp_path: Path, cell: str,
                                                       says: str) -> None:
    """A decimal comma is not read as a thousands separator (80,5 GB is not 805 GB), and
    NaN or infinity is no figure: the row is refused, naming the row and column."""
    lines = (FIXTURES / "chips.csv").read_text().splitlines()
    lines[2] = lines[2].replace(",80,2039,", f",{cell},2039,")
    table = tmp_path / "table.csv"
    table.write_text("\n".join(lines) + "\n")
    before = snapshot(folder)
    done = hwkg("import", "csv", str(table), "--mapping", str(FIXTURES / "mapping.toml"),
                "--graph-dir", str(folder))
    assert done.returncode == 1
    assert f"row 3: column 'Memory size per board (GB)': {says}" in done.stdout, done.stdout
    assert snapshot(folder) == before


def test_thousands_separators_are_read(folder: Path, tmp_path: Path) -> None:
    lines = (FIXTURES / "chips.csv").read_text().splitlines()
    lines[2] = lines[2].replace(",80,2039,GB/s,", ',80,"2,039",GB/s,')
    table = tmp_path / "table.csv"
    table.write_text("\n".join(lines) + "\n")
    done = hwkg("import", "csv", str(table), "--mapping", str(FIXTURES / "mapping.toml"),
                "--graph-dir", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    written = folder / "figures" / "test-chip-table" / "nvidia-a100-sxm4-80gb.ttl"
    graph = Graph().parse(written, format="turtle")
    bandwidth = graph.value(URIRef(CHIP + "nvidia-a100-sxm4-80gb"), HW.memoryBandwidth)
    assert str(graph.value(bandwidth, HW.value)) == "2039.0"


@pytest.mark.parametrize(("table", "says"), [
    ("Hardware name;Memory size per board (GB)\nNVIDIA H100 SXM5 80GB;80\n",
     "the header has no column 'Hardware name'"),
    ("Hardware name,Manufacturer,Memory size per board (GB),Memory bandwidth,"
     "Memory bandwidth unit,TDP (W),Source\n", "no rows under a header line"),
    ("", "no rows under a header line"),
])
def test_a_table_that_does_not_fit_its_mapping_is_refused(folder: Path, tmp_path: Path,
                                                          table: str, says: str) -> None:
    """A semicolon-separated table or one without rows is named as such (it was reported as
    rows whose chip '' matches nothing, or imported nothing and exited 0)."""
    path = tmp_path / "table.csv"
    path.write_text(table)
    before = snapshot(folder)
    done = hwkg("import", "csv", str(path), "--mapping", str(FIXTURES / "mapping.toml"),
                "--graph-dir", str(folder))
    assert done.returncode != 0 and says in done.stdout + done.stderr, done.stdout + done.stderr
    assert snapshot(folder) == before


@pytest.mark.parametrize(("row", "says"), [
    ("NVIDIA A100 SXM4 80GB,NVIDIA,80,2039,GB/s,400,https://example.org/a100,extra",
     "row 3: has 1 more cell(s) than the header"),
    ("NVIDIA A100 SXM4 80GB,NVIDIA,80", "row 3: has fewer cells than the header"),
])
def test_a_row_with_another_number_of_cells_is_rejected(folder: Path, tmp_path: Path, row: str,
                                                        says: str) -> None:
    lines = (FIXTURES / "chips.csv").read_text().splitlines()
    lines[2] = row
    path = tmp_path / "table.csv"
    path.write_text("\n".join(lines) + "\n")
    done = hwkg("import", "csv", str(path), "--mapping", str(FIXTURES / "mapping.toml"),
                "--graph-dir", str(folder))
    assert done.returncode == 1 and says in done.stdout, done.stdout


def test_a_chip_is_matched_by_its_chinese_label(folder: Path, tmp_path: Path) -> None:
    """A row naming a chip by its @zh label (华为昇腾 910B, also written without the space)."""
    lines = (FIXTURES / "chips.csv").read_text().splitlines()
    header = lines[0]
    path = tmp_path / "table.csv"
    path.write_text(header + "\n华为昇腾910B,Huawei,64,1.6,TB/s,400,https://example.org/910b\n")
    done = hwkg("import", "csv", str(path), "--mapping", str(FIXTURES / "mapping.toml"),
                "--graph-dir", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (folder / "figures" / "test-chip-table" / "huawei-ascend-910b.ttl").is_file()
