"""Service settings: one frozen object built from the command line or the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .namespaces import BASE


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
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
