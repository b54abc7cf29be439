"""The values derived metrics return: a value with its unit or a reason, and the inputs used.

Plain dataclasses shared by :mod:`hwkg.derived.prices`, :mod:`hwkg.derived.figures` and
:mod:`hwkg.graphql.planner`; the GraphQL types mirror them (``DerivedMetric``,
``MetricInput``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hwkg.readmodel.catalog import ExchangeRate, Figure, Offer


@dataclass
class MetricInput:
    """One input of a derived metric: a statement, an offer or an exchange rate."""

    role: str
    value: float | None
    unit: str | None
    figure: Figure | None = None
    offer: Offer | None = None
    rate: ExchangeRate | None = None
    entity_id: str | None = None


@dataclass
class Derived:
    """A derived value with its unit, or None with a reason; and the inputs used."""

    value: float | None
    unit: str
    reason: str | None = None
    inputs: list[MetricInput] = field(default_factory=list)


@dataclass(frozen=True)
class MetricKey:
    """Which metric, with its arguments: the unit of sorting, filtering and relativeTo."""

    name: str
    precision: str = "BF16"
    sparse: bool = False
    currency: str = "USD"
    parameters: float = 0.0
    bytes_per_parameter: float = 2.0
    overhead_fraction: float = 0.0
    #: ``purchase`` or ``cloudHourly``: the price per-dollar metrics divide by.
    price_basis: str = "purchase"
