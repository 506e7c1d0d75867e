"""Server-sent events from a vendor, each with its data read as JSON.

The decoding (lines, ``event:``/``data:`` fields, multi-line data, comments) is httpx-sse's; this
module only turns what can go wrong while reading into the gateway's error tree: a transport
failure mid-stream like any other call's, a body that is not an event stream or data that is not
JSON as UpstreamProtocolError. The caller owns the response and closes it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

import httpx
from httpx_sse import EventSource, SSEError

from destgraph.adapters.errors import CallContext, from_transport_error
from destgraph.errors import UpstreamProtocolError


@dataclass(frozen=True)
class Event:
    #: the ``event:`` field ("message" when the vendor sent none)
    name: str
    #: the ``data:`` field parsed as JSON (None when empty)
    data: Any


async def json_events(response: httpx.Response, context: CallContext) -> AsyncGenerator[Event, None]:
    """Each event of ``response`` as it arrives, until the vendor ends the stream."""
    try:
        async with aclosing(EventSource(response).aiter_sse()) as events:
            async for event in events:
                yield Event(event.event, _data(event.data, event.event, context))
    except SSEError as exc:
        raise UpstreamProtocolError(
            f"{context.provider} answered {context.operation} with something other than an event stream",
            **context.as_kwargs(),
        ) from exc
    except httpx.TransportError as exc:
        raise from_transport_error(exc, context) from exc


def _data(text: str, event: str, context: CallContext) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UpstreamProtocolError(
            f"{context.provider} sent a {event!r} event whose data is not JSON during {context.operation}",
            **context.as_kwargs(),
        ) from exc
