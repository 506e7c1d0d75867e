"""The ports of shared state: what the gateway asks of it, whoever keeps it.

Each port is a small async interface over plain values. The in-process implementations
(``state.memory``) are the default; an implementation backed by a shared store makes several
gateway replicas behave as one without touching the code that uses the ports.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Literal, Protocol

JSONValue = Any
#: running: a write under this key is in flight; done: its outcome is stored; unknown: the write was
#: sent and its outcome could not be learned, so the next use of the key reconciles first
RecordStatus = Literal["running", "done", "unknown"]


@dataclass(frozen=True)
class RateBudget:
    """``calls`` per ``seconds``, counted in any sliding window, as vendors count them."""

    calls: int
    seconds: float


class BudgetExhausted(Exception):
    """The calls would have to wait longer than the caller allows."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"rate budget spent for {wait:.1f} s")
        self.wait = wait


class LockTimeout(Exception):
    """A named lock was not free within the caller's timeout."""


@dataclass(frozen=True)
class IdempotencyRecord:
    """What is known of one idempotency key: the input it was first used with, and its outcome."""

    fingerprint: str
    status: RecordStatus
    #: the outcome as plain JSON (done), or what reconciling needs (unknown)
    result: JSONValue = None


class IdempotencyPort(Protocol):
    """Idempotency keys of writes: the first caller of a key runs the write, repeats get its record."""

    async def claim(self, scope: str, key: str, fingerprint: str, *, ttl_seconds: float) -> IdempotencyRecord | None:
        """None: the caller now owns the key (stored as running). Otherwise the record already there."""
        ...

    async def complete(
        self, scope: str, key: str, result: JSONValue, *, ttl_seconds: float, status: RecordStatus = "done"
    ) -> None:
        """Store the outcome of the caller's write (done), or that it is unknown; waiting repeats wake up."""
        ...

    async def take_over(self, scope: str, key: str) -> bool:
        """Turn an unknown record back to running for this caller alone; False if another caller did."""
        ...

    async def release(self, scope: str, key: str) -> None:
        """Forget the key: the write did nothing, so a retry may run it again."""
        ...

    async def wait(self, scope: str, key: str, *, patience: float) -> IdempotencyRecord | None:
        """The record once it is no longer running, or as it stands after ``patience`` seconds."""
        ...


class LockPort(Protocol):
    """Named mutual exclusion, for read-modify-writes of one vendor object."""

    def hold(self, name: str, *, patience: float) -> AbstractAsyncContextManager[None]:
        """Held for the ``async with`` block; LockTimeout when not free within ``patience`` seconds."""
        ...


class BudgetPort(Protocol):
    """Rate budgets by name: a vendor's documented limit, shared by everyone calling that workspace.

    A call occupies its budget from ``acquire`` and, once ``release``d, for the window's length after
    it finished: the vendor counted it on arrival, which is no later than that.
    """

    async def acquire(self, name: str, budget: RateBudget, *, patience: float, count: int = 1) -> None:
        """Take ``count`` calls at once, waiting up to ``patience`` seconds; else BudgetExhausted."""
        ...

    async def release(self, name: str, budget: RateBudget, *, count: int = 1) -> None:
        """``count`` calls acquired before have finished now."""
        ...

    async def wait(self, name: str, budget: RateBudget) -> float:
        """Seconds until one more call fits, without taking it (0: room now)."""
        ...

    async def spend(self, name: str, budget: RateBudget, *, count: int) -> None:
        """Count ``count`` calls as made now, room or not (for costs known only afterwards)."""
        ...


#: closed: calls go; open: calls are refused until a probe is due; half_open: one probe is in flight
BreakerStateName = Literal["closed", "open", "half_open"]
#: how an admitted call ended for the breaker: the vendor was well (success), unwell (failure), or
#: the call tells nothing of it (neutral: cancelled, never sent, refused by our own budget)
BreakerOutcome = Literal["success", "failure", "neutral"]


@dataclass(frozen=True)
class BreakerPolicy:
    """A circuit opens after ``failures`` consecutive failures; a probe may go ``reset_seconds`` later."""

    failures: int
    reset_seconds: float


@dataclass(frozen=True)
class BreakerView:
    """A circuit as it stands."""

    state: BreakerStateName
    #: consecutive failures counted while closed; the count that opened it otherwise
    failures: int
    #: open: seconds until a probe may go (0: the next call is the probe); 0 in the other states
    probe_in: float = 0.0


@dataclass(frozen=True)
class BreakerAdmission:
    """Whether one call may go now."""

    allowed: bool
    #: the call is the half-open probe: its outcome closes the circuit or opens it again
    probe: bool
    view: BreakerView


class BreakerPort(Protocol):
    """Circuit breakers by name (provider:workspace), shared by everyone calling that workspace.

    Each method is one atomic step on the named circuit, so an implementation over a shared store
    makes replicas open, probe and close a vendor's circuit together.
    """

    async def admit(self, name: str, policy: BreakerPolicy) -> BreakerAdmission:
        """Closed: allowed. Open: refused until ``reset_seconds`` after it opened; then the one caller
        that asks first is allowed as the probe (half-open) and the others stay refused."""
        ...

    async def settle(self, name: str, policy: BreakerPolicy, outcome: BreakerOutcome, *, probe: bool) -> BreakerView:
        """How an admitted call ended: failures count up to opening, a success resets them; the
        probe's success closes the circuit, its failure opens it again, a neutral probe frees the turn."""
        ...

    async def view(self, name: str, policy: BreakerPolicy) -> BreakerView:
        """The circuit as it stands, changing nothing."""
        ...


class CachePort(Protocol):
    """A key-value cache with a time to live per entry."""

    async def get(self, key: str) -> JSONValue | None: ...

    async def set(self, key: str, value: JSONValue, *, ttl_seconds: float) -> None: ...

    async def delete(self, key: str) -> None: ...


class PersistedQueryPort(Protocol):
    """GraphQL documents by the SHA-256 of their text: automatic persisted queries and trusted documents."""

    async def get(self, sha256: str) -> str | None: ...

    async def put(self, sha256: str, document: str) -> None: ...
