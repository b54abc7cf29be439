"""SPARQL: running queries in killable worker processes, the SPARQL 1.1 Protocol (requests,
content negotiation, service description) and a client for other SPARQL servers.

The HTTP endpoint that serves it is :mod:`hwkg.web.sparql_endpoint`.

Layer 6: imports :mod:`hwkg.core` only.
"""
