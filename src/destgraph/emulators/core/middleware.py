"""Pure-ASGI middleware that wraps every emulator: request log, faults, auth and rate limits.

Outermost first: ``EmulatorMiddleware`` logs the call, applies the fault plan, checks the
vendor's credentials and rate limits, then lets the vendor's routes answer; a ``corrupt`` fault
then mangles what the routes answered (buffered, so Content-Length can follow the new body;
server-sent-event streams pass untouched), and an ``after_commit`` fault acts once the routes
answered: it holds their whole reply and loses it (``drop``), sends it late (``stall``) or answers
an error instead (``status``); a ``slow`` call runs its wait and its handler in a task the
caller's cancellation does not reach. Calls to ``/`` and to the control API skip all of it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from destgraph.emulators.core.errors import VendorError
from destgraph.emulators.core.faults import AfterCommit, Corruption, ReplyLost
from destgraph.emulators.core.requestlog import LoggedRequest

if TYPE_CHECKING:
    from destgraph.emulators.core.app import Emulator

logger = logging.getLogger("destgraph.emulators")

CONTROL_PREFIX = "/_emulator"
ROUTE_KEY = "destgraph.emulator.route"
#: the call being answered, for the app's exception handlers to mark that the handler raised
CALL_KEY = "destgraph.emulator.call"


def is_vendor_call(path: str) -> bool:
    return path != "/" and not path.startswith(CONTROL_PREFIX)


def mark_raised(scope: Scope) -> None:
    """Note that the vendor's handler raised (and an exception handler answered for it)."""
    call = scope.get(CALL_KEY)
    if isinstance(call, _Call):
        call.raised = True


