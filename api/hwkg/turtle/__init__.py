"""Reading Turtle files into triples: the first step of the pipeline
(Turtle → validated store → read model → GraphQL / SPARQL / linked data).

- :mod:`parsing`: one file at a time, every parser failure a :class:`~hwkg.core.problems.Problem`
  with file and line; the graph's version (a hash of the files).
- :mod:`skolem`: deterministic IRIs for blank nodes (statements, components …).
- :mod:`terms`: Oxigraph terms in the lexical forms the skolem hashes use.

Layer 1: imports only :mod:`hwkg.core`.
"""
