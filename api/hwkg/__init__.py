"""hwkg: an open knowledge graph of AI hardware, with a GraphQL API, a SPARQL endpoint and
linked data."""

__version__ = "0.1.0"
