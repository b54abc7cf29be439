"""``hwkg import measured``: the H100 and H200 probe files as results of one-chip systems."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import Namespace, URIRef

from importers_support import hwkg, load, snapshot

ROOT = Path(__file__).resolve().parents[2]
MEASURED = ROOT / "tests" / "fixtures" / "measured"
HW = Namespace("https://w3id.org/hwkg/ontology#")
ID = "https://w3id.org/hwkg/id/"


def files() -> list[str]:
    found = sorted(str(p) for p in MEASURED.glob("*.json"))
    assert len(found) == 2, f"expected the H100 and H200 files in {MEASURED}"
    return found


def test_measured_files_become_results(tmp_path: Path) -> None:
    folder = tmp_path / "graph"
    shutil.copytree(ROOT / "graph", folder)
    done = hwkg("import", "measured", *files(), "--graph-dir", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    graph = load(folder)
    system = URIRef(f"{ID}system/measured-h100-sxm5-80gb-2026-11-27")
    part = graph.value(system, HW.component)
    assert graph.value(part, HW.componentChip) == URIRef(f"{ID}chip/nvidia-h100-sxm5-80gb")
    results = set(graph.subjects(HW.system, system))
    assert len(results) == 10
    bf16 = URIRef(f"{ID}result/measured-h100-sxm5-80gb-2026-11-27-matmul-bf16")
    assert bf16 in results
    bench = graph.value(bf16, HW.benchmark)
    assert graph.value(bench, HW.measures) == HW.computeBF16
    assert graph.value(bf16, HW.category) == HW.Measured
    assert "8192x8192x8192" in str(graph.value(bf16, HW.method))
    measured = Decimal(str(graph.value(graph.value(bf16, HW.result), HW.value)))
    dense = [Decimal(str(graph.value(s, HW.value)))
             for s in graph.objects(URIRef(f"{ID}chip/nvidia-h100-sxm5-80gb"), HW.computeBF16)
             if graph.value(s, HW.sparsity) == HW.Dense
             and graph.value(s, HW.rank) == HW.PreferredRank]
    assert dense, "the H100's preferred dense BF16 figure is in the graph"
    assert Decimal("0.5") < measured / dense[0] < 1  # measured sits below the datasheet peak
    source = graph.value(system, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    url = str(graph.value(source, URIRef("https://schema.org/url")))
    assert url == "https://w3id.org/hwkg/evidence/measured/h100-probe-2026-11-27.json"
    title = str(graph.value(source, URIRef("http://purl.org/dc/terms/title")))
    assert "(file h100-probe-2026-11-27.json)" in title
    for name in ("h100-probe-2026-11-27.json", "h200-probe-2026-11-27.json"):
        shipped = folder / "evidence" / "measured" / name
        assert shipped.read_bytes() == (MEASURED / name).read_bytes(), f"{name} not shipped as is"
    # the published notes (about every published file) are kept, not replaced by the input's
    notes = folder / "evidence" / "measured" / "SOURCE.md"
    assert notes.read_bytes() == (ROOT / "graph" / "evidence" / "measured" / "SOURCE.md"
                                  ).read_bytes()
    assert "SOURCE.md is kept" in done.stdout
    h200 = URIRef(f"{ID}system/measured-h200-sxm-141gb-2026-11-27")
    assert len(set(graph.subjects(HW.system, h200))) == 10
    again = hwkg("import", "measured", *files(), "--graph-dir", str(folder))
    assert again.returncode == 0 and again.stdout.startswith("added: nothing\nchanged: nothing")


def test_bundled_graph_cites_the_shipped_evidence() -> None:
    """The committed measured systems cite the copies under graph/evidence/, not a local path."""
    graph = load(ROOT / "graph" / "systems")
    urls = {str(u) for u in graph.objects(None, URIRef("https://schema.org/url"))}
    assert not [u for u in urls if u.startswith("file:")]
    base = "https://w3id.org/hwkg/evidence/measured/"
    for name in ("h100-probe-2026-11-27.json", "h200-probe-2026-11-27.json"):
        assert base + name in urls
        assert (ROOT / "graph" / "evidence" / "measured" / name).is_file()


def graph_and_h100(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """A copy of the bundled graph, and the H100 probe file's data to change."""
    folder = tmp_path / "graph"
    shutil.copytree(ROOT / "graph", folder)
    return folder, json.loads(Path(files()[0]).read_text())


def refused(folder: Path, path: Path, data: dict[str, Any]) -> str:
    """Import ``data`` written to ``path``; assert it is refused and the graph unchanged, and
    return the report."""
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data))
    before = snapshot(folder)
    done = hwkg("import", "measured", str(path), "--graph-dir", str(folder))
    assert done.returncode == 1
    assert snapshot(folder) == before
    return done.stdout


def test_bad_unit_is_rejected_and_graph_unchanged(tmp_path: Path) -> None:
    folder, data = graph_and_h100(tmp_path)
    data["figures"]["gemm_bf16"]["unit"] = "TFLOP/hour"
    report = refused(folder, tmp_path / "h100-bad-unit.json", data)
    assert "figure 'gemm_bf16' has unit 'TFLOP/hour'" in report


def test_a_second_run_on_the_same_day_does_not_replace_the_first(tmp_path: Path) -> None:
    """Another file measuring the same chip on the same day would have replaced the first
    run's system, results and source: it is refused, naming the way out (system_slug);
    a different file under an evidence file's name is refused likewise."""
    folder, data = graph_and_h100(tmp_path)
    data["measured_at"] = data["measured_at"][:10] + "T23:59:00+00:00"
    report = refused(folder, tmp_path / "h100-run2.json", data)
    assert "already holds another measured run of this chip on this day" in report
    assert '"system_slug"' in report
    data["system_slug"] = "measured-h100-sxm5-80gb-2026-11-27-late"
    clash = refused(folder, tmp_path / "other" / "h100-probe-2026-11-27.json", data)
    assert "is already published with other content" in clash
    data_ok = tmp_path / "h100-late-2026-11-27.json"
    data_ok.write_text(json.dumps(data))
    fine = hwkg("import", "measured", str(data_ok), "--graph-dir", str(folder))
    assert fine.returncode == 0, fine.stdout + fine.stderr
    assert (folder / "systems" / "measured-h100-sxm5-80gb-2026-11-27-late.ttl").is_file()
    assert (folder / "systems" / "measured-h100-sxm5-80gb-2026-11-27.ttl").read_bytes() == \
        (ROOT / "graph" / "systems" / "measured-h100-sxm5-80gb-2026-11-27.ttl").read_bytes()


def test_reimporting_the_published_runs_from_a_fresh_copy_changes_nothing(tmp_path: Path) -> None:
    """The bundled graph's measured runs imported again from a copy made today (a new
    modification time): no file changes — neither the sources' retrieval dates nor the
    benchmark definitions an editor completed since (model size, precision)."""
    folder = tmp_path / "graph"
    shutil.copytree(ROOT / "graph", folder)
    fresh = tmp_path / "copy"
    shutil.copytree(MEASURED, fresh)  # copytree keeps mtimes; make them today's
    for path in fresh.iterdir():
        path.write_bytes(path.read_bytes())
    before = snapshot(folder)
    done = hwkg("import", "measured", *sorted(str(p) for p in fresh.glob("*.json")),
                "--graph-dir", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("added: nothing\nchanged: nothing"), done.stdout
    assert snapshot(folder) == before
