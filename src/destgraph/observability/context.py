"""The request being served, as logs, traces and metrics see it.

The access middleware opens a ``RequestRecord`` for each HTTP request or websocket connection
(``serving``); it lives in a context variable, so every task the request starts (dataloader
batches, joined GETs, the upstream calls) sees it. The upstream client reads the request id from
here for the ``X-Request-Id`` it sends the vendors; the GraphQL extension adds what each
operation did; the middleware writes the access line from it once the answer is sent.

Nothing here imports the gateway's other layers: the adapters import it.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from destgraph.observability import tracing

REQUEST_ID_HEADER = "X-Request-Id"
#: the longest request id accepted from a client; longer ones are replaced by a new one
MAX_REQUEST_ID_LENGTH = 128
#: what a client's request id may hold: letters, digits and ``. _ : -`` (no spaces, quotes,
#: control characters or anything a log line or an upstream header would have to escape)
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]+")


def accept_request_id(presented: str | None) -> str:
    """The client's ``X-Request-Id`` when it is short and safe; else a new one (a uuid4, hex)."""
    if presented and len(presented) <= MAX_REQUEST_ID_LENGTH and _SAFE_REQUEST_ID.fullmatch(presented):
        return presented
    return uuid.uuid4().hex


@dataclass
class OperationRecord:
    """One GraphQL operation of the request, as the access line and the metrics report it."""

    #: the operation's name from the executed document (None: anonymous, or no document)
    name: str | None = None
    #: ``query``, ``mutation`` or ``subscription`` (None: the document did not parse)
    type: str | None = None
    #: ``ok`` (no error), ``partial`` (errors beside data) or ``error`` (no data)
    outcome: str = "ok"
    #: the extensions.code of each error of the answer, in order
    codes: list[str] = field(default_factory=list)
    #: the price QueryCost put on it (None: not priced, it never reached execution)
    cost_requested: int | None = None
    objects_requested: int | None = None
    #: the upstream calls it actually sent (CallScope.calls during the operation)
    cost_actual: int = 0
    seconds: float = 0.0


@dataclass
class RequestRecord:
    """One HTTP request (or websocket connection) while it is served."""

    request_id: str
    #: ``http`` or ``websocket`` (the ASGI scope type)
    kind: str = "http"
    #: the API key's name once authenticated (never the key)
    key_name: str | None = None
    operations: list[OperationRecord] = field(default_factory=list)
    #: upstream exchanges made on its behalf, by provider (retries included; cache hits and joins not)
    upstream: Counter[str] = field(default_factory=Counter)


_CURRENT: ContextVar[RequestRecord | None] = ContextVar("destgraph_request", default=None)


def current() -> RequestRecord | None:
    """The request being served, if any (background work has none)."""
    return _CURRENT.get()


def request_id() -> str | None:
    record = _CURRENT.get()
    return record.request_id if record is not None else None


@contextmanager
def serving(record: RequestRecord) -> Iterator[RequestRecord]:
    """``record`` is the current request inside the block, and in the tasks started there."""
    token = _CURRENT.set(record)
    try:
        yield record
    finally:
        _CURRENT.reset(token)


def upstream_headers() -> dict[str, str]:
    """Headers every upstream call carries: the request's id and, when tracing, the trace context."""
    headers: dict[str, str] = {}
    record = _CURRENT.get()
    if record is not None:
        headers[REQUEST_ID_HEADER] = record.request_id
    tracing.inject(headers)
    return headers


def count_upstream(provider: str) -> None:
    """One upstream exchange was made for the current request."""
    record = _CURRENT.get()
    if record is not None:
        record.upstream[provider] += 1
