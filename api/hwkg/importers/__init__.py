"""Importers: real sources (MLPerf results, probe measurements, CSV tables) into graph/ Turtle.

Each importer turns its input into :class:`hwkg.importers.writer.Output` files; the writer
validates them against the shapes and writes them atomically. Names are matched to chips
by :mod:`hwkg.importers.matching`; outcomes are summarised by :mod:`hwkg.importers.report`.
MLPerf results (every round, training and inference) are the :mod:`hwkg.importers.mlperf`
package; it scores training results with MLCommons' ``mlperf-logging``.

Layer 9: imports :mod:`hwkg.core`, :mod:`hwkg.turtle`, :mod:`hwkg.validation` and
:mod:`hwkg.loading`.
"""
