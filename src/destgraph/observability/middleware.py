"""The ASGI middleware of logs, traces and request metrics, as ``create_app`` registers it.

Order, outermost first::

    ServerSpans            (only when tracing) the server span, opentelemetry-instrumentation-asgi
    RequestObservation     the request id, the access line, the request metrics
    BodySizeLimit, ApiKeyAuth          (app.py)
    AuthenticatedRequest   inside the auth: the request id and the key's name into the request

``RequestObservation`` takes the client's ``X-Request-Id`` when it is short and safe (else makes
one), answers it in the response's ``X-Request-Id``, binds it (structlog contextvars) for every line
logged meanwhile, and opens the ``RequestRecord`` the upstream client and the GraphQL extension
read. When the answer is sent it writes one access line, whatever answered: the GraphQL view, a
401 of the auth, a 413 of the body limit, a route's own answer, or an unexpected exception (then
logged with its traceback, here on the server only).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import structlog
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from destgraph.adapters.accounting import CallAccounting
from destgraph.observability import tracing
from destgraph.observability.context import REQUEST_ID_HEADER, RequestRecord, accept_request_id, current, serving
from destgraph.observability.graphql import operation_fields
from destgraph.observability.logging import add_secrets, configure_logging, log

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from destgraph.services.gateway import Gateway

logger = logging.getLogger("destgraph.access")

#: where the request id lives in the ASGI scope (the GraphQL view reads it for Context.request_id)
REQUEST_ID_SCOPE_KEY = "destgraph.request_id"
#: probes and scrapes: their access lines are debug unless they fail
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
#: an error answer's body is read for its codes up to this size
_MAX_ERROR_BODY = 64 * 1024
_REQUEST_ID_HEADER = REQUEST_ID_HEADER.lower().encode()
#: the status logged for a request whose client went away before any answer (nginx's convention)
CLIENT_CLOSED = 499


def install(app: Starlette, gateway: Gateway, environ: Mapping[str, str] | None = None) -> None:
    """Register the outer middleware (call it after the app's own middleware is added) and set up
    what the environment asks for: JSON logs with ``DESTGRAPH_LOG_FORMAT=json`` (at
    ``DESTGRAPH_LOG_LEVEL``, default info), traces with the OTEL_* variables."""
    env = os.environ if environ is None else environ
    if env.get("DESTGRAPH_LOG_FORMAT", "").lower() == "json":
        configure_logging(env.get("DESTGRAPH_LOG_LEVEL", "info"))
    add_secrets(ws.token.get_secret_value() for ws in gateway.settings.workspaces)
    app.add_middleware(RequestObservation, accounting=gateway.accounting)
    if tracing.configure_from_env(environ):
        app.add_middleware(ServerSpans)


class AuthenticatedRequest:
    """Inside the auth: the request keeps the id RequestObservation chose (the auth would set its
    own), and the API key's name (never the key) joins the request's record and log context."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        record = current()
        if record is None or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        scope[REQUEST_ID_SCOPE_KEY] = record.request_id
        principal = scope.get("destgraph.principal")
        name = getattr(principal, "name", None)
        if not isinstance(name, str):
            await self.app(scope, receive, send)
            return
        record.key_name = name
        tokens = structlog.contextvars.bind_contextvars(key_name=name)
        try:
            await self.app(scope, receive, send)
        finally:
            structlog.contextvars.reset_contextvars(**tokens)


class _Answer:
    """What RequestObservation saw of the answer going out."""

    def __init__(self) -> None:
        self.status: int | None = None
        self.capture = False
        self.body = bytearray()
        self.close_code: int | None = None


class RequestObservation:
    def __init__(self, app: ASGIApp, accounting: CallAccounting) -> None:
        self.app = app
        self.accounting = accounting

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = accept_request_id(Headers(scope=scope).get(REQUEST_ID_HEADER))
        scope[REQUEST_ID_SCOPE_KEY] = request_id
        record = RequestRecord(request_id=request_id, kind=scope["type"])
        answer = _Answer()
        raw_id = request_id.encode()

        async def observed_send(message: Message) -> None:
            kind = message["type"]
            if kind in ("http.response.start", "websocket.accept"):
                if kind == "http.response.start":
                    answer.status = message["status"]
                    content_type = Headers(raw=list(message.get("headers", []))).get("content-type", "")
                    answer.capture = answer.status >= 400 and "json" in content_type
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != _REQUEST_ID_HEADER]
                message = {**message, "headers": [*headers, (_REQUEST_ID_HEADER, raw_id)]}
            elif kind == "http.response.body" and answer.capture and len(answer.body) < _MAX_ERROR_BODY:
                answer.body += message.get("body", b"")
            elif kind == "websocket.close":
                answer.close_code = message.get("code", 1000)
            await send(message)

        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        failure: BaseException | None = None
        try:
            with serving(record):
                await self.app(scope, receive, observed_send)
        except BaseException as exc:
            failure = exc
            raise
        finally:
            try:
                self._finish(scope, record, answer, time.perf_counter() - started, failure)
            finally:
                structlog.contextvars.reset_contextvars(**tokens)

    def _finish(
        self, scope: Scope, record: RequestRecord, answer: _Answer, seconds: float, failure: BaseException | None
    ) -> None:
        path = scope.get("path", "")
        cancelled = isinstance(failure, asyncio.CancelledError)
        status = answer.status
        if status is None and scope["type"] == "http":
            # no answer: an exception (500, as ServerErrorMiddleware answers it), or the client left
            # and the view stopped (cancelled, or _DisconnectWatch returning with nobody to answer)
            status = 500 if failure is not None and not cancelled else CLIENT_CLOSED
        fields: dict[str, Any] = {
            "method": scope.get("method", "GET") if scope["type"] == "http" else "WEBSOCKET",
            "path": path,
            "status": status,
            "duration_ms": round(seconds * 1000, 3),
            "key_name": record.key_name,
        }
        if scope["type"] == "websocket":
            fields["close_code"] = answer.close_code
            fields["operations"] = len(record.operations)
        fields.update(operation_fields(record.operations) if scope["type"] == "http" else {})
        codes = _codes_of(bytes(answer.body)) if answer.capture else []
        if scope["type"] == "http" and not record.operations and status is not None and status >= 400:
            fields.update(outcome="error", error_codes=codes)
        elif scope["type"] == "http" and not record.operations:
            fields["outcome"] = "ok"
        fields["upstream_calls"] = sum(record.upstream.values())
        fields["upstream_calls_by_provider"] = dict(sorted(record.upstream.items()))
        level = logging.INFO
        if status is not None and status >= 500:
            level = logging.ERROR
        elif path in QUIET_PATHS and (status is None or status < 400):
            level = logging.DEBUG
        exc_info = failure if failure is not None and not cancelled and status == 500 else None
        if logger.isEnabledFor(level):
            logger.log(level, "request", exc_info=exc_info, extra={"destgraph": fields})
        if scope["type"] == "http" and path.startswith("/graphql"):
            self._count(record, fields, codes, status, seconds)

    def _count(
        self, record: RequestRecord, fields: dict[str, Any], codes: list[str], status: int | None, seconds: float
    ) -> None:
        if record.operations:
            operation = fields.get("operation_name")
            operation_type = fields.get("operation_type")
        elif status is not None and status >= 400:
            # refused before any operation ran (401, 413, a body that is not GraphQL): its codes are
            # counted here, an operation's by the GraphQL extension
            self.accounting.graphql_errors(codes)
            operation, operation_type = None, None
        else:
            return  # the GraphiQL page: no GraphQL request
        self.accounting.request(
            operation=operation, operation_type=operation_type, outcome=fields["outcome"], seconds=seconds
        )


