"""Turtle files → a validated, skolemised Oxigraph store with its truthy shortcuts.

- :mod:`staging`: parse, skolemise and stream every file into a store.
- :mod:`parts`: the same, file runs staged by worker processes (large graphs).
- :mod:`truthy`: the truthy shortcut triples, computed from the same stream.
- :mod:`snapshot`: one loaded graph and its store, the unit everything above serves.

Layer 3: imports :mod:`hwkg.core`, :mod:`hwkg.turtle`, :mod:`hwkg.validation`.
"""
