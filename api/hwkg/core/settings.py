"""Service settings: one frozen object built from the command line or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from hwkg.core.namespaces import BASE


@dataclass(frozen=True)
class Settings:
    """How the service runs. Every field has an ``HWKG_*`` environment variable."""

    home: Path | None = None
    base_iri: str = BASE
    sparql_timeout_s: float = 5.0
    sparql_row_cap: int = 10_000
    max_body_bytes: int = 1_000_000
    store_path: Path | None = None
    admin_token: str | None = None
    shutdown_timeout_s: float = 30.0
    body_timeout_s: float = 10.0
    #: Serve from this external SPARQL 1.1 server (its query URL) instead of an embedded
    #: store; the update URL and credentials are for loading the graph into it.
    sparql_endpoint: str | None = None
    sparql_update_url: str | None = None
    sparql_user: str | None = None
    sparql_password: str | None = field(default=None, repr=False)
    #: The SPARQL server's default graph is the union of its graphs: send union queries
    #: without a dataset (faster; other graphs on the server show in the answers).
    sparql_union_default: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``HWKG_*`` variables, then ``overrides`` (None values ignored)."""
        env = os.environ
        values: dict[str, object] = {
            "home": Path(env["HWKG_HOME"]) if env.get("HWKG_HOME") else None,
            "base_iri": env.get("HWKG_BASE_IRI", BASE),
            "sparql_timeout_s": float(env.get("HWKG_SPARQL_TIMEOUT", "5")),
            "sparql_row_cap": int(env.get("HWKG_SPARQL_ROW_CAP", "10000")),
            "max_body_bytes": int(env.get("HWKG_MAX_BODY_BYTES", "1000000")),
            "store_path": Path(env["HWKG_STORE"]) if env.get("HWKG_STORE") else None,
            "admin_token": env.get("HWKG_ADMIN_TOKEN"),
            "shutdown_timeout_s": float(env.get("HWKG_SHUTDOWN_TIMEOUT", "30")),
            "body_timeout_s": float(env.get("HWKG_BODY_TIMEOUT", "10")),
            "sparql_endpoint": env.get("HWKG_SPARQL_ENDPOINT") or None,
            "sparql_update_url": env.get("HWKG_SPARQL_UPDATE_URL") or None,
            "sparql_user": env.get("HWKG_SPARQL_USER") or None,
            "sparql_password": env.get("HWKG_SPARQL_PASSWORD") or None,
            "sparql_union_default": env.get("HWKG_SPARQL_UNION_DEFAULT", "") in ("1", "true"),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
