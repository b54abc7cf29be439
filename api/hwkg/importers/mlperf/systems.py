"""MLPerf system descriptions (``<submitter>/systems/<system>.json``) as hw:System blocks.

:func:`read_system` checks the fields a description needs; :func:`link_system` matches its
accelerators and host CPUs to chips through the chips' names and aliases
(:mod:`hwkg.importers.matching`; a composite name becomes one component per part where
it states the counts), its links to interconnects and its software to stack versions;
:func:`system_blocks` writes the system (round, submitters, the same configuration in an
earlier round) and its source. An accelerator (or, for a CPU-only system, a host CPU)
that matches no chip rejects the system; an unmatched host CPU beside a matched
accelerator is left out of the bill of materials and named in the note and the report.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from hwkg.importers import terms as t
from hwkg.importers.matching import Index, links, parts
from hwkg.importers.mlperf.graphdata import Lookup
from hwkg.importers.mlperf.rounds import Round
from hwkg.importers.report import Report

#: Fields that name something (an organisation, a system): non-empty text.
NAMES = ("submitter", "system_name")
#: The largest system description read (real ones are a few kB).
MAX_BYTES = 1 << 20
REQUIRED = ("submitter", "division", "status", "system_name", "number_of_nodes",
            "accelerators_per_node", "accelerator_model_name", "host_processors_per_node",
            "host_processor_model_name", "framework")


class InputError(ValueError):
    """An input item that cannot be imported; the message names the file and the reason."""


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.")


def submitters(name: str) -> list[str]:
    """The organisations of a (joint) submission: ``NVIDIA+CoreWeave`` → two."""
    return [p.strip() for p in name.split("+") if p.strip()]


@dataclass
class System:
    """A parsed system description with the links the graph gives it."""

    path: Path
    fields: dict[str, object]
    rnd: Round
    folder: str
    division: str = ""
    components: list[t.Node] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    versions: list[tuple[str, str, str, str]] = field(default_factory=list)  # iri, stack, v, name
    stacks: list[str] = field(default_factory=list)
    interconnects: list[str] = field(default_factory=list)
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            self.key = slug("-".join(filter(None, (self.division, self.submitter, self.name))))

    @property
    def submitter(self) -> str:
        return str(self.fields["submitter"]).strip()

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def slug(self) -> str:
        return f"{self.rnd.slug}-{self.key}"

    @property
    def iri(self) -> str:
        return f"sys:{self.slug}"

    @property
    def source(self) -> str:
        return f"src:{self.slug}"

    @property
    def title(self) -> str:
        return f"{self.submitter} {self.name}"

    def text(self, key: str) -> str:
        value = self.fields.get(key, "")
        return value.strip() if isinstance(value, str) else json.dumps(value, sort_keys=False)


#: The largest count a system description may state (nodes, accelerators or processors per
#: node): far above any submitted system (the largest MLPerf systems have ~11,600 GPUs).
MAX_COUNT = 1_000_000


def _count(system: System, key: str) -> int:
    """The whole, non-negative count ``key`` states; InputError naming the file and field."""
    raw = system.fields.get(key)
    try:
        number = float(str(raw).strip())
        if number != int(number):
            raise ValueError(raw)
    except (ValueError, OverflowError):
        raise InputError(f"{system.path}: field {key!r} is {raw!r}, not a whole number") from None
    if not 0 <= number <= MAX_COUNT:
        raise InputError(f"{system.path}: field {key!r} is {raw!r}; a count must be between 0 "
                         f"and {MAX_COUNT:,}")
    return int(number)


def read_system(path: Path, rnd: Round, folder: str, division: str = "") -> System:
    """Parse a system description; raises InputError naming a missing or malformed field."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{path}: {size:,} bytes, more than a system description holds "
                             f"({MAX_BYTES:,} at most)")
        fields = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a readable JSON system description ({exc})") from exc
    if not isinstance(fields, dict):
        raise InputError(f"{path}: not a JSON object")
    for key in REQUIRED:
        if key not in fields:
            raise InputError(f"{path}: missing field {key!r} (a system description needs "
                             f"{', '.join(REQUIRED)})")
    for key in NAMES:
        if not isinstance(fields[key], str) or not fields[key].strip():
            raise InputError(f"{path}: field {key!r} is {fields[key]!r}, not a name")
    if not isinstance(fields["accelerator_model_name"], str):
        raise InputError(f"{path}: field 'accelerator_model_name' is "
                         f"{fields['accelerator_model_name']!r}, not text")
    return System(path, fields, rnd, folder, division)


