"""Operations: where the validated graph is kept and how the served one changes.

- :mod:`stores`: the on-disk store, built once per graph version and reopened without parsing
  (also the per-version cache the command line and the server share), with reload generations.
- :mod:`reload`: safe reloads (SIGHUP, ``POST /admin/reload``): swap only a graph that conforms.
- :mod:`workers`: many server processes over one on-disk store (``hwkg serve --workers N``).
- :mod:`remote_store`, :mod:`remote_backend`: an external SPARQL 1.1 server as the store.

Layer 7: imports :mod:`hwkg.core` … :mod:`hwkg.derived` and :mod:`hwkg.sparql`.
"""
