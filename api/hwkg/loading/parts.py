"""Staging the data files in worker processes, for graphs large enough to repay them.

Parsing (Oxigraph) is fast; what costs is the Python pass over every triple: normal literal
forms, skolem IRIs and the truthy bookkeeping (:mod:`hwkg.loading.staging`). That pass is
per file — a blank node never crosses a file — so it splits across processes: each worker
takes a run of consecutive files, writes their skolemised triples to an N-Triples file and
returns what the serial loop would have noted (entity → first file, triples read, syntax
problems, its part of the truthy choice). The parent bulk-loads each part's file into the
store (Rust, no Python per triple) as the parts arrive and merges the rest in file order,
so the store and the :class:`~hwkg.loading.staging.Loaded` record are the same as the serial
loop's (``tests/loading/test_parts.py``).

Workers are fresh interpreters (``python -m hwkg.loading.parts``), neither forked (a load may
run in a thread of a serving process) nor started by :mod:`multiprocessing` (whose spawn
re-runs the caller's main script).
"""

from __future__ import annotations

import os
import pickle
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from hwkg.core import cpus
from hwkg.core.namespaces import GRAPH_DATA
from hwkg.core.problems import InvalidGraph, Problem
from hwkg.loading import reading
from hwkg.loading import truthy as truthy_query

#: Data bytes from which :func:`worth_it` says yes (the bundled graph, ~5 MB of Turtle, loads
#: faster in one process than the workers take to start).
MIN_BYTES = 24 << 20
#: Parts per worker: several, so a slow part does not leave the other workers idle.
PARTS_PER_WORKER = 4


@dataclass
class Part:
    """What one worker read from its files, in file order."""

    output: str
    files: dict[str, str] = field(default_factory=dict)
    triples: int = 0
    problems: list[Problem] = field(default_factory=list)
    best: truthy_query.Best = field(default_factory=dict)
    loose_links: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]] = field(
        default_factory=list)
    loose_attrs: dict[object, list[object]] = field(default_factory=dict)


def workers() -> int:
    """The processes a load may use: the CPUs this process may run on, at most 8."""
    return cpus.usable(8)


def worth_it(files: list[Path]) -> bool:
    """True when ``files`` are large enough, and there are CPUs enough, for workers."""
    return workers() > 1 and sum(path.stat().st_size for path in files) >= MIN_BYTES


