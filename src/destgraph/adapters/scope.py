"""One client request as the upstream calls it causes see it: who asked, until when, what it cost.

The schema layer opens a ``CallScope`` for each GraphQL operation (``open_scope``); the upstream
client reads it through a context variable, so the calls a request causes, in any task it starts,
count against that request: its caller's fair share, its deadline, its cost, its stale reads. Once
the answer is on its way the scope is closed, and nothing more goes upstream on its behalf.
"""

from __future__ import annotations

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
