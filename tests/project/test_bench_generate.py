"""The benchmark's synthetic graph generator: reproducible, and valid against the shapes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest

from hwkg.core.namespaces import GRAPH_DATA, GRAPH_TRUTHY, sparql_prefixes
from hwkg.loading.snapshot import load_snapshot

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("bench-home")
    gen = _generator()
    gen.write_home(gen.generate(100, seed=7), home)
    return home


def test_same_seed_same_graph_other_seed_other_graph() -> None:
    gen = _generator()
    assert gen.generate(50, seed=3).blocks == gen.generate(50, seed=3).blocks
    assert gen.generate(50, seed=3).blocks != gen.generate(50, seed=4).blocks


def test_generated_graph_conforms_to_the_shapes(generated: Path) -> None:
    loaded = load_snapshot(generated)  # raises InvalidGraph on any violation
    assert len(loaded.graph(GRAPH_DATA)) > 3000
    assert len(loaded.graph(GRAPH_TRUTHY)) > 100


@pytest.fixture(scope="module")
def generated_store(generated: Path) -> ox.Store:
    return load_snapshot(generated, check_shapes=False).store


def _count(oxstore: ox.Store, where: str) -> int:
    query = sparql_prefixes() + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
    row = next(iter(oxstore.query(query, use_default_graph_as_union=True)))  # type: ignore[arg-type]
    return int(row["n"].value)


@pytest.mark.parametrize("where", [
    "?c a hw:GPU",
    "?c a hw:CPU",
    "?c hw:computeBF16 ?s . ?s hw:sparsity hw:Sparse",
    "?c hw:computeBF16 ?s . ?s hw:sparsity hw:Dense ; hw:derivation ?how",
    "?c ?p ?s . ?s hw:rank hw:NormalRank ; hw:pointInTime ?t",
    "?c ?p ?s . ?s hw:rank hw:DeprecatedRank ; hw:rankReason ?why",
    "?s a hw:Statement ; prov:wasDerivedFrom ?a , ?b . FILTER (?a != ?b)",
    "?o a hw:Offer ; hw:currency cur:USD",
    "?o a hw:Offer ; hw:currency ?cur . FILTER (?cur != cur:USD)",
    "?r a hw:ExchangeRate ; hw:fromCurrency cur:USD",
    "?sys a hw:System ; hw:component [ hw:componentChip ?c ; hw:count ?n ]",
    "?r a hw:BenchmarkResult ; hw:system ?sys ; hw:result ?st",
    "?c hwt:memoryCapacity ?gb",
])
def test_generated_graph_has_every_modelling_feature(generated_store: ox.Store, where: str) -> None:
    assert _count(generated_store, where) > 0, where
