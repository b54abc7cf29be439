"""``hwkg import csv FILE --mapping MAPPING``: a table of chip figures (Epoch AI style).

One row per chip, one column per figure, optionally a column with each row's source URL.
The mapping (JSON, or TOML when the file ends in ``.toml``) says which column is which::

    [source]                       # the table itself
    title = "Epoch AI, Machine Learning Hardware"
    url = "https://epoch.ai/data/machine-learning-hardware"
    publisher = "Epoch AI"
    retrieved = "2026-11-28"
    kind = "SecondarySource"       # or PrimarySource
    [columns]
    chip = "Hardware name"         # matched to chips by hwkg.importers.matching
    source = "Source"              # optional: each row's own source URL
    [[figures]]
    column = "Memory bandwidth (TB/s)"
    property = "memoryBandwidth"   # a hw:FigureProperty
    unit = "hwunit:TeraBYTE-PER-SEC"   # or unit_column = "…" holding a symbol such as "TB/s"
    qualifiers = { sparsity = "Dense", direction = "PerDirection" }
    rank = "NormalRank"            # default: a table is a secondary claim beside the datasheet

Writes ``sources/<table>.ttl`` and ``figures/<table>/<chip>.ttl`` (the chip's statements
from this table and the row's source). Rows whose chip matches nothing, cells that are
not numbers and units that are unknown or of the wrong kind are rejected with the row,
the column and the reason.
"""

from __future__ import annotations

import csv
import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from hwkg.core import resources
from hwkg.core.namespaces import HW, HWUNIT
from hwkg.importers import terms as t
from hwkg.importers.matching import Index
from hwkg.importers.report import Report
from hwkg.importers.writer import Output
from hwkg.turtle.parsing import read

QUALIFIERS = {"sparsity": "hw:sparsity", "direction": "hw:direction", "scope": "hw:scope",
              "computeUnit": "hw:computeUnit", "accumulatePrecision": "hw:accumulatePrecision",
              "via": "hw:via"}
RANKS = ("PreferredRank", "NormalRank", "DeprecatedRank")


class MappingError(ValueError):
    """The mapping file is unusable; the message says which entry and why."""


@dataclass
class Column:
    """One figure column: where it is and how its cells become statements."""

    column: str
    prop: str
    unit: str | None
    unit_column: str | None
    scale: Decimal
    qualifiers: list[tuple[str, str]] = field(default_factory=list)
    rank: str = "hw:NormalRank"


@dataclass
class Units:
    """The unit vocabulary: unit IRI -> quantity kind, symbol -> unit, property -> kind."""

    kinds: dict[str, str]
    symbols: dict[str, str]
    property_kinds: dict[str, str]

    @classmethod
    def load(cls) -> Units:
        ontology, _, _ = read(resources.turtle_files(resources.ontology_dir()))
        kinds = {t.iri(str(u)): str(k) for u, k in ontology.subject_objects(HWUNIT.quantityKind)}
        symbols = {str(s): t.iri(str(u)) for u, s in ontology.subject_objects(HWUNIT.symbol)
                   if isinstance(s, Literal) and str(s)}
        props = {t.iri(str(p)): str(k) for p, k in ontology.subject_objects(HW.quantityKind)}
        return cls(kinds, symbols, props)


def _load(path: Path) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise MappingError(f"{path}: not a readable {path.suffix or 'JSON'} mapping ({exc})") \
            from exc
    if not isinstance(data, dict):
        raise MappingError(f"{path}: the mapping is not a table/object")
    return data


def _columns(mapping: dict[str, object], units: Units, where: Path) -> list[Column]:
    figures = mapping.get("figures")
    if not isinstance(figures, list) or not figures:
        raise MappingError(f"{where}: no [[figures]] entries")
    out = []
    for n, entry in enumerate(figures, start=1):
        if not isinstance(entry, dict) or "column" not in entry or "property" not in entry:
            raise MappingError(f"{where}: figure {n} needs 'column' and 'property'")
        prop = f"hw:{entry['property']}"
        if prop not in units.property_kinds:
            raise MappingError(f"{where}: figure {n} ({entry['column']!r}): {prop} is not a "
                               "figure property of the ontology")
        unit = entry.get("unit")
        if unit is not None:
            _check_unit(str(unit), prop, units, f"{where}: figure {n} ({entry['column']!r})")
        elif "unit_column" not in entry:
            raise MappingError(f"{where}: figure {n} ({entry['column']!r}) needs 'unit' or "
                               "'unit_column'")
        qualifiers = entry.get("qualifiers", {})
        if not isinstance(qualifiers, dict) or any(q not in QUALIFIERS for q in qualifiers):
            raise MappingError(f"{where}: figure {n}: qualifiers may be {', '.join(QUALIFIERS)}")
        rank = str(entry.get("rank", "NormalRank"))
        if rank not in RANKS:
            raise MappingError(f"{where}: figure {n}: rank must be one of {', '.join(RANKS)}")
        quals = [(QUALIFIERS[k], str(v) if ":" in str(v) else f"hw:{v}")
                 for k, v in qualifiers.items()]
        scale = number(str(entry.get("scale", 1)), f"{where}: figure {n} ({entry['column']!r}), "
                       "scale")
        if scale <= 0:
            raise MappingError(f"{where}: figure {n} ({entry['column']!r}): scale {scale} is "
                               "not a positive number")
        out.append(Column(str(entry["column"]), prop, str(unit) if unit else None,
                          entry.get("unit_column"), scale, quals, f"hw:{rank}"))
    return out


