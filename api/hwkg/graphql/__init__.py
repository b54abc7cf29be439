"""The GraphQL API: a hand-written schema over the read model, derived metrics on query,
and its HTTP endpoint with GraphiQL.

Layer 9: imports :mod:`hwkg.core`, :mod:`hwkg.formulas`, :mod:`hwkg.readmodel` and
:mod:`hwkg.derived`, and :mod:`hwkg.web.pages` for the GraphiQL page's layout.
"""
