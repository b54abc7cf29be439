"""The LLM workload planner on the pricing fixture: each figure equals its named formula on
the fixture's round numbers, MFU comes from a comparable measurement or a stated default, and
rankings say which chips they left out and why."""

from __future__ import annotations

import math

import pytest

from pricing_support import Ask

PEAK = 1000e12          # pt-accel dense BF16, FLOP/s
TRAIN = "{parameters: 2e9, tokens: 1e11}"


def test_training_plan_follows_its_formulas(ask: Ask) -> None:
    plan = ask(f'''{{ planTraining(chip: "pt-accel", workload: {TRAIN}, devices: 4) {{
        devices devicesToFit fits mfuBasis formulas assumptions
        compute {{ value unit }} mfu {{ value inputs {{ role }} }} time {{ value unit }}
        memoryNeeded {{ value }} memoryAvailable {{ value }} energy {{ value unit }}
        cost {{ value unit inputs {{ role value }} }} }} }}''')["planTraining"]
    flops = 6 * 2e9 * 1e11
    assert plan["compute"] == {"value": pytest.approx(flops), "unit": "FLOP"}
    # the fixture's measured 1B-parameter training step: 6 × 1e9 × 50,000 ÷ 1e15 = 0.3
    assert plan["mfu"]["value"] == pytest.approx(0.3) and plan["mfuBasis"].startswith("measured")
    assert {i["role"] for i in plan["mfu"]["inputs"]} >= {"result", "modelParameters"}
    hours = flops / (4 * PEAK * 0.3) / 3600
    assert plan["time"] == {"value": pytest.approx(hours), "unit": "h"}
    assert plan["memoryNeeded"]["value"] == pytest.approx(2e9 * 16 / 1e9)
    assert plan["devicesToFit"] == math.ceil(32 / 96) and plan["fits"] is True
    assert plan["memoryAvailable"]["value"] == pytest.approx(4 * 96)
    assert plan["energy"]["value"] == pytest.approx(4 * 1000 * hours / 1000)
    assert plan["cost"]["value"] == pytest.approx(4 * 2.0 * hours)  # $2 per accelerator-hour
    assert any("6·P·D" in f for f in plan["formulas"]) and plan["assumptions"]


def test_mfu_given_or_default_for_a_larger_model(ask: Ask) -> None:
    given = ask('''{ planTraining(chip: "pt-accel", devices: 1,
        workload: {parameters: 2e9, tokens: 1e11, mfu: 0.5}) { mfu { value } mfuBasis } }''')
    assert given["planTraining"] == {"mfu": {"value": 0.5}, "mfuBasis": "given by the caller"}
    big = ask('''{ planTraining(chip: "pt-accel", devices: 1,
        workload: {parameters: 70e9, tokens: 1e11}) { mfu { value } mfuBasis } }''')
    assert big["planTraining"]["mfu"]["value"] == pytest.approx(0.4)
    assert big["planTraining"]["mfuBasis"].startswith("default")


def test_a_deadline_sets_the_device_count_and_purchase_cost(ask: Ask) -> None:
    plan = ask(f'''{{ planTraining(chip: "pt-accel", workload: {TRAIN}, maxDays: 1,
        priceBasis: PURCHASE) {{ devices time {{ value }} cost {{ value unit }} }} }}''')
    plan = plan["planTraining"]
    needed = math.ceil(6 * 2e9 * 1e11 / (PEAK * 0.3 * 86400))
    assert plan["devices"] == needed and plan["time"]["value"] <= 24
    assert plan["cost"] == {"value": pytest.approx(needed * 10000.0), "unit": "USD"}


def test_a_system_plans_on_its_accelerators(ask: Ask) -> None:
    plan = ask('''{ planTraining(system: "pt-box", systems: 3,
        workload: {parameters: 2e9, tokens: 1e11}) {
          chip { slug } devices time { value reason } } }''')["planTraining"]
    assert plan["chip"] == {"slug": "pt-soc"} and plan["devices"] == 3
    assert plan["time"]["value"] is None and "computeBF16" in plan["time"]["reason"]
    both = ask('''{ planTraining(chip: "pt-soc", system: "pt-box",
        workload: {parameters: 2e9, tokens: 1e11}) { devices } }''')
    assert "exactly one of chip or system" in both["errors"][0]


