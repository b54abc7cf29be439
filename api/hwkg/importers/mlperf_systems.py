"""MLPerf system descriptions (``<submitter>/systems/<system>.json``) as hw:System blocks.

:func:`read_system` checks the fields a description needs; :func:`link_system` matches its
accelerator and host CPU to chips (:mod:`hwkg.importers.matching`), its links to
interconnects and its software to stacks and versions; :func:`system_blocks` writes the
system and its source. An accelerator (or, for a CPU-only system, a host CPU) that matches
no chip rejects the system; an unmatched host CPU beside a matched accelerator is left out
of the bill of materials and named in the system's note and the report.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import XSD, Graph, Literal, URIRef

from hwkg.core.namespaces import ID, SCHEMA
from hwkg.importers import terms as t
from hwkg.importers.matching import Index, links
from hwkg.importers.report import Report
from hwkg.importers.writer import Output, generated

ROUND = "mlperf-training-v3.0"



REPO_URL = "https://github.com/mlcommons/training_results_v3.0"

#: folder name -> (label, task and reference model as MLCommons' training page lists them).



REQUIRED = ("submitter", "division", "status", "system_name", "number_of_nodes",
            "accelerators_per_node", "accelerator_model_name", "host_processors_per_node",
            "host_processor_model_name", "framework")



class InputError(ValueError):
    """An input item that cannot be imported; the message names the file and the reason."""



def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.")



@dataclass
class Lookup:
    """The entities of the existing graph the importer links to."""

    chips: Index
    stacks: Index
    links: Index
    versions: Index
    retrieved: date
    graph_dir: Path
    round_source: str = f"src:{ROUND}"

    @classmethod
    def of(cls, graph: Graph, retrieved: date, graph_dir: Path) -> Lookup:
        return cls(Index.build(graph, "chip"), Index.build(graph, "stack"),
                   Index.build(graph, "interconnect"), Index.build(graph, "stack-version"),
                   retrieved, graph_dir, round_source(graph))

    def writes_version(self, iri: str) -> bool:
        """False when a file no importer wrote already describes the version (it is reused)."""
        local = iri.split(":", 1)[1]
        return local not in self.versions.slugs or generated(
            self.graph_dir / "stacks" / f"{local}.ttl")



@dataclass
class System:
    """A parsed system description with the links the graph gives it."""

    path: Path
    fields: dict[str, object]
    submitter: str
    name: str
    components: list[t.Node] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    versions: list[tuple[str, str, str, str]] = field(default_factory=list)  # iri, stack, v, name
    stacks: list[str] = field(default_factory=list)
    interconnects: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slug(f"{ROUND}-{self.submitter}-{self.name}")

    @property
    def iri(self) -> str:
        return f"sys:{self.slug}"

    @property
    def source(self) -> str:
        return f"src:{self.slug}"

    def text(self, key: str) -> str:
        value = self.fields.get(key, "")
        return value.strip() if isinstance(value, str) else json.dumps(value, sort_keys=False)



def _count(system: System, key: str) -> int:
    raw = system.fields.get(key)
    try:
        return int(str(raw).strip())
    except ValueError:
        raise InputError(f"{system.path}: field {key!r} is {raw!r}, not a whole number") from None



def read_system(path: Path) -> System:
    """Parse a system description; raises InputError naming a missing or malformed field."""
    try:
        fields = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a readable JSON system description ({exc})") from exc
    if not isinstance(fields, dict):
        raise InputError(f"{path}: not a JSON object")
    for key in REQUIRED:
        if key not in fields:
            raise InputError(f"{path}: missing field {key!r} (a system description needs "
                             f"{', '.join(REQUIRED)})")
    return System(path, fields, str(fields["submitter"]).strip(), path.stem)



def _component(chip: URIRef, count: int, role: str) -> t.Node:
    return (t.Node().add("a", "hw:Component").add("hw:componentChip", t.iri(str(chip)))
            .add("hw:count", t.number(count)).add("hw:role", role))



def link_system(system: System, lookup: Lookup, report: Report) -> None:
    """Match accelerators, CPUs, links and stacks; raises InputError when the system has no chip."""
    nodes = _count(system, "number_of_nodes")
    per_node = _count(system, "accelerators_per_node")
    accel = system.text("accelerator_model_name")
    if per_node > 0:
        chip = lookup.chips.match(accel)
        if chip is None:
            report.unmatched[accel] += 1
            raise InputError(f"{system.path}: accelerator {accel!r} matches no chip in the "
                             f"graph (rule: hwkg.importers.matching)")
        system.components.append(_component(chip, nodes * per_node, "hw:AcceleratorRole"))
    cpu = system.text("host_processor_model_name")
    cpus = _count(system, "host_processors_per_node") * nodes
    host = lookup.chips.match(cpu) if cpus > 0 else None
    if host is not None:
        system.components.append(_component(host, cpus, "hw:HostCPURole"))
    elif cpus > 0:
        report.unmatched[cpu] += 1
        system.notes.append(f"host CPU {cpu!r} ({cpus}) matches no chip in the graph yet, "
                            "so it is not a component")
    if not system.components:
        raise InputError(f"{system.path}: neither accelerator {accel!r} nor host CPU {cpu!r} "
                         "matches a chip in the graph")
    for key in ("accelerator_interconnect", "host_networking", "accelerator_host_interconnect"):
        for ic in links(system.text(key), lookup.links):
            if t.iri(str(ic)) not in system.interconnects:
                system.interconnects.append(t.iri(str(ic)))
    _link_stacks(system, lookup, report)



def _versions(system: System) -> list[tuple[str, str]]:
    """(stack name, version) pairs the system file states."""
    other = system.fields.get("other_software_stack")
    found: list[tuple[str, str]] = []
    if isinstance(other, dict) and isinstance(other.get("cuda_version"), str):
        found.append(("CUDA", other["cuda_version"].strip()))
    text = json.dumps(other) + " " + system.text("framework")
    for match in re.finditer(r"synapse\s*ai\D{0,3}(\d+(?:\.\d+)+)", text, re.IGNORECASE):
        found.append(("SynapseAI", match.group(1)))
    return list(dict.fromkeys(found))



def _link_stacks(system: System, lookup: Lookup, report: Report) -> None:
    for name, version in _versions(system):
        stack = lookup.stacks.match(name)
        if stack is None:
            report.unmatched[f"{name} (software stack)"] += 1
            continue
        stack_slug = str(stack).rsplit("/", 1)[-1]
        iri = f"stackver:{slug(stack_slug + '-' + version.replace('.', '-'))}"
        if t.iri(str(stack)) not in system.stacks:
            system.stacks.append(t.iri(str(stack)))
        system.versions.append((iri, t.iri(str(stack)), version, name))



def _system_note(system: System) -> str:
    keys = ("number_of_nodes", "accelerators_per_node", "accelerator_model_name",
            "accelerator_memory_capacity", "host_processors_per_node",
            "host_processor_model_name", "accelerator_interconnect", "host_networking",
            "framework", "other_software_stack", "operating_system", "hw_notes", "sw_notes")
    shown = [f"{k}: {system.text(k)}" for k in keys if system.text(k) not in ("", '""', "null")]
    return "From the system description: " + "; ".join(shown) + "."



def system_blocks(system: System, lookup: Lookup) -> list[t.Block]:
    folder = f"{REPO_URL}/tree/main/{system.path.parent.parent.name}/results/{system.name}"
    source = (t.Block(system.source).add("a", "hw:Source")
              .add("rdfs:label", t.text(f"MLPerf Training v3.0: {system.submitter} "
                                        f"{system.name}", "en"))
              .add("dcterms:title", t.text(f"MLPerf Training v3.0 results, {system.submitter} "
                                           f"{system.name}: system description and result logs"))
              .add("schema:url", t.uri(folder)).add("dcterms:publisher", t.text("MLCommons"))
              .add("hw:retrieved", t.day(lookup.retrieved))
              .add("hw:sourceKind", "hw:PrimarySource"))
    notes = [_system_note(system), *system.notes]
    block = (t.Block(system.iri).add("a", "hw:System")
             .add("rdfs:label", t.text(f"{system.submitter} {system.name} "
                                       "(MLPerf Training v3.0 system)", "en"))
             .add("hw:component", *system.components)
             .add("hw:interconnect", *system.interconnects)
             .add("hw:softwareStack", *system.stacks)
             .add("hw:note", *[t.text(n) for n in notes])
             .add("prov:wasDerivedFrom", system.source))
    return [block, source]



def round_source(graph: Graph) -> str:
    """The source for the whole results repository: one the graph already has (any
    hw:Source with the repository's URL, e.g. a contributor's) is reused, else ``src:<ROUND>``."""
    own = URIRef(f"{ID}source/{ROUND}")
    url = Literal(REPO_URL, datatype=XSD.anyURI)
    for subject in sorted(str(s) for s in graph.subjects(SCHEMA.url, url)):
        if subject != str(own):
            return t.iri(subject)
    return f"src:{ROUND}"


def version_output(iri: str, stack: str, version: str, stack_label: str,
                   source: str = f"src:{ROUND}") -> Output:
    block = (t.Block(iri).add("a", "hw:StackVersion")
             .add("rdfs:label", t.text(f"{stack_label} {version}", "en"),
                  t.text(f"{stack_label} {version}", "zh"))
             .add("hw:stack", stack).add("hw:versionString", t.text(version))
             .add("prov:wasDerivedFrom", source))
    local = iri.split(":", 1)[1]
    return Output(f"stacks/{local}.ttl", t.render([block], f"{stack_label} {version}: a "
                  "version named in MLPerf Training v3.0 system descriptions (hwkg import "
                  "mlperf)."))
