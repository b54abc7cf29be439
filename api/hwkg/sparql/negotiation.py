"""Content negotiation: which media type answers a request, from its Accept header.

Offers are listed in the server's order of preference; a client's q-values decide, and
ties go to the server's order. Unknown or absent Accept headers get the first offer.
"""

from __future__ import annotations

from dataclasses import dataclass

RESULTS_TYPES: tuple[str, ...] = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_TYPES: tuple[str, ...] = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
)

#: Short names (``?format=…``, ``hwkg query --format``, file suffixes) -> media type.
SHORT_NAMES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "srx": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
    "nq": "application/n-quads",
    "html": "text/html",
}

#: Media types that mean the same thing as one we serve: the first of these that is offered
#: (``application/json`` is SPARQL JSON results for a query, JSON-LD for an RDF document).
ALIASES: dict[str, tuple[str, ...]] = {
    "application/json": ("application/sparql-results+json", "application/ld+json"),
    "application/x-turtle": ("text/turtle",),
    "text/plain": ("application/n-triples",),
    "application/xml": ("application/sparql-results+xml", "application/rdf+xml"),
}


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*), 0 when it does not match."""
        kind, _, sub = media_type.partition("/")
        if self.type == kind and self.subtype == sub:
            return 3
        if self.type == kind and self.subtype == "*":
            return 2
        return 1 if self.type == "*" and self.subtype == "*" else 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped."""
    ranges: list[MediaRange] = []
    for item in (header or "").split(","):
        parts = [p.strip() for p in item.split(";")]
        kind, slash, sub = parts[0].lower().partition("/")
        if not slash or not kind or not sub:
            continue
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """The q-value the client gives ``media_type`` (the most specific matching range wins)."""
    best, best_q = 0, 0.0
    for item in ranges:
        specificity = item.matches(media_type)
        if specificity > best:
            best, best_q = specificity, item.q
    return best_q


def choose(header: str | None, offers: tuple[str, ...] | list[str]) -> str | None:
    """The offer the client prefers, the first offer when it states nothing we serve,
    or None when it explicitly refuses every offer (q=0)."""
    ranges = parse_accept(header)
    if not ranges:
        return offers[0]
    for item in ranges:  # aliases count as the type they stand for
        alias = next((a for a in ALIASES.get(f"{item.type}/{item.subtype}", ()) if a in offers),
                     None)
        if alias is not None:
            kind, _, sub = alias.partition("/")
            ranges.append(MediaRange(kind, sub, item.q))
    scored = [(quality(ranges, offer), -i, offer) for i, offer in enumerate(offers)]
    q, _, offer = max(scored)
    if q > 0:
        return offer
    refused = all(
        any(r.matches(o) and r.q == 0 for r in ranges) for o in offers
    )
    return None if refused else offers[0]


def prefers_html(header: str | None, offers: tuple[str, ...] | list[str]) -> bool:
    """True when the client names text/html (or text/*) and rates it at least as high as
    every machine format in ``offers``; ``*/*`` alone never means HTML."""
    ranges = parse_accept(header)
    explicit = [r for r in ranges if r.matches("text/html") >= 2]
    if not explicit:
        return False
    html_q = quality(ranges, "text/html")
    return html_q > 0 and all(html_q >= quality(ranges, offer) for offer in offers)


def by_short_name(name: str | None) -> str | None:
    """The media type for a short format name, or a media type passed as is."""
    if not name:
        return None
    name = name.strip().lower()
    return SHORT_NAMES.get(name) or (name if "/" in name else None)
