"""The wire under every vendor client: httpx's API over aiohttp's connection pool.

httpcore's pool spends more CPU per call than anything else in the gateway once a page fans out
(a Segment page with subscriptions is 17 calls, 16 of them at once: its request-to-connection
assignment grows with both), and aiohttp's costs about a third as much a call (bench/RESULTS.md,
"Levers"). httpx stays the client the adapters use (timeouts, headers, ASGI transports in tests);
only the transport changes, through httpx-aiohttp.

What a failure means is the one thing the gateway must not get wrong: a write whose request may
have left must be reconciled, never retried as if not sent (adapters/errors.py ``NOT_SENT``).
httpx-aiohttp reports a server that closed the connection mid-reply as ``ConnectTimeout``, so every
aiohttp failure is mapped here again, from its cause, most specific first:

    ClientConnectorError, ConnectionTimeoutError  -> ConnectError, ConnectTimeout (not sent)
    SocketTimeoutError, ServerTimeoutError        -> ReadTimeout
    ServerDisconnectedError                       -> RemoteProtocolError
    ClientPayloadError, ClientOSError and the rest of ClientError -> ReadError
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

#: aiohttp's failures as httpx's, most specific first (the first that matches wins)
_MAPPED: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    (aiohttp.ClientConnectorError, httpx.ConnectError),
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.SocketTimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientError, httpx.ReadError),
)


def _mapped(exc: BaseException) -> httpx.TransportError | None:
    """The httpx error an aiohttp failure means, from the failure or (httpx-aiohttp's) its cause."""
    cause = exc.__cause__ if isinstance(exc, httpx.TransportError) and exc.__cause__ is not None else exc
    for aiohttp_error, httpx_error in _MAPPED:
        if isinstance(cause, aiohttp_error):
            return httpx_error(str(cause) or type(cause).__name__)
    return exc if isinstance(exc, httpx.TransportError) else None


class _MappedStream(httpx.AsyncByteStream):
    """A reply's body, whose failures (the connection closed mid-body) are mapped as the headers' are."""

    def __init__(self, stream: httpx.AsyncByteStream) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._stream:
                yield chunk
        except (httpx.TransportError, aiohttp.ClientError) as exc:
            mapped = _mapped(exc)
            if mapped is None:
                raise
            raise mapped from exc

    async def aclose(self) -> None:
        await self._stream.aclose()


class VendorTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over aiohttp, with no cookie jar (vendors are called with tokens, never sessions)."""

    def __init__(self, *, max_connections: int, keepalive_seconds: float = 5.0) -> None:
        self._max_connections = max_connections
        self._keepalive_seconds = keepalive_seconds
        self._inner = AiohttpTransport(client=self._session)

    def _session(self) -> aiohttp.ClientSession:
        # made on first use, inside the running loop, as aiohttp asks
        connector = aiohttp.TCPConnector(limit=self._max_connections, keepalive_timeout=self._keepalive_seconds)
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(), trust_env=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._inner.handle_async_request(request)
        except (httpx.TransportError, aiohttp.ClientError) as exc:
            mapped = _mapped(exc)
            if mapped is None:
                raise
            raise mapped from exc
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers.raw,
            stream=_MappedStream(stream),
            request=request,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()
