"""``hwkg import mlperf``: rounds as data, official scores, partial rejections, idempotence.

Every import here runs as a real ``hwkg`` process on the committed fixtures
(``tests/fixtures/mlperf``, see its SOURCE.md) and writes into a copy of the bundled graph
from which the MLPerf systems and submitters were removed (an "empty home" for MLPerf).
Published scores: NVIDIA's "Performance on MLPerf 3.0 Training Benchmarks" table
(https://developer.nvidia.com/deep-learning-performance-training-inference/training, minutes
to 3 decimals), EE Times' round report (CoreWeave's 3,584 H100 trained GPT-3 "in 10.94
minutes") and, for v4.0, MLCommons' results table (NVIDIA's 11,616 H100: 3.44 minutes).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef

from hwkg.importers.writer import Output, commit, generated
from importers_support import hwkg, load, snapshot

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "mlperf"
V30, V40, V50 = (FIXTURES / f"mlperf-training-v{v}" for v in ("3.0", "4.0", "5.0"))
INFERENCE = FIXTURES / "mlperf-inference-v5.1"
HW = Namespace("https://w3id.org/hwkg/ontology#")
ID = "https://w3id.org/hwkg/id/"

#: (round, IRI key of the system, benchmark) -> (published minutes, decimals published).
PUBLISHED = {
    ("v3.0", "nvidia-coreweave-coreweave-hgxh100-n448-ngc23.04-pytorch", "gpt3"): ("10.94", 2),
    ("v3.0", "nvidia-coreweave-coreweave-hgxh100-n448-ngc23.04-mxnet", "resnet"): ("0.183", 3),
    ("v3.0", "nvidia-dgxh100-ngc23.04-pytorch", "ssd"): ("37.009", 3),
    ("v3.0", "nvidia-dgxh100-ngc23.04-pytorch", "maskrcnn"): ("19.180", 3),
    ("v4.0", "nvidia-eos-dfw-n1452-ngc24.04-nemo", "gpt3"): ("3.44", 2),
}


def empty_home(target: Path) -> Path:
    """A copy of the bundled graph without what MLPerf imports wrote (systems, submitters)."""
    shutil.copytree(ROOT / "graph", target)
    for path in [*target.glob("systems/mlperf-*.ttl"), *target.glob("organizations/*.ttl"),
                 *target.glob("rounds/*.ttl")]:
        if generated(path):
            path.unlink()
    return target


def imported(source: Path, folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return hwkg("import", "mlperf", str(source), "--graph-dir", str(folder), "--retrieved",
                "2026-12-02", *extra)


def result_iri(rnd: str, key: str, bench: str) -> URIRef:
    return URIRef(f"{ID}result/mlperf-training-{rnd}-{key}-{bench.replace('_', '-')}")


def score_of(graph: Graph, result: URIRef) -> Decimal:
    statement = graph.value(result, HW.result)
    assert statement is not None, f"no result {result}"
    return Decimal(str(graph.value(statement, HW.value)))


class Home:
    """A graph folder with the three training rounds and the inference round imported."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.out: dict[str, subprocess.CompletedProcess[str]] = {}
        self.v30_files: dict[str, bytes] = {}
        self.graph = Graph()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    h = Home(empty_home(tmp_path_factory.mktemp("home") / "graph"))
    for name, source in (("v3.0", V30), ("v4.0", V40), ("v5.0", V50), ("inf", INFERENCE)):
        h.out[name] = done = imported(source, h.folder, "--allow-rejected")
        assert done.returncode == 0, done.stdout + done.stderr
        if name == "v3.0":
            h.v30_files = {k: v for k, v in snapshot(h.folder).items() if "v3.0" in k}
    h.graph = load(h.folder)
    return h


def test_fixture_rounds_found() -> None:
    assert len(list(V30.glob("*/results/*/*/result_*.txt"))) >= 50
    assert len(list(V40.glob("*/results/*/*/scaling.json"))) >= 4
    assert json.loads((INFERENCE / "summary_results.json").read_text())


