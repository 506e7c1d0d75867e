"""The vendor transport (httpx over aiohttp) against real sockets that misbehave.

What matters is the meaning of each failure: a request that never left may be retried, one that
may have reached the vendor may not (adapters/errors.py NOT_SENT). Each server here is a raw
asyncio TCP server on loopback that does one wrong thing.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from destgraph.adapters.errors import NOT_SENT
from destgraph.adapters.transport import VendorTransport

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")),
        0,
    )
    return head + (await reader.readexactly(length) if length else b"")


@asynccontextmanager
async def served(handler: Handler) -> AsyncIterator[str]:
    """``handler`` serving each connection; connections still open at the end are closed."""
    open_connections: set[asyncio.Task[None]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        open_connections.add(task)
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            open_connections.discard(task)

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        for task in list(open_connections):
            task.cancel()
        await asyncio.gather(*open_connections, return_exceptions=True)
        await server.wait_closed()


@asynccontextmanager
async def client(base_url: str, *, read_seconds: float = 5.0) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=base_url, transport=VendorTransport(max_connections=4), timeout=read_seconds
    ) as http:
        yield http


def two_answers_with_a_cookie(seen: list[bytes], status: bytes) -> Handler:
    """Answers two requests on one connection with ``{"ok": true}``, a Set-Cookie and X-Vendor;
    each request, head and body, goes into ``seen``."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(2):
            seen.append(await _read_request(reader))
            body = b'{"ok": true}'
            writer.write(
                b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\nSet-Cookie: session=abc; Path=/\r\n"
                b"X-Vendor: yes\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            await writer.drain()

    return answer


async def test_an_answer_arrives_whole_with_its_headers() -> None:
    seen: list[bytes] = []
    async with served(two_answers_with_a_cookie(seen, b"201 Created")) as url, client(url) as http:
        first = await http.post("/things", json={"name": "a"}, headers={"Authorization": "Bearer t"})
        second = await http.get("/things")
    assert (first.status_code, first.json(), first.headers["x-vendor"]) == (201, {"ok": True}, "yes")
    assert second.status_code == 201
    assert b"authorization: bearer t" in seen[0].lower() and seen[0].endswith(b'{"name":"a"}')
    # one connection kept alive for both; cookies kept by httpx's client alone (aiohttp keeps none)
    assert len(seen) == 2 and seen[1].lower().count(b"cookie:") == 1


async def test_a_refused_connection_was_not_sent() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with client(f"http://127.0.0.1:{port}") as http:
        with pytest.raises(httpx.ConnectError) as raised:
            await http.post("/things", json={})
    assert isinstance(raised.value, NOT_SENT)


async def test_a_connection_closed_before_any_reply_may_have_been_applied() -> None:
    async def close_after_reading(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.close()

    async with served(close_after_reading) as url, client(url) as http:
        with pytest.raises(httpx.TransportError) as raised:
            await http.post("/things", json={"name": "a"})
    assert isinstance(raised.value, httpx.RemoteProtocolError)
    assert not isinstance(raised.value, NOT_SENT)


async def test_a_reply_cut_mid_body_may_have_been_applied() -> None:
    async def cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id": ')
        await writer.drain()
        writer.close()

    async with served(cut) as url, client(url) as http:
        with pytest.raises(httpx.TransportError) as raised:
            await http.post("/things", json={"name": "a"})
    assert not isinstance(raised.value, NOT_SENT)


async def test_a_vendor_that_never_answers_is_a_read_timeout() -> None:
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        await reader.read()  # until the client gives up and closes
        writer.close()

    async with served(stall) as url, client(url, read_seconds=0.3) as http:
        with pytest.raises(httpx.ReadTimeout) as raised:
            await http.post("/things", json={"name": "a"})
    assert not isinstance(raised.value, NOT_SENT)


async def test_a_reply_head_past_the_parser_limits_is_a_transport_error() -> None:
    async def huge_header(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nX-Huge: " + b"a" * 100_000 + b"\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    async with served(huge_header) as url, client(url) as http:
        # an httpx error the adapters map (never an aiohttp exception escaping as INTERNAL)
        with pytest.raises(httpx.TransportError) as raised:
            await http.get("/things")
    assert not isinstance(raised.value, NOT_SENT)


async def test_the_upstream_client_never_sends_a_vendors_cookie_back() -> None:
    """Calls carry no state from one caller's call to the next: a vendor's Set-Cookie is not kept."""
    from destgraph.adapters.accounting import CallAccounting
    from destgraph.adapters.upstream import UpstreamClient
    from destgraph.config import WorkspaceConfig

    seen: list[bytes] = []
    async with served(two_answers_with_a_cookie(seen, b"200 OK")) as url:
        workspace = WorkspaceConfig.model_validate(
            {"key": "ours-main", "provider": "ours", "base_url": url, "token_env": "UNUSED"}
        )
        upstream = UpstreamClient(
            workspace,
            headers={"Authorization": "Bearer t"},
            extract_message=lambda _: None,
            accounting=CallAccounting(),
        )
        try:
            for path in ("/a", "/b"):
                assert await upstream.get_json(path, operation="get", fresh=True) == {"ok": True}
        finally:
            await upstream.aclose()
    assert len(seen) == 2
    assert b"authorization: bearer t" in seen[1].lower() and b"cookie:" not in seen[1].lower()
