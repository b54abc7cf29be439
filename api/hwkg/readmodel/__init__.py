"""The read model GraphQL serves: plain dataclasses built once per graph version.

- :mod:`catalog`: chips, statements, offers, systems, results … built from two scans of a store.
- :mod:`codec`: the catalog as plain columns, and back (what is saved).
- :mod:`saved`: the catalog saved beside an on-disk store, so restarts do not rebuild it.
- :mod:`cached`: the catalog of each served snapshot, made once and cached by version.

Layer 4: imports :mod:`hwkg.core` and :mod:`hwkg.loading`.
"""
