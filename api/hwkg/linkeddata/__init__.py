"""The graph published as linked data: every entity IRI dereferences.

- :mod:`routes`: ``/id/…`` (303 to a document chosen by ``Accept``), ``/data/…``, the home page.
- :mod:`entities`, :mod:`entity_view`: which triples describe an entity, and its HTML page.
- :mod:`dumps`, :mod:`void`: whole-graph dumps with checksums, and the VoID/DCAT description.
- :mod:`ontology_docs`: the ontology and shapes at their own IRIs; :mod:`evidence`: raw files.

Layer 8: imports the layers below it (up to :mod:`hwkg.web`).
"""
