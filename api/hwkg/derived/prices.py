"""Which price a derived metric uses, per unit, in the asked currency — and saying so.

Two kinds of price, chosen by the caller (:class:`PriceBasis`):

- ``PURCHASE``: a launch MSRP, the vendor's list price on a date or a dated street price (an
  offer of kind hw:LaunchMSRP, hw:ListPrice or hw:StreetPrice), per unit bought;
- ``CLOUD_HOURLY``: a rental price per accelerator-hour: on demand (hw:CloudHourly), else a
  rate for capacity reserved ahead (hw:CloudReserved, e.g. EC2 Capacity Blocks) where a chip
  has no on-demand rate; the offer named in the inputs says which.

An offer says how many units its amount covers (``hw:unitCount``: a kit of eight Gaudi 3, an
eight-GPU instance); the price per unit is the amount ÷ that count, derived here, and the
offer (with its count) is named in the inputs. A chip never sold alone (an SoC inside a
Mac, a GPU only rented as part of an instance) takes the price of a system it is an
accelerator of, ÷ the number of such accelerators in it, and the inputs name that system's
offer; where several systems hold it, the cheapest per accelerator (a $3,999 Mac Studio, not
a $6,999 Mac Pro). Prices in another currency use the dated exchange rate nearest the offer's
date.
The best offer is the preferred one, then launch MSRP before list price before street price
(on-demand before reserved), newest first.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from enum import Enum

from hwkg.core.namespaces import CUR
from hwkg.derived.values import Derived, MetricInput
from hwkg.formulas import hardware as metrics
from hwkg.readmodel.catalog import Catalog, ExchangeRate, Offer

PURCHASE_KINDS = ("LaunchMSRP", "ListPrice", "StreetPrice")
CLOUD_KINDS = ("CloudHourly", "CloudReserved")


class PriceBasis(Enum):
    """Which price a per-dollar metric divides by."""

    PURCHASE = "purchase"
    CLOUD_HOURLY = "cloudHourly"


_CODE = re.compile(r"[A-Za-z]{3}")


def currency_iri(code: str) -> str:
    """``USD`` (any case) → the QUDT currency IRI; a QUDT currency IRI passes through.
    ValueError for anything else (the API answers it as an error naming the argument)."""
    if code.startswith(str(CUR)) and _CODE.fullmatch(code.removeprefix(str(CUR))):
        return code
    if not _CODE.fullmatch(code):
        raise ValueError(f"currency must be a three-letter ISO 4217 code such as USD, EUR or "
                         f"CNY, got {code!r}")
    return str(CUR[code.upper()])


def _code(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def offer_order(offer: Offer) -> tuple[int, int, str, str]:
    """Preferred first, then launch MSRP, list price, street price (on-demand, reserved),
    newest first, IRI."""
    rank = {"PREFERRED": 0, "NORMAL": 1}.get(offer.rank, 2)
    kind = offer.offer_kind.name if offer.offer_kind else ""
    kinds = (*PURCHASE_KINDS, *CLOUD_KINDS)
    kind_order = kinds.index(kind) if kind in kinds else 9
    when = offer.offer_date.isoformat() if isinstance(offer.offer_date, date) else ""
    return (rank, kind_order, "".join(chr(0x10FFFF - ord(c)) for c in when), offer.id)


def offers_of(cat: Catalog, entity_id: str, basis: PriceBasis) -> list[Offer]:
    """Non-deprecated offers of ``basis``'s kinds for ``entity_id``, best first."""
    kinds = PURCHASE_KINDS if basis is PriceBasis.PURCHASE else CLOUD_KINDS
    found = [o for o in cat.offers_for.get(entity_id, []) if o.rank != "DEPRECATED"
             and o.offer_kind is not None and o.offer_kind.name in kinds]
    return sorted(found, key=offer_order)


def purchase_offers(cat: Catalog, entity_id: str) -> list[Offer]:
    """Offers to buy ``entity_id`` (launch MSRP, list price or street price), best first."""
    return offers_of(cat, entity_id, PriceBasis.PURCHASE)


def _direct(cat: Catalog, offer: Offer, source: str, target: str
            ) -> tuple[float | None, ExchangeRate | None]:
    """The factor from ``source`` to ``target`` of the dated rate nearest the offer's date."""
    pairs = [(r, r.rate) for r in cat.rates.values()
             if r.from_currency == source and r.to_currency == target and r.rate > 0]
    pairs += [(r, 1 / r.rate) for r in cat.rates.values()
              if r.from_currency == target and r.to_currency == source and r.rate > 0]
    dated = [(r, f) for r, f in pairs if isinstance(r.rate_date, date)]
    i = metrics.nearest_index(offer.offer_date, [r.rate_date for r, _ in dated])  # type: ignore[misc]
    if i is None:
        return None, None
    return dated[i][1], dated[i][0]


#: The currency a conversion goes through when the graph has no rate between two others.
PIVOT = str(CUR.USD)