@pytest.mark.parametrize("key", sorted(PUBLISHED), ids=lambda k: f"{k[0]}-{k[2]}")
def test_scores_match_published(home: Home, key: tuple[str, str, str]) -> None:
    published, decimals = PUBLISHED[key]
    assert round(score_of(home.graph, result_iri(*key)), decimals) == Decimal(published)


def test_rounds_are_carried_in_iris_labels_and_urls(home: Home) -> None:
    systems = {str(s) for s in home.graph.subjects(HW.round, None)
               if (s, None, HW.System) in home.graph}
    for version in ("3.0", "4.0", "5.0"):
        assert any(f"/system/mlperf-training-v{version}-" in s for s in systems), version
    system = URIRef(f"{ID}system/mlperf-training-v4.0-dell-xe9680x8h100-sxm-80gb")
    assert home.graph.value(system, HW.round) == URIRef(f"{ID}round/mlperf-training-v4.0")
    assert "MLPerf Training v4.0" in str(home.graph.value(system, URIRef(
        "http://www.w3.org/2000/01/rdf-schema#label")))
    source = home.graph.value(system, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    url = str(home.graph.value(source, URIRef("https://schema.org/url")))
    assert url.startswith("https://github.com/mlcommons/training_results_v4.0/tree/main/Dell/")


def test_importing_v4_0_onto_v3_0_changes_no_v3_0_file(home: Home) -> None:
    after = {k: v for k, v in snapshot(home.folder).items() if "v3.0" in k}
    assert home.v30_files and after == home.v30_files
    v30 = result_iri("v3.0", "dell-xe9680x8h100-sxm-80gb", "bert")
    v40 = result_iri("v4.0", "dell-xe9680x8h100-sxm-80gb", "bert")
    assert score_of(home.graph, v30) != score_of(home.graph, v40)


def test_a_system_that_reappears_is_new_and_linked_to_the_earlier_one(home: Home) -> None:
    key = "nvidia-coreweave-coreweave-hgxh100-n448-ngc23.04-mxnet"
    later = URIRef(f"{ID}system/mlperf-training-v4.0-{key}")
    assert home.graph.value(later, HW.sameConfigurationAs) == URIRef(
        f"{ID}system/mlperf-training-v3.0-{key}")
    dell = URIRef(f"{ID}system/mlperf-training-v4.0-dell-xe9680x8h100-sxm-80gb")
    assert home.graph.value(dell, HW.sameConfigurationAs) is not None


def test_one_organisations_folders_do_not_collide(home: Home) -> None:
    systems = {str(s).rsplit("/", 1)[-1] for s in home.graph.subjects(None, HW.System)}
    assert {"mlperf-training-v4.0-smc-1xsmc-h100-sxm-80gb",
            "mlperf-training-v4.0-smc-ac-power-1xsmc-h100-sxm-80gb"} <= systems
    assert "no result_*.txt logs in this copy" in home.out["v4.0"].stdout


def test_submitters_are_organisations_linked_to_vendors(home: Home) -> None:
    coreweave = URIRef(f"{ID}system/mlperf-training-v3.0-nvidia-coreweave-coreweave-hgxh100-"
                       "n448-ngc23.04-pytorch")
    orgs = set(home.graph.objects(coreweave, HW.submitter))
    assert orgs == {URIRef(f"{ID}organization/nvidia"), URIRef(f"{ID}organization/coreweave")}
    assert home.graph.value(URIRef(f"{ID}organization/nvidia"), HW.isVendor) == URIRef(
        f"{ID}vendor/nvidia")
    systems = set(home.graph.subjects(None, HW.System)) & set(home.graph.subjects(HW.round))
    assert systems and all(home.graph.value(s, HW.submitter) for s in systems)


def test_a_run_without_run_stop_is_dropped_and_the_rest_scored(home: Home) -> None:
    result = result_iri("v4.0", "tinycorp-tinybox-green", "resnet")
    assert score_of(home.graph, result) > 0
    assert "1 that did not converge" in str(home.graph.value(result, HW.method))


def test_the_compliance_checker_decides_which_runs_count(home: Home) -> None:
    bert = result_iri("v5.0", "tinycorp-tinybox-green", "bert")
    assert "init_stop" in str(home.graph.value(bert, HW.method))
    assert "opt_lamb_epsilon" in home.out["v3.0"].stdout  # Lenovo's BERT: no official score
    assert (result_iri("v3.0", "lenovo-sr670v2-4xa100-sxm4-40gb-400w", "bert"), None,
            None) not in home.graph


def test_every_benchmark_of_the_round_is_found_in_the_graph(home: Home) -> None:
    benches = {str(home.graph.value(r, HW.benchmark)).rsplit("/", 1)[-1]
               for r in home.graph.subjects(HW.round, URIRef(f"{ID}round/mlperf-training-v4.0"))
               if (r, None, HW.BenchmarkResult) in home.graph}
    assert {f"mlperf-training-{b}" for b in ("bert", "dlrm-dcnv2", "gnn", "gpt3",
                                            "llama2-70b-lora", "resnet", "stable-diffusion",
                                            "unet3d")} <= benches
    assert "warning:" not in home.out["v4.0"].stdout


def test_summary_counts_per_round(home: Home) -> None:
    line = next(x for x in home.out["v4.0"].stdout.splitlines()
                if x.startswith("MLPerf Training v4.0: systems"))
    assert "results " in line and "benchmarks " in line and "rejected" in line


def test_host_cpu_names_match_through_aliases_and_hidden_labels(home: Home) -> None:
    def chips(key: str) -> set[str]:
        system = URIRef(f"{ID}system/{key}")
        return {str(home.graph.value(c, HW.componentChip)).rsplit("/", 1)[-1]
                for c in home.graph.objects(system, HW.component)}

    assert chips("mlperf-training-v3.0-xfusion-g5500v7x8xa30") == {"nvidia-a30",
                                                                   "intel-xeon-gold-6458q"}
    assert "nvidia-grace-cpu" in chips("mlperf-training-v5.0-dell-1xxe9712x4gb200")
    assert chips("mlperf-training-v3.0-intel-habanalabs-hls-gaudi2-n48-pt") >= {"intel-gaudi2"}


def test_inference_results(home: Home) -> None:
    system = f"{ID}system/mlperf-inference-v5.1-closed-nvidia-b200-sxm-180gbx8-trt"
    result = URIRef(f"{system.replace('/system/', '/result/')}-llama2-70b-99-offline")
    g = home.graph
    assert g.value(result, HW.scenario) == HW.Offline
    assert Decimal(str(g.value(result, HW.accuracyTarget))) == Decimal("99")
    assert g.value(result, HW.division) == HW.Closed and g.value(result, HW.category) == \
        HW.Available
    statement = g.value(result, HW.result)
    assert float(g.value(statement, HW.value)) == 101527.0  # type: ignore[arg-type]
    assert str(g.value(statement, HW.unit)).endswith("/unit/TOKEN-PER-SEC")
    latency = URIRef(f"{ID}result/mlperf-inference-v5.1-closed-gateoverflow-gateoverflow-"
                     "rtx4090x1-reference-gpu-pytorch-v2.7.1-cu126-retinanet-singlestream")
    assert str(g.value(g.value(latency, HW.result), HW.unit)).endswith("/unit/MilliSEC")
    source = g.value(result, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    assert str(g.value(source, URIRef("https://schema.org/url"))).endswith(
        "inference_results_v5.1/tree/main/closed/NVIDIA/results/B200-SXM-180GBx8_TRT")
    opened = [r for r in g.subjects(HW.division, HW.Open)
              if "/mlperf-inference-v5.1-open-amd-" in str(r)]
    assert opened


def test_composite_accelerator_names_become_components(home: Home) -> None:
    system = URIRef(f"{ID}system/mlperf-inference-v5.1-closed-mangoboost-32xmi300x-2xepyc-9534-"
                    "16xmi325x-2xepyc-9655")
    counts = {str(home.graph.value(c, HW.componentChip)).rsplit("/", 1)[-1]:
              int(home.graph.value(c, HW["count"]))  # type: ignore[arg-type]
              for c in home.graph.objects(system, HW.component)}
    assert counts == {"amd-instinct-mi300x": 32, "amd-instinct-mi325x": 16}
    assert "does not say how many of each" in home.out["inf"].stdout


def test_unmatched_names_are_reported_once_with_their_systems(home: Home) -> None:
    out = home.out["inf"].stdout
    assert "no chip in the graph with this name or alias" in out
    line = next(x for x in out.splitlines() if "'NVIDIA RTX-2000E-Ada-16GB' ×1" in x)
    assert "SE100_RTX2000E_Ada_16GBx1_TRT" in line
    assert out.count("'NVIDIA RTX-2000E-Ada-16GB'") == 2  # the rejection and the list


def test_second_import_changes_nothing_and_says_so(home: Home) -> None:
    before = snapshot(home.folder)
    for source in (V30, V40):
        again = imported(source, home.folder, "--allow-rejected")
        assert again.returncode == 0, again.stderr
        assert again.stdout.startswith("added: nothing\nchanged: nothing\nunchanged: ")
        assert "every file was already as generated" in again.stdout
    assert snapshot(home.folder) == before


def test_rejections_without_allow_rejected_write_nothing(tmp_path: Path) -> None:
    folder = empty_home(tmp_path / "graph")
    before = snapshot(folder)
    done = imported(V30, folder)
    assert done.returncode == 1
    assert "rejected Lenovo/results/SR670v2-4xA100_SXM4_40GB_400W/bert" in done.stdout
    assert "nothing written (--allow-rejected writes the rest)" in done.stderr
    assert snapshot(folder) == before


def test_round_errors(tmp_path: Path) -> None:
    folder = empty_home(tmp_path / "graph")
    before = snapshot(folder)
    mixed = imported(FIXTURES, folder)
    assert mixed.returncode == 1 and "a tree of several rounds" in mixed.stdout
    wrong = imported(V30, folder, "--round", "4.0")
    assert wrong.returncode == 1 and "mixed rounds" in wrong.stdout
    unnamed = tmp_path / "results"
    shutil.copytree(V30 / "xFusion", unnamed / "xFusion")
    unknown = imported(unnamed, folder)
    assert unknown.returncode == 1 and "pass --round" in unknown.stdout
    assert snapshot(folder) == before
    given = imported(unnamed, folder, "--round", "v3.0")
    assert given.returncode == 0, given.stdout + given.stderr
    assert (folder / "systems" / "mlperf-training-v3.0-xfusion-g5500v7x8xa30.ttl").exists()


def test_an_unseen_round_and_a_new_benchmark_import_with_warnings(tmp_path: Path) -> None:
    folder = empty_home(tmp_path / "graph")
    (folder / "benchmarks" / "mlperf-training-llama31-405b.ttl").unlink()
    later = tmp_path / "mlperf-training-v9.7"
    shutil.copytree(V50, later)
    done = imported(later, folder, "--allow-rejected")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "benchmark 'llama31_405b' is not in the graph yet" in done.stdout
    assert "has no ruleset 9.7.0" in done.stdout
    assert (folder / "benchmarks" / "mlperf-training-llama31-405b.ttl").exists()
    assert (folder / "rounds" / "mlperf-training-v9.7.ttl").exists()
    assert list((folder / "systems").glob("mlperf-training-v9.7-*.ttl"))


def broken_copy(tmp_path: Path) -> Path:
    target = tmp_path / "mlperf-training-v3.0"
    (target / "NVIDIA").mkdir(parents=True)
    shutil.copytree(V30 / "NVIDIA" / "systems", target / "NVIDIA" / "systems")
    shutil.copytree(V30 / "NVIDIA" / "results", target / "NVIDIA" / "results")
    return target


def rejected_and_unchanged(tmp_path: Path, source: Path, expected: str) -> None:
    folder = empty_home(tmp_path / "graph")
    before = snapshot(folder)
    done = imported(source, folder)
    assert done.returncode == 1
    assert expected in done.stdout, done.stdout
    assert "nothing written" in done.stderr
    assert snapshot(folder) == before


def test_corrupt_log_is_rejected(tmp_path: Path) -> None:
    source = broken_copy(tmp_path)
    log = source / "NVIDIA/results/dgxh100_ngc23.04_pytorch/ssd/result_2.txt"
    lines = log.read_text().splitlines()
    lines[3] = lines[3][:40]  # a truncated event
    log.write_text("\n".join(lines) + "\n")
    rejected_and_unchanged(tmp_path, source, "result_2.txt:4: the event is not valid JSON")


def test_system_file_missing_a_field_is_rejected(tmp_path: Path) -> None:
    source = broken_copy(tmp_path)
    path = source / "NVIDIA/systems/dgxh100_ngc23.04_pytorch.json"
    fields = json.loads(path.read_text())
    del fields["number_of_nodes"]
    path.write_text(json.dumps(fields))
    rejected_and_unchanged(tmp_path, source, "missing field 'number_of_nodes'")


def test_unknown_accelerator_is_rejected(tmp_path: Path) -> None:
    source = broken_copy(tmp_path)
    path = source / "NVIDIA/systems/dgxh100_ngc23.04_pytorch.json"
    fields = json.loads(path.read_text())
    fields["accelerator_model_name"] = "Acme Tensor Engine 9000"
    path.write_text(json.dumps(fields))
    rejected_and_unchanged(tmp_path, source,
                           "accelerator 'Acme Tensor Engine 9000' matches no chip")


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("accelerators_per_node", "-8", "field 'accelerators_per_node' is '-8'; a count must be "
                                    "between 0 and 1,000,000"),
    ("number_of_nodes", "inf", "field 'number_of_nodes' is 'inf', not a whole number"),
    ("number_of_nodes", "1e30", "field 'number_of_nodes' is '1e30'; a count must be"),
    ("submitter", None, "field 'submitter' is None, not a name"),
    ("submitter", ["NVIDIA"], "field 'submitter' is ['NVIDIA'], not a name"),
])
def test_a_system_file_with_an_impossible_field_is_rejected(tmp_path: Path, field: str,
                                                            value: object,
                                                            expected: str) -> None:
    """A negative accelerator count once imported a GPU result under a CPU-only system;
    infinity ended in a traceback, null became an organisation named "None"."""
    source = broken_copy(tmp_path)
    path = source / "NVIDIA/systems/dgxh100_ngc23.04_pytorch.json"
    fields = json.loads(path.read_text())
    fields[field] = value
    path.write_text(json.dumps(fields))
    rejected_and_unchanged(tmp_path, source, expected)


