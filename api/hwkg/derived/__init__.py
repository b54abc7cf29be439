"""Derived figures computed on query from the read model: which price a metric divides by
(:mod:`prices`, per unit, purchase or cloud hourly, in any currency), the values every
derived figure returns (:mod:`values`: a value with its unit and inputs, or a reason), and
coverage of the core figures (:mod:`coverage`). Pure arithmetic lives in
:mod:`hwkg.formulas`; the GraphQL types that expose these live in :mod:`hwkg.graphql`.

Layer 5: imports :mod:`hwkg.core`, :mod:`hwkg.formulas` and :mod:`hwkg.readmodel`.
"""
