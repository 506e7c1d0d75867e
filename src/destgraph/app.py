"""create_app(settings) -> Starlette: the GraphQL endpoint, health, metrics, auth and limits."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
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
        if isinstance(request, WebSocket):
            kind = "connection"
        else:
            # a subscription over HTTP streams its answer (multipart or server-sent events)
            accept = request.headers.get("accept", "").lower()
            kind = "stream" if "subscriptionspec" in accept or "text/event-stream" in accept else "request"
        context = self._context(principal, request.scope.get("destgraph.request_id", ""), kind=kind)
        # Cache-Control: no-cache asks for reads from the vendors, not the read cache (automation
        # that checks state before acting, a user's "refresh").
        cache_control = "" if isinstance(request, WebSocket) else request.headers.get("cache-control", "").lower()
        context.scope.fresh_reads = "no-cache" in cache_control or "no-store" in cache_control
        return context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        watch = _DisconnectWatch(scope, receive, _coded_plain_errors(scope, receive, send))
        await watch.run(super().__call__)

    def _context(self, principal: Principal, request_id: str, *, kind: str = "request") -> Context:
        """``kind``: a ``request`` answers within request_deadline_seconds; a ``stream`` (an HTTP
        subscription) and a websocket ``connection`` run as long as their client listens."""
        session = self.gateway.session(principal)
        scope: CallScope
        if kind == "connection":
            scope = _ConnectionScope(caller=principal.name)
        elif kind == "stream":
            scope = CallScope(caller=principal.name)
        else:
            deadline = time.monotonic() + self.gateway.settings.gateway.request_deadline_seconds
            scope = CallScope(caller=principal.name, deadline=deadline)
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
        fresh = self._context(Principal.from_api_key(key), context.request_id, kind="connection")
        context.session, context.loaders, context.scope = fresh.session, fresh.loaders, fresh.scope
        return None

    async def render_graphql_ide(self, request: Request) -> Response:
        from starlette.responses import HTMLResponse

        assets = self.gateway.settings.gateway.graphiql_assets_url
        return HTMLResponse(graphiql_page(self.graphql_ide_html, self._graphiql_headers, assets_url=assets))


class _ConnectionScope(CallScope):
    """The scope of a websocket connection, which all its operations share (Strawberry makes one
    context per connection): no deadline, since its subscriptions stream as long as the client
    listens, and never closed by one operation ending, or the next could call no vendor. Closing the
    connection cancels the operations still running."""

    @property
    def closed(self) -> bool:
        return False

    @closed.setter
    def closed(self, value: bool) -> None:
        pass


class _DisconnectWatch:
    """Runs the GraphQL view for one HTTP request and cancels it when the client goes away before
    the answer is whole (``http.disconnect``): the upstream calls it was making stop with it, and
    its scope closes, so no call starts for it after (a GET in flight that other requests may have
    joined runs to its end). A request holding a mutation runs to its end regardless: a write cut
    mid-flight would leave its outcome unknown and its idempotencyKey free for a duplicate.

    The watch reads ``receive`` once the request body was read whole (at once for a GET, which has
    none), and hands the view whatever it reads there, so the two never compete for a message.
    """

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._scope = scope
        self._receive = receive
        self._send = send
        self._body = bytearray()
        self._messages: asyncio.Queue[Message | Exception] = asyncio.Queue()
        self._watcher: asyncio.Task[None] | None = None
        self._handler: asyncio.Task[None] | None = None
        self._answered = False
        self._gone = False

    async def run(self, app: ASGIApp) -> None:
        scope = self._scope
        handler = self._handler = asyncio.ensure_future(app(scope, self.receive, self.send))
        if scope.get("method") in ("GET", "HEAD"):
            self._watch()
        try:
            await asyncio.wait({handler})
        finally:
            handler.cancel()  # a no-op once it is done; else the server is cancelling us
            if self._watcher is not None:
                self._watcher.cancel()
        if handler.cancelled() and self._gone:
            return  # nobody is left to answer
        handler.result()

    async def receive(self) -> Message:
        if self._watcher is None:
            message = await self._receive()
            if message["type"] == "http.request":
                self._body += message.get("body", b"")
                if not message.get("more_body", False):
                    self._watch()
            return message
        if self._gone and self._messages.empty():
            return {"type": "http.disconnect"}
        item = await self._messages.get()
        if isinstance(item, Exception):
            raise item
        return item

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            self._answered = True
        await self._send(message)

    def _watch(self) -> None:
        if self._watcher is None:
            self._watcher = asyncio.ensure_future(self._watching())

    async def _watching(self) -> None:
        while True:
            try:
                message = await self._receive()
            except Exception as exc:  # the view meets it on its next read
                await self._messages.put(exc)
                return
            await self._messages.put(message)
            if message["type"] == "http.disconnect":
                self._gone = True
                if (
                    not self._answered
                    and self._handler is not None
                    and not _holds_mutation(self._scope, bytes(self._body))
                ):
                    self._handler.cancel()
                return


def _holds_mutation(scope: Scope, body: bytes) -> bool:
    """Whether a GraphQL request may write: a mutation in its document, or a body not read here."""
    if scope.get("method") in ("GET", "HEAD"):
        return False  # mutations are refused over GET
    try:
        payload = json.loads(body)
    except ValueError:
        return True
    query = payload.get("query") if isinstance(payload, dict) else None
    if not isinstance(query, str):
        return True
    try:
        document = parse(query)
    except GraphQLError:
        return False  # it runs nothing
    return any(
        isinstance(node, OperationDefinitionNode) and node.operation is OperationType.MUTATION
        for node in document.definitions
    )


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
