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
    """Rate budgets by name: a vendor's documented limit, shared by everyone calling that workspace."""

    async def acquire(self, name: str, budget: RateBudget, *, patience: float, count: int = 1) -> None:
        """Take ``count`` calls at once, waiting up to ``patience`` seconds; else BudgetExhausted."""
        ...


class CachePort(Protocol):
    """A key-value cache with a time to live per entry."""

    async def get(self, key: str) -> JSONValue | None: ...

    async def set(self, key: str, value: JSONValue, *, ttl_seconds: float) -> None: ...

    async def delete(self, key: str) -> None: ...
