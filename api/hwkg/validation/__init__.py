"""Checking triples against the shapes (SHACL is the source of truth for what is valid).

- :mod:`constraints`: each SHACL-SPARQL constraint run once, set-based, on Oxigraph.
- :mod:`shacl`: pyshacl (the reference validator) for the core constraints, and problems that
  name file, focus node and shape.
- :mod:`check`: what runs on a loaded store, by graph size.
- :mod:`neighbourhood`: small extracts of a store around given nodes, for messages and for
  validating a few entities inside a big graph.

Layer 2: imports :mod:`hwkg.core` and :mod:`hwkg.turtle`.
"""
