"""Pure-ASGI middleware that wraps every emulator: request log, faults, auth and rate limits.

Outermost first: ``EmulatorMiddleware`` logs the call, applies the fault plan, checks the
vendor's credentials and rate limits, then lets the vendor's routes answer. Calls to ``/`` and to
the control API skip all of it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from destgraph.emulators.core.errors import VendorError
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
                    await self.app(scope, receive, _with_headers(send_and_record, extra))
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
                )
            )

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


def _with_headers(send: Send, headers: dict[str, str]) -> Send:
    if not headers:
        return send
    encoded = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start" and 200 <= message["status"] < 300:
            message = {**message, "headers": [*message.get("headers", []), *encoded]}
        await send(message)

    return wrapped
