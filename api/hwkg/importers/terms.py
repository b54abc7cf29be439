"""Writing Turtle text by hand, deterministically: terms, blank-node blocks and whole files.

Importers build :class:`Block` values (a subject and its property lines) and :func:`render`
turns them into a Turtle file. The same input always gives the same bytes (properties and
objects keep the order the importer gives them), which is what makes imports idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

PREFIXES: dict[str, str] = {
    "hw": "https://w3id.org/hwkg/ontology#",
    "hwunit": "https://w3id.org/hwkg/unit/",
    "unit": "http://qudt.org/vocab/unit/",
    "chip": "https://w3id.org/hwkg/id/chip/",
    "ic": "https://w3id.org/hwkg/id/interconnect/",
    "stack": "https://w3id.org/hwkg/id/stack/",
    "stackver": "https://w3id.org/hwkg/id/stack-version/",
    "sys": "https://w3id.org/hwkg/id/system/",
    "bench": "https://w3id.org/hwkg/id/benchmark/",
    "result": "https://w3id.org/hwkg/id/result/",
    "claim": "https://w3id.org/hwkg/id/claim/",
    "src": "https://w3id.org/hwkg/id/source/",
    "round": "https://w3id.org/hwkg/id/round/",
    "org": "https://w3id.org/hwkg/id/organization/",
    "vendor": "https://w3id.org/hwkg/id/vendor/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
}

def text(value: str, lang: str | None = None) -> str:
    """A string literal (language-tagged when ``lang`` is given), escaped for Turtle."""
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def number(value: int | Decimal) -> str:
    """An xsd:integer or xsd:decimal literal in Turtle's short form."""
    if isinstance(value, int):
        return str(value)
    shown = format(value, "f")
    return shown if "." in shown else shown + ".0"


def day(value: date) -> str:
    return f'"{value.isoformat()}"^^xsd:date'


def uri(value: str) -> str:
    """An xsd:anyURI literal (source URLs)."""
    return text(value) + "^^xsd:anyURI"


def boolean(value: bool) -> str:
    return "true" if value else "false"


def iri(full: str) -> str:
    """An IRI, written as ``prefix:local`` where a prefix covers it and the local name allows."""
    for prefix, namespace in PREFIXES.items():
        if full.startswith(namespace):
            local = full[len(namespace):]
            if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
                return f"{prefix}:{local}"
    return f"<{full}>"


@dataclass
class Node:
    """A blank node written inline as ``[ … ]``: property lines in the order added."""

    lines: list[tuple[str, list[str | Node]]] = field(default_factory=list)

    def add(self, prop: str, *objects: str | Node) -> Node:
        if objects:
            self.lines.append((prop, list(objects)))
        return self


@dataclass
class Block:
    """A subject (a prefixed name or ``<iri>``) and its property lines."""

    subject: str
    node: Node = field(default_factory=Node)
    comment: str = ""

    def add(self, prop: str, *objects: str | Node) -> Block:
        self.node.add(prop, *objects)
        return self


def _object(obj: str | Node, indent: int) -> str:
    if isinstance(obj, str):
        return obj
    pad = " " * (indent + 4)
    inner = (" ;\n" + pad).join(_line(p, objs, indent + 4) for p, objs in obj.lines)
    return "[ " + inner + " ]"


def _line(prop: str, objects: list[str | Node], indent: int) -> str:
    pad = " " * (indent + 2)
    return prop + " " + (" ,\n" + pad).join(_object(o, indent) for o in objects)


def render(blocks: list[Block], header: str = "") -> str:
    """A complete Turtle document: prefix lines, an optional ``#`` header, then the blocks."""
    out = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    out.append("")
    for line in header.strip().splitlines():
        out.append(f"# {line}".rstrip())
    for block in blocks:
        out.append("")
        if block.comment:
            out.append(f"# {block.comment}")
        body = " ;\n    ".join(_line(p, objs, 4) for p, objs in block.node.lines)
        out.append(f"{block.subject}\n    {body} .")
    return "\n".join(out) + "\n"
