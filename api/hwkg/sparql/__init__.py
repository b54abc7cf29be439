"""The SPARQL 1.1 Protocol service: request parsing, content negotiation, killable execution."""
