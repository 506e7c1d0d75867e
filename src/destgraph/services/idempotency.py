"""Idempotency keys for creates: a repeat returns the first result and creates nothing.

The store is a port: ``InMemoryIdempotencyStore`` serves one process; a Redis store implementing
the same three methods serves several replicas. Keys are scoped by the caller (API key name) and
live ``ttl_seconds``. A repeat with the same key and a different input is a conflict; a repeat
while the first is still running waits for it; a first attempt that raised leaves no trace, so
a retry runs again.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class IdempotencyConflict(Exception):
    """The key was used before with a different input."""


@dataclass
class _Entry:
    fingerprint: str
    result: asyncio.Future[Any]
    expires_at: float


class IdempotencyStore(Protocol):
    async def claim(self, scope: str, key: str, fingerprint: str) -> asyncio.Future[Any] | None:
        """None: the caller runs the work and then calls ``complete`` or ``abandon``.
        A future: the first attempt's result (await it). Raises IdempotencyConflict."""
        ...

    async def complete(self, scope: str, key: str, result: Any) -> None: ...

    async def abandon(self, scope: str, key: str, error: BaseException) -> None: ...


class InMemoryIdempotencyStore:
    def __init__(self, *, ttl_seconds: float = 24 * 3600, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: dict[tuple[str, str], _Entry] = {}

    def _expire(self) -> None:
        now = self._clock()
        for key in [k for k, e in self._entries.items() if e.expires_at <= now]:
            del self._entries[key]

    async def claim(self, scope: str, key: str, fingerprint: str) -> asyncio.Future[Any] | None:
        self._expire()
        entry = self._entries.get((scope, key))
        if entry is None:
            future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            self._entries[(scope, key)] = _Entry(fingerprint, future, self._clock() + self._ttl)
            return None
        if entry.fingerprint != fingerprint:
            raise IdempotencyConflict(key)
        return entry.result

    async def complete(self, scope: str, key: str, result: Any) -> None:
        entry = self._entries.get((scope, key))
        if entry is not None and not entry.result.done():
            entry.result.set_result(result)

    async def abandon(self, scope: str, key: str, error: BaseException) -> None:
        entry = self._entries.pop((scope, key), None)
        if entry is not None and not entry.result.done():
            entry.result.set_exception(error)
            entry.result.exception()  # waiting repeats see it; nobody else must retrieve it


def fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
