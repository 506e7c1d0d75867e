"""Caches that outlive a request: destination-type catalogs and workspace health, with TTLs.

Both join a refresh already in flight instead of starting another, so a burst of requests costs
one upstream call.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from destgraph.domain.models import DestinationType, WorkspaceHealth


@dataclass
class _CatalogEntry:
    types: dict[str, DestinationType] = field(default_factory=dict)
    #: when the whole catalog was last listed; 0 while it only holds primed entries
    listed_at: float = 0.0


class CatalogCache:
    """Destination types per workspace: fully listed with a TTL, or primed one by one."""

    def __init__(self, *, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: dict[str, _CatalogEntry] = {}
        self._refreshing: dict[str, asyncio.Task[dict[str, DestinationType]]] = {}

    def prime(self, workspace: str, destination_type: DestinationType) -> None:
        """Remember a type a vendor embedded in another answer (Segment's metadata)."""
        self._entries.setdefault(workspace, _CatalogEntry()).types.setdefault(destination_type.key, destination_type)

    def peek(self, workspace: str, key: str) -> DestinationType | None:
        entry = self._entries.get(workspace)
        return entry.types.get(key) if entry else None

    def _fresh(self, entry: _CatalogEntry | None) -> bool:
        return entry is not None and entry.listed_at > 0 and self._clock() - entry.listed_at < self._ttl

    async def all_types(
        self, workspace: str, fetch: Callable[[], Awaitable[list[DestinationType]]]
    ) -> dict[str, DestinationType]:
        entry = self._entries.get(workspace)
        if entry is not None and self._fresh(entry):
            return entry.types
        task = self._refreshing.get(workspace)
        if task is None:
            task = asyncio.ensure_future(self._refresh(workspace, fetch))
            self._refreshing[workspace] = task
            task.add_done_callback(lambda _: self._refreshing.pop(workspace, None))
        return await asyncio.shield(task)

    async def _refresh(
        self, workspace: str, fetch: Callable[[], Awaitable[list[DestinationType]]]
    ) -> dict[str, DestinationType]:
        types = {t.key: t for t in await fetch()}
        self._entries[workspace] = _CatalogEntry(types=types, listed_at=self._clock())
        return types

    async def get(
        self, workspace: str, key: str, fetch: Callable[[], Awaitable[list[DestinationType]]]
    ) -> DestinationType | None:
        primed = self.peek(workspace, key)
        if primed is not None:
            return primed
        return (await self.all_types(workspace, fetch)).get(key)


class HealthCache:
    """The last probe of each workspace, reused for ``ttl_seconds``."""

    def __init__(self, *, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._last: dict[str, tuple[float, WorkspaceHealth]] = {}
        self._probing: dict[str, asyncio.Task[WorkspaceHealth]] = {}

    async def get(self, workspace: str, probe: Callable[[], Awaitable[WorkspaceHealth]]) -> WorkspaceHealth:
        last = self._last.get(workspace)
        if last is not None and self._clock() - last[0] < self._ttl:
            return last[1]
        task = self._probing.get(workspace)
        if task is None:
            task = asyncio.ensure_future(probe())
            self._probing[workspace] = task
            task.add_done_callback(lambda _: self._probing.pop(workspace, None))
        health = await asyncio.shield(task)
        self._last[workspace] = (self._clock(), health)
        return health