def _check_unit(unit: str, prop: str, units: Units, where: str) -> str:
    kind = units.kinds.get(unit)
    if kind is None:
        raise MappingError(f"{where}: unit {unit!r} is not in the unit vocabulary "
                           "(ontology/units.ttl)")
    if units.property_kinds.get(prop) != kind:
        wanted = units.property_kinds.get(prop, "?").rsplit("/", 1)[-1]
        raise MappingError(f"{where}: unit {unit} measures {kind.rsplit('/', 1)[-1]}, but "
                           f"{prop} needs {wanted}")
    return unit


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _source_block(iri: str, meta: dict[str, object], url: str, title: str) -> t.Block:
    kind = str(meta.get("kind", "SecondarySource"))
    block = (t.Block(iri).add("a", "hw:Source").add("rdfs:label", t.text(title, "en"))
             .add("dcterms:title", t.text(title)).add("schema:url", t.uri(url)))
    if meta.get("publisher"):
        block.add("dcterms:publisher", t.text(str(meta["publisher"])))
    if meta.get("date"):
        block.add("dcterms:date", t.day(date.fromisoformat(str(meta["date"]))))
    return (block.add("hw:retrieved", t.day(date.fromisoformat(str(meta["retrieved"]))))
            .add("hw:sourceKind", f"hw:{kind}"))


def _table_source(mapping: dict[str, object], where: Path) -> tuple[dict[str, object], str]:
    meta = mapping.get("source")
    if not isinstance(meta, dict) or not all(k in meta for k in ("title", "url", "retrieved")):
        raise MappingError(f"{where}: [source] needs title, url and retrieved")
    try:
        date.fromisoformat(str(meta["retrieved"]))
    except ValueError:
        raise MappingError(f"{where}: [source] retrieved is not a YYYY-MM-DD date") from None
    return meta, str(meta.get("slug") or _slug(str(meta["title"])))


#: A number with commas as thousands separators ("1,024", "12,345.5"): the only commas read.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def number(raw: str, where: str) -> Decimal:
    """The finite number ``raw`` writes; commas only as thousands separators (``1,024``):
    a decimal comma (``80,5``) is refused as ambiguous rather than read as 805."""
    text = raw.strip()
    if "," in text:
        if not _GROUPED.fullmatch(text):
            raise MappingError(f"{where}: {raw!r} has a comma that is not a thousands "
                               "separator (a decimal comma?); write the number with a point")
        text = text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise MappingError(f"{where}: {raw!r} is not a number") from None
    if not value.is_finite():
        raise MappingError(f"{where}: {raw!r} is not a finite number")
    return value


def _cell(row: dict[str, str], col: Column, units: Units, where: str) -> tuple[Decimal, str]:
    raw = (row.get(col.column) or "").strip()
    value = number(raw, f"{where}, column {col.column!r}")
    unit = col.unit
    if unit is None:
        symbol = (row.get(col.unit_column or "") or "").strip()
        unit = units.symbols.get(symbol)
        if unit is None:
            raise MappingError(f"{where}, column {col.unit_column!r}: unit {symbol!r} is not "
                               "in the unit vocabulary (ontology/units.ttl)")
    _check_unit(unit, col.prop, units, f"{where}, column {col.column!r}")
    return (value * col.scale).normalize() if col.scale != 1 else value, unit


def _statement(value: Decimal, unit: str, col: Column, sources: list[str], raw: str) -> t.Node:
    node = (t.Node().add("a", "hw:Statement").add("hw:value", t.number(value))
            .add("hw:unit", unit))
    for prop, obj in col.qualifiers:
        node.add(prop, obj)
    node.add("hw:rank", col.rank)
    if col.rank == "hw:DeprecatedRank":
        node.add("hw:rankReason", t.text("ranked deprecated by the import mapping"))
    if col.scale != 1:
        node.add("hw:note", t.text(f"the table gives {raw} in column {col.column!r}; "
                                   f"multiplied by {col.scale} into this unit"))
    return node.add("prov:wasDerivedFrom", *sources)