class QuietLostReplies(logging.Filter):
    """Drops the server's "Exception in ASGI application" record of a reply lost on purpose.

    uvicorn logs a traceback for every app that raises after starting its reply; a ``drop``
    fault does so by design, and the request log already tells of it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ReplyLost)


QUIET_LOST_REPLIES = QuietLostReplies()


def quiet_lost_replies() -> None:
    """Install ``QuietLostReplies`` on uvicorn's error logger (once; it survives uvicorn's dictConfig)."""
    logging.getLogger("uvicorn.error").addFilter(QUIET_LOST_REPLIES)


class _Call:
    """One vendor call as the middleware follows it; written to the request log once, at its end."""

    def __init__(self, emulator: Emulator, scope: Scope, send: Send) -> None:
        self.emulator = emulator
        self.scope = scope
        self.seq = emulator.log.next_seq()
        self.started = emulator.clock.time()
        self.route = _route_template(scope)
        #: the status sent to the client
        self.status = 500
        #: the status the handler answered, when an after_commit fault held its reply
        self.answered: int | None = None
        self.intervention: str | None = None
        self.corrupter: _Corrupter | None = None
        self.after_commit: str | None = None
        self.applied = False
        #: set through ``mark_raised`` when the handler raised a vendor error
        self.raised = False
        #: the client's task was cancelled: nothing more is sent to it
        self.gone = False
        self._send = send

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        if not self.gone:
            await self._send(message)

    def record(self) -> None:
        scope = self.scope
        self.emulator.log.append(
            LoggedRequest(
                seq=self.seq,
                method=scope["method"],
                path=scope["path"],
                route=self.route,
                query=scope.get("query_string", b"").decode("latin-1"),
                status=self.answered if self.answered is not None else self.status,
                started_at=self.started,
                ended_at=self.emulator.clock.time(),
                intervention=self.intervention,
                corrupted=self.corrupter.applied if self.corrupter else None,
                applied=self.applied,
                after_commit=self.after_commit,
            )
        )


class EmulatorMiddleware:
    def __init__(self, app: ASGIApp, emulator: Emulator) -> None:
        self.app = app
        self.emulator = emulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_vendor_call(scope["path"]):
            await self.app(scope, receive, send)
            return

        emulator = self.emulator
        plan = emulator.faults
        corruption = plan.corrupt if plan.corrupt and plan.applies_to(scope["method"], scope["path"]) else None
        call = _Call(emulator, scope, send)
        scope[ROUTE_KEY] = call.route
        detached = False
        try:
            request = Request(scope, receive)
            call.intervention, early = await self._intervene(request)
            if early is not None:
                await emulator.respond_error(early, scope, receive, call.send)
                return
            decision = emulator.limiter.check(request)
            if not decision.allowed:
                call.intervention = "rate_limited"
                await emulator.respond_error(emulator.rate_limited_error(decision), scope, receive, call.send)
                return
            extra = emulator.success_headers(decision)
            fault = plan.take_after_commit(scope["method"], scope["path"], emulator.rng)
            call.after_commit = fault.kind if fault else None
            if fault is not None and fault.kind == "slow":
                detached = True
                await self._detach(call, fault, corruption, receive, extra)
            else:
                await self._handle(call, fault, corruption, receive, extra)
        finally:
            if not detached:
                call.record()

    async def _handle(
        self,
        call: _Call,
        fault: AfterCommit | None,
        corruption: Corruption | None,
        receive: Receive,
        extra: dict[str, str],
    ) -> None:
        """Let the vendor's routes answer, then apply the ``after_commit`` fault to the reply."""
        scope = call.scope
        held = _Held() if fault is not None and fault.kind in ("drop", "status") else None
        reply: Send = held if held is not None else call.send
        if corruption is not None:
            reply = call.corrupter = _Corrupter(corruption, reply, self._vendor_500)
        scope[CALL_KEY] = call
        await self.app(scope, receive, _with_headers(reply, extra))
        call.applied = not call.raised
        if fault is None or held is None or held.start is None:
            return
        call.answered = held.start["status"]
        if fault.kind == "status":
            assert fault.status is not None
            error = self.emulator.injected_error(fault.status)
            await self.emulator.respond_error(error, scope, receive, call.send)
        elif fault.mode == "stall":
            assert fault.stall_ms is not None
            await asyncio.sleep(fault.stall_ms / 1000)
            for message in held.messages:
                await call.send(message)
        else:
            start, length = held.start, held.body_length()
            if _header(start, b"content-length") is None:
                headers = _set_header(list(start.get("headers", [])), b"content-length", str(length).encode())
                start = {**start, "headers": headers}
            await call.send(start)
            raise ReplyLost(
                "peer closed connection without sending complete message body "
                f"(received 0 bytes, expected {_header(start, b'content-length')}): "
                "the emulator's after_commit drop/close fault lost the reply of a call it applied"
            )

    async def _detach(
        self,
        call: _Call,
        fault: AfterCommit,
        corruption: Corruption | None,
        receive: Receive,
        extra: dict[str, str],
    ) -> None:
        """A ``slow`` call: the wait and the handler run in a task shielded from the caller.

        The request body is read first, so the handler has it even if the client went away.
        The task logs the call when the handler is done; after the caller was cancelled, the
        reply goes nowhere.
        """
        assert fault.delay_ms is not None
        delay = fault.delay_ms / 1000

        async def run() -> None:
            try:
                replay = _replaying(await _read_request(receive), receive, call)
                await asyncio.sleep(delay)
                await self._handle(call, None, corruption, replay, extra)
            finally:
                call.record()

        task = asyncio.ensure_future(run())
        self.emulator.detached.add(task)
        task.add_done_callback(lambda done: self._detached_done(call, done))
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            call.gone = True
            raise

    def _detached_done(self, call: _Call, task: asyncio.Future[None]) -> None:
        self.emulator.detached.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None and call.gone:
            # Nobody awaits the call any more, so nobody else would report it.
            logger.error(
                "unhandled error in %s emulator after its client went away", self.emulator.spec.name, exc_info=exc
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


async def _read_request(receive: Receive) -> list[Message]:
    """The request's messages up to the end of its body."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


def _replaying(messages: list[Message], receive: Receive, call: _Call) -> Receive:
    """A ``receive`` that answers ``messages`` first, then the client's own (a disconnect once it is gone)."""
    pending = deque(messages)

    async def replay() -> Message:
        if pending:
            return pending.popleft()
        if call.gone:
            return {"type": "http.disconnect"}
        return await receive()

    return replay


class _Held:
    """A ``send`` that keeps the handler's whole reply, for an ``after_commit`` fault to act on."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def __call__(self, message: Message) -> None:
        self.messages.append(message)

    @property
    def start(self) -> Message | None:
        return next((m for m in self.messages if m["type"] == "http.response.start"), None)

    def body_length(self) -> int:
        return sum(len(m.get("body", b"")) for m in self.messages if m["type"] == "http.response.body")


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
