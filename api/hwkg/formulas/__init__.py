"""Derived figures as pure arithmetic: plain numbers in, a value with its unit (or a reason
why not) out. No rdflib, no strawberry, no store: the formulas are tested with plain numbers.

- :mod:`hardware`: memory, bandwidth and FLOP/s per dollar and per watt, devices needed …
- :mod:`workload`: LLM training and inference arithmetic (compute, time, memory, energy, cost).

Layer 0: imports nothing from hwkg.
"""
