"""One client request as the upstream calls it causes see it: who asked, until when, what it cost.

The schema layer opens a ``CallScope`` for each GraphQL operation (``open_scope``); the upstream
client reads it through a context variable, so the calls a request causes, in any task it starts,
count against that request: its caller's fair share, its deadline, its cost, its stale reads, and
how long the cache entries it read stay fresh (how long its answer may be kept). Once the answer
is on its way the scope is closed, and nothing more goes upstream on its behalf.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StaleRead:
    """A read answered from a cache entry past its freshness, because the vendor could not answer."""

    workspace: str
    operation: str
    age_seconds: float


@dataclass
class CallScope:
    #: the API key's name: fair shares of the vendors' budgets are kept per caller
    caller: str | None = None
    #: monotonic seconds after which no upstream call starts or waits on this request's behalf
    deadline: float | None = None
    #: the caller asked for fresh reads (Cache-Control: no-cache): the read cache is not consulted
    fresh_reads: bool = False
    #: upstream calls actually sent for this request (memo joins and cache hits are not calls)
    calls: int = 0
    stale: list[StaleRead] = field(default_factory=list)
    #: the answer was sent: nothing more goes upstream for this request
    closed: bool = False
    #: until when (monotonic seconds) every cache entry that answered a read of this request stays
    #: fresh; None while no read was answered from a cache (how long a client may keep the answer)
    cached_until: float | None = None
    #: a read of this request went to a vendor and no cache keeps what it got (a probe, a kind of
    #: read whose TTL is 0): the answer is as of now, not as of a cache entry
    uncached_reads: bool = False

    def read_cached(self, fresh_for: float) -> None:
        """A read answered by a cache entry (or kept in one now) that stays fresh ``fresh_for`` seconds more."""
        until = time.monotonic() + max(0.0, fresh_for)
        self.cached_until = until if self.cached_until is None else min(self.cached_until, until)

    def cached_for(self) -> float:
        """How long every cache entry the answer used stays fresh from now (0: none, or none used)."""
        if self.cached_until is None or self.uncached_reads:
            return 0.0
        return max(0.0, self.cached_until - time.monotonic())


_CURRENT: ContextVar[CallScope | None] = ContextVar("destgraph_call_scope", default=None)


def current() -> CallScope | None:
    """The scope of the request being served, if any (background work has none)."""
    return _CURRENT.get()


@contextmanager
def open_scope(scope: CallScope) -> Iterator[CallScope]:
    """``scope`` is the current one inside the block (and in tasks started there); closed after."""
    token = _CURRENT.set(scope)
    try:
        yield scope
    finally:
        scope.closed = True
        _CURRENT.reset(token)
