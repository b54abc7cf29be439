"""The importers' two rules as plain functions: MLPerf scoring (through mlperf-logging's
olympic average and scaling factor) and name matching (labels and aliases as data)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDFS, Graph, Literal, URIRef

from hwkg.importers.matching import Index, normalise, parts
from hwkg.importers.mlperf.scoring import Run, score

CHIP = "https://w3id.org/hwkg/id/chip/"
SKOS = "http://www.w3.org/2004/02/skos/core#"


def runs(minutes: list[float], aborted: int = 0, failed: int = 0) -> list[Run]:
    """Converged runs of the given minutes, runs stopped as 'aborted', and runs that
    stopped with success but that the compliance checker failed."""
    out = [Run(Path(f"result_{i}.txt"), 0, round(m * 60000), "success")
           for i, m in enumerate(minutes)]
    out += [Run(Path(f"result_x{i}.txt"), 0, 1, "aborted", complaints=None)
            for i in range(aborted)]
    out += [Run(Path(f"result_c{i}.txt"), 0, 1, "success", complaints=["init too long"])
            for i in range(failed)]
    return out


def scored(bench: str, given: list[Run], folder: Path = Path("/nonexistent")) -> Decimal:
    return score("MLPerf Training v9.9", bench, given, folder).minutes


def test_olympic_mean_drops_fastest_and_slowest() -> None:
    assert scored("resnet", runs([10, 11, 12, 13, 20])) == Decimal("12.00000")


def test_a_non_converged_run_counts_as_the_slowest() -> None:
    result = score("x", "resnet", runs([10, 11, 12, 13], aborted=1), Path("/nonexistent"))
    assert result.minutes == Decimal("12.00000")
    assert "1 that did not converge or failed its compliance check" in result.method


def test_a_run_the_compliance_checker_fails_is_dropped_like_a_non_converged_one() -> None:
    assert scored("resnet", runs([10, 11, 12, 13], failed=1)) == Decimal("12.00000")


def test_two_non_converged_runs_invalidate_the_result() -> None:
    with pytest.raises(ValueError, match="2 runs did not converge .*; at most 1 may"):
        scored("resnet", runs([10, 11, 12], aborted=2))


def test_unet3d_drops_four_each_side() -> None:
    times = [float(i) for i in range(1, 38)]  # 37 converged + 3 non-converged = 40 runs
    kept = times[4:36]  # 4 fastest dropped; 3 failed + 1 slowest converged dropped
    assert scored("unet3d", runs(times, aborted=3)) == (
        Decimal(sum(kept)) / len(kept)).quantize(Decimal("0.00001"))


def test_gpt3_three_runs_keep_the_middle_one() -> None:
    assert scored("gpt3", runs([10.9, 10.95, 11.2])) == Decimal("10.95000")


def test_wrong_run_count_is_invalid() -> None:
    with pytest.raises(ValueError, match="the rules require 10 runs"):
        scored("bert", runs([1.0] * 9))


def test_scaling_json_multiplies_the_mean(tmp_path: Path) -> None:
    (tmp_path / "scaling.json").write_text('{"scaling_factor": 1.5}')
    result = score("x", "resnet", runs([10, 11, 12, 13, 20]), tmp_path)
    assert result.minutes == Decimal("18.00000") and "scaling factor 1.5" in result.method


@pytest.mark.parametrize(("name", "normal"), [
    ("Intel(R) Xeon(R) Platinum 8462Y+", "intel-xeon-platinum-8462y-plus"),
    ("Intel(R)Xeon(R)Platinum 8490H", "intel-xeon-platinum-8490h"),
    ("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", "intel-xeon-gold-6338"),
    ("AMD EPYC 7713 64-Core Processor", "amd-epyc-7713"),
    ("NVIDIA H100-SXM5-80GB", "nvidia-h100-sxm5-80gb"),
])
def test_normalise(name: str, normal: str) -> None:
    assert normalise(name) == normal


def chips(*entries: tuple[str, str, str]) -> Index:
    graph = Graph()
    for slug, prop, label in entries:
        graph.add((URIRef(CHIP + slug), URIRef(prop), Literal(label, lang="en")))
    return Index.build(graph, "chip")


LABEL, ALT, HIDDEN = str(RDFS.label), SKOS + "altLabel", SKOS + "hiddenLabel"


def test_match_by_label_alias_hidden_label_and_slug_never_guessing() -> None:
    index = chips(("intel-gaudi2", LABEL, "Intel Gaudi 2"),
                  ("intel-gaudi2", ALT, "Habana Gaudi2"),
                  ("nvidia-a30", LABEL, "NVIDIA A30 PCIe 24GB"),
                  ("nvidia-h100-sxm5-80gb", LABEL, "NVIDIA H100 SXM5 80GB"),
                  ("nvidia-h100-sxm5-80gb", ALT, "NVIDIA H100-SXM-80GB"),
                  ("intel-xeon-gold-6458q", HIDDEN, "Intel(R) Xeon(R) Platinum 6458Q"))
    assert index.match("Habana Gaudi2") == URIRef(CHIP + "intel-gaudi2")  # altLabel
    assert index.match("NVIDIA A30-PCIE-24GB") == URIRef(CHIP + "nvidia-a30")  # label
    assert index.match("NVIDIA H100-SXM-80GB") == URIRef(CHIP + "nvidia-h100-sxm5-80gb")
    assert index.match("Intel(R) Xeon(R) Platinum 6458Q") == URIRef(
        CHIP + "intel-xeon-gold-6458q")  # a submitter's wrong name, as data on the chip
    assert index.match("NVIDIA H100") is None  # which H100? not guessed
    assert index.match("NVIDIA A30") == URIRef(CHIP + "nvidia-a30")  # slug
    assert index.match("N/A") is None


def test_without_the_alias_on_the_chip_the_name_is_unmatched() -> None:
    assert chips(("nvidia-a100-pcie-80gb", LABEL, "NVIDIA A100 PCIe 80GB")).match(
        "NVIDIA A100-SXM-80GB CTS") is None


def test_composite_names_split_with_the_counts_they_state() -> None:
    assert parts("AMD Instinct MI300X 192GB HBM3 (x32), AMD Instinct MI325X 256GB HBM3e (x16)"
                 ) == [("AMD Instinct MI300X 192GB HBM3", 32),
                       ("AMD Instinct MI325X 256GB HBM3e", 16)]
    assert parts("Node1: AMD EPYC 9755, Node2: AMD EPYC 9575F") == [
        ("AMD EPYC 9755", None), ("AMD EPYC 9575F", None)]
    assert parts("AMD EPYC 9534 (on MI300X node), AMD EPYC 9655 (on MI325X node)") == [
        ("AMD EPYC 9534", None), ("AMD EPYC 9655", None)]
    assert parts("NVIDIA H100-SXM5-80GB") is None
