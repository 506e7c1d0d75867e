"""Caches that outlive a request: destination-type catalogs and workspace health, with TTLs.

Entries live behind the cache port (state/ports.py), so replicas sharing a store share them. What
is stored is plain JSON (``domain.codec``): a shared store never holds objects of this process,
and an entry that does not decode is a miss. Both caches join a refresh already in flight in this
process instead of starting another, so a burst of requests costs one upstream call.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from destgraph.adapters import scope as call_scope
from destgraph.domain.codec import CodecError, from_json, to_json
from destgraph.domain.models import DestinationType, WorkspaceHealth
from destgraph.state import CachePort

Fetch = Callable[[], Awaitable[list[DestinationType]]]
T = TypeVar("T")
#: the most primed types remembered (forgetting them costs only store reads)
PRIMED_MAXIMUM = 4096


class CatalogCache:
    """Destination types per workspace: fully listed with a TTL, or primed one by one.

    A listing is stored as ``{"version": token, "types": [...]}``; the types decoded last for each
    workspace are kept with their token, so a lookup of a listing already decoded here costs no
    decoding (only the store's read).
    """

    def __init__(self, store: CachePort, *, ttl_seconds: float) -> None:
        self._store = store
        self._ttl = ttl_seconds
        self._refreshing: dict[str, asyncio.Task[dict[str, DestinationType]]] = {}
        #: the last listing decoded for each workspace, by the version token it was stored with
        self._decoded: dict[str, tuple[str, dict[str, DestinationType]]] = {}
        #: types this process primed lately: store key -> (the type, until when it is surely stored)
        self._primed: dict[str, tuple[DestinationType, float]] = {}

    async def prime(self, workspace: str, destination_types: list[DestinationType]) -> None:
        """Remember types a vendor embedded in another answer (a catalog entry in each destination).

        Every list primes again what the last one primed: a type this process stored within the
        TTL (the same built type, see adapters/segment/catalog.py) is in the store still, so it
        costs no store round trip. Were it gone all the same, a lookup would cost one catalog call.
        """
        if self._ttl <= 0:
            return  # nothing is kept: encoding the types for the store would be work for nothing
        now = time.monotonic()
        for destination_type in {t.key: t for t in destination_types}.values():
            key = _type_key(workspace, destination_type.key)
            primed = self._primed.get(key)
            if primed is not None and primed[0] is destination_type and now < primed[1]:
                continue
            # an entry found in the store (another replica's) may be old: trust it for half a TTL
            until = now + self._ttl / 2
            if await self._store.get(key) is None:
                await self._store.set(key, to_json(destination_type), ttl_seconds=self._ttl)
                until = now + self._ttl
            if len(self._primed) >= PRIMED_MAXIMUM:
                self._primed.clear()
            self._primed[key] = (destination_type, until)

    async def all_types(self, workspace: str, fetch: Fetch) -> dict[str, DestinationType]:
        listed = self._listing(workspace, await self._store.get(_list_key(workspace)))
        if listed is not None:
            return listed
        task = self._refreshing.get(workspace)
        if task is None:
            task = asyncio.ensure_future(self._refresh(workspace, fetch))
            self._refreshing[workspace] = task
            task.add_done_callback(lambda _: self._refreshing.pop(workspace, None))
        return await asyncio.shield(task)

    async def _refresh(self, workspace: str, fetch: Fetch) -> dict[str, DestinationType]:
        types = {t.key: t for t in await fetch()}
        if self._ttl <= 0:
            return types
        version = uuid.uuid4().hex
        stored = {"version": version, "types": [to_json(t) for t in types.values()]}
        await self._store.set(_list_key(workspace), stored, ttl_seconds=self._ttl)
        self._decoded[workspace] = (version, types)
        return types

    def _listing(self, workspace: str, stored: Any) -> dict[str, DestinationType] | None:
        """The types of a stored listing (None: no listing, or one that does not decode)."""
        if not isinstance(stored, dict) or not isinstance(stored.get("types"), list):
            return None
        version = stored.get("version")
        known = self._decoded.get(workspace)
        if known is not None and known[0] == version:
            return known[1]
        try:
            types = {t.key: t for t in (from_json(DestinationType, item) for item in stored["types"])}
        except CodecError:
            return None
        if isinstance(version, str):
            self._decoded[workspace] = (version, types)
        return types

    async def get(self, workspace: str, key: str, fetch: Fetch) -> DestinationType | None:
        primed = _decoded(DestinationType, await self._store.get(_type_key(workspace, key)))
        if primed is not None:
            return primed
        return (await self.all_types(workspace, fetch)).get(key)


class HealthCache:
    """The last probe of each workspace, reused for ``ttl_seconds``."""

    def __init__(self, store: CachePort, *, ttl_seconds: float) -> None:
        self._store = store
        self._ttl = ttl_seconds
        self._probing: dict[str, asyncio.Task[WorkspaceHealth]] = {}

    async def get(self, workspace: str, probe: Callable[[], Awaitable[WorkspaceHealth]]) -> WorkspaceHealth:
        last = _decoded(WorkspaceHealth, await self._store.get(f"health:{workspace}"))
        if last is not None:
            self._note(last)
            return last
        task = self._probing.get(workspace)
        if task is None:
            task = asyncio.ensure_future(probe())
            self._probing[workspace] = task
            task.add_done_callback(lambda _: self._probing.pop(workspace, None))
        health = await asyncio.shield(task)
        await self._store.set(f"health:{workspace}", to_json(health), ttl_seconds=self._ttl)
        self._note(health)
        return health

    def _note(self, health: WorkspaceHealth) -> None:
        """Tell the request's scope how long this probe's answer stays fresh (as the read cache does)."""
        scope = call_scope.current()
        if scope is not None:
            checked = health.checked_at if health.checked_at.tzinfo else health.checked_at.replace(tzinfo=UTC)
            scope.read_cached(self._ttl - (datetime.now(UTC) - checked).total_seconds())


def _decoded(cls: type[T], stored: Any) -> T | None:
    """``stored`` as a ``cls`` (None: nothing stored, or an entry that does not decode)."""
    if stored is None:
        return None
    try:
        return from_json(cls, stored)
    except CodecError:
        return None


def _list_key(workspace: str) -> str:
    return f"catalog:{workspace}:all"


def _type_key(workspace: str, type_key: str) -> str:
    return f"catalog:{workspace}:type:{type_key}"
