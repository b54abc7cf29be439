"""LLM workload formulas with plain numbers: each checked against a hand computation or an
identity that must hold, and each refusing impossible input with a reason."""

from __future__ import annotations

import math

import pytest

from hwkg.formulas import workload as W


def test_training_compute_is_six_p_d() -> None:
    assert W.training_flops(7e9, 1e12).value == pytest.approx(4.2e22)
    assert W.training_flops(None, 1e12, flops_per_token=1e10).value == pytest.approx(1e22)
    assert W.training_flops(None, 1e12).reason == "no parameters"


def test_time_inverts_the_throughput() -> None:
    flops = W.training_flops(7e9, 1e12).value
    seconds = W.training_seconds(flops, 8, 989.5e12, 0.4).value
    assert seconds is not None
    # the same work at the computed rate takes the computed time
    assert 8 * 989.5e12 * 0.4 * seconds == pytest.approx(flops)
    assert W.training_seconds(flops, 8, 989.5e12, 1.5).value is None  # MFU above 1
    assert "MFU" in (W.training_seconds(flops, 8, 989.5e12, 0).reason or "")


def test_devices_for_a_deadline_meet_it_and_one_fewer_does_not() -> None:
    flops, peak, mfu, limit = 4.2e22, 989.5e12, 0.4, 30 * 86400
    n = W.devices_for_time(flops, peak, mfu, limit).value
    assert n is not None and n >= 1
    assert W.training_seconds(flops, n, peak, mfu).value <= limit  # type: ignore[operator]
    assert W.training_seconds(flops, n - 1, peak, mfu).value > limit  # type: ignore[operator]


def test_measured_mfu_round_trips_with_training_time() -> None:
    mfu = W.achieved_mfu(151e6, 266_307, 989.5e12).value
    assert mfu is not None and 0 < mfu < 1
    assert mfu == pytest.approx(6 * 151e6 * 266_307 / 989.5e12)


def test_training_memory_and_kv_cache() -> None:
    assert W.training_bytes(65.2e9, W.ADAM_MIXED_BYTES).value == pytest.approx(1043.2e9)
    assert W.training_bytes(1e9, 16, activation_bytes=5e9).value == pytest.approx(21e9)
    assert W.training_bytes(1e9, 16, activation_bytes=-1).value is None
    # LLaMA-2 70B: 80 layers, 8 KV heads of 128 dimensions, FP16, 4,096 tokens
    kv = W.kv_cache_bytes(80, 8, 128, 2, 4096).value
    assert kv == pytest.approx(2 * 80 * 8 * 128 * 2 * 4096)
    assert W.kv_cache_bytes(None, 8, 128, 2, 4096).reason == "no layers"


def test_decode_bounds() -> None:
    # one stream, weights only: bandwidth ÷ weight bytes
    one = W.decode_tokens_per_second_memory(3.35e12, 140e9, 0.0, 1).value
    assert one == pytest.approx(3.35e12 / 140e9)
    # a batch shares the weight read, so the aggregate bound grows with the batch
    batch = W.decode_tokens_per_second_memory(3.35e12, 140e9, 1e9, 16).value
    assert batch is not None and one is not None and batch > one
    assert W.decode_tokens_per_second_compute(989.5e12, 70e9, 0.5).value == pytest.approx(
        989.5e12 * 0.5 / 140e9)


def test_energy_and_cost() -> None:
    assert W.energy_joules(8, 700, 3600).value == pytest.approx(8 * 700 * 3600)
    assert W.rental_cost(8, 2.5, 7200).value == pytest.approx(40.0)
    assert W.purchase_cost(8, 30000).value == pytest.approx(240000)
    assert W.rental_cost(8, None, 7200).reason == "no hourly rate"
    assert math.isnan(float("nan")) and W.purchase_cost(8, float("nan")).value is None
