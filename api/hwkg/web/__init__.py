"""The HTTP building blocks every surface shares, and the SPARQL endpoint.

- :mod:`pages`, :mod:`assets`, :mod:`static`: HTML pages (Jinja2), the browser assets from
  npm, and the pages' own scripts and styles (``hwkg/static``).
- :mod:`representation`: RDF answers in the negotiated format.
- :mod:`http_cache`, :mod:`request_limits`, :mod:`request_log`, :mod:`service_metrics`:
  ETag/304, body limits, one JSON log line per request, ``/metrics``.
- :mod:`sparql_endpoint`, :mod:`sparql_forwarder`, :mod:`sparql_standalone`: ``/sparql``
  over the embedded workers or an external server, and a standalone endpoint for any dataset.

Layer 8: imports the layers below it (up to :mod:`hwkg.serving`).
"""
