"""The GraphQL catalog as plain columns of ``marshal``-able values, and back.

:func:`encode` turns a :class:`hwkg.readmodel.catalog.Catalog` into nested tuples, lists,
dicts, strings and numbers only; :func:`decode` rebuilds an equal catalog
(``decode(encode(c)) == c``, the same classes, the link tables still ``defaultdict(list)``,
each :class:`~hwkg.readmodel.catalog.Source` and :class:`~hwkg.readmodel.catalog.Concept` one
shared object as in a freshly built catalog).

Why columns: a catalog at 4.3M triples holds ~0.5M dataclass instances and ~2M lists and
dicts; unpickling creates them one opcode at a time (5–11 s). Here each table is one column
per dataclass field; values that repeat (dates, concepts, ``None``) are indexes into one shared
value table, so a column decodes with ``map`` at C speed, and the only Python-level loop left
makes one instance per row from a dict built in C. Strings that repeat are written once
(``marshal`` keeps references to the same object), which also makes the file smaller.

Field kinds come from the dataclasses' type hints: ``dt.date | None`` and ``Concept | None``
fields go through the value table (any value, not only dates or concepts, so nothing is
lost); ``list[Source]``, ``list[Component]`` and ``dict[str, list[Figure]]`` are indexes into
their tables; every other field must already be ``marshal``-able (:func:`encode` raises
ValueError otherwise).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from collections import defaultdict
from collections.abc import Callable
from functools import cache
from itertools import starmap
from typing import Any

from hwkg.readmodel import catalog as model

#: Catalog fields holding entity tables (IRI → instance), in decoding order.
TABLES = ("vendors", "interconnects", "stacks", "stack_versions", "architectures",
          "frameworks", "backends", "dies", "chips", "systems", "offers", "rates",
          "benchmarks", "results", "claims", "rounds", "organizations")
#: Catalog fields mapping a key to a list of instances of one table.
LINKS = {"offers_for": "offers", "systems_with": "systems", "results_of": "results",
         "claims_about": "claims"}
PLAIN = ("version", "multipliers", "symbols", "canonical", "replaced_by")

Encoded = dict[str, Any]


@cache
def kinds(cls: type) -> tuple[tuple[str, str], ...]:
    """``(field, kind)`` of each field of dataclass ``cls``: value, sources, components,
    figures or plain."""
    hints = typing.get_type_hints(cls, vars(model))
    out = []
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        args = set(typing.get_args(hint))
        if hint in (dt.date, model.Concept) or args & {dt.date, model.Concept}:
            out.append((f.name, "value"))
        elif hint == list[model.Source]:
            out.append((f.name, "sources"))
        elif hint == list[model.Component]:
            out.append((f.name, "components"))
        elif hint == dict[str, list[model.Figure]]:
            out.append((f.name, "figures"))
        else:
            out.append((f.name, "plain"))
    return tuple(out)


class _Interner:
    """Numbers repeated values (tables) and shares equal strings while encoding."""

    def __init__(self) -> None:
        self.values: list[Any] = [None]
        self._value_ids: dict[tuple[type, Any], int] = {(type(None), None): 0}
        self._strings: dict[str, str] = {}
        self.figures: list[Any] = []
        self.components: list[Any] = []
        self.sources: dict[int, int] = {}

    def value(self, v: Any) -> int:
        key = (type(v), v)
        found = self._value_ids.get(key)
        if found is None:
            found = self._value_ids[key] = len(self.values)
            self.values.append(v)
        return found

    def text(self, v: Any) -> Any:
        return self._strings.setdefault(v, v) if type(v) is str else v


def _column(items: list[Any], name: str, kind: str, enc: _Interner) -> list[Any]:
    values = [getattr(item, name) for item in items]
    if kind == "value":
        return [enc.value(v) for v in values]
    if kind == "sources":
        return [[enc.sources[id(s)] for s in v] for v in values]
    out: list[Any] = []
    if kind == "components":
        for v in values:
            out.append((len(enc.components), len(enc.components) + len(v)))
            enc.components += v
        return out
    if kind == "figures":
        for v in values:
            ranges = []
            for prop, figures in v.items():
                ranges.append((enc.text(prop), len(enc.figures), len(enc.figures) + len(figures)))
                enc.figures += figures
            out.append(ranges)
        return out
    if values and type(values[0]) is list:
        return [[enc.text(x) for x in v] if type(v) is list else enc.text(v) for v in values]
    return [enc.text(v) for v in values]


def _columns(items: list[Any], cls: type, enc: _Interner) -> dict[str, list[Any]]:
    return {name: _column(items, name, kind, enc) for name, kind in kinds(cls)}


def encode(cat: model.Catalog) -> Encoded:
    """``cat`` as plain values (see the module docstring); caches are left out."""
    enc = _Interner()
    sources = list(cat.sources.values())
    enc.sources = {id(s): i for i, s in enumerate(sources)}
    out: Encoded = {name: getattr(cat, name) for name in PLAIN}
    out["sources"] = (list(cat.sources), _columns(sources, model.Source, enc))
    for name in TABLES:
        out[name] = _table(getattr(cat, name), enc)
    out["figures"] = _columns(enc.figures, model.Figure, enc)
    out["components"] = _columns(enc.components, model.Component, enc)
    for name, table in LINKS.items():
        out[name] = _link(getattr(cat, name), getattr(cat, table))
    out["values"] = [_plain_value(v) for v in enc.values]
    return out


def _table(table: dict[str, Any], enc: _Interner) -> tuple[list[str], str | None, Any]:
    items = list(table.values())
    classes = {type(item) for item in items}
    if len(classes) > 1:
        raise ValueError(f"a catalog table mixes {sorted(c.__name__ for c in classes)}")
    cls = classes.pop() if classes else None
    return list(table), cls.__name__ if cls else None, _columns(items, cls, enc) if cls else {}


def _link(link: dict[str, list[Any]], table: dict[str, Any]) -> dict[str, list[str]]:
    """``link``'s lists as entity IRIs (each must be the object ``table`` holds there)."""
    out = {}
    for key, items in link.items():
        if any(table.get(item.id) is not item for item in items):
            raise ValueError(f"a catalog link lists an entity its table does not hold: {key}")
        out[key] = [item.id for item in items]
    return out


