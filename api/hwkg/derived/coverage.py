"""Coverage of the core figures: for each kind of chip and each core property, how many chips
have a preferred value, how many have a sourced statement that it has none (hw:absence), and
which have neither.

Accelerators (GPUs, AI accelerators, SoCs, superchips other than CPU superchips) are checked
for what a buyer compares them by; CPUs for what a host CPU is chosen by. A price counts when
the chip has a dated offer (purchase or cloud hourly) or inherits one from a system it is the
only accelerator of (:mod:`hwkg.derived.prices`); a ``hw:noPublicPrice`` reason counts as a
stated absence, not as a price; an absence of kind ``hw:NotFound`` (nothing found in the
sources read) is not a stated absence, so its chip counts as having neither. For figure
properties a row also counts how many of the values cite a primary source, the first thing
to improve where it is low, and how many of the stated absences do (a vendor's datasheet that
lists the chip without the figure is what shows the vendor does not publish it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from hwkg.derived.prices import PriceBasis, price
from hwkg.readmodel.catalog import Catalog, Chip, Source

ACCELERATOR_KINDS = ("GPU", "AIAccelerator", "SoC")
#: Absence kinds that state the figure has no value. ``NotFound`` (nothing found in the
#: sources read) says only what was searched: the chip stays among those with neither.
STATED = frozenset({"NotPublished", "NotSupported"})
#: Core properties per group: figure properties, or the relations/attributes named here.
CORE: dict[str, tuple[str, ...]] = {
    "accelerator": ("memoryCapacity", "memoryBandwidth", "maxPower", "computeBF16",
                    "launchDate", "interconnect", "softwareStack", "price"),
    "cpu": ("cpuCores", "threadCount", "baseClock", "maxPower", "cacheL3", "launchDate",
            "price"),
}


@dataclass
class Row:
    """One property of one group: chips with a value, with a sourced absence, without."""

    group: str
    prop: str
    total: int
    valued: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: Of ``valued``, the chips whose preferred value cites a primary source (the vendor's
    #: datasheet, page or paper); None for properties that are not figures (dates, links,
    #: prices), whose sources are not per value.
    primary: list[str] | None = None
    #: Of ``absent``, the chips whose statement of absence cites a primary source; None for
    #: properties that are not figures.
    absent_primary: list[str] | None = None

    @property
    def covered(self) -> float:
        """The share of chips with a value or a sourced absence (0–1)."""
        return (len(self.valued) + len(self.absent)) / self.total if self.total else 1.0

    @property
    def valued_share(self) -> float:
        return len(self.valued) / self.total if self.total else 1.0

    @property
    def primary_share(self) -> float | None:
        """The share of chips with a value whose preferred value cites a primary source."""
        if self.primary is None:
            return None
        return len(self.primary) / len(self.valued) if self.valued else 1.0

    def as_json(self) -> dict[str, object]:
        """The row as ``hwkg coverage --format json`` and ``/coverage.json`` give it: counts,
        the covered share, the primary-source count (None for non-figures) and the slugs of
        the chips with neither a value nor a sourced absence (``missing``) and of those whose
        value is stated absent (``absentChips``)."""
        return {"group": self.group, "property": self.prop, "total": self.total,
                "value": len(self.valued), "absent": len(self.absent), "covered": self.covered,
                "primary": None if self.primary is None else len(self.primary),
                "absentPrimary": (None if self.absent_primary is None
                                  else len(self.absent_primary)),
                "missing": self.missing, "absentChips": self.absent}


def group_of(chip: Chip) -> str:
    """``accelerator`` or ``cpu``: a GPU, AI accelerator or SoC is an accelerator, and so is a
    superchip unless it is also typed a CPU (NVIDIA's Grace CPU Superchip: two CPUs on one
    module, no accelerator)."""
    if any(k in ACCELERATOR_KINDS for k in chip.kinds):
        return "accelerator"
    return "accelerator" if "Superchip" in chip.kinds and "CPU" not in chip.kinds else "cpu"


def _has(cat: Catalog, chip: Chip, prop: str) -> bool:
    if prop == "launchDate":
        return chip.launch_date is not None
    if prop == "interconnect":
        return bool(chip.interconnect_ids)
    if prop == "softwareStack":
        return bool(chip.stack_ids)
    if prop == "price":
        return any(price(cat, chip.id, "USD", basis).value is not None for basis in PriceBasis)
    dense = [f for f in chip.figures.get(prop, []) if f.rank != "DEPRECATED" and not f.sparse]
    return bool(dense)


NOT_FIGURES = ("launchDate", "interconnect", "softwareStack", "price")


def _cites_primary(sources: Iterable[Source | None]) -> bool:
    """True when any of ``sources`` is a primary source (the vendor's own document)."""
    return any(s is not None and s.source_kind is not None
               and s.source_kind.name == "PrimarySource" for s in sources)


def _primary(chip: Chip, prop: str) -> bool:
    """True when the chip's preferred dense value of ``prop`` cites a primary source."""
    return any(f.rank == "PREFERRED" and not f.sparse and _cites_primary(f.sources)
               for f in chip.figures.get(prop, []))


def _absence_primary(cat: Catalog, chip: Chip, prop: str) -> bool:
    """True when a stated absence of ``prop`` on the chip cites a primary source."""
    return any(p == prop and kind in STATED and _cites_primary(cat.sources.get(i) for i in iris)
               for p, kind, _note, iris in chip.absences)


def cached_report(cat: Catalog) -> list[Row]:
    """:func:`report`, made once per graph version (the catalog never changes)."""
    return cat.kept("coverage", "report", lambda: report(cat), limit=1)


def report(cat: Catalog) -> list[Row]:
    """A row per group and core property, chips listed by slug."""
    rows: list[Row] = []
    chips = sorted(cat.chips.values(), key=lambda c: c.slug)
    for group, props in CORE.items():
        members = [c for c in chips if group_of(c) == group]
        for prop in props:
            figure = prop not in NOT_FIGURES
            row = Row(group, prop, len(members), primary=[] if figure else None,
                      absent_primary=[] if figure else None)
            for chip in members:
                absent = {p for p, kind, _note, _src in chip.absences if kind in STATED}
                if _has(cat, chip, prop):
                    row.valued.append(chip.slug)
                    if row.primary is not None and _primary(chip, prop):
                        row.primary.append(chip.slug)
                elif (prop in absent or (prop == "interconnect" and "linkBandwidth" in absent)
                      or (prop == "price" and chip.no_public_price)):
                    row.absent.append(chip.slug)
                    if row.absent_primary is not None and _absence_primary(cat, chip, prop):
                        row.absent_primary.append(chip.slug)
                else:
                    row.missing.append(chip.slug)
            rows.append(row)
    return rows
