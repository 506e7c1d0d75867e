"""The request log: every vendor call an emulator answered, for tests and benchmarks to count.

Calls to the control API (``/_emulator/``) and to ``/`` are not vendor calls and are not logged.
Times are the emulator clock's epoch seconds; start and end let a test prove calls overlapped.
A call whose reply the fault plan corrupted names the kind of damage in ``corrupted``.

``applied`` is true when the vendor's handler ran to completion, whatever the client then
received (a reply lost, held or replaced by an ``after_commit`` fault included); false when the
call was answered before the handler (auth, rate limit, a fault, the down switch) or the handler
raised (a vendor error such as a 404 or 422 included). A call an ``after_commit`` fault acted on
names its kind in ``after_commit``, and its ``status`` is the one the handler answered, not the
one the client got. A ``slow`` call's entry is written when its handler finishes, even if the
client went away before.
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(slots=True)
class LoggedRequest:
    seq: int
    method: str
    path: str
    #: the route template, e.g. ``GET /destinations/{destinationId}``; None for unrouted paths
    route: str | None
    query: str
    #: what the client was answered; under an ``after_commit`` fault, what the handler answered
    status: int
    started_at: float
    ended_at: float
    #: ``latency``, ``error``, ``down`` or ``rate_limited`` when the answer was not the handler's own
    intervention: str | None = None
    #: the fault plan's ``corrupt`` kind (``drop_field``, ``html`` ...) when it mangled the reply
    corrupted: str | None = None
    #: whether the vendor's handler ran to completion (see the module docstring)
    applied: bool = False
    #: the fault plan's ``after_commit`` kind (``drop``, ``status``, ``slow``) when it acted on the call
    after_commit: str | None = None

    @property
    def duration_ms(self) -> float:
        return (self.ended_at - self.started_at) * 1000

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"duration_ms": round(self.duration_ms, 3)}


class RequestLog:
    """A bounded, append-only log with monotonically increasing sequence numbers."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self._entries: deque[LoggedRequest] = deque(maxlen=max_entries)
        self._seq = itertools.count(1)

    def next_seq(self) -> int:
        return next(self._seq)

    def append(self, entry: LoggedRequest) -> None:
        self._entries.append(entry)

    def clear(self) -> None:
        self._entries.clear()

    def entries(self, *, since: int = 0, method: str | None = None, route: str | None = None) -> list[LoggedRequest]:
        return [
            e
            for e in self._entries
            if e.seq > since and (method is None or e.method == method.upper()) and (route is None or e.route == route)
        ]

    def counters(self) -> dict[str, Any]:
        by_route: Counter[str] = Counter()
        by_status: Counter[str] = Counter()
        for e in self._entries:
            by_route[e.route or f"{e.method} {e.path}"] += 1
            by_status[str(e.status)] += 1
        return {"total": len(self._entries), "by_route": dict(by_route), "by_status": dict(by_status)}
