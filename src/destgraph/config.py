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
import re
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


class RateLimitConfig(_Strict):
    """A vendor rate limit: ``calls`` in any sliding window of ``seconds``."""

    calls: int = Field(ge=1)
    seconds: float = Field(gt=0)


#: the kinds of read the read cache keeps, and how long each stays fresh by default (seconds)
CACHE_KINDS: dict[str, float] = {
    "destinations": 15.0,
    "subscriptions": 15.0,
    "catalog": 300.0,
    "metrics": 60.0,
    "fields": 120.0,
}


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
    #: upstream calls in flight at once. 25, the default page size: a page's subscription lists
    #: (Segment has no batch read) go out in one round after the list, not in several
    max_concurrency: int = Field(default=25, ge=1, le=100)
    #: consecutive failures meaning the vendor is unwell (unreachable, 5xx, timeouts) that open the
    #: workspace's circuit: then calls fail at once, without touching the network
    breaker_failures: int = Field(default=5, ge=1, le=1000)
    #: how long an open circuit stays open before one call goes through as a probe
    breaker_reset_seconds: float = Field(default=30.0, gt=0, le=3600)
    #: this workspace's rate limits, where they differ from the vendor's documented ones
    rate_limits: tuple[RateLimitConfig, ...] | None = None
    #: how long each kind of read stays fresh in the read cache (see CACHE_KINDS); 0 turns it off
    cache_ttl_seconds: dict[str, float] = Field(default_factory=dict)
    #: past its TTL, how long a read is still answered from the cache while one refresh runs
    cache_stale_while_revalidate_seconds: float = Field(default=30.0, ge=0)
    #: past its TTL, how long a read is answered from the cache when the vendor cannot answer
    cache_stale_if_error_seconds: float = Field(default=600.0, ge=0)

    @field_validator("provider", mode="before")
    @classmethod
    def _provider_by_name(cls, value: object) -> object:
        # "segment" and "SEGMENT" both name a provider; anything else fails the enum check.
        return value.lower() if isinstance(value, str) else value

    @field_validator("cache_ttl_seconds")
    @classmethod
    def _known_cache_kinds(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(CACHE_KINDS))
        if unknown:
            raise ValueError(f"unknown cache kinds {', '.join(unknown)}; known: {', '.join(CACHE_KINDS)}")
        if any(ttl < 0 for ttl in value.values()):
            raise ValueError("cache TTLs must not be negative")
        return value

    def cache_ttl(self, kind: str) -> float:
        return self.cache_ttl_seconds.get(kind, CACHE_KINDS[kind])

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
    #: the most of each workspace's vendor budget, and of the gateway's upstream calls a minute, this
    #: key may spend, as a fraction; unset: an equal share with every other key (of the workspace),
    #: so one key's flood always leaves the others room
    share: float | None = Field(default=None, gt=0, le=1)

    def may_see(self, workspace_key: str) -> bool:
        return "*" in self.workspaces or workspace_key in self.workspaces