def import_table(file: Path, mapping_path: Path, graph: Graph, report: Report) -> list[Output]:
    """Outputs for the rows of ``file`` under ``mapping_path``; bad rows go to ``report``."""
    mapping = _load(mapping_path)
    units = Units.load()
    columns = _columns(mapping, units, mapping_path)
    meta, table = _table_source(mapping, mapping_path)
    names = mapping.get("columns") if isinstance(mapping.get("columns"), dict) else {}
    assert isinstance(names, dict)
    chip_col, src_col = names.get("chip"), names.get("source")
    if not chip_col:
        raise MappingError(f"{mapping_path}: [columns] needs 'chip' (the chip name column)")
    chips = Index.build(graph, "chip")
    table_src = f"src:{table}"
    outputs = [Output(f"sources/{table}.ttl", t.render(
        [_source_block(table_src, meta, str(meta["url"]), str(meta["title"]))],
        f"The table {file.name} (hwkg import csv)."))]
    try:
        reader = csv.DictReader(file.read_text(encoding="utf-8-sig").splitlines())
        rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise MappingError(f"{file}: not a readable CSV file ({exc})") from exc
    _check_header(file, list(reader.fieldnames or []), columns, chip_col, src_col, rows)
    for n, row in enumerate(rows, start=2):
        where = f"{file.name} row {n}"
        if None in row or None in row.values():  # more, or fewer, cells than the header
            extra = len(row.get(None) or [])  # type: ignore[call-overload]
            report.reject(where, f"has {extra} more cell(s) than the header" if extra else
                          "has fewer cells than the header")
            continue
        output = _row_output(row, where, columns, units, chips, (table, table_src, meta),
                             (str(chip_col), str(src_col) if src_col else None), report)
        if output is not None:
            outputs.append(output)
    return outputs


def _check_header(file: Path, header: list[str], columns: list[Column], chip_col: object,
                  src_col: object, rows: list[dict[str, str]]) -> None:
    """MappingError when the table has no rows, or lacks a column the mapping names (a
    table with another delimiter has one column, named after its whole first line)."""
    if not header or not rows:
        raise MappingError(f"{file}: no rows under a header line")
    wanted = [str(chip_col), *([str(src_col)] if src_col else []),
              *(c for col in columns for c in (col.column, col.unit_column) if c)]
    missing = [name for name in dict.fromkeys(wanted) if name not in header]
    if missing:
        raise MappingError(f"{file}: the header has no column {', '.join(map(repr, missing))} "
                           f"that the mapping names (the header's columns: "
                           f"{', '.join(map(repr, header[:12]))}; is the file comma-separated?)")


def _row_output(row: dict[str, str], where: str, columns: list[Column], units: Units,
                chips: Index, table: tuple[str, str, dict[str, object]],
                cols: tuple[str, str | None], report: Report) -> Output | None:
    slug, table_src, meta = table
    name = (row.get(cols[0]) or "").strip()
    chip: URIRef | None = chips.match(name) if name else None
    if chip is None:
        report.unmatched[name or "(empty chip name)"] += 1
        report.reject(where, f"chip {name!r} matches no chip in the graph "
                      "(rule: hwkg.importers.matching)")
        return None
    chip_slug = str(chip).rsplit("/", 1)[-1]
    sources, blocks = [table_src], []
    url = (row.get(cols[1] or "") or "").strip()
    if url:
        if not re.match(r"^https?://", url):
            report.reject(where, f"source {url!r} is not an http(s) URL")
            return None
        row_src = f"src:{slug}-{chip_slug}"
        sources.insert(0, row_src)
        blocks.append(_source_block(row_src, meta, url, f"{meta['title']}: row for {name}"))
    subject = t.Block(t.iri(str(chip)))
    try:
        for col in columns:
            if (row.get(col.column) or "").strip():
                value, unit = _cell(row, col, units, where)
                subject.add(col.prop, _statement(value, unit, col, sources,
                                                 row[col.column].strip()))
    except MappingError as exc:
        report.reject(where, str(exc).removeprefix(f"{where}, "))
        return None
    if not subject.node.lines:
        return None
    return Output(f"figures/{slug}/{chip_slug}.ttl", t.render(
        [subject, *blocks], f"{name}: figures from {meta['title']} (hwkg import csv)."))