def test_inference_plan_bounds(ask: Ask) -> None:
    plan = ask('''{ planInference(chip: "pt-accel", workload: {parameters: 70e9,
        bytesPerParameter: 1, batchSize: 4, contextLength: 1000, layers: 10, kvHeads: 8,
        headDim: 128, mlperfModel: "training step"}) {
          devices devicesToFit weights { value } kvCache { value } memoryNeeded { value }
          decodeMemoryBound { value } decodeComputeBound { value } decodeUpperBound { value }
          measured { accelerators perAccelerator { value } result { name } } } }''')
    plan = plan["planInference"]
    kv = 2 * 10 * 8 * 128 * 2 * 4 * 1000
    assert plan["kvCache"]["value"] == pytest.approx(kv / 1e9)
    assert plan["memoryNeeded"]["value"] == pytest.approx((70e9 + kv) / 1e9)
    assert plan["devices"] == plan["devicesToFit"] == 1
    memory_bound = 4 * 4e12 / (70e9 + 4 * (kv / 4))
    assert plan["decodeMemoryBound"]["value"] == pytest.approx(memory_bound)
    assert plan["decodeComputeBound"]["value"] == pytest.approx(PEAK * 0.5 / (2 * 70e9))
    assert plan["decodeUpperBound"]["value"] == pytest.approx(min(memory_bound,
                                                                  PEAK * 0.5 / 140e9))
    assert plan["measured"] == [{"accelerators": 1, "perAccelerator": {"value": 50000.0},
                                 "result": {"name": "Pricetest training step on one Accel "
                                                    "(fixture)"}}]


def test_rankings_name_every_chip_left_out(ask: Ask) -> None:
    ranked = ask(f'''{{ trainingOptions(workload: {TRAIN}, maxDays: 1) {{
        candidates {{ chip {{ slug }} devices cost {{ value }} }}
        excluded {{ chip {{ slug }} reason }} }} }}''')["trainingOptions"]
    # pt-accel: 47 devices at $2/h; pt-dual: 87 devices, 44 packages at $3/h (dearer)
    assert [c["chip"]["slug"] for c in ranked["candidates"]] == ["pt-accel", "pt-dual"]
    reasons = {e["chip"]["slug"]: e["reason"] for e in ranked["excluded"]}
    assert set(reasons) == {"pt-mystery", "pt-soc", "pt-soc-lite"}
    assert "not publish" in reasons["pt-mystery"] or "publishes no" in reasons["pt-mystery"]
    served = ask('''{ inferenceOptions(workload: {parameters: 7e9}, targetTokensPerSecond: 2000) {
        candidates { chip { slug } devices decodeUpperBound { value } }
        excluded { chip { slug } reason } } }''')["inferenceOptions"]
    for cand in served["candidates"]:
        assert cand["decodeUpperBound"]["value"] >= 2000
    slugs = {c["chip"]["slug"] for c in served["candidates"]} | {
        e["chip"]["slug"] for e in served["excluded"]}
    assert slugs == {"pt-accel", "pt-dual", "pt-mystery", "pt-soc", "pt-soc-lite"}


def test_cost_counts_whole_packages(ask: Ask) -> None:
    """pt-dual is one package the host sees as two devices, priced per package: three
    devices cost two packages; energy counts devices at half the package's power."""
    plan = ask(f'''{{ planTraining(chip: "pt-dual", workload: {TRAIN}, devices: 3,
        priceBasis: PURCHASE) {{ cost {{ value inputs {{ role value }} }} energy {{ value }}
        time {{ value }} formulas }} }}''')["planTraining"]
    assert plan["cost"]["value"] == pytest.approx(2 * 20000.0)
    assert {"role": "hostDevices", "value": 2.0} in plan["cost"]["inputs"]
    assert plan["energy"]["value"] == pytest.approx(3 * 500 * plan["time"]["value"] / 1000)
    assert "cost = packages × price per package" in plan["formulas"]
    hourly = ask('''{ planInference(chip: "pt-dual", devices: 4, workload: {parameters: 7e9}) {
        cost { value unit } costPerMillionTokens { value } decodeUpperBound { value } } }''')
    hourly = hourly["planInference"]
    assert hourly["cost"] == {"value": pytest.approx(2 * 3.0), "unit": "USD/h"}
    assert hourly["costPerMillionTokens"]["value"] == pytest.approx(
        2 * 3.0 / (hourly["decodeUpperBound"]["value"] * 3600) * 1e6)


