"""create_app(settings) -> Starlette: the GraphQL endpoint, health, metrics, auth and limits."""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError

from destgraph.adapters.scope import CallScope
from destgraph.config import Settings
from destgraph.schema.context import Context
from destgraph.schema.graphiql import graphiql_page
from destgraph.schema.loaders import Loaders
from destgraph.schema.schema import build_schema
from destgraph.services.gateway import Gateway, Principal

logger = logging.getLogger("destgraph")
NOBODY = Principal(name="anonymous", scopes=frozenset(), visible=frozenset())


class GraphQLEndpoint(GraphQL[Context, None]):
    """Strawberry's ASGI view with our context, auth and GraphiQL page."""

    def __init__(self, gateway: Gateway, *, graphiql_headers: Mapping[str, str] | None = None) -> None:
        options = gateway.settings.gateway
        super().__init__(build_schema(options), graphql_ide="graphiql" if options.graphiql else None)
        self.gateway = gateway
        self._graphiql_headers = dict(graphiql_headers or {})

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        # Without a key only the GraphiQL page is served, and a websocket may still present one in
        # its connection_init payload (on_ws_connect); until then it sees nothing.
        principal = request.scope.get("destgraph.principal") or NOBODY
        return self._context(principal, request.scope.get("destgraph.request_id", ""))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        await super().__call__(scope, receive, _coded_plain_errors(scope, receive, send))

    def _context(self, principal: Principal, request_id: str) -> Context:
        session = self.gateway.session(principal)
        scope = CallScope(caller=principal.name)
        return Context(session=session, loaders=Loaders.for_session(session), request_id=request_id, scope=scope)

    async def on_ws_connect(self, context: Context) -> None:
        """Authenticate a websocket by its connection_init payload when its upgrade carried no key."""
        if context.session.principal is not NOBODY:
            return None
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization") or ""
        scheme, _, presented = str(header).partition(" ")
        key = self.gateway.settings.authenticate(presented.strip()) if scheme.lower() == "bearer" else None
        if key is None:
            raise ConnectionRejectionError({"message": "A valid API key is required", "code": "UNAUTHENTICATED"})
        fresh = self._context(Principal.from_api_key(key), context.request_id)
        context.session, context.loaders = fresh.session, fresh.loaders
        return None

    async def render_graphql_ide(self, request: Request) -> Response:
        from starlette.responses import HTMLResponse

        assets = self.gateway.settings.gateway.graphiql_assets_url
        return HTMLResponse(graphiql_page(self.graphql_ide_html, self._graphiql_headers, assets_url=assets))


class ApiKeyAuth:
    """Bearer API keys on /graphql; the GraphiQL page itself (a GET for HTML) needs none."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not scope["path"].startswith("/graphql"):
            await self.app(scope, receive, send)
            return
        scope["destgraph.request_id"] = uuid.uuid4().hex[:16]
        headers = Headers(scope=scope)
        if scope["type"] == "http" and scope["method"] == "GET" and "text/html" in headers.get("accept", ""):
            await self.app(scope, receive, send)
            return
        header = headers.get("authorization", "")
        scheme, _, presented = header.partition(" ")
        key = self.settings.authenticate(presented.strip()) if scheme.lower() == "bearer" and presented else None
        if key is None and scope["type"] == "websocket" and not header:
            # Browsers cannot set headers on a websocket: the key comes in connection_init instead.
            await self.app(scope, receive, send)
            return
        if key is None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 4401})
                return
            response = _graphql_error(
                401, "A valid API key is required: Authorization: Bearer <key>", "UNAUTHENTICATED"
            )
            await response(scope, receive, send)
            return
        scope["destgraph.principal"] = Principal.from_api_key(key)
        await self.app(scope, receive, send)


class BodySizeLimit:
    """Refuse request bodies over the configured size before reading them whole."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _graphql_error(413, f"Request body over {self.max_bytes} bytes", "BAD_REQUEST")(scope, receive, send)
            return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _graphql_error(413, f"Request body over {self.max_bytes} bytes", "BAD_REQUEST")(scope, receive, send)


def _coded_plain_errors(scope: Scope, receive: Receive, send: Send) -> Send:
    """Strawberry answers a request it cannot read (bad JSON, no query) in plain text; turn that
    answer into the GraphQL error shape with a code, like every other error our clients get."""
    held: dict[str, Any] = {}

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            content_type = dict(message.get("headers", [])).get(b"content-type", b"")
            if message["status"] >= 400 and content_type.startswith(b"text/plain"):
                held["status"] = message["status"]
                held["body"] = b""
                return
        elif message["type"] == "http.response.body" and "status" in held:
            held["body"] += message.get("body", b"")
            if not message.get("more_body"):
                text = held["body"].decode("utf-8", "replace")
                await _graphql_error(held["status"], text, "BAD_REQUEST")(scope, receive, send)
            return
        await send(message)

    return wrapped


class _TooLarge(Exception):
    pass


def _graphql_error(status: int, message: str, code: str) -> JSONResponse:
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


def create_app(
    settings: Settings,
    *,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    graphiql_headers: Mapping[str, str] | None = None,
) -> Starlette:
    """The gateway as an ASGI app. ``transports`` (by workspace key) lets tests reach emulators in process."""
    gateway = Gateway(settings, transports=transports)
    endpoint = GraphQLEndpoint(gateway, graphiql_headers=graphiql_headers)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        from destgraph.services import workspaces

        session = gateway.session(Principal(name="readyz", scopes=frozenset({"read"}), visible=None))
        report = {}
        for ws in settings.workspaces:
            health = await workspaces.health(session, ws.key)
            report[ws.key] = health.status.value
        ready = all(status != "UNREACHABLE" for status in report.values())
        return JSONResponse({"ready": ready, "workspaces": report}, status_code=200 if ready else 503)

    async def metrics(request: Request) -> Response:
        return PlainTextResponse(generate_latest(gateway.accounting.registry), media_type=CONTENT_TYPE_LATEST)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await gateway.aclose()

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/graphql", endpoint, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", endpoint),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(ApiKeyAuth, settings=settings)
    app.add_middleware(BodySizeLimit, max_bytes=settings.gateway.max_body_bytes)
    app.state.gateway = gateway
    return app


__all__ = ["create_app", "json"]
