"""The derived-metric formulas, with plain numbers: values, units, zero and missing inputs."""

from __future__ import annotations

import math
from datetime import date

import pytest

from hwkg.formulas import hardware as metrics


def test_ratio_divides_and_names_the_unit() -> None:
    m = metrics.per_price(80.0, 10_000.0, "memory capacity", "GB/USD")
    assert m.value == pytest.approx(0.008) and m.unit == "GB/USD" and m.reason is None


@pytest.mark.parametrize("numerator, denominator, missing_name", [
    (None, 10.0, "memory capacity"), (80.0, None, "price"), (80.0, 0.0, "price"),
    (0.0, 10.0, "memory capacity"), (80.0, -5.0, "price"), (80.0, math.nan, "price"),
])
def test_missing_or_zero_inputs_give_a_reason_not_a_number(
        numerator: float | None, denominator: float | None, missing_name: str) -> None:
    m = metrics.per_price(numerator, denominator, "memory capacity", "GB/USD")
    assert m.value is None and not m.ok
    assert m.reason is not None and missing_name in m.reason


def test_flops_per_watt_and_bytes_per_flop() -> None:
    assert metrics.flops_per_watt(989.5, 700.0).value == pytest.approx(989.5 / 700)
    assert metrics.flops_per_watt(989.5, 0.0).value is None
    assert metrics.bytes_per_flop(3.35e12, 989.5e12).value == pytest.approx(3.35 / 989.5)
    assert metrics.bytes_per_flop(3.35e12, None).reason == "no compute"


def test_model_bytes_and_devices_needed() -> None:
    need = metrics.model_bytes(65e9, 2, 0.0)
    assert need.value == 130e9
    assert metrics.model_bytes(65e9, 2, 0.2).value == pytest.approx(156e9)
    assert metrics.devices_needed(130e9, 80e9).value == 2
    assert metrics.devices_needed(130e9, 65e9).value == 2  # exact fit is not rounded up
    assert metrics.devices_needed(130e9, 192e9).value == 1
    assert metrics.devices_needed(130e9, 0.0).value is None
    assert metrics.model_bytes(None, 2, 0).reason == "no parameters"
    assert metrics.model_bytes(1e9, 2, -0.5).value is None


def test_fits_is_one_device() -> None:
    assert metrics.fits(130e9, 192e9).value == 1.0
    assert metrics.fits(130e9, 80e9).value == 0.0
    assert metrics.fits(None, 80e9).value is None


def test_per_device_splits_a_package_the_host_sees_as_several() -> None:
    assert metrics.per_device(128e9, 2).value == 64e9
    assert metrics.per_device(80e9, None).value == 80e9
    assert metrics.per_device(None, 2).reason == "no memory capacity"


def test_money_conversion_and_nearest_rate() -> None:
    assert metrics.convert_money(72000, 7.0, invert=True).value == pytest.approx(72000 / 7)
    assert metrics.convert_money(100, 7.2).value == pytest.approx(720)
    assert metrics.convert_money(100, 0).value is None
    dates = [date(2024, 1, 1), date(2024, 6, 1), date(2023, 1, 1)]
    assert metrics.nearest_index(date(2024, 3, 1), dates) == 0
    assert metrics.nearest_index(date(2024, 5, 1), dates) == 1
    assert metrics.nearest_index(None, dates) == 1
    assert metrics.nearest_index(date(2024, 1, 1), []) is None
    # A tie goes to the earlier date.
    assert metrics.nearest_index(date(2024, 1, 11), [date(2024, 1, 21), date(2024, 1, 1)]) == 1


def test_speedup_and_scaling_efficiency() -> None:
    assert metrics.speedup(20.0, 120.0, lower_is_better=True).value == pytest.approx(6.0)
    assert metrics.speedup(300.0, 100.0, lower_is_better=False).value == pytest.approx(3.0)
    assert metrics.speedup(0.0, 120.0, lower_is_better=True).value is None
    assert metrics.scaling_efficiency(6.0, 64, 8).value == pytest.approx(0.75)
    # asked from the smaller system (speed-up 1/6 on an eighth of the devices): the same 0.75
    assert metrics.scaling_efficiency(1 / 6.0, 8, 64).value == pytest.approx(0.75)
    assert metrics.scaling_efficiency(6.0, 0, 8).value is None
    assert metrics.scaling_efficiency(None, 64, 8).reason == "no speed-up"


def test_total_needs_every_part() -> None:
    assert metrics.total([(80.0, 8), (0.0, 2)], "GB", "memory").value == 640.0
    assert metrics.total([(80.0, 8), (None, 2)], "GB", "memory").value is None
    assert metrics.total([], "GB", "memory").reason == "no parts with memory"


def test_metrics_module_has_no_rdf_or_graphql_imports() -> None:
    source = metrics.__file__
    assert source is not None
    text = open(source, encoding="utf-8").read()
    for banned in ("rdflib", "strawberry", "pyoxigraph", "graphql"):
        assert f"import {banned}" not in text and f"from {banned}" not in text
