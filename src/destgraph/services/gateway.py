"""The gateway's long-lived parts, and the per-request session that services work through.

``Gateway`` lives as long as the app: configuration, the state ports (idempotency, locks, budgets,
caches), one upstream client per workspace, call accounting and the cross-request caches. ``Session`` lives for one GraphQL request: the caller's
principal and the adapters built for it (over per-request upstream views, so the same GET is made
once per request).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from destgraph.adapters.accounting import CallAccounting
from destgraph.adapters.contract import VendorAdapter
from destgraph.adapters.registry import build_adapter, build_client
from destgraph.adapters.upstream import RequestUpstream, UpstreamClient
from destgraph.config import ApiKeyConfig, Settings, WorkspaceConfig
from destgraph.errors import ForbiddenError, NotFoundError
from destgraph.services.caches import CatalogCache, HealthCache
from destgraph.state import StatePorts


@dataclass(frozen=True)
class Principal:
    """Who is calling: an API key's name, scopes and the workspaces it may see."""

    name: str
    scopes: frozenset[str]
    visible: frozenset[str] | None  # None: every workspace

    @classmethod
    def from_api_key(cls, key: ApiKeyConfig) -> Principal:
        visible = None if "*" in key.workspaces else frozenset(key.workspaces)
        return cls(name=key.name, scopes=frozenset(key.scopes), visible=visible)

    def may_see(self, workspace_key: str) -> bool:
        return self.visible is None or workspace_key in self.visible

    def require(self, scope: str) -> None:
        if scope not in self.scopes:
            raise ForbiddenError(f"this API key lacks the {scope} scope")


class Gateway:
    """App-lifetime state: settings, state ports, upstream clients, accounting and caches.

    Without ``state``, the ports come from the environment (``StatePorts.from_environment``):
    on Redis when ``REDIS_URL`` is set, so replicas given the same URL and prefix share them;
    otherwise in this process. A ``REDIS_URL`` that does not answer is a ConfigError here.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
        state: StatePorts | None = None,
    ) -> None:
        self.settings = settings
        #: state built here (from REDIS_URL, else in process) is closed here; a given one by its owner
        self._owns_state = state is None
        self.state = state if state is not None else StatePorts.from_environment()
        self.accounting = CallAccounting()
        transports = transports or {}
        self.clients: dict[str, UpstreamClient] = {
            ws.key: build_client(
                ws,
                accounting=self.accounting,
                rate_wait_seconds=settings.gateway.rate_wait_seconds,
                budgets=self.state.budgets,
                shares=settings.vendor_shares(ws.key),
                cache=self.state.cache,
                transport=transports.get(ws.key),
                breakers=self.state.breakers,
            )
            for ws in settings.workspaces
        }
        self.catalogs = CatalogCache(self.state.cache, ttl_seconds=settings.gateway.catalog_ttl_seconds)
        self.health = HealthCache(self.state.cache, ttl_seconds=settings.gateway.health_ttl_seconds)

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()
        if self._owns_state:
            await self.state.aclose()  # the Redis connection pool, when REDIS_URL chose Redis

    def session(self, principal: Principal) -> Session:
        return Session(self, principal)


@dataclass
class Session:
    """One request's view of the gateway: what the caller may see, and adapters built for it."""

    gateway: Gateway
    principal: Principal
    _adapters: dict[str, VendorAdapter] = field(default_factory=dict)
    _upstreams: list[RequestUpstream] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        return self.gateway.settings

    def visible_workspaces(self) -> list[WorkspaceConfig]:
        return [ws for ws in self.settings.workspaces if self.principal.may_see(ws.key)]

    def workspace(self, key: str) -> WorkspaceConfig:
        """The workspace with this key; NotFoundError alike for unknown and invisible ones."""
        workspace = self.settings.workspace(key)
        if workspace is None or not self.principal.may_see(key):
            # The same answer for unknown and invisible keys, naming neither: a key sees nothing else.
            raise NotFoundError("no such object")
        return workspace

    def adapter(self, workspace_key: str) -> VendorAdapter:
        adapter = self._adapters.get(workspace_key)
        if adapter is None:
            self.workspace(workspace_key)
            upstream = RequestUpstream(self.gateway.clients[workspace_key])
            adapter = build_adapter(upstream, self.gateway.state.locks)
            self._adapters[workspace_key] = adapter
            self._upstreams.append(upstream)
        return adapter

    def release(self) -> None:
        """Forget the request's calls (it is over; their tasks hold it in reference cycles)."""
        for upstream in self._upstreams:
            upstream.release()