def test_a_unified_memory_chip_is_sized_with_the_configuration_its_price_buys(ask: Ask) -> None:
    """pt-soc's price is the box's $4,000 for 64 of its up to 128 GB (96 GPU-usable): the
    plan counts boxes of 64 × 96/128 = 48 GB, not of 96 GB; pt-soc-lite's kiosk does not say
    what memory it buys, so its cost is unknown."""
    plan = ask('''{ planInference(chip: "pt-soc", priceBasis: PURCHASE,
        workload: {parameters: 70e9}) { devices memoryAvailable { value } cost { value }
        assumptions } }''')["planInference"]
    assert plan["devices"] == math.ceil(140 / 48)
    assert plan["memoryAvailable"]["value"] == pytest.approx(plan["devices"] * 48)
    assert plan["cost"]["value"] == pytest.approx(plan["devices"] * 4000.0)
    assert any("the configuration the price buys" in a for a in plan["assumptions"])
    lite = ask('''{ planInference(chip: "pt-soc-lite", priceBasis: PURCHASE,
        workload: {parameters: 7e9}) { cost { value reason } } }''')["planInference"]
    assert lite["cost"]["value"] is None and "memory is chosen per machine" in \
        lite["cost"]["reason"]


def test_a_throughput_target_is_sized_in_closed_form_and_says_when_it_is_missed(
        ask: Ask) -> None:
    per_device = 4e12 / 7e9  # memory bound of one pt-accel for a 7B model at 1 byte/param
    plan = ask('''{ planInference(chip: "pt-accel", targetTokensPerSecond: 10000,
        workload: {parameters: 7e9, bytesPerParameter: 1}) { devices meetsTarget
        decodeUpperBound { value } } }''')["planInference"]
    assert plan["devices"] == math.ceil(10000 / per_device) and plan["meetsTarget"] is True
    assert plan["decodeUpperBound"]["value"] >= 10000
    huge = ask('''{ planInference(chip: "pt-accel", targetTokensPerSecond: 1e15,
        workload: {parameters: 7e9}) { devices meetsTarget assumptions } }''')["planInference"]
    assert huge["devices"] == 1_000_000 and huge["meetsTarget"] is False
    assert any("more than the 1,000,000" in a for a in huge["assumptions"])
    none = ask('''{ planInference(chip: "pt-accel", devices: 1, workload: {parameters: 7e9}) {
        meetsTarget } }''')["planInference"]
    assert none["meetsTarget"] is None


@pytest.mark.parametrize(("query", "says"), [
    (f'planTraining(chip: "pt-accel", maxDays: 0, workload: {TRAIN}) {{ devices }}',
     "maxDays must be a positive number"),
    (f'planTraining(chip: "pt-accel", maxDays: -3, workload: {TRAIN}) {{ devices }}',
     "maxDays must be a positive number"),
    ('planInference(chip: "pt-accel", targetTokensPerSecond: 0, workload: {parameters: 7e9}) '
     '{ devices }', "targetTokensPerSecond must be a positive number"),
    ('planInference(system: "pt-box", systems: 0, workload: {parameters: 7e9}) { devices }',
     "systems must be between 1"),
    ('planInference(system: "pt-box", devices: 3, workload: {parameters: 7e9}) { devices }',
     "give devices with a chip"),
    ('planInference(chip: "pt-accel", workload: {parameters: 7e9, bytesPerParameter: 0}) '
     '{ devices }', "bytesPerParameter must be a positive number"),
    ('planTraining(chip: "pt-accel", workload: {parameters: 2e9, tokens: 1e11, '
     'activationGb: -1}) { devices }', "activationGb must be between 0"),
    (f'trainingOptions(maxDays: 1, maxDevices: -1, workload: {TRAIN}) {{ excluded {{ reason }} }}',
     "maxDevices must be between 1"),
    (f'trainingOptions(maxDays: 1, first: -1, workload: {TRAIN}) {{ excluded {{ reason }} }}',
     "first must be 0 or more"),
])
def test_impossible_arguments_are_refused(ask: Ask, query: str, says: str) -> None:
    answer = ask("{ " + query + " }")
    assert "errors" in answer and says in answer["errors"][0], answer