def _codes_of(body: bytes) -> list[str]:
    """The extensions.code of each error of a GraphQL error answer (nothing for another body)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return []
    errors = payload.get("errors") if isinstance(payload, dict) else None
    codes = []
    for error in errors if isinstance(errors, list) else []:
        extensions = error.get("extensions") if isinstance(error, dict) else None
        code = extensions.get("code") if isinstance(extensions, dict) else None
        codes.append(code if isinstance(code, str) and len(code) <= 64 else "UNKNOWN")
    return codes


# -- server spans -----------------------------------------------------------------------------------

#: the query string, kept aside while the instrumentation looks at the request
_HIDDEN_QUERY = "destgraph.hidden_query_string"
#: default OTEL_PYTHON_ASGI_EXCLUDED_URLS: probes and scrapes make no traces
DEFAULT_EXCLUDED_URLS = "/healthz$,/readyz$,/metrics$"
#: headers never recorded, whatever OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SERVER_REQUEST asks
SANITIZED_HEADERS = [".*authorization.*", ".*cookie.*", ".*api[-_]?key.*", ".*token.*", ".*secret.*"]


class ServerSpans:
    """The server span of each request (opentelemetry-instrumentation-asgi), which never sees the
    query string: a GraphQL GET carries its variables there, and the instrumentation would record
    it in ``http.url`` / ``url.query``. Captured headers are sanitized as SANITIZED_HEADERS says."""

    def __init__(self, app: ASGIApp) -> None:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
        from opentelemetry.util.http import get_excluded_urls, parse_excluded_urls

        excluded = get_excluded_urls("ASGI") if _excluded_urls_configured() else None
        sanitize = os.environ.get("OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SANITIZE_FIELDS", "").split(",")
        # typed as any ASGI app: older instrumentation releases annotate their scope as a dict
        instrumented = OpenTelemetryMiddleware(
            _QueryRestored(app),
            excluded_urls=excluded if excluded is not None else parse_excluded_urls(DEFAULT_EXCLUDED_URLS),
            tracer_provider=tracing.provider(),
            http_capture_headers_sanitize_fields=[*SANITIZED_HEADERS, *(f.strip() for f in sanitize if f.strip())],
            exclude_spans=["receive", "send"],
        )
        self.app = cast(ASGIApp, instrumented)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = {**scope, "query_string": b"", _HIDDEN_QUERY: scope.get("query_string", b"")}
        await self.app(scope, receive, send)


def _excluded_urls_configured() -> bool:
    return bool(os.environ.get("OTEL_PYTHON_ASGI_EXCLUDED_URLS") or os.environ.get("OTEL_PYTHON_EXCLUDED_URLS"))


class _QueryRestored:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _HIDDEN_QUERY in scope:
            scope = {k: v for k, v in scope.items() if k != _HIDDEN_QUERY} | {"query_string": scope[_HIDDEN_QUERY]}
        await self.app(scope, receive, send)


__all__ = ["AuthenticatedRequest", "RequestObservation", "ServerSpans", "install", "log"]
