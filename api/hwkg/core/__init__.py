"""Foundations every other package uses, and nothing else: the IRIs hwkg mints and the
prefixes it reuses (:mod:`namespaces`), problems and how they print (:mod:`problems`), where
the bundled ontology, shapes and graph live (:mod:`resources`), service settings
(:mod:`settings`), the service counters (:mod:`telemetry`), and process housekeeping
(:mod:`gc_pause`, :mod:`memory`).

Layer 0: imports nothing from hwkg.
"""
