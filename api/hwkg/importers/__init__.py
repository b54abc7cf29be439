"""Importers: real sources (MLPerf results, probe measurements, CSV tables) into graph/ Turtle.

Each importer turns its input into :class:`hwkg.importers.writer.Output` files; the writer
validates them against the shapes and writes them atomically. Names are matched to chips
by :mod:`hwkg.importers.matching`; outcomes are summarised by :mod:`hwkg.importers.report`.

Layer 8: imports :mod:`hwkg.core`, :mod:`hwkg.turtle`, :mod:`hwkg.validation` and
:mod:`hwkg.loading`.
"""
