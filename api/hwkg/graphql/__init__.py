"""The GraphQL API: a hand-written schema over the read model, derived metrics on query,
and its HTTP endpoint with GraphiQL.

Layer 8: imports :mod:`hwkg.core`, :mod:`hwkg.formulas` and :mod:`hwkg.readmodel` only.
"""