def _rate_for(cat: Catalog, offer: Offer, target: str
              ) -> tuple[float | None, list[ExchangeRate]]:
    """The conversion factor from the offer's currency to ``target`` and the dated rates it
    uses (each nearest the offer's date): a direct rate, else through US dollars (CNY → USD
    → EUR) when the graph has both legs."""
    factor, rate = _direct(cat, offer, offer.currency, target)
    if rate is not None:
        return factor, [rate]
    if PIVOT in (offer.currency, target):
        return None, []
    first, one = _direct(cat, offer, offer.currency, PIVOT)
    second, two = _direct(cat, offer, PIVOT, target)
    if one is None or two is None or first is None or second is None:
        return None, []
    return first * second, [one, two]


def per_unit(cat: Catalog, offer: Offer, currency: str, units: int | None = None) -> Derived:
    """The offer's amount ÷ the units it covers (``units`` overrides ``hw:unitCount``), in
    ``currency``."""
    target = currency_iri(currency)
    symbol = target.rsplit("/", 1)[-1]
    count = units if units is not None else max(offer.unit_count, 1)
    inputs = [MetricInput("price", offer.amount, offer.currency.rsplit("/", 1)[-1], offer=offer)]
    if count != 1:
        inputs.append(MetricInput("unitCount", float(count), "units"))
    amount = offer.amount / count
    if offer.currency == target:
        return Derived(amount, symbol, None, inputs)
    factor, rates = _rate_for(cat, offer, target)
    if factor is None:
        return Derived(None, symbol, f"no exchange rate between {_code(offer.currency)} and "
                       f"{symbol} in the graph (directly or through USD)", inputs)
    inputs += [MetricInput("exchangeRate", rate.rate,
                           f"{_code(rate.to_currency)}/{_code(rate.from_currency)}", rate=rate)
               for rate in rates]
    converted = metrics.convert_money(amount, factor)
    return Derived(converted.value, symbol, converted.reason, inputs)


#: Price tables (one per currency and basis asked for) kept per graph version.
PRICE_TABLES = 32


def price(cat: Catalog, entity_id: str, currency: str = "USD",
          basis: PriceBasis = PriceBasis.PURCHASE) -> Derived:
    """The price of one unit of a chip or system (memoised): its own best offer of
    ``basis``, else (for a chip) the cheapest per accelerator of the systems it is the only
    kind of accelerator of, each at its best offer."""
    table: dict[str, Derived] = cat.kept("price", (currency.upper(), basis), dict, PRICE_TABLES)
    found = table.get(entity_id)
    if found is None:
        found = table[entity_id] = _price(cat, entity_id, currency, basis)
    return found


def _unit(basis: PriceBasis, currency: str) -> str:
    code = _code(currency_iri(currency))
    return f"{code}/h" if basis is PriceBasis.CLOUD_HOURLY else code


def _price(cat: Catalog, entity_id: str, currency: str, basis: PriceBasis) -> Derived:
    unit = _unit(basis, currency)
    own = offers_of(cat, entity_id, basis)
    if own:
        return replace(per_unit(cat, own[0], currency), unit=unit)
    via_systems = [(system, per_unit(cat, found[0], currency,
                                     units=max(found[0].unit_count, 1) * count))
                   for system, count in _systems_as_accelerator(cat, entity_id)
                   if (found := offers_of(cat, system, basis))]
    if via_systems:
        # The cheapest way to get one: the lowest price per accelerator (IRI on a tie); a
        # system whose price cannot be converted counts only when no other has a price.
        system, via = min(via_systems, key=lambda sv: (sv[1].value is None,
                                                       sv[1].value or 0.0, sv[0]))
        inputs = [replace(i, entity_id=system) for i in via.inputs]
        return Derived(via.value, unit, via.reason, inputs)
    what = ("no purchase offer (launch MSRP or street price)" if basis is PriceBasis.PURCHASE
            else "no cloud hourly offer")
    chip = cat.chips.get(entity_id)
    why = f"; {_first_sentence(chip.no_public_price)}" if chip and chip.no_public_price else ""
    name = chip.name if chip is not None else entity_id
    return Derived(None, unit, f"{what} for {name} or a system it is an accelerator of{why}")


def _systems_as_accelerator(cat: Catalog, chip_id: str) -> list[tuple[str, int]]:
    """(system IRI, how many of the chip it holds) for systems where the chip is the only
    kind of accelerator, by system IRI."""
    found = []
    for system in cat.systems_with.get(chip_id, []):
        accel = [c for c in system.components if c.role is None or c.role.name != "HostCPURole"]
        kinds = {c.chip_id for c in accel if c.role is None or c.role.name == "AcceleratorRole"}
        if kinds == {chip_id}:
            found.append((system.id, sum(c.count for c in accel if c.chip_id == chip_id)))
    return sorted(found)


def _first_sentence(text: str) -> str:
    """The statement's reason without the search log that may follow it (the whole text is
    the chip's ``noPublicPrice``)."""
    return re.split(r"(?<=\.)\s+(?=[A-Z])", text.strip(), maxsplit=1)[0]
