"""``hwkg probe``: the CPU path measures with NumPy and writes Turtle that validates."""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, Graph, Namespace

from importers_support import hwkg

ROOT = Path(__file__).resolve().parents[2]
HW = Namespace("https://w3id.org/hwkg/ontology#")


def a_cpu_chip() -> str:
    """A CPU chip of the bundled graph for --chip (the test machine's CPU may be unnamed)."""
    for path in sorted((ROOT / "graph" / "chips").glob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        if any(graph.subjects(RDF.type, HW.CPU)):
            return path.stem
    raise AssertionError("the bundled graph has no hw:CPU chip")


def test_cpu_probe_turtle_validates(tmp_path: Path) -> None:
    out = tmp_path / "probe.ttl"
    done = hwkg("probe", "--cpu", "--quick", "--chip", a_cpu_chip(), "--output", str(out))
    assert done.returncode == 0, done.stderr
    graph = Graph().parse(out, format="turtle")
    results = list(graph.subjects(RDF.type, HW.BenchmarkResult))
    assert len(results) == 3  # copy bandwidth, FP64 and FP32 matrix products
    for result in results:
        assert graph.value(result, HW.category) == HW.Measured
        assert float(graph.value(graph.value(result, HW.result), HW.value)) > 0
    check = hwkg("validate", str(out))
    assert check.returncode == 0, check.stdout + check.stderr


def test_probe_json_is_importable_format(tmp_path: Path) -> None:
    out = tmp_path / "probe.json"
    done = hwkg("probe", "--cpu", "--quick", "--json", "--output", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert '"memory_copy_bandwidth"' in text and '"unit": "GB/s"' in text


def test_unknown_chip_is_refused() -> None:
    done = hwkg("probe", "--cpu", "--quick", "--chip", "no-such-chip")
    assert done.returncode == 1
    assert "--chip 'no-such-chip' matches no chip in the graph" in done.stderr
