"""The graph published as linked data: every entity IRI dereferences.

- :mod:`routes`: ``/id/…`` (303 to a document chosen by ``Accept``), ``/data/…``, ``/browse``.
- :mod:`comparison`: ``/`` (the comparison table and charts) and ``/compare`` (chips side by
  side, the planner form); their scripts ask ``/graphql`` over HTTP.
- :mod:`entities`, :mod:`entity_view`, :mod:`entity_summary`: which triples describe an
  entity, its HTML page, and the prices, absences and benchmark results it shows.
- :mod:`dumps`, :mod:`void`: whole-graph dumps with checksums, and the VoID/DCAT description.
- :mod:`ontology_docs`: the ontology and shapes at their own IRIs; :mod:`evidence`: raw files.

Layer 9: imports the layers below it (up to :mod:`hwkg.web`).
"""
