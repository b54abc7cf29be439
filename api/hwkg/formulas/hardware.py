"""Derived-metric formulas: pure functions of plain numbers, no RDF and no GraphQL.

Every function returns a :class:`Metric`: a value with its unit, or ``value=None`` and a
``reason`` naming the missing or unusable input. Inputs are already in the units the
caller states in each docstring (the caller converts with the unit vocabulary's
multipliers); nothing here knows a conversion factor. Division by zero, negative or
missing inputs never raise: they give a reason.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Metric:
    """A derived value and its unit, or None with the reason it could not be computed."""

    value: float | None
    unit: str
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.value is not None


def missing(unit: str, reason: str) -> Metric:
    """A metric that could not be computed, and why."""
    return Metric(None, unit, reason)


def positive(unit: str, named: dict[str, float | None]) -> Metric | None:
    """A 'missing' metric for the first input that is None or not positive, else None."""
    for name, value in named.items():
        if value is None:
            return missing(unit, f"no {name}")
        if not math.isfinite(value) or value <= 0:
            return missing(unit, f"{name} is {value}, not a positive number")
    return None


def ratio(numerator: float | None, denominator: float | None, unit: str,
          names: tuple[str, str] = ("numerator", "denominator")) -> Metric:
    """``numerator ÷ denominator`` in ``unit``; both must be positive."""
    problem = positive(unit, {names[0]: numerator, names[1]: denominator})
    if problem is not None:
        return problem
    assert numerator is not None and denominator is not None
    return Metric(numerator / denominator, unit)


def per_price(quantity: float | None, price: float | None, quantity_name: str,
              unit: str) -> Metric:
    """A quantity per unit of money (GB per USD, GB/s per USD, TFLOPS per USD)."""
    return ratio(quantity, price, unit, (quantity_name, "price"))


def flops_per_watt(tflops: float | None, watts: float | None) -> Metric:
    """TFLOPS ÷ W: compute per watt of maximum power."""
    return ratio(tflops, watts, "TFLOPS/W", ("compute", "maximum power"))


def bytes_per_flop(bytes_per_s: float | None, flops: float | None) -> Metric:
    """Bytes the memory delivers per floating-point operation: (byte/s) ÷ (FLOP/s)."""
    return ratio(bytes_per_s, flops, "B/FLOP", ("memory bandwidth", "compute"))


def convert_money(amount: float | None, rate: float | None, invert: bool = False) -> Metric:
    """``amount × rate`` (or ``÷ rate`` when ``invert``): money in another currency."""
    problem = positive("currency", {"amount": amount, "exchange rate": rate})
    if problem is not None:
        return problem
    assert amount is not None and rate is not None
    return Metric(amount / rate if invert else amount * rate, "currency")


def nearest_index(when: date | None, dates: Sequence[date]) -> int | None:
    """Index of the date in ``dates`` nearest ``when`` (earlier wins a tie); None if empty.

    Without ``when`` the newest date is taken.
    """
    if not dates:
        return None
    if when is None:
        return max(range(len(dates)), key=lambda i: dates[i])
    return min(range(len(dates)), key=lambda i: (abs((dates[i] - when).days), dates[i]))


def model_bytes(parameters: float | None, bytes_per_parameter: float,
                overhead_fraction: float) -> Metric:
    """Bytes a model needs: parameters × bytes per parameter × (1 + overhead fraction)."""
    problem = positive("B", {"parameters": parameters, "bytes per parameter": bytes_per_parameter})
    if problem is not None:
        return problem
    if overhead_fraction < 0 or not math.isfinite(overhead_fraction):
        return missing("B", f"overhead fraction is {overhead_fraction}, not ≥ 0")
    assert parameters is not None
    return Metric(parameters * bytes_per_parameter * (1 + overhead_fraction), "B")


def devices_needed(needed_bytes: float | None, device_bytes: float | None) -> Metric:
    """Whole devices whose memory together holds ``needed_bytes``: ceil(needed ÷ per device)."""
    problem = positive("devices", {"model size": needed_bytes, "memory per device": device_bytes})
    if problem is not None:
        return problem
    assert needed_bytes is not None and device_bytes is not None
    # Round away float noise (130e9 / 65e9 must be 2, not 2.0000000001 → 3).
    return Metric(float(math.ceil(round(needed_bytes / device_bytes, 9))), "devices")


def fits(needed_bytes: float | None, device_bytes: float | None) -> Metric:
    """1.0 when ``needed_bytes`` fit in one device's memory, 0.0 when not."""
    count = devices_needed(needed_bytes, device_bytes)
    if not count.ok:
        return Metric(None, "boolean", count.reason)
    return Metric(1.0 if count.value == 1 else 0.0, "boolean")


def per_device(package_bytes: float | None, host_devices: float | None) -> Metric:
    """Memory of one host-visible device: package memory ÷ devices the host sees (default 1)."""
    devices = 1.0 if host_devices is None else host_devices
    return ratio(package_bytes, devices, "B", ("memory capacity", "host devices"))


def speedup(this: float | None, other: float | None, lower_is_better: bool) -> Metric:
    """How many times better ``this`` result is than ``other`` (time: other ÷ this)."""
    if lower_is_better:
        return ratio(other, this, "×", ("other result", "this result"))
    return ratio(this, other, "×", ("this result", "other result"))


def scaling_efficiency(speed_up: float | None, this_devices: float | None,
                       other_devices: float | None) -> Metric:
    """The larger system's speed-up over the smaller ÷ the ratio of their accelerator counts
    (1.0 is perfect scaling), whichever of the two is asked about: ``speed_up`` is this
    system's over the other's, and asked the other way round the answer is the same."""
    problem = positive("×", {"speed-up": speed_up, "accelerator count": this_devices,
                           "other accelerator count": other_devices})
    if problem is not None:
        return problem
    assert speed_up is not None and this_devices is not None and other_devices is not None
    if this_devices < other_devices:
        speed_up, this_devices, other_devices = 1 / speed_up, other_devices, this_devices
    return Metric(speed_up / (this_devices / other_devices), "×")


def total(parts: Sequence[tuple[float | None, float]], unit: str, what: str) -> Metric:
    """Σ value × count over ``parts``; None with a reason if any part's value is missing."""
    if not parts:
        return missing(unit, f"no parts with {what}")
    if any(value is None for value, _ in parts):
        return missing(unit, f"a part has no {what}")
    return Metric(sum(float(value) * count for value, count in parts if value is not None), unit)