def split(files: list[Path], parts: int) -> list[list[Path]]:
    """``files`` cut into at most ``parts`` runs of consecutive files of about equal bytes."""
    sizes = [path.stat().st_size for path in files]
    target = max(1, sum(sizes) // max(1, parts))
    runs: list[list[Path]] = [[]]
    held = 0
    for path, size in zip(files, sizes, strict=True):
        if held >= target and runs[-1]:
            runs.append([])
            held = 0
        runs[-1].append(path)
        held += size
    return [run for run in runs if run]


def stage(paths: list[str], output: str, units: dict[str, Decimal],
          canonical: dict[str, str]) -> Part:
    """Parse and skolemise ``paths`` (in order) into N-Triples at ``output`` (the worker)."""
    part = Part(output)
    collector = truthy_query.Collector(units, canonical)
    add = collector.add
    with open(output, "w", encoding="utf-8") as stream:
        for count, triples in reading.read(map(Path, paths), part.files, part.problems,
                                           owned=False):
            part.triples += count
            lines = []
            for s, p, o in triples:
                add(s, p, o)
                lines.append(f"{s} {p} {o} .\n")
            stream.write("".join(lines))
    part.best = collector.best(skolem_only=True)
    part.loose_links, part.loose_attrs = collector.loose()
    return part


def _run_worker(jobs: list[tuple[int, list[str], str]], units: dict[str, Decimal],
                canonical: dict[str, str], done: queue.Queue[tuple[int, str | None]],
                running: list[subprocess.Popen[bytes]], stop: threading.Event) -> None:
    """Run one worker process over ``jobs`` (part index, files, output); put each finished
    part's index (and None) on ``done``, or (-1, its stderr) when the process fails. The
    process is appended to ``running`` so that the parent can kill it; one started after the
    parent set ``stop`` kills itself."""
    package = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [package, os.environ.get("PYTHONPATH")])))
    # stderr goes to a file, not a pipe: a worker writing more than a pipe holds while this
    # thread reads only stdout would block forever.
    with tempfile.TemporaryFile() as errors, subprocess.Popen(
            [sys.executable, "-m", "hwkg.loading.parts"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=errors, env=env) as process:
        assert process.stdin is not None and process.stdout is not None
        running.append(process)
        if stop.is_set():  # the parent gave up before this process was in the list
            process.kill()
        try:
            process.stdin.write(pickle.dumps((jobs, units, canonical)))
            process.stdin.close()
        except OSError:  # killed by the parent before it read its jobs
            pass
        for line in process.stdout:
            done.put((int(line), None))
        process.wait()
        errors.seek(0)
        error = errors.read().decode("utf-8", "replace")
    if process.returncode != 0:
        done.put((-1, error[-2000:] or f"exit status {process.returncode}"))


def write_data(store: ox.Store, files: list[Path],
               collector: truthy_query.Collector) -> tuple[dict[str, str], int, truthy_query.Best]:
    """Stage ``files`` into ``store``'s data graph with worker processes.

    Returns entity → first file, the data triples read and the truthy choice; the loose
    statements (not skolem IRIs) are handed to ``collector``, whose :meth:`best
    <hwkg.loading.truthy.Collector.best>` the caller merges in. Raises InvalidGraph with
    every file's syntax problem, in file order; RuntimeError when a worker fails.
    """
    count = workers()
    runs = split(files, count * PARTS_PER_WORKER)
    folder = Path(tempfile.mkdtemp(prefix="hwkg-parts-"))
    name = ox.NamedNode(GRAPH_DATA)
    canonical = {prop.value: unit for prop, unit in collector.canonical.items()}
    jobs = [(i, [str(path) for path in run], str(folder / f"{i}.nt")) for i, run in enumerate(runs)]
    done: queue.Queue[tuple[int, str | None]] = queue.Queue()
    running: list[subprocess.Popen[bytes]] = []
    stop = threading.Event()
    threads = [threading.Thread(target=_run_worker, args=(jobs[w::count], collector.units,
                                                           canonical, done, running, stop),
                                daemon=True)
               for w in range(count)]
    parts: dict[int, Part] = {}
    finished = False
    try:
        for thread in threads:
            thread.start()
        while len(parts) < len(jobs):
            index, error = done.get()
            if error is not None:
                raise RuntimeError(f"a load worker failed: {error}")
            with open(jobs[index][2] + ".part", "rb") as stream:
                part = parts[index] = pickle.load(stream)
            if not part.problems:
                store.bulk_load(path=part.output, format=ox.RdfFormat.N_TRIPLES, to_graph=name)
            os.unlink(part.output)
        finished = True
    finally:
        if not finished:  # a worker failed (or this thread was interrupted): stop the others
            stop.set()  # before reading the list: a process not in it yet kills itself
            for process in list(running):
                process.kill()
        for thread in threads:
            thread.join()
        shutil.rmtree(folder, ignore_errors=True)
    ordered = [parts[i] for i in range(len(jobs))]
    problems = [problem for part in ordered for problem in part.problems]
    if problems:
        raise InvalidGraph(problems)
    entities: dict[str, str] = {}
    best: truthy_query.Best = {}
    for part in ordered:
        for entity, path in part.files.items():
            entities.setdefault(entity, path)
        truthy_query.merge(best, part.best)
        collector.absorb(part.loose_links, part.loose_attrs)
    return entities, sum(part.triples for part in ordered), best


def main() -> None:
    """A worker: read (jobs, units, canonical) pickled on stdin, stage each job's files,
    pickle its :class:`Part` beside its output and print the job's index."""
    jobs, units, canonical = pickle.load(sys.stdin.buffer)
    for index, paths, output in jobs:
        part = stage(paths, output, units, canonical)
        with open(output + ".part", "wb") as stream:
            pickle.dump(part, stream, protocol=pickle.HIGHEST_PROTOCOL)
        print(index, flush=True)


if __name__ == "__main__":
    # Run the imported module's main, so what is pickled names hwkg.loading.parts, not __main__.
    from hwkg.loading.parts import main as run_worker

    run_worker()
