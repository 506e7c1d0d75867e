"""Pure-ASGI middleware that wraps every emulator: request log, faults, auth and rate limits.

Outermost first: ``EmulatorMiddleware`` logs the call, applies the fault plan, checks the
vendor's credentials and rate limits, then lets the vendor's routes answer; a ``corrupt`` fault
then mangles what the routes answered (buffered, so Content-Length can follow the new body;
server-sent-event streams pass untouched). Calls to ``/`` and to the control API skip all of it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from destgraph.emulators.core.errors import VendorError
from destgraph.emulators.core.faults import Corruption
from destgraph.emulators.core.requestlog import LoggedRequest

if TYPE_CHECKING:
    from destgraph.emulators.core.app import Emulator

CONTROL_PREFIX = "/_emulator"
ROUTE_KEY = "destgraph.emulator.route"


def is_vendor_call(path: str) -> bool:
    return path != "/" and not path.startswith(CONTROL_PREFIX)


class EmulatorMiddleware:
    def __init__(self, app: ASGIApp, emulator: Emulator) -> None:
        self.app = app
        self.emulator = emulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_vendor_call(scope["path"]):
            await self.app(scope, receive, send)
            return

        emulator = self.emulator
        seq = emulator.log.next_seq()
        started = emulator.clock.time()
        status = 500
        intervention: str | None = None
        plan = emulator.faults
        corruption = plan.corrupt if plan.corrupt and plan.applies_to(scope["method"], scope["path"]) else None
        corrupter: _Corrupter | None = None

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        template = _route_template(scope)
        scope[ROUTE_KEY] = template
        try:
            request = Request(scope, receive)
            intervention, early = await self._intervene(request)
            if early is not None:
                await emulator.respond_error(early, scope, receive, send_and_record)
            else:
                decision = emulator.limiter.check(request)
                if not decision.allowed:
                    intervention = "rate_limited"
                    await emulator.respond_error(emulator.rate_limited_error(decision), scope, receive, send_and_record)
                else:
                    extra = emulator.success_headers(decision)
                    reply: Send = send_and_record
                    if corruption is not None:
                        reply = corrupter = _Corrupter(corruption, send_and_record, self._vendor_500)
                    await self.app(scope, receive, _with_headers(reply, extra))
        finally:
            emulator.log.append(
                LoggedRequest(
                    seq=seq,
                    method=scope["method"],
                    path=scope["path"],
                    route=template,
                    query=scope.get("query_string", b"").decode("latin-1"),
                    status=status,
                    started_at=started,
                    ended_at=emulator.clock.time(),
                    intervention=intervention,
                    corrupted=corrupter.applied if corrupter else None,
                )
            )

    def _vendor_500(self) -> tuple[bytes, str]:
        """The vendor's own error body and content type for a 500, for ``error_200``."""
        response = self.emulator.render(VendorError(500, "Internal Server Error"))
        return bytes(response.body), response.headers.get("content-type", "application/json")

    async def _intervene(self, request: Request) -> tuple[str | None, VendorError | None]:
        """Apply the fault plan and the vendor's auth: an error to answer instead, or None."""
        emulator = self.emulator
        plan = emulator.faults
        if plan.applies_to(request.method, request.url.path):
            if plan.down:
                return "down", VendorError(503, "Service Unavailable", kind="unavailable")
            delay = plan.delay_seconds(emulator.rng)
            status = plan.draw_error(emulator.rng)
            if delay:
                await asyncio.sleep(delay)
            if status is not None:
                return "error", emulator.injected_error(status)
            intervention = "latency" if delay else None
        else:
            intervention = None
        try:
            emulator.spec.authenticate(request, emulator.token)
        except VendorError as exc:
            return intervention, exc
        return intervention, None


def route_of(request: Request) -> str | None:
    """The matched route as ``METHOD /template``, e.g. ``GET /destinations/{destinationId}``."""
    route: str | None = request.scope.get(ROUTE_KEY)
    return route


def _route_template(scope: Scope) -> str | None:
    # Resolved before the router runs, so rate limits can match on it and the log can name the
    # route even of calls that a fault or a limit answered.
    for route in scope["app"].router.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            path = getattr(route, "path", None)
            return f"{scope['method']} {path}" if path is not None else None
    return None


class _Corrupter:
    """A ``send`` that holds the handler's reply until its last byte, then sends it corrupted.

    Replies the corruption does not accept (event streams; non-JSON for the field kinds) are
    passed through as they come.
    """

    def __init__(self, corruption: Corruption, send: Send, vendor_error: Callable[[], tuple[bytes, str]]) -> None:
        self.corruption = corruption
        self.send = send
        self.vendor_error = vendor_error
        self.start: Message | None = None
        self.chunks: list[bytes] = []
        self.passing = False
        #: the corruption's kind once it changed the reply
        self.applied: str | None = None

    async def __call__(self, message: Message) -> None:
        if self.passing:
            await self.send(message)
            return
        if message["type"] == "http.response.start":
            if not self.corruption.accepts(_header(message, b"content-type") or ""):
                self.passing = True
                await self.send(message)
                return
            self.start = message
            return
        if message["type"] != "http.response.body" or self.start is None:
            await self.send(message)
            return
        self.chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        start, body = self.start, b"".join(self.chunks)
        self.start, self.chunks = None, []
        reply = self.corruption.apply(start["status"], body, self.vendor_error)
        if reply is not None:
            self.applied = self.corruption.kind
            headers = _set_header(list(start.get("headers", [])), b"content-length", str(len(reply.body)).encode())
            if reply.content_type is not None:
                headers = _set_header(headers, b"content-type", reply.content_type.encode("latin-1"))
            start = {**start, "status": reply.status, "headers": headers}
            body = reply.body
        await self.send(start)
        await self.send({"type": "http.response.body", "body": body, "more_body": False})


def _header(message: Message, name: bytes) -> str | None:
    for key, value in message.get("headers", []):
        if bytes(key).lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _set_header(headers: list[tuple[bytes, bytes]], name: bytes, value: bytes) -> list[tuple[bytes, bytes]]:
    return [*((k, v) for k, v in headers if bytes(k).lower() != name), (name, value)]


def _with_headers(send: Send, headers: dict[str, str]) -> Send:
    if not headers:
        return send
    encoded = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start" and 200 <= message["status"] < 300:
            message = {**message, "headers": [*message.get("headers", []), *encoded]}
        await send(message)

    return wrapped