def _plain_value(v: Any) -> Any:
    if isinstance(v, model.Concept):
        return ("concept", v.id, v.name, v.label)
    if isinstance(v, dt.date):
        return ("date", v.toordinal())
    return ("plain", v)


def _value(v: tuple[Any, ...]) -> Any:
    if v[0] == "concept":
        return model.Concept(v[1], v[2], v[3])
    if v[0] == "date":
        return dt.date.fromordinal(v[1])
    return v[1]


def _instances(cls: type, columns: dict[str, list[Any]], decoders: dict[str, Callable[[Any], Any]]
               ) -> list[Any]:
    """One ``cls`` per row, each column decoded first (``map``: no Python loop per value)."""
    cols = [map(decoders[kind], columns[name]) if kind in decoders else columns[name]
            for name, kind in kinds(cls)]
    return list(starmap(cls, zip(*cols, strict=True)))  # dataclass __init__: faster than __dict__=


def decode(data: Encoded) -> model.Catalog:
    """The catalog :func:`encode` was given (equal, with its caches empty)."""
    values = [_value(v) for v in data["values"]]
    sources_ids, source_columns = data["sources"]
    decoders: dict[str, Callable[[Any], Any]] = {"value": values.__getitem__}
    sources = _instances(model.Source, source_columns, decoders)
    decoders["sources"] = lambda ids: list(map(sources.__getitem__, ids))
    components = _instances(model.Component, data["components"], decoders)
    figures = _instances(model.Figure, data["figures"], decoders)
    decoders["components"] = lambda span: components[span[0]:span[1]]
    decoders["figures"] = lambda spans: {p: figures[a:b] for p, a, b in spans}
    cat = model.Catalog(**{name: data[name] for name in PLAIN})
    cat.sources = dict(zip(sources_ids, sources, strict=True))
    classes = {cls.__name__: cls for cls in _entity_classes()}
    for name in TABLES:
        ids, cls_name, columns = data[name]
        items = _instances(classes[cls_name], columns, decoders) if cls_name else []
        setattr(cat, name, dict(zip(ids, items, strict=True)))
    for name, table in LINKS.items():
        rows = getattr(cat, table)
        link: defaultdict[str, list[Any]] = defaultdict(list)
        for key, ids in data[name].items():
            link[key] = list(map(rows.__getitem__, ids))
        setattr(cat, name, link)
    return cat


def _entity_classes() -> list[type]:
    return [model.Vendor, model.Interconnect, model.SoftwareStack, model.StackVersion,
            model.Framework, model.FrameworkBackend, model.Architecture, model.Die, model.Chip,
            model.System, model.Offer, model.ExchangeRate, model.Benchmark,
            model.BenchmarkResult, model.Claim]
