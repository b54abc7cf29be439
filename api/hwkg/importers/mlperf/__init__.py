"""``hwkg import mlperf PATH``: MLPerf results (Training trees, Inference tables) as graph files.

The pipeline, one module a step: :mod:`.rounds` tells which round a tree is;
:mod:`.scoring` forms each training score with MLCommons' own ``mlperf-logging``;
:mod:`.graphdata` reads what the graph already holds (chips and their aliases,
benchmarks, rounds, organisations, earlier systems); :mod:`.systems` turns system
descriptions into systems with components and submitters; :mod:`.training` and
:mod:`.inference` build the round's files; :mod:`.shared` writes the entities several
rounds share (organisations, stack versions, a new benchmark or round) only where the
graph lacks them, so an import never changes or removes a file of another round.
"""

from hwkg.importers.mlperf.entry import import_path

__all__ = ["import_path"]
