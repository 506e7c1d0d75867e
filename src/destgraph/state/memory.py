"""The in-process implementations of the state ports: the default, for one gateway process.

Everything here lives in this process's memory and event loop. ``StatePorts`` bundles one of each,
built by the app and held in its state (never a module global), so two apps in one process (tests)
share nothing.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from destgraph.state.ports import (
    BudgetExhausted,
    BudgetPort,
    CachePort,
    IdempotencyPort,
    IdempotencyRecord,
    JSONValue,
    LockPort,
    LockTimeout,
    RateBudget,
    RecordStatus,
)

Clock = Callable[[], float]


@dataclass
class SlidingWindow:
    """N calls in any sliding window of ``seconds``, as vendors count: a log of the calls sent.

    A token bucket admits a full bucket plus its refill within one window, up to twice the vendor's
    limit, and the vendor then answers 429; a sliding log admits exactly what the vendor admits.
    """

    budget: RateBudget
    clock: Clock = time.monotonic
    _sent: deque[float] = field(default_factory=deque)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def wait_needed(self, count: int = 1) -> float:
        """Seconds until ``count`` more calls fit in the window (inf when they never can)."""
        if count > self.budget.calls:
            return float("inf")
        now = self.clock()
        while self._sent and self._sent[0] <= now - self.budget.seconds:
            self._sent.popleft()
        room = self.budget.calls - len(self._sent)
        if room >= count:
            return 0.0
        # The (count - room)-th oldest call must leave the window first.
        return self._sent[count - room - 1] + self.budget.seconds - now

    async def acquire(self, patience: float, count: int = 1) -> None:
        """Take ``count`` calls at once, waiting up to ``patience`` seconds for room.

        Taking them together is what keeps a multi-step write from being half applied: either every
        step has its turn now (or within the patience), or none is taken.
        """
        async with self._lock:  # first come, first served
            wait = self.wait_needed(count)
            if wait > patience:
                raise BudgetExhausted(wait)
            if wait > 0:
                await asyncio.sleep(wait)
                self.wait_needed(count)
            now = self.clock()
            self._sent.extend([now] * count)


class InMemoryBudgets(BudgetPort):
    """One sliding window per budget name."""

    def __init__(self, *, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._windows: dict[str, SlidingWindow] = {}

    async def acquire(self, name: str, budget: RateBudget, *, patience: float, count: int = 1) -> None:
        window = self._windows.get(name)
        if window is None or window.budget != budget:
            window = self._windows[name] = SlidingWindow(budget, clock=self._clock)
        await window.acquire(patience, count=count)


class InMemoryLocks(LockPort):
    """One ``asyncio.Lock`` per name, held weakly: a lock lives while somebody holds or waits for it,
    so the registry does not grow with every name ever locked."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    @asynccontextmanager
    async def hold(self, name: str, *, patience: float) -> AsyncIterator[None]:
        lock = self._locks.get(name)
        if lock is None:
            lock = self._locks[name] = asyncio.Lock()
        try:
            async with asyncio.timeout(patience):
                await lock.acquire()
        except TimeoutError:
            raise LockTimeout(f"{name} stayed locked for {patience:.1f} s") from None
        try:
            yield
        finally:
            lock.release()


@dataclass
class _Entry:
    record: IdempotencyRecord
    expires_at: float
    settled: asyncio.Event = field(default_factory=asyncio.Event)


class InMemoryIdempotency(IdempotencyPort):
    """Idempotency records in a dict, each with its expiry; repeats wait on an event, not a poll."""

    def __init__(self, *, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[tuple[str, str], _Entry] = {}

    def _live(self, scope: str, key: str) -> _Entry | None:
        now = self._clock()
        for expired in [k for k, e in self._entries.items() if e.expires_at <= now]:
            self._entries.pop(expired).settled.set()
        return self._entries.get((scope, key))

    async def claim(self, scope: str, key: str, fingerprint: str, *, ttl_seconds: float) -> IdempotencyRecord | None:
        entry = self._live(scope, key)
        if entry is not None:
            return entry.record
        record = IdempotencyRecord(fingerprint=fingerprint, status="running")
        self._entries[(scope, key)] = _Entry(record, self._clock() + ttl_seconds)
        return None

    async def complete(
        self, scope: str, key: str, result: JSONValue, *, ttl_seconds: float, status: RecordStatus = "done"
    ) -> None:
        entry = self._live(scope, key)
        if entry is None:
            return
        entry.record = IdempotencyRecord(fingerprint=entry.record.fingerprint, status=status, result=result)
        entry.expires_at = self._clock() + ttl_seconds
        entry.settled.set()

    async def take_over(self, scope: str, key: str) -> bool:
        entry = self._live(scope, key)
        if entry is None or entry.record.status != "unknown":
            return False
        entry.record = IdempotencyRecord(entry.record.fingerprint, "running", entry.record.result)
        entry.settled = asyncio.Event()
        return True

    async def release(self, scope: str, key: str) -> None:
        entry = self._entries.pop((scope, key), None)
        if entry is not None:
            entry.settled.set()

    async def wait(self, scope: str, key: str, *, patience: float) -> IdempotencyRecord | None:
        entry = self._live(scope, key)
        if entry is None or entry.record.status != "running":
            return entry.record if entry else None
        try:
            async with asyncio.timeout(patience):
                await entry.settled.wait()
        except TimeoutError:
            pass
        current = self._live(scope, key)
        return current.record if current else None


class InMemoryCache(CachePort):
    """Entries in a dict with their expiry; expired ones are dropped when read."""

    def __init__(self, *, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[str, tuple[float, Any]] = {}

    async def get(self, key: str) -> JSONValue | None:
        found = self._entries.get(key)
        if found is None:
            return None
        expires_at, value = found
        if expires_at <= self._clock():
            del self._entries[key]
            return None
        return value

    async def set(self, key: str, value: JSONValue, *, ttl_seconds: float) -> None:
        self._entries[key] = (self._clock() + ttl_seconds, value)

    async def delete(self, key: str) -> None:
        self._entries.pop(key, None)


@dataclass
class StatePorts:
    """One implementation of each state port, as the app uses them."""

    idempotency: IdempotencyPort
    locks: LockPort
    budgets: BudgetPort
    cache: CachePort

    @classmethod
    def in_memory(cls, *, clock: Clock = time.monotonic) -> StatePorts:
        return cls(
            idempotency=InMemoryIdempotency(clock=clock),
            locks=InMemoryLocks(),
            budgets=InMemoryBudgets(clock=clock),
            cache=InMemoryCache(clock=clock),
        )
