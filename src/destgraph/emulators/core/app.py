"""Build one emulator: a vendor's routes, state and errors, wrapped in the shared core.

State is built here, in the factory, not in a lifespan: httpx's ASGITransport does not run
lifespans, and tests drive emulators through it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import format_datetime

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import Receive, Scope, Send

from destgraph.emulators.core.clock import Clock
from destgraph.emulators.core.control import control_routes
from destgraph.emulators.core.errors import VendorError
from destgraph.emulators.core.faults import FaultPlan, ReplyLost
from destgraph.emulators.core.middleware import EmulatorMiddleware, mark_raised, quiet_lost_replies
from destgraph.emulators.core.ratelimit import RateDecision, RateLimiter
from destgraph.emulators.core.requestlog import RequestLog
from destgraph.emulators.core.seeding import SeededRandom, SeedOptions
from destgraph.emulators.core.spec import VendorSpec, VendorState

logger = logging.getLogger("destgraph.emulators")

DEFAULT_TOKEN = "emulator-token"


class Emulator:
    """The running emulator of one vendor: state, request log, fault plan, rate limits and clock."""

    def __init__(self, spec: VendorSpec, *, options: SeedOptions, token: str, clock: Clock) -> None:
        self.spec = spec
        #: what the emulator started with; reset returns to it whatever /seed did since
        self.initial_options = options
        self.options = options
        self.token = token
        self.clock = clock
        self.log = RequestLog()
        self.faults = FaultPlan()
        self.limiter = RateLimiter(spec.rate_limits(), clock)
        self.rng = SeededRandom(options.seed)
        #: ``slow`` calls still running in their own task, held here so they are not garbage-collected
        self.detached: set[asyncio.Future[None]] = set()
        with clock.pinned_for_seeding():
            self.state: VendorState = spec.new_state(options, clock)

    def reseed(self, options: SeedOptions | None = None) -> None:
        self.options = options or self.options
        with self.clock.pinned_for_seeding():
            self.state = self.spec.new_state(self.options, self.clock)

    def reset(self, *, empty: bool = False) -> None:
        """Back to how the emulator started: seeded state, empty log, no faults, limits on."""
        self.clock.reset()
        start = self.initial_options
        self.reseed(SeedOptions(seed=start.seed, destinations=0) if empty else start)
        self.log.clear()
        self.faults = FaultPlan()
        self.limiter.enabled = True
        self.limiter.reset()
        self.rng = SeededRandom(self.options.seed)

    def injected_error(self, status: int) -> VendorError:
        headers = {}
        if status == 429 or (status == 503 and self.faults.retry_after > 0):
            headers["Retry-After"] = str(self.faults.retry_after)
        messages = {
            429: "Too many requests",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
            504: "Gateway Timeout",
        }
        extra = {"ms_before_next": self.faults.retry_after * 1000} if status == 429 else {}
        return VendorError(status, messages[status], headers=headers, extra=extra)

    def rate_limited_error(self, decision: RateDecision) -> VendorError:
        wait_ms = max(0, int((decision.reset_at - self.clock.time()) * 1000))
        return VendorError(
            429,
            "Too many requests",
            kind="rate_limited",
            headers={"Retry-After": str(decision.retry_after)},
            extra={
                "ms_before_next": wait_ms,
                "remaining_points": decision.remaining,
                "consumed_points": decision.consumed,
                "rule": decision.rule.name if decision.rule else None,
            },
        )

    def success_headers(self, decision: RateDecision) -> dict[str, str]:
        if self.spec.rate_limit_headers is None:
            return {}
        return self.spec.rate_limit_headers(decision)

    async def respond_error(self, error: VendorError, scope: Scope, receive: Receive, send: Send) -> None:
        response = self.render(error)
        await response(scope, receive, send)

    def render(self, error: VendorError) -> Response:
        response = self.spec.render_error(error)
        for name, value in error.headers.items():
            response.headers[name] = value
        return response


def rfc5322(epoch_seconds: float) -> str:
    return format_datetime(datetime.fromtimestamp(epoch_seconds, tz=UTC), usegmt=True)


def create_emulator_app(
    spec: VendorSpec,
    *,
    options: SeedOptions | None = None,
    token: str = DEFAULT_TOKEN,
    clock: Clock | None = None,
    rate_limits: bool = True,
) -> Starlette:
    """A Starlette app that answers like ``spec``'s vendor, seeded with ``options``."""
    emulator = Emulator(spec, options=options or SeedOptions(), token=token, clock=clock or Clock())
    emulator.limiter.enabled = rate_limits
    quiet_lost_replies()

    async def index(request: Request) -> Response:
        return JSONResponse(
            {
                "emulator": spec.name,
                "title": spec.title,
                "control": "/_emulator/",
                "openapi": "/_emulator/openapi.json",
                "notes": list(spec.notes),
            }
        )

    async def vendor_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, VendorError)
        mark_raised(request.scope)
        return emulator.render(exc)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        mark_raised(request.scope)
        if exc.status_code == 404:
            message = f"No route for {request.method} {request.url.path}"
        elif exc.status_code == 405:
            message = f"Method {request.method} is not allowed on {request.url.path}"
        else:
            message = exc.detail
        return emulator.render(VendorError(exc.status_code, message, headers=exc.headers))

    async def unexpected_error(request: Request, exc: Exception) -> Response:
        # The stack trace goes to the emulator's log, never into the response. A reply that an
        # after_commit fault lost on purpose is no error to log; its head is out, so this 500
        # is not sent either.
        if not isinstance(exc, ReplyLost):
            logger.error("unhandled error in %s emulator", spec.name, exc_info=exc)
        return emulator.render(VendorError(500, "Internal Server Error"))

    app = Starlette(
        routes=[
            Route("/", index, methods=["GET", "HEAD"]),
            Mount("/_emulator", routes=control_routes()),
            *spec.routes,
        ],
        middleware=[Middleware(EmulatorMiddleware, emulator=emulator)],
        exception_handlers={
            VendorError: vendor_error,
            HTTPException: http_error,
            Exception: unexpected_error,
        },
    )
    # Vendors answer a trailing-slash path with their own 404, not a redirect.
    app.router.redirect_slashes = False
    app.state.emulator = emulator
    return app