@pytest.mark.parametrize(("content", "expected"), [
    ('{"sc', "scaling.json: not readable JSON"),
    ("[]", "scaling.json: scaling_factor is None, not a number in (0, 100]"),
    ('{"scaling_factor": -5}', "scaling.json: scaling_factor is -5, not a number in (0, 100]"),
])
def test_a_malformed_scaling_file_is_rejected(tmp_path: Path, content: str,
                                              expected: str) -> None:
    source = broken_copy(tmp_path)
    (source / "NVIDIA/results/dgxh100_ngc23.04_pytorch/ssd/scaling.json").write_text(content)
    rejected_and_unchanged(tmp_path, source, expected)


def test_an_inference_table_may_be_named_by_its_file(tmp_path: Path) -> None:
    folder = empty_home(tmp_path / "graph")
    by_file = imported(INFERENCE / "summary_results.json", folder, "--dry-run",
                       "--allow-rejected")
    by_folder = imported(INFERENCE, folder, "--dry-run", "--allow-rejected")
    assert by_file.returncode == 0, by_file.stdout + by_file.stderr
    assert by_file.stdout == by_folder.stdout and "added:" in by_file.stdout


def test_a_system_the_round_no_longer_has_is_reported_stale(tmp_path: Path) -> None:
    """Re-importing a corrected round whose submitter was renamed writes the system under the
    new name; the old file stays (never deleted) and the report names it."""
    source = broken_copy(tmp_path)
    folder = empty_home(tmp_path / "graph")
    first = imported(source, folder, "--allow-rejected")
    assert first.returncode == 0, first.stdout + first.stderr
    old = sorted((folder / "systems").glob("mlperf-training-v3.0-nvidia-*.ttl"))
    assert old
    for path in (source / "NVIDIA" / "systems").glob("*.json"):
        fields = json.loads(path.read_text())
        fields["submitter"] = "NVIDIA Corp"
        path.write_text(json.dumps(fields))
    again = imported(source, folder, "--allow-rejected")
    assert again.returncode == 0, again.stdout + again.stderr
    for path in old:
        assert path.exists()
        assert f"graph/systems/{path.name} was written by an earlier import" in again.stdout
    unchanged = imported(source, folder, "--allow-rejected")
    assert "was written by an earlier import" in unchanged.stdout  # still there, still named