class GatewayOptions(_Strict):
    introspection: bool = True
    graphiql: bool = True
    #: where GraphiQL's scripts and styles come from: destgraph itself by default (they ship inside the
    #: package, so GraphiQL works offline); or a CDN or mirror with unpkg.com's layout (it must send
    #: CORS headers when on another origin)
    graphiql_assets_url: str = "/graphiql/assets"
    catalog_ttl_seconds: float = Field(default=300, ge=0)
    max_page_size: int = Field(default=100, ge=1, le=100)
    default_page_size: int = Field(default=25, ge=1, le=100)
    max_query_depth: int = Field(default=12, ge=2)
    max_aliases: int = Field(default=30, ge=1)
    max_tokens: int = Field(default=2000, ge=10)
    #: the most upstream calls one operation may cost, priced before it runs (schema/cost.py). 500:
    #: under Segment's 600 calls a minute, so no one query spends a vendor's whole minute; 14 times
    #: the README's query (35) and the dashboard's (all four vendors, first 25, type labels and
    #: subscriptions(first: 10): 33), GraphiQL's (16); a page of 100 with subscriptions,
    #: deliveryMetrics, fields and type labels (308) passes; 30 aliased pages of 100 with
    #: deliveryMetrics (3120), destinations nested through workspace four times (65104) and
    #: nodes(ids:) with 2000 ids (4000) do not.
    max_query_cost: int = Field(default=500, ge=1)
    #: the most objects one answer may hold, which bounds its size. 20000: the README's query holds
    #: 589, the dashboard's 326, a page of 100 with type settings and subscriptions(first: 100) (the
    #: secrets sweep of the tests) 11302; destinations nested through workspace four times (1.76
    #: million, the 59.6 MB answer) do not pass. (30 aliased pages with deliveryMetrics hold 6030:
    #: not a large answer; their 3120 calls are what max_query_cost refuses.)
    max_query_objects: int = Field(default=20000, ge=1)
    #: the most ids one nodes(ids:) may ask for (each may cost a vendor call)
    max_node_ids: int = Field(default=100, ge=1)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    #: the upstream calls a minute the whole gateway may cause, shared among API keys (ApiKeyConfig.share)
    upstream_calls_per_minute: int = Field(default=1200, ge=1)
    #: how long a request may wait for a vendor's rate budget before answering UPSTREAM_RATE_LIMITED
    rate_wait_seconds: float = Field(default=5.0, ge=0)
    #: every GraphQL operation answers within this: no upstream call starts, retries or waits past it
    request_deadline_seconds: float = Field(default=8.0, gt=0, le=600)
    health_ttl_seconds: float = Field(default=10.0, ge=0)
    #: how long a create's idempotencyKey is remembered
    idempotency_ttl_seconds: float = Field(default=24 * 3600, gt=0)
    #: how long after a write whose outcome is unknown the vendor has to show it, before a repeat
    #: with the same idempotencyKey takes it as not applied and writes again
    write_settle_seconds: float = Field(default=30.0, ge=0)
    #: the longest URL (path and query string) the GraphQL endpoint reads; longer ones answer 414 in
    #: the GraphQL error shape (a GET's document is in its URL: past this, send it in a POST body).
    #: uvicorn must be let read request heads that long (app.SERVER_MAX_HEAD_BYTES), or it answers a bare
    #: 400 and resets the connection itself for a URL over 16 KiB
    max_url_bytes: int = Field(default=64 * 1024, ge=1024, le=1024 * 1024)
    #: trusted documents: a JSON file {sha256: document} (`destgraph documents add` writes it) or a
    #: directory of .graphql files, each under the SHA-256 of its exact text; read when the app is
    #: built, into the persisted-query store, so clients may send them by hash alone. A relative path
    #: is taken from the working directory
    trusted_documents: str | None = None
    #: only trusted documents run, over HTTP and websockets (sent by hash, or as a text whose hash is
    #: registered); anything else answers 400 PERSISTED_QUERY_NOT_IN_LIST, and automatic persisted
    #: queries register nothing (schema/persisted.py)
    trusted_only: bool = False
    #: CORS: the origins whose pages a browser lets call the gateway. Each is an exact origin
    #: (``https://app.example.com``), a pattern whose ``*`` stands for one or more host labels, or
    #: for the port after the last colon (``https://*.example.com``, ``http://localhost:*``), a
    #: regular expression between slashes (``/https://(app|admin)\.example\.com/``), or ``*`` for
    #: any origin. None (the default): no CORS headers, so browsers refuse pages of other origins.
    #: Preflights are answered before authentication and run nothing (destgraph.web.cors)
    cors_allow_origins: tuple[str, ...] = ()
    #: the methods a preflight allows
    cors_allow_methods: tuple[str, ...] = ("GET", "POST")
    #: the request headers a preflight allows, besides the CORS-safelisted ones
    cors_allow_headers: tuple[str, ...] = ("Authorization", "Content-Type", "X-Request-Id")
    #: the answer's headers a page's script may read, besides the CORS-safelisted ones
    cors_expose_headers: tuple[str, ...] = ("X-Request-Id", "ETag", "Retry-After")
    #: whether browsers send cookies and HTTP authentication along; API keys go in Authorization,
    #: which needs neither, so it stays off unless something in front of the gateway uses cookies
    cors_allow_credentials: bool = False
    #: how long a browser may keep a preflight's answer (Access-Control-Max-Age)
    cors_max_age_seconds: int = Field(default=600, ge=0, le=86400)
    #: gzip answers to clients whose Accept-Encoding takes it (off behind a proxy that compresses)
    compression: bool = True
    #: answers under this many bytes go as they are; multipart/mixed and text/event-stream never
    #: pass the compressor, since their parts must reach the client as they are made (destgraph.web.compression)
    compression_minimum_bytes: int = Field(default=1024, ge=0)

    @field_validator("cors_allow_origins")
    @classmethod
    def _origins_are_readable(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for origin in value:
            if len(origin) > 2 and origin.startswith("/") and origin.endswith("/"):
                try:
                    re.compile(origin[1:-1])
                except re.error as exc:
                    raise ValueError(f"cors_allow_origins: {origin} is not a regular expression: {exc}") from None
            elif origin != "*" and not re.fullmatch(r"[a-z][a-z0-9+.-]*://[^/?#\s]+", origin):
                raise ValueError(f"cors_allow_origins: {origin!r} is not an origin (scheme://host[:port])")
        return value

    @model_validator(mode="after")
    def _no_credentials_for_any_origin(self) -> GatewayOptions:
        if self.cors_allow_credentials and "*" in self.cors_allow_origins:
            raise ValueError(
                "cors_allow_credentials with cors_allow_origins = ['*'] would let every site act as its user"
            )
        return self


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

    def vendor_shares(self, workspace_key: str) -> dict[str, float]:
        """Each API key's share of this workspace's vendor budget, by key name."""
        keys = [k for k in self.api_keys if k.may_see(workspace_key)]
        return {k.name: k.share if k.share is not None else 1.0 / len(keys) for k in keys}

    def call_quota(self, key_name: str) -> int:
        """The upstream calls a minute, over every workspace, this API key may cause."""
        key = next((k for k in self.api_keys if k.name == key_name), None)
        share = key.share if key is not None and key.share is not None else 1.0 / max(1, len(self.api_keys))
        return max(1, int(self.gateway.upstream_calls_per_minute * share))

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