def _component(chip: URIRef, count: int, role: str) -> t.Node:
    return (t.Node().add("a", "hw:Component").add("hw:componentChip", t.iri(str(chip)))
            .add("hw:count", t.number(count)).add("hw:role", role))


def _matched(name: str, total: int, nodes: int, chips: Index
             ) -> tuple[list[tuple[URIRef, int]], str | None]:
    """Chips and counts a (possibly composite) name gives, or the problem with it."""
    pieces = parts(name)
    if pieces is None:
        chip = chips.match(name)
        return ([(chip, total)], None) if chip is not None else ([], name)
    if all(c is None for _, c in pieces) and re.match(r"(?i)\s*node\s*1\s*:", name) and \
            len(pieces) == nodes:  # "Node1: X, Node2: Y": one name per node
        pieces = [(n, total // nodes) for n, _ in pieces]
    found = [(chips.match(n), c) for n, c in pieces]
    unmatched = [n for (n, _), (chip, _) in zip(pieces, found, strict=True) if chip is None]
    if unmatched:
        return [], unmatched[0]
    if any(c is None for _, c in found):
        return [], f"{name} (a composite name that does not say how many of each)"
    return [(chip, int(c)) for chip, c in found if chip is not None and c], None


def _accelerators(system: System, lookup: Lookup, report: Report, nodes: int) -> None:
    per_node = _count(system, "accelerators_per_node")
    if per_node <= 0:
        return
    accel = system.text("accelerator_model_name")
    found, problem = _matched(accel, nodes * per_node, nodes, lookup.chips)
    if problem is not None:
        report.unmatch(problem, f"{system.rnd.label} {system.title}")
        raise InputError(f"{system.path}: accelerator {problem!r} matches no chip in the graph "
                         "(no chip in the graph with this name or alias)")
    system.components += [_component(c, n, "hw:AcceleratorRole") for c, n in found]


def _host_cpus(system: System, lookup: Lookup, report: Report, nodes: int) -> None:
    cpus = _count(system, "host_processors_per_node") * nodes
    cpu = system.text("host_processor_model_name")
    if cpus <= 0 or cpu.lower() in ("", "n/a", "none"):
        return
    found, problem = _matched(cpu, cpus, nodes, lookup.chips)
    if problem is None:
        system.components += [_component(c, n, "hw:HostCPURole") for c, n in found]
        return
    report.unmatch(problem, f"{system.rnd.label} {system.title}")
    system.notes.append(f"host CPU {cpu!r} ({cpus}) matches no chip in the graph yet, so it "
                        "is not a component")


def link_system(system: System, lookup: Lookup, report: Report) -> None:
    """Match chips, links and stacks; raises InputError when the system has no chip."""
    nodes = _count(system, "number_of_nodes")
    _accelerators(system, lookup, report, nodes)
    _host_cpus(system, lookup, report, nodes)
    if not system.components and _count(system, "accelerators_per_node") <= 0 and \
            _count(system, "host_processors_per_node") <= 0:
        raise InputError(f"{system.path}: states no accelerators and no host processors "
                         "(accelerators_per_node and host_processors_per_node are 0)")
    if not system.components:
        raise InputError(f"{system.path}: neither accelerator "
                         f"{system.text('accelerator_model_name')!r} nor host CPU "
                         f"{system.text('host_processor_model_name')!r} matches a chip in the "
                         "graph")
    for key in ("accelerator_interconnect", "host_networking", "accelerator_host_interconnect"):
        for ic in links(system.text(key), lookup.links):
            if t.iri(str(ic)) not in system.interconnects:
                system.interconnects.append(t.iri(str(ic)))
    _link_stacks(system, lookup, report)


_STACK_VERSIONS = (("CUDA", r"\bcuda(?:[ _]version)?[\"':=\s]+(\d+(?:\.\d+)+)"),
                   ("ROCm", r"\brocm[\"':=\s]+(\d+(?:\.\d+)+)"),
                   ("SynapseAI", r"synapse\s*ai\D{0,3}(\d+(?:\.\d+)+)"))


def _versions(system: System) -> list[tuple[str, str]]:
    """(stack name, version) pairs the system file states."""
    other = system.fields.get("other_software_stack")
    found: list[tuple[str, str]] = []
    if isinstance(other, dict) and isinstance(other.get("cuda_version"), str):
        found.append(("CUDA", other["cuda_version"].strip()))
    text = (other if isinstance(other, str) else json.dumps(other)) + " " + \
        system.text("framework")
    for stack, pattern in _STACK_VERSIONS:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            found.append((stack, match.group(1)))
    return list(dict.fromkeys(found))[:6]


def _link_stacks(system: System, lookup: Lookup, report: Report) -> None:
    for name, version in _versions(system):
        stack = lookup.stacks.match(name)
        if stack is None:
            report.unmatch(f"{name} (software stack)", f"{system.rnd.label} {system.title}")
            continue
        stack_slug = str(stack).rsplit("/", 1)[-1]
        iri = f"stackver:{slug(stack_slug + '-' + version.replace('.', '-'))}"
        if t.iri(str(stack)) not in system.stacks:
            system.stacks.append(t.iri(str(stack)))
        if all(v[0] != iri for v in system.versions):
            system.versions.append((iri, t.iri(str(stack)), version, name))


def _system_note(system: System) -> str:
    keys = ("number_of_nodes", "accelerators_per_node", "accelerator_model_name",
            "accelerator_memory_capacity", "host_processors_per_node",
            "host_processor_model_name", "accelerator_interconnect", "host_networking",
            "framework", "other_software_stack", "operating_system", "hw_notes", "sw_notes")
    shown = [f"{k}: {system.text(k)}" for k in keys if system.text(k) not in ("", '""', "null")]
    return "From the system description: " + "; ".join(shown) + "."


def folder_url(system: System) -> str:
    division = f"{system.division}/" if system.division else ""
    return f"{system.rnd.repository}/tree/main/{division}{system.folder}/results/{system.name}"


def system_blocks(system: System, lookup: Lookup) -> list[t.Block]:
    """The system (with round, submitters and earlier configuration) and its source."""
    label = system.rnd.label
    source = (t.Block(system.source).add("a", "hw:Source")
              .add("rdfs:label", t.text(f"{label}: {system.title}", "en"))
              .add("dcterms:title", t.text(f"{label} results, {system.title}: system "
                                           "description and results"))
              .add("schema:url", t.uri(folder_url(system)))
              .add("dcterms:publisher", t.text("MLCommons"))
              .add("hw:retrieved", t.day(lookup.retrieved))
              .add("hw:sourceKind", "hw:PrimarySource"))
    earlier = lookup.earlier(system.rnd, system.key)
    block = (t.Block(system.iri).add("a", "hw:System")
             .add("rdfs:label", t.text(f"{system.title} ({label} system)", "en"))
             .add("hw:round", system.rnd.iri)
             .add("hw:submitter", *[f"org:{slug(s)}" for s in submitters(system.submitter)])
             .add("hw:component", *system.components)
             .add("hw:interconnect", *system.interconnects)
             .add("hw:softwareStack", *system.stacks)
             .add("hw:sameConfigurationAs", *([earlier] if earlier else []))
             .add("hw:note", *[t.text(n) for n in [_system_note(system), *system.notes]])
             .add("prov:wasDerivedFrom", system.source))
    return [block, source]
