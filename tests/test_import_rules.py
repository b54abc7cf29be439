"""The importers' two rules as plain functions: MLPerf scoring and name matching."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDFS, Graph, Literal, URIRef

from hwkg.importers.matching import Index, normalise
from hwkg.importers.scoring import Run, score

CHIP = "https://w3id.org/hwkg/id/chip/"


def runs(minutes: list[float], aborted: int = 0) -> list[Run]:
    out = [Run(Path(f"result_{i}.txt"), 0, round(m * 60000), "success")
           for i, m in enumerate(minutes)]
    out += [Run(Path(f"result_x{i}.txt"), 0, 1, "aborted") for i in range(aborted)]
    return out


def test_olympic_mean_drops_fastest_and_slowest() -> None:
    assert score("resnet", runs([10, 11, 12, 13, 20])).minutes == Decimal("12.00000")


def test_a_non_converged_run_counts_as_the_slowest() -> None:
    result = score("resnet", runs([10, 11, 12, 13], aborted=1))
    assert result.minutes == Decimal("12.00000")
    assert "1 non-converged run(s) counted as the slowest" in result.method


def test_two_non_converged_runs_invalidate_the_result() -> None:
    with pytest.raises(ValueError, match="2 runs did not converge; at most 1 may"):
        score("resnet", runs([10, 11, 12], aborted=2))


def test_unet3d_drops_four_each_side() -> None:
    times = [float(i) for i in range(1, 38)]  # 37 converged + 3 non-converged = 40 runs
    result = score("unet3d", runs(times, aborted=3))
    kept = times[4:36]  # 4 fastest dropped; 3 failed + 1 slowest converged dropped
    assert result.minutes == (Decimal(sum(kept)) / len(kept)).quantize(Decimal("0.00001"))


def test_gpt3_three_runs_keep_the_middle_one() -> None:
    assert score("gpt3", runs([10.9, 10.95, 11.2])).minutes == Decimal("10.95000")


def test_wrong_run_count_is_invalid() -> None:
    with pytest.raises(ValueError, match="the rules require 10 runs"):
        score("bert", runs([1.0] * 9))


@pytest.mark.parametrize(("name", "normal"), [
    ("Intel(R) Xeon(R) Platinum 8462Y+", "intel-xeon-platinum-8462y-plus"),
    ("Intel(R)Xeon(R)Platinum 8490H", "intel-xeon-platinum-8490h"),
    ("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", "intel-xeon-gold-6338"),
    ("AMD EPYC 7713 64-Core Processor", "amd-epyc-7713"),
    ("NVIDIA H100-SXM5-80GB", "nvidia-h100-sxm5-80gb"),
])
def test_normalise(name: str, normal: str) -> None:
    assert normalise(name) == normal


def chips(*entries: tuple[str, str]) -> Index:
    graph = Graph()
    for slug, label in entries:
        graph.add((URIRef(CHIP + slug), RDFS.label, Literal(label, lang="en")))
    return Index.build(graph, "chip")


def test_match_by_alias_label_and_slug_never_guessing() -> None:
    index = chips(("intel-gaudi2", "Intel Gaudi 2"), ("nvidia-a30", "NVIDIA A30 PCIe 24GB"),
                  ("nvidia-h100-sxm5-80gb", "NVIDIA H100 SXM5 80GB"))
    assert index.match("Habana Gaudi2") == URIRef(CHIP + "intel-gaudi2")  # alias table
    assert index.match("NVIDIA A30-PCIE-24GB") == URIRef(CHIP + "nvidia-a30")  # label
    assert index.match("NVIDIA H100-SXM-80GB") == URIRef(CHIP + "nvidia-h100-sxm5-80gb")
    assert index.match("NVIDIA H100") is None  # which H100? not guessed
    assert index.match("NVIDIA A30") == URIRef(CHIP + "nvidia-a30")  # slug
    assert index.match("N/A") is None


def test_alias_to_a_missing_chip_is_unmatched() -> None:
    assert chips(("nvidia-a100-pcie-80gb", "NVIDIA A100 PCIe 80GB")).match(
        "NVIDIA A100-SXM-80GB CTS") is None
