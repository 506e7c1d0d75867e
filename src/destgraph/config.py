"""Gateway settings and the workspace file.

The workspace file (TOML) names each vendor workspace the gateway reaches and the API keys that
may call it. Vendor tokens never live in the file: each workspace names the environment variable
that holds its token (``token_env``), read once at start. API keys are stored as SHA-256 hashes.

    [gateway]
    introspection = true
    graphiql = true

    [[workspaces]]
    key = "segment-prod"
    provider = "segment"
    base_url = "https://api.segmentapis.com"
    token_env = "SEGMENT_TOKEN"
    default_source_id = "rh5BDZp6QDHvXFCkibm1pR"

    [[api_keys]]
    name = "frontend"
    sha256 = "<hex digest of the key>"
    scopes = ["read"]
    workspaces = ["segment-prod"]      # or ["*"]
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from destgraph.domain.models import Provider
from destgraph.errors import ConfigError

Scope = Literal["read", "write"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorkspaceConfig(_Strict):
    """One vendor workspace the gateway reaches."""

    key: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
    provider: Provider
    label: str = ""
    base_url: str
    token_env: str
    #: filled from the environment variable named by token_env; never in the file
    token: SecretStr = SecretStr("")
    #: Zeotap: the workspace id in paths and X-Workspace-ID
    workspace_id: str | None = None
    #: Segment: the source new destinations connect to unless the caller names one
    default_source_id: str | None = None
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    max_concurrency: int = Field(default=8, ge=1, le=64)

    @field_validator("provider", mode="before")
    @classmethod
    def _provider_by_name(cls, value: object) -> object:
        # "segment" and "SEGMENT" both name a provider; anything else fails the enum check.
        return value.lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _zeotap_needs_workspace_id(self) -> WorkspaceConfig:
        if self.provider is Provider.ZEOTAP and not self.workspace_id:
            raise ValueError(f"workspace {self.key}: Zeotap workspaces need workspace_id")
        return self

    @property
    def display_label(self) -> str:
        return self.label or self.key


class ApiKeyConfig(_Strict):
    """An API key, stored as the SHA-256 hex digest of the key itself."""

    name: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    scopes: tuple[Scope, ...] = ("read",)
    #: workspace keys this key may see; "*" for all
    workspaces: tuple[str, ...] = ("*",)

    def may_see(self, workspace_key: str) -> bool:
        return "*" in self.workspaces or workspace_key in self.workspaces


class GatewayOptions(_Strict):
    introspection: bool = True
    graphiql: bool = True
    #: where GraphiQL's scripts and styles come from; set it to a mirror of unpkg.com for air-gapped hosts
    graphiql_assets_url: str = "https://unpkg.com"
    catalog_ttl_seconds: float = Field(default=300, ge=0)
    max_page_size: int = Field(default=100, ge=1, le=100)
    default_page_size: int = Field(default=25, ge=1, le=100)
    max_query_depth: int = Field(default=12, ge=2)
    max_aliases: int = Field(default=30, ge=1)
    max_tokens: int = Field(default=2000, ge=10)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    #: how long a request may wait for a vendor's rate budget before answering UPSTREAM_RATE_LIMITED
    rate_wait_seconds: float = Field(default=5.0, ge=0)
    health_ttl_seconds: float = Field(default=10.0, ge=0)
    #: how long a create's idempotencyKey is remembered
    idempotency_ttl_seconds: float = Field(default=24 * 3600, gt=0)
    #: how long after a write whose outcome is unknown the vendor has to show it, before a repeat
    #: with the same idempotencyKey takes it as not applied and writes again
    write_settle_seconds: float = Field(default=30.0, ge=0)


class Settings(_Strict):
    gateway: GatewayOptions = GatewayOptions()
    workspaces: tuple[WorkspaceConfig, ...]
    api_keys: tuple[ApiKeyConfig, ...] = ()

    @model_validator(mode="after")
    def _unique_keys(self) -> Settings:
        keys = [w.key for w in self.workspaces]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"workspace keys must be unique: {', '.join(duplicates)}")
        return self

    def workspace(self, key: str) -> WorkspaceConfig | None:
        return next((w for w in self.workspaces if w.key == key), None)

    def authenticate(self, presented: str) -> ApiKeyConfig | None:
        """The API key whose hash matches ``presented``, compared in constant time."""
        digest = hash_api_key(presented)
        found = None
        for key in self.api_keys:
            if hmac.compare_digest(key.sha256, digest):
                found = key
        return found


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def load_settings(path: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Read the workspace file and the tokens its workspaces name; ConfigError says what is wrong."""
    try:
        document = tomllib.loads(path.read_text())
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    return settings_from_dict(document, environ)


def settings_from_dict(document: dict[str, Any], environ: Mapping[str, str] | None = None) -> Settings:
    environ = os.environ if environ is None else environ
    try:
        settings = Settings.model_validate(document)
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration: {_describe(exc)}") from None
    workspaces = []
    for workspace in settings.workspaces:
        token = environ.get(workspace.token_env, "")
        if not token:
            raise ConfigError(f"workspace {workspace.key}: environment variable {workspace.token_env} is not set")
        workspaces.append(workspace.model_copy(update={"token": SecretStr(token)}))
    return settings.model_copy(update={"workspaces": tuple(workspaces)})


def _describe(exc: ValidationError) -> str:
    # Only locations and messages: pydantic's default text would echo input values.
    return "; ".join(
        f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors(include_input=False)
    )
