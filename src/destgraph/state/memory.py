"""The in-process implementations of the state ports: the default, for one gateway process.

Everything here lives in this process's memory and event loop. ``StatePorts`` bundles one of each,
built by the app and held in its state (never a module global), so two apps in one process (tests)
share nothing.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from destgraph.state.ports import (
    BreakerAdmission,
    BreakerOutcome,
    BreakerPolicy,
    BreakerPort,
    BreakerStateName,
    BreakerView,
    BudgetExhausted,
    BudgetPort,
    CachePort,
    IdempotencyPort,
    IdempotencyRecord,
    JSONValue,
    LockPort,
    LockTimeout,
    PersistedQueryPort,
    RateBudget,
    RecordStatus,
)

Clock = Callable[[], float]


#: an acquired call not released within this long is taken as finished then (a caller that raised
#: between acquiring and finishing must not hold a slot forever)
IN_FLIGHT_LIMIT_SECONDS = 120.0
#: how often a caller waiting on calls still in flight looks again
IN_FLIGHT_POLL_SECONDS = 0.02


@dataclass
class SlidingWindow:
    """N calls in any sliding window of ``seconds``, as vendors count: a log of the calls made.

    A call occupies the window from when it is acquired, and leaves it ``seconds`` after it
    FINISHED (its reply arrived): the vendor counted it when it arrived, which is no later than
    that. So the log always holds at least what the vendor's window holds, and the gateway's own
    pacing never draws a 429, also exactly at the window's edge. (A token bucket admits a full bucket
    plus its refill within one window, up to twice the vendor's limit.)
    """

    budget: RateBudget
    clock: Clock = time.monotonic
    #: when the calls still in flight were acquired, oldest first
    _in_flight: deque[float] = field(default_factory=deque)
    #: when the finished calls finished, oldest first
    _finished: deque[float] = field(default_factory=deque)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def wait_needed(self, count: int = 1) -> float:
        """Seconds until ``count`` more calls fit (inf when they never can; a short poll while the
        calls that must leave first are still in flight)."""
        return self._wait(count)[0]

    def _wait(self, count: int) -> tuple[float, bool]:
        """(seconds to wait, whether that is known exactly rather than a poll of calls in flight)."""
        if count > self.budget.calls:
            return float("inf"), True
        now = self.clock()
        while self._in_flight and self._in_flight[0] <= now - IN_FLIGHT_LIMIT_SECONDS:
            self._finished.append(self._in_flight.popleft() + IN_FLIGHT_LIMIT_SECONDS)
        while self._finished and self._finished[0] <= now - self.budget.seconds:
            self._finished.popleft()
        room = self.budget.calls - len(self._in_flight) - len(self._finished)
        if room >= count:
            return 0.0, True
        must_leave = count - room
        if must_leave <= len(self._finished):
            # The must_leave-th oldest finished call must leave the window first.
            return self._finished[must_leave - 1] + self.budget.seconds - now, True
        return IN_FLIGHT_POLL_SECONDS, False

    async def acquire(self, patience: float, count: int = 1) -> None:
        """Take ``count`` calls at once, waiting up to ``patience`` seconds for room.

        Taking them together is what keeps a multi-step write from being half applied: either every
        step has its turn now (or within the patience), or none is taken.
        """
        async with self._lock:  # first come, first served
            deadline = self.clock() + patience
            while True:
                wait, exact = self._wait(count)
                if wait <= 0:
                    break
                remaining = deadline - self.clock()
                if (exact and wait > remaining) or (not exact and remaining <= 0):
                    raise BudgetExhausted(wait)
                await asyncio.sleep(min(wait, remaining))
            self._in_flight.extend([self.clock()] * count)

    def spend(self, count: int) -> None:
        """``count`` calls made and finished now, whether or not they fit."""
        now = self.clock()
        self._finished.extend([now] * count)

    def release(self, count: int = 1) -> None:
        """``count`` calls acquired before have finished now."""
        now = self.clock()
        for _ in range(min(count, len(self._in_flight))):
            self._in_flight.popleft()
            self._finished.append(now)


class InMemoryBudgets(BudgetPort):
    """One sliding window per budget name."""

    def __init__(self, *, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._windows: dict[str, SlidingWindow] = {}

    def _window(self, name: str, budget: RateBudget) -> SlidingWindow:
        window = self._windows.get(name)
        if window is None or window.budget != budget:
            window = self._windows[name] = SlidingWindow(budget, clock=self._clock)
        return window

    async def acquire(self, name: str, budget: RateBudget, *, patience: float, count: int = 1) -> None:
        await self._window(name, budget).acquire(patience, count=count)

    async def release(self, name: str, budget: RateBudget, *, count: int = 1) -> None:
        self._window(name, budget).release(count)

    async def wait(self, name: str, budget: RateBudget) -> float:
        return self._window(name, budget).wait_needed()

    async def spend(self, name: str, budget: RateBudget, *, count: int) -> None:
        self._window(name, budget).spend(count)


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


@dataclass
class _Circuit:
    state: BreakerStateName = "closed"
    failures: int = 0
    opened_at: float = 0.0
    probe_started: float = 0.0


class InMemoryBreakers(BreakerPort):
    """One circuit per name, in a dict; each method is one step with no await inside, so atomic."""

    def __init__(self, *, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._circuits: dict[str, _Circuit] = {}

    def _circuit(self, name: str) -> _Circuit:
        circuit = self._circuits.get(name)
        if circuit is None:
            circuit = self._circuits[name] = _Circuit()
        return circuit

    @staticmethod
    def _view(circuit: _Circuit, policy: BreakerPolicy, now: float) -> BreakerView:
        if circuit.state == "open":
            return BreakerView("open", circuit.failures, max(0.0, circuit.opened_at + policy.reset_seconds - now))
        return BreakerView(circuit.state, circuit.failures)

    async def admit(self, name: str, policy: BreakerPolicy) -> BreakerAdmission:
        circuit, now = self._circuit(name), self._clock()
        if circuit.state == "half_open" and now - circuit.probe_started >= policy.reset_seconds:
            # A probe that never settled (its caller vanished) gives its turn up after a reset period.
            circuit.state = "open"
        if circuit.state == "closed":
            return BreakerAdmission(allowed=True, probe=False, view=self._view(circuit, policy, now))
        if circuit.state == "open" and now >= circuit.opened_at + policy.reset_seconds:
            circuit.state, circuit.probe_started = "half_open", now
            return BreakerAdmission(allowed=True, probe=True, view=self._view(circuit, policy, now))
        return BreakerAdmission(allowed=False, probe=False, view=self._view(circuit, policy, now))

    async def settle(self, name: str, policy: BreakerPolicy, outcome: BreakerOutcome, *, probe: bool) -> BreakerView:
        circuit, now = self._circuit(name), self._clock()
        if probe:
            if circuit.state == "half_open":
                if outcome == "success":
                    circuit.state, circuit.failures = "closed", 0
                elif outcome == "failure":
                    circuit.state, circuit.opened_at = "open", now
                else:
                    # Nothing learned: the turn is free, and the reset period has passed already.
                    circuit.state = "open"
        elif circuit.state == "closed":
            if outcome == "failure":
                circuit.failures += 1
                if circuit.failures >= policy.failures:
                    circuit.state, circuit.opened_at = "open", now
            elif outcome == "success":
                circuit.failures = 0
        return self._view(circuit, policy, now)

    async def view(self, name: str, policy: BreakerPolicy) -> BreakerView:
        circuit = self._circuits.get(name) or _Circuit()
        return self._view(circuit, policy, self._clock())


class InMemoryCache(CachePort):
    """Entries with their expiry, least recently used first.

    Keys that are never read again are the common case, not the odd one: every write moves its
    workspace's read cache to a new generation, and a page size or filter may be asked once. So an
    expired entry is dropped when read, every entry is swept once it expires (a sweep every
    ``SWEEP_EVERY`` sets, so each set pays O(1) on average), and past ``max_entries`` the least
    recently used go first.
    """

    SWEEP_EVERY = 256

    def __init__(self, *, clock: Clock = time.monotonic, max_entries: int = 4096) -> None:
        self._clock = clock
        self._max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._sets = 0

    async def get(self, key: str) -> JSONValue | None:
        found = self._entries.get(key)
        if found is None:
            return None
        expires_at, value = found
        if expires_at <= self._clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    async def set(self, key: str, value: JSONValue, *, ttl_seconds: float) -> None:
        self._entries[key] = (self._clock() + ttl_seconds, value)
        self._entries.move_to_end(key)
        self._sets += 1
        if self._sets % self.SWEEP_EVERY == 0:
            now = self._clock()
            for expired in [k for k, (expires_at, _) in self._entries.items() if expires_at <= now]:
                del self._entries[expired]
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    async def delete(self, key: str) -> None:
        self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)


class InMemoryPersistedQueries(PersistedQueryPort):
    """Documents by hash, the most recently used ``capacity`` of them: any client with a key may
    register documents, and must not be able to grow the process without bound."""

    def __init__(self, *, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._documents: OrderedDict[str, str] = OrderedDict()

    async def get(self, sha256: str) -> str | None:
        document = self._documents.get(sha256)
        if document is not None:
            self._documents.move_to_end(sha256)
        return document

    async def put(self, sha256: str, document: str) -> None:
        self._documents[sha256] = document
        self._documents.move_to_end(sha256)
        while len(self._documents) > self._capacity:
            self._documents.popitem(last=False)


@dataclass
class StatePorts:
    """One implementation of each state port, as the app uses them."""

    idempotency: IdempotencyPort
    locks: LockPort
    budgets: BudgetPort
    cache: CachePort
    #: circuit breakers of the vendor workspaces
    breakers: BreakerPort = field(default_factory=InMemoryBreakers)
    #: GraphQL documents by hash (automatic persisted queries, trusted documents)
    documents: PersistedQueryPort = field(default_factory=InMemoryPersistedQueries)
    #: releases what the ports hold outside this process (a shared store's connection pool)
    closer: Callable[[], Awaitable[None]] | None = None

    async def aclose(self) -> None:
        """Release the ports' connections; the in-process ports hold none."""
        if self.closer is not None:
            closer, self.closer = self.closer, None
            await closer()

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> StatePorts:
        """The Redis ports when ``REDIS_URL`` is set (``REDIS_PREFIX`` optional), else in memory.

        A ``REDIS_URL`` that does not answer is a ConfigError (see ``state.select``).
        """
        from destgraph.state.select import from_environment

        return from_environment(environ)

    @classmethod
    def in_memory(cls, *, clock: Clock = time.monotonic) -> StatePorts:
        return cls(
            idempotency=InMemoryIdempotency(clock=clock),
            locks=InMemoryLocks(),
            budgets=InMemoryBudgets(clock=clock),
            cache=InMemoryCache(clock=clock),
            breakers=InMemoryBreakers(clock=clock),
            documents=InMemoryPersistedQueries(),
        )
