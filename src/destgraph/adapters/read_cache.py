"""The read cache of one workspace: vendor answers kept a while, so many clients cost the vendor little.

What is kept is the vendor's JSON answer to a GET, by path and query, behind the cache port (so
replicas sharing a store share it). Each kind of read (destinations, subscriptions, catalog,
metrics, fields) stays fresh for its TTL (per workspace, see WorkspaceConfig.cache_ttl_seconds);
then, for ``cache_stale_while_revalidate_seconds`` more, it is still answered while one refresh
runs in the background, and for ``cache_stale_if_error_seconds`` it answers when the vendor
cannot (down, out of budget, circuit open), marked in the answer's ``extensions.stale`` with its age.

Every write through the gateway bumps the workspace's generation, which is part of every key: no
read after a write, on any replica sharing the store, is answered from before it. A generation is
a fresh random token, not a count: two replicas bumping it at once (a read, then a write, of the
port) still both leave one that no earlier read was kept under. Writes plan on fresh reads, which
never consult the cache; neither do callers that ask for fresh reads.

Each read tells the request's scope how long the entry that answered it stays fresh (a read no
entry keeps, whose TTL is 0, marks the scope instead): the GraphQL endpoint lets a client keep a
GET's answer no longer than that.

Entries are plain JSON (``{"body": ..., "storedAt": epoch seconds}``), as the cache port asks:
an entry of another shape is a miss.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from destgraph.adapters import scope as call_scope
from destgraph.adapters.accounting import CallAccounting
from destgraph.config import WorkspaceConfig
from destgraph.errors import UpstreamRateLimited, UpstreamUnavailable
from destgraph.state import CachePort

#: the kind of each cacheable read, by the operation name adapters give it
KINDS = {
    "list_destinations": "destinations",
    "get_destination": "destinations",
    "list_subscriptions": "subscriptions",
    "list_catalog": "catalog",
    "list_destination_types": "catalog",
    "get_delivery_metrics": "metrics",
    "describe_fields": "fields",
}
#: the faults that let a stale entry answer instead (the vendor could not, for now)
VENDOR_CANNOT = (UpstreamUnavailable, UpstreamRateLimited)


@dataclass(frozen=True)
class Entry:
    body: Any
    stored_at: float

    def to_json(self) -> dict[str, Any]:
        return {"body": self.body, "storedAt": self.stored_at}

    @classmethod
    def from_json(cls, stored: Any) -> Entry | None:
        """The entry ``to_json`` stored; None for anything else (nothing, or a foreign value)."""
        if not isinstance(stored, dict) or "body" not in stored:
            return None
        stored_at = stored.get("storedAt")
        if not isinstance(stored_at, int | float) or isinstance(stored_at, bool):
            return None
        return cls(stored["body"], float(stored_at))


Fetch = Callable[[], Awaitable[Any]]


class ReadCache:
    def __init__(
        self,
        store: CachePort,
        workspace: WorkspaceConfig,
        *,
        clock: Callable[[], float] = time.time,
        accounting: CallAccounting | None = None,
    ):
        self._store = store
        self._workspace = workspace
        self._clock = clock
        #: counts each lookup (destgraph_read_cache_total) when given
        self._accounting = accounting
        #: the refresh running for each key, so a burst of stale reads refreshes it once
        self._refreshing: dict[str, asyncio.Task[Any]] = {}

    def ttl(self, operation: str) -> float:
        kind = KINDS.get(operation)
        return self._workspace.cache_ttl(kind) if kind else 0.0

    async def read(self, key: str, operation: str, fetch: Fetch) -> Any:
        """The answer to the GET ``key``: from the cache while fresh enough, else fetched and kept."""
        ttl = self.ttl(operation)
        if ttl <= 0:
            self._note(None)
            return await fetch()
        cache_key = await self._key(key)
        entry = Entry.from_json(await self._store.get(cache_key))
        age = self._clock() - entry.stored_at if entry is not None else None
        if entry is not None and age is not None and age < ttl:
            self._count(operation, "hit")
            self._note(ttl - age)
            return entry.body
        if entry is not None and age is not None and age < ttl + self._workspace.cache_stale_while_revalidate_seconds:
            self._count(operation, "stale_while_revalidate")
            self._note(0.0)
            self._refresh_later(cache_key, ttl, fetch)
            return entry.body
        try:
            body = await fetch()
        except VENDOR_CANNOT:
            if entry is not None and age is not None and age < ttl + self._workspace.cache_stale_if_error_seconds:
                self._count(operation, "stale_if_error")
                self._note(0.0)
                self._mark_stale(operation, age)
                return entry.body
            self._count(operation, "miss")
            raise
        except BaseException:
            self._count(operation, "miss")
            raise
        self._count(operation, "miss")
        await self._keep(cache_key, ttl, body)
        self._note(ttl)
        return body

    def _count(self, operation: str, result: str) -> None:
        """One lookup's result, once: hit, stale_while_revalidate, stale_if_error, or miss (fetched)."""
        if self._accounting is not None:
            kind = KINDS.get(operation, operation)
            self._accounting.cache_read(workspace=self._workspace.key, kind=kind, result=result)

    async def invalidate(self) -> None:
        """A write went to this workspace: nothing read before it answers a read after it."""
        await self._store.set(self._generation_key(), uuid.uuid4().hex, ttl_seconds=30 * 24 * 3600)

    async def _key(self, key: str) -> str:
        generation = await self._store.get(self._generation_key()) or 0
        return f"read:{self._workspace.key}:{generation}:{key}"

    def _generation_key(self) -> str:
        return f"read-generation:{self._workspace.key}"

    async def _keep(self, cache_key: str, ttl: float, body: Any) -> None:
        keep = ttl + max(
            self._workspace.cache_stale_while_revalidate_seconds, self._workspace.cache_stale_if_error_seconds
        )
        await self._store.set(cache_key, Entry(body, self._clock()).to_json(), ttl_seconds=keep)

    def _refresh_later(self, cache_key: str, ttl: float, fetch: Fetch) -> None:
        """One refresh in the background, charged to no request (the one that saw the entry may end first)."""
        if cache_key in self._refreshing:
            return

        async def refresh() -> None:
            try:
                await self._keep(cache_key, ttl, await fetch())
            except Exception:
                return

        task = asyncio.get_running_loop().create_task(refresh(), context=contextvars.Context())
        self._refreshing[cache_key] = task
        task.add_done_callback(lambda _: self._refreshing.pop(cache_key, None))

    def _note(self, fresh_for: float | None) -> None:
        """Tell the request's scope how long what answered its read stays fresh (None: no entry keeps it)."""
        scope = call_scope.current()
        if scope is None:
            return
        if fresh_for is None:
            scope.uncached_reads = True
        else:
            scope.read_cached(fresh_for)

    def _mark_stale(self, operation: str, age: float) -> None:
        scope = call_scope.current()
        if scope is not None:
            scope.stale.append(call_scope.StaleRead(self._workspace.key, operation, round(age, 1)))
