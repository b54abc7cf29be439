"""Benchmark results through GraphQL on the bundled graph: filters, rounds, comparisons.

Results filter by round, benchmark, scenario, division, submitter and chip; a chip lists
its results across rounds; speed-up and scaling efficiency compare only results of the
same benchmark, round, scenario, accuracy target and division on the same accelerators —
otherwise null with the reason (before, an H100 run over a Gaudi 2 run gave 3.05).
"""

from __future__ import annotations

from typing import Any

import pytest

from hwkg.graphql.schema import schema
from hwkg.loading.snapshot import Snapshot
from hwkg.readmodel import cached

V30 = "mlperf-training-v3.0-"
H100_GPT3 = f"result:{V30}nvidia-coreweave-coreweave-hgxh100-n448-ngc23.04-pytorch-gpt3"
H100_GPT3_768 = f"result:{V30}nvidia-coreweave-coreweave-hgxh100-n96-ngc23.04-pytorch-gpt3"
GAUDI2_GPT3 = f"result:{V30}intel-habanalabs-hls-gaudi2-n48-pt-gpt3"
V40_GPT3 = "result:mlperf-training-v4.0-nvidia-eos-dfw-n1452-ngc24.04-nemo-gpt3"
B200_LLAMA = "result:mlperf-inference-v5.1-closed-nvidia-b200-sxm-180gbx8-trt-llama2-70b-99-offline"


@pytest.fixture(scope="module")
def ask(snapshot: Snapshot) -> Any:
    catalog = cached.for_snapshot(snapshot)

    def run(query: str) -> Any:
        result = schema().execute_sync(query, context_value={"catalog": catalog})
        assert not result.errors, result.errors
        return result.data

    return run


def compare(ask: Any, this: str, other: str, field: str = "scalingEfficiency") -> dict[str, Any]:
    data = ask(f'{{ benchmarkResult(id: "{this}") {{ {field}(other: "{other}") '
               "{ value reason } } }")
    return data["benchmarkResult"][field]  # type: ignore[no-any-return]


def test_scaling_efficiency_across_accelerators_is_null_with_the_reason(ask: Any) -> None:
    for field in ("scalingEfficiency", "speedupOver"):
        answer = compare(ask, H100_GPT3, GAUDI2_GPT3, field)
        assert answer["value"] is None, answer
        assert "different accelerators" in answer["reason"] and "Gaudi" in answer["reason"]


def test_scaling_efficiency_on_the_same_accelerator(ask: Any) -> None:
    answer = compare(ask, H100_GPT3, H100_GPT3_768)
    assert answer["reason"] is None and 0.5 < answer["value"] < 1.2, answer
    speedup = compare(ask, H100_GPT3, H100_GPT3_768, "speedupOver")["value"]
    assert 3.0 < speedup < 5.0  # 3,584 vs 768 GPUs: 4.2x the chips


def test_results_of_different_rounds_are_not_compared(ask: Any) -> None:
    answer = compare(ask, V40_GPT3, H100_GPT3, "speedupOver")
    assert answer["value"] is None and "different rounds" in answer["reason"]


def test_filters_by_round_and_benchmark_give_the_fastest_v4_gpt3(ask: Any) -> None:
    data = ask("""{ benchmarkResults(
        where: {round: {id: {contains: "mlperf-training-v4.0"}},
                benchmark: {id: {contains: "gpt3"}}},
        orderBy: [{result: ASC}], first: 1) {
          totalCount nodes { id acceleratorCount result { value unit }
                             round { roundVersion suite } } } }""")["benchmarkResults"]
    assert data["totalCount"] >= 5
    fastest = data["nodes"][0]
    assert fastest["id"].endswith(V40_GPT3.split(":", 1)[1])
    assert round(fastest["result"]["value"], 2) == 3.44 and fastest["acceleratorCount"] == 11616
    assert fastest["round"] == {"roundVersion": "4.0", "suite": "training"}


def test_filters_by_scenario_division_submitter_and_chip(ask: Any) -> None:
    data = ask("""{ benchmarkResults(where: {
        round: {id: {contains: "inference-v5.1"}}, benchmark: {id: {contains: "llama2-70b"}},
        scenario: {name: {eq: "Offline"}}, division: {name: {eq: "Closed"}},
        submitter: {name: {eq: "NVIDIA"}}, chip: {id: {contains: "nvidia-b200"}}}, first: 50) {
          totalCount nodes { id accuracyTarget scenario { name } division { name }
            system { submitters { name isVendor { id } } } } } }""")["benchmarkResults"]
    ids = {n["id"].rsplit("/", 1)[-1] for n in data["nodes"]}
    assert B200_LLAMA.split(":", 1)[1] in ids
    assert all(n["scenario"]["name"] == "Offline" and n["division"]["name"] == "Closed"
               for n in data["nodes"])
    submitters = data["nodes"][0]["system"]["submitters"]
    assert submitters[0]["name"] == "NVIDIA" and submitters[0]["isVendor"]["id"].endswith(
        "/vendor/nvidia")
    assert {n["accuracyTarget"] for n in data["nodes"]} <= {99.0, 99.9}


def test_a_chip_lists_its_results_across_rounds(ask: Any) -> None:
    data = ask('{ chip(id: "nvidia-h100-sxm5-80gb") { benchmarkResults { round { slug } } } }')
    rounds = {r["round"]["slug"] for r in data["chip"]["benchmarkResults"] if r["round"]}
    assert {"mlperf-training-v3.0", "mlperf-training-v3.1", "mlperf-training-v4.0",
            "mlperf-training-v4.1", "mlperf-training-v5.0"} <= rounds


def test_inference_throughput_per_accelerator_and_times_refuse(ask: Any) -> None:
    data = ask(f"""{{ r: benchmarkResult(id: "{B200_LLAMA}") {{
        result {{ value unit }} perAccelerator {{ value unit reason }}
        throughputPerWatt {{ value unit reason }} throughputPerDollar {{ value reason }} }}
      t: benchmarkResult(id: "{H100_GPT3}") {{ perAccelerator {{ value reason }} }} }}""")
    per = data["r"]["perAccelerator"]
    assert per["value"] == pytest.approx(data["r"]["result"]["value"] / 8)
    assert "per accelerator" in per["unit"]
    watt = data["r"]["throughputPerWatt"]
    assert watt["value"] is not None or watt["reason"]
    assert data["r"]["throughputPerDollar"]["value"] is not None or \
        data["r"]["throughputPerDollar"]["reason"]
    assert data["t"]["perAccelerator"]["value"] is None
    assert "is a time" in data["t"]["perAccelerator"]["reason"]


def test_benchmarks_and_rounds_are_data(ask: Any) -> None:
    data = ask("""{ benchmarks { id benchmarkId suite benchmarkModel benchmarkDataset
                                 qualityTarget introducedIn { roundVersion } }
                    rounds { slug roundVersion suite } }""")
    gpt3 = next(b for b in data["benchmarks"] if b["id"].endswith("/mlperf-training-gpt3"))
    assert gpt3["benchmarkId"] == "gpt3" and gpt3["benchmarkModel"] == "GPT-3 175B"
    assert gpt3["introducedIn"] == {"roundVersion": "3.0"}
    slugs = [r["slug"] for r in data["rounds"]]
    for version in ("3.0", "3.1", "4.0", "4.1", "5.0"):
        assert f"mlperf-training-v{version}" in slugs
    assert "mlperf-inference-v5.1" in slugs