def test_too_few_runs_is_rejected(tmp_path: Path) -> None:
    source = broken_copy(tmp_path)
    (source / "NVIDIA/results/dgxh100_ngc23.04_pytorch/ssd/result_4.txt").unlink()
    rejected_and_unchanged(tmp_path, source, "4 result logs; the rules require 5 runs")


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    folder = empty_home(tmp_path / "graph")
    before = snapshot(folder)
    done = imported(broken_copy(tmp_path), folder, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "added: " in done.stdout and "nothing was written" in done.stdout
    assert snapshot(folder) == before


def test_commit_is_all_or_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "graph"
    folder.mkdir()
    (folder / "blocked").write_text("a file where a folder is needed\n")
    before = snapshot(folder)
    outputs = [Output("systems/new-a.ttl", "# a\n"), Output("blocked/new-b.ttl", "# b\n")]
    with pytest.raises(OSError):
        commit(outputs, folder)
    assert snapshot(folder) == before
    assert not list(folder.rglob("*.tmp"))


def test_ctrl_c_leaves_graph_consistent(tmp_path: Path) -> None:
    import signal
    import time

    folder = empty_home(tmp_path / "graph")
    before = snapshot(folder)
    proc = subprocess.Popen([sys.executable, "-m", "hwkg", "import", "mlperf", str(V40),
                             "--graph-dir", str(folder), "--allow-rejected"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Interrupt once the import is at work: it has loaded MLCommons' scorer (pandas), which
    # happens inside the command, past the interpreter's start. A fixed sleep raced a slow
    # start under load (SIGINT before Python's handler: exit -2, not the command's 130).
    maps = Path(f"/proc/{proc.pid}/maps")
    deadline = time.monotonic() + 120
    while (maps.exists() and proc.poll() is None and time.monotonic() < deadline
           and "pandas" not in maps.read_text(errors="replace")):
        time.sleep(0.05)
    if not maps.exists():  # no /proc here: fall back to a pause
        time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=300)
    after = snapshot(folder)
    assert not list(folder.rglob("*.tmp"))
    if proc.returncode == 0:  # finished before the signal arrived
        assert after != before
    else:
        assert proc.returncode == 130 and "interrupted" in err
        assert after == before or set(after) > set(before)


def test_conflicts_inside_the_source_are_kept_as_claims(home: Home) -> None:
    result = result_iri("v3.0", "quanta-cloud-technology-d74h-7u-preview", "resnet")
    claims = [c for c in home.graph.subjects(HW.about, result)]
    quotes = {str(home.graph.value(c, HW.quote)) for c in claims}
    assert any("preview" in q for q in quotes) and any("onprem" in q for q in quotes)
    assert home.graph.value(result, HW.category) == HW.Preview
    assert "conflicting: 0" not in home.out["v3.0"].stdout
