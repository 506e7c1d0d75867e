"""create_app(settings) -> Starlette: the GraphQL endpoint, health, metrics, auth and limits."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from graphql import (
    GraphQLError,
    GraphQLFormattedError,
    InitialIncrementalExecutionResult,
    OperationDefinitionNode,
    OperationType,
    parse,
)
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.datastructures import Headers, QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ErrorMessage as TransportErrorMessage
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import CompleteMessage as LegacyCompleteMessage
from strawberry.subscriptions.protocols.graphql_ws.types import ErrorMessage as LegacyErrorMessage
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType as AllowedOperation

from destgraph.adapters.scope import CallScope
from destgraph.config import Settings
from destgraph.domain import jsonio
from destgraph.observability import middleware as observability
from destgraph.schema.context import Context
from destgraph.schema.graphiql import graphiql_asset_routes, graphiql_page
from destgraph.schema.loaders import Loaders
from destgraph.schema.persisted import (
    PersistedDocuments,
    PersistedQueryError,
    Resolved,
    document_hash,
    load_trusted_documents,
    not_in_list,
)
from destgraph.schema.schema import build_schema
from destgraph.services.gateway import Gateway, Principal
from destgraph.web import Compression, GatewayCORS, http_cache, incremental
from destgraph.web.accept import media_ranges

logger = logging.getLogger("destgraph")
NOBODY = Principal(name="anonymous", scopes=frozenset(), visible=frozenset())


async def _untrusted(view: object, query: object) -> GraphQLFormattedError | None:
    """The error of an operation trusted_only refuses over a websocket (the endpoint's documents)."""
    documents = getattr(view, "documents", None)
    if not isinstance(documents, PersistedDocuments) or not isinstance(query, str) or await documents.trusted(query):
        return None
    refused = not_in_list(document_hash(query))
    return {"message": refused.message, "extensions": {"code": refused.code.name}}


#: why a document with @defer or @stream is refused over a websocket
INCREMENTAL_OVER_HTTP = (
    "@defer and @stream are served over HTTP (POST or GET /graphql with Accept: multipart/mixed), not over a"
    " websocket, whose protocols carry one result per message"
)


async def _websocket_refusal(view: object, query: object) -> GraphQLFormattedError | None:
    """The error of an operation refused over a websocket before it runs: answers in parts (neither
    protocol can carry them), and what trusted_only refuses."""
    outline = getattr(view, "_outline", None)
    if isinstance(query, str) and callable(outline) and outline(query).incremental:
        return {"message": INCREMENTAL_OVER_HTTP, "extensions": {"code": "BAD_REQUEST"}}
    return await _untrusted(view, query)


class _TrustedTransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws, refusing the documents trusted_only refuses over HTTP, and answers in parts."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged:
            error = await _websocket_refusal(self.view, message["payload"].get("query"))
            if error is not None:
                await self.send_message(TransportErrorMessage(id=message["id"], type="error", payload=[error]))
                return
        await super().handle_subscribe(message)


class _TrustedGraphQLWS(BaseGraphQLWSHandler[Context, None]):
    """graphql-ws (the legacy protocol), refusing the documents trusted_only refuses over HTTP, and
    answers in parts. The protocol runs queries and mutations too (one data message, then
    complete), which Strawberry's handler would send to subscribe, and answer with an error."""

    async def handle_start(self, message: StartMessage) -> None:
        if self.connection_acknowledged:
            query = message["payload"].get("query")
            error = await _websocket_refusal(self.view, query)
            if error is not None:
                await self.send_message(LegacyErrorMessage(type="error", id=message["id"], payload=error))
                return
            if isinstance(query, str) and _runs_once(self.view, query, message["payload"].get("operationName")):
                await self._run_once(message)
                return
        await super().handle_start(message)

    async def _run_once(self, message: StartMessage) -> None:
        payload = message["payload"]
        result = await self.schema.execute(
            payload["query"],
            variable_values=payload.get("variables"),
            context_value=self.context,
            operation_name=payload.get("operationName"),
        )
        await self.send_data_message(result, message["id"])
        await self.send_message(LegacyCompleteMessage(type="complete", id=message["id"]))


def _runs_once(view: object, query: str, operation_name: object) -> bool:
    """Whether the document's operation is a query or a mutation (one result), not a subscription."""
    outline = getattr(view, "_outline", None)
    if not callable(outline):
        return False
    found: _Outline = outline(query)
    kinds = [kind for name, kind in found.operations if operation_name is None or name == operation_name]
    return len(kinds) == 1 and kinds[0] is not OperationType.SUBSCRIPTION


class GraphQLEndpoint(GraphQL[Context, None]):
    """Strawberry's ASGI view with our context, auth and GraphiQL page.

    Over HTTP it answers as the GraphQL-over-HTTP spec asks (graphql-http's audit passes whole):
    application/graphql-response+json when the client accepts it, application/json otherwise (and
    when Accept is absent or */*); a request that is not a GraphQL request (not JSON, not an object,
    not UTF-8, no query, parameters of the wrong type, variables nested too deeply, a URL over
    max_url_bytes, another method) is refused with a 4xx in the GraphQL error shape, code
    BAD_REQUEST; a GraphQL request error (syntax, validation, variable coercion, no operation to
    run, an unknown operationName) has no data, 400 with graphql-response+json and 200 with
    application/json. Mutations over GET are 405, subscriptions are for websockets. Documents may
    come by hash (automatic persisted queries, trusted documents: schema/persisted.py).

    A document with @defer or @stream answers in parts, as multipart/mixed, to a client whose Accept
    names it, and merged into one answer otherwise (destgraph.web.incremental). A query by GET whose
    answer came from the caches may be kept by the client (Cache-Control, ETag, 304); every other
    answer is no-store (destgraph.web.http_cache).
    """

    graphql_transport_ws_handler_class = _TrustedTransportWS
    graphql_ws_handler_class = _TrustedGraphQLWS
    #: documents outlined lately (their operations' names and types), by hash
    OUTLINES = 256

    def __init__(self, gateway: Gateway, *, graphiql_headers: Mapping[str, str] | None = None) -> None:
        options = gateway.settings.gateway
        super().__init__(build_schema(options), graphql_ide="graphiql" if options.graphiql else None)
        self.gateway = gateway
        self._graphiql_headers = dict(graphiql_headers or {})
        trusted = load_trusted_documents(Path(options.trusted_documents)) if options.trusted_documents else {}
        self.documents = PersistedDocuments(gateway.state.documents, trusted=trusted, trusted_only=options.trusted_only)
        self._outlines: OrderedDict[str, _Outline] = OrderedDict()

    def encode_json(self, data: object) -> bytes:
        return jsonio.dumps(data)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        # Strawberry asks this of websockets: HTTP requests get their context in _answer. A websocket
        # may present its key in its connection_init payload (on_ws_connect); until then it sees nothing.
        principal = request.scope.get("destgraph.principal") or NOBODY
        if isinstance(request, WebSocket):
            kind = "connection"
        else:
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
        await watch.run(self._serve_http)

    async def _serve_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """One GraphQL-over-HTTP request (Strawberry's websocket handling is kept as it is)."""
        request = Request(scope, receive)
        try:
            try:
                response = await self._answer(request)
            except _Refused as refused:
                response = refused.response
            await response(scope, receive, send)
        finally:
            # every part is sent (an answer in parts runs its operation while it is sent)
            context = scope.get("destgraph.context")
            if isinstance(context, Context):
                context.release()

    async def _answer(self, request: Request) -> Response:
        admitted = await self._admit(request)
        if isinstance(admitted, Response):
            return admitted
        principal, media = admitted
        return await self._run(request, principal, media)

    async def _admit(self, request: Request) -> Response | tuple[Principal, str]:
        """The caller and the media type to answer in, once the request may run; or the GraphiQL page."""
        scope = request.scope
        options = self.gateway.settings.gateway
        media = _negotiate(request.headers.get("accept"))
        if request.method not in ("GET", "POST"):
            raise _refused(
                405,
                f"GraphQL over HTTP takes GET (queries) and POST, not {request.method}",
                headers={"Allow": "GET, POST"},
                media=media,
            )
        url_bytes = len(scope["path"]) + len(scope.get("query_string", b""))
        if url_bytes > options.max_url_bytes:
            raise _refused(
                414, f"The URL is over {options.max_url_bytes} bytes: send the request in a POST body", media=media
            )
        principal = scope.get("destgraph.principal")
        wants_page = self.graphql_ide is not None and _wants_graphiql(scope)
        if principal is None:
            # ApiKeyAuth lets a keyless request through only for the GraphiQL page: it runs nothing,
            # whatever its query string holds.
            if wants_page:
                return await self.render_graphql_ide(request)
            raise _refused(401, UNAUTHENTICATED_MESSAGE, "UNAUTHENTICATED", media=media, headers=_CHALLENGE)
        if wants_page and not {"query", "extensions"} & set(request.query_params):
            return await self.render_graphql_ide(request)
        if media is None and incremental.accepts_multipart(request.headers.get("accept")):
            # a client of answers in parts only: an answer in one piece (no @defer, a refusal) is JSON
            media = JSON_MEDIA
        if media is None:
            raise _refused(
                406,
                f"Accept names no media type this endpoint answers in: {GRAPHQL_RESPONSE_MEDIA} or {JSON_MEDIA}"
                f" (subscriptions: {SUBSCRIPTIONS_OVER_WEBSOCKETS})",
            )
        return principal, media

    async def _run(self, request: Request, principal: Principal, media: str) -> Response:
        """Read the request's GraphQL parameters, resolve persisted documents, and execute."""
        scope = request.scope
        params = await _read_params(request, media)
        try:
            resolved = await self.documents.resolve(params.query, params.extensions)
        except PersistedQueryError as exc:
            status = exc.status if media == GRAPHQL_RESPONSE_MEDIA else exc.status_json
            raise _refused(status, exc.message, exc.code.name, media=media) from None
        outline = self._outline(resolved.query)
        operation = _select_operation(outline, params.operation_name, media)
        if operation is OperationType.MUTATION and request.method == "GET":
            raise _refused(
                405, "Mutations are not run over GET: send them in a POST", headers={"Allow": "POST"}, media=media
            )
        if operation is OperationType.SUBSCRIPTION:
            raise _refused(400, SUBSCRIPTIONS_OVER_WEBSOCKETS, media=media)
        context = scope["destgraph.context"] = self._context(principal, scope.get("destgraph.request_id", ""))
        # Cache-Control: no-cache asks for reads from the vendors, not the read cache.
        cache_control = request.headers.get("cache-control", "").lower()
        context.scope.fresh_reads = "no-cache" in cache_control or "no-store" in cache_control
        allowed = {AllowedOperation.QUERY}
        if request.method == "POST":
            allowed.add(AllowedOperation.MUTATION)
        if outline.incremental:
            result = await self._run_in_parts(request, resolved, params, context, allowed, media)
            if isinstance(result, Response):
                return result
            return self._answer_of(request, principal, context, result, media, operation)
        try:
            result = await self.schema.execute(
                resolved.query,
                variable_values=params.variables,
                context_value=context,
                operation_name=params.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=params.extensions,
            )
        except (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError) as exc:
            # the outline above answers these first; kept for a document it could not read
            raise _request_error(f"No operation to run: {exc}", media) from None
        if not isinstance(result, PreExecutionError):
            await self.documents.register(resolved)  # an APQ registration, once the document proved valid
        return self._answer_of(request, principal, context, result, media, operation)

    async def _run_in_parts(
        self,
        request: Request,
        resolved: Resolved,
        params: _Params,
        context: Context,
        allowed: set[AllowedOperation],
        media: str,
    ) -> Response | ExecutionResult:
        """A document with @defer or @stream: its parts as multipart/mixed to a client that accepts it,
        else one answer, merged (destgraph.web.incremental). The stream's extensions stay open to the
        last part, so the request's scope, deadline and cost cover every part."""
        results = await self.schema.stream(
            resolved.query,
            variable_values=params.variables,
            context_value=context,
            operation_name=params.operation_name,
            operation_extensions=params.extensions,
            allowed_operation_types=allowed,
        )
        first = await anext(results, None)
        if not isinstance(first, InitialIncrementalExecutionResult):
            # nothing was deferred after all (@defer(if: false)), or the request was refused: one result
            async for _ in results:
                pass  # the stream's end ends the operation (its scope closes, its record is written)
            if not isinstance(first, ExecutionResult):
                raise _request_error("The document holds no operation to run", media)
            if not isinstance(first, PreExecutionError):
                await self.documents.register(resolved)
            return first
        await self.documents.register(resolved)
        assembly = incremental.Assembly(first, context.scope)
        if incremental.accepts_multipart(request.headers.get("accept")):
            return incremental.MultipartResponse(incremental.wire_parts(assembly, results), encode=self.encode_json)
        return await incremental.merge_parts(assembly, results)

    def _answer_of(
        self,
        request: Request,
        principal: Principal,
        context: Context,
        result: ExecutionResult,
        media: str,
        operation: OperationType | None,
    ) -> Response:
        """The GraphQL answer, marked for client caches (destgraph.web.http_cache)."""
        response = _graphql_answer(self.encode_json, result, media)
        seconds = http_cache.max_age(
            result, context.scope, method=request.method, query=operation is OperationType.QUERY
        )
        return http_cache.cacheable(response, request.headers, owner=principal.name, seconds=seconds)

    def _outline(self, query: str) -> _Outline:
        """The operations of a document by name and type, remembered for the documents seen lately."""
        key = document_hash(query)
        found = self._outlines.get(key)
        if found is None:
            found = self._outlines[key] = _outline_of(query, self.gateway.settings.gateway.max_tokens)
            if len(self._outlines) > self.OUTLINES:
                self._outlines.popitem(last=False)
        else:
            self._outlines.move_to_end(key)
        return found

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


# -- GraphQL over HTTP: the endpoint's helpers ------------------------------------------------------

JSON_MEDIA = "application/json"
GRAPHQL_RESPONSE_MEDIA = "application/graphql-response+json"
_CONTENT_TYPES = {JSON_MEDIA: JSON_MEDIA, GRAPHQL_RESPONSE_MEDIA: GRAPHQL_RESPONSE_MEDIA + "; charset=utf-8"}
#: the deepest nesting (objects and lists) of variables and extensions read: deeper is BAD_REQUEST, before
#: the JSON parser or graphql-core's coercion, both recursive, could run out of stack on it
MAX_JSON_DEPTH = 64
#: the longest request head (request line and headers) `destgraph serve` lets uvicorn read. h11's own
#: limit (max_incomplete_event_size) is 16 KiB: past it uvicorn answers a bare text/plain 400 and closes
#: the connection, which a client still sending its URL sees as a reset. With 2 MiB any URL up to 1 MiB
#: reaches the endpoint, which answers 414 in the GraphQL error shape past max_url_bytes.
SERVER_MAX_HEAD_BYTES = 2 * 1024 * 1024
UNAUTHENTICATED_MESSAGE = "A valid API key is required: Authorization: Bearer <key>"
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="destgraph"'}
SUBSCRIPTIONS_OVER_WEBSOCKETS = (
    "subscriptions are served over a websocket at /graphql (graphql-transport-ws or graphql-ws), not over"
    " HTTP GET or POST"
)
#: with application/graphql-response+json, the status of an answer without data, by its first error's code
_STATUS_OF_REFUSAL = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "RATE_LIMITED": 429, "INTERNAL": 500}


class _Refused(Exception):
    """The endpoint answers this instead of running anything."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def _refused(
    status: int,
    message: str,
    code: str = "BAD_REQUEST",
    *,
    media: str | None = JSON_MEDIA,
    headers: Mapping[str, str] | None = None,
) -> _Refused:
    return _Refused(_graphql_error(status, message, code, media=media or JSON_MEDIA, headers=headers))


def _request_error(message: str, media: str) -> _Refused:
    """A GraphQL request error the endpoint finds itself (no operation to run): no data; 400 with
    application/graphql-response+json, 200 with application/json, as the schema's own request errors."""
    return _refused(400 if media == GRAPHQL_RESPONSE_MEDIA else 200, message, media=media)


def _wants_graphiql(scope: Scope) -> bool:
    """A GET for HTML: a browser opening the GraphiQL page (which ApiKeyAuth lets through without a key)."""
    return scope["method"] == "GET" and "text/html" in Headers(scope=scope).get("accept", "")


def _negotiate(accept: str | None) -> str | None:
    """The media type to answer in, by the client's Accept (RFC 9110 quality values; the most specific
    range naming a type sets its quality): application/graphql-response+json when named at least as
    high as application/json; application/json when Accept is absent, or only a wildcard matches
    (``*/*``, ``application/*``); None when neither is acceptable (406)."""
    if accept is None or not accept.strip():
        return JSON_MEDIA
    ranges = media_ranges(accept)
    best: tuple[float, int, int] = (0.0, 0, 0)
    chosen = None
    for media in (JSON_MEDIA, GRAPHQL_RESPONSE_MEDIA):
        kind = media.split("/")[0]
        matches = [
            (3 if r == media else 2 if r == f"{kind}/*" else 1, q)
            for r, q in ranges
            if r in (media, f"{kind}/*", "*/*")
        ]
        if not matches:
            continue
        specificity, quality = max(matches)
        # named outright, graphql-response+json wins a tie; through a wildcard, application/json does
        key = (quality, specificity, 1 if media == GRAPHQL_RESPONSE_MEDIA and specificity == 3 else 0)
        if quality > 0 and key > best:
            best, chosen = key, media
    return chosen


@dataclass(frozen=True)
class _Params:
    """A GraphQL-over-HTTP request's parameters, each of the type the spec requires."""

    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


async def _read_params(request: Request, media: str) -> _Params:
    """The request's parameters (a GET's query string, a POST's JSON body); 4xx BAD_REQUEST when it is
    not a GraphQL-over-HTTP request."""
    if request.method == "GET":
        return _params_from(_query_string_params(request.query_params, media), media)
    content_type, content_params = parse_content_type(request.headers.get("content-type", ""))
    if content_type != JSON_MEDIA:
        given = f"Content-Type {content_type}" if content_type else "no Content-Type"
        raise _refused(
            415, f"A GraphQL POST is a JSON body with Content-Type: application/json, not {given}", media=media
        )
    if content_params.get("charset", "utf-8").strip("'\"").lower() not in ("utf-8", "utf8"):
        raise _refused(415, "A GraphQL POST body is UTF-8 (charset=utf-8)", media=media)
    body = await request.body()
    if not body.strip():
        raise _refused(400, "The request body is empty: send a JSON object with the query", media=media)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _refused(400, "The request body is not UTF-8", media=media) from None
    return _params_from(_json_param(text, "The request body", media), media)


def _query_string_params(query: QueryParams, media: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in ("query", "operationName"):
        if name in query:
            data[name] = query[name]
    for name in ("variables", "extensions"):
        if query.get(name):
            data[name] = _json_param(query[name], f"The {name} parameter", media)
    return data


def _json_param(text: str, what: str, media: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise _refused(400, f"{what} is nested deeper than {MAX_JSON_DEPTH} levels", media=media) from None
    except ValueError as exc:
        raise _refused(400, f"{what} is not JSON: {exc}", media=media) from None


def _params_from(data: Any, media: str) -> _Params:
    if isinstance(data, list):
        raise _refused(400, "Batched requests (a JSON array) are not served: send one operation a request", media=media)
    if not isinstance(data, dict):
        raise _refused(
            400, "A GraphQL request is a JSON object {query, variables?, operationName?, extensions?}", media=media
        )
    query = data.get("query")
    if query is not None and not isinstance(query, str):
        raise _refused(400, "query must be a string: the GraphQL document", media=media)
    operation_name = data.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise _refused(400, "operationName must be a string or null", media=media)
    variables, extensions = data.get("variables"), data.get("extensions")
    for name, value in (("variables", variables), ("extensions", extensions)):
        if value is not None and not isinstance(value, dict):
            raise _refused(400, f"{name} must be a JSON object or null", media=media)
        if _deeper_than(value, MAX_JSON_DEPTH):
            raise _refused(400, f"{name} is nested deeper than {MAX_JSON_DEPTH} levels", media=media)
    if not query and not (extensions and "persistedQuery" in extensions):
        raise _refused(
            400, "No query: send the GraphQL document in query (or its hash in extensions.persistedQuery)", media=media
        )
    return _Params(
        query=query or None, variables=variables, operation_name=operation_name or None, extensions=extensions
    )


def _deeper_than(value: object, limit: int) -> bool:
    """Whether objects and lists nest in ``value`` more than ``limit`` levels (walked without recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Any
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


@dataclass(frozen=True)
class _Outline:
    """What the endpoint needs of a document before running it: its operations' names and types."""

    operations: tuple[tuple[str | None, OperationType], ...] = ()
    #: False: graphql-core cannot parse it; the schema reports its syntax error, coded
    parsed: bool = True
    #: nested too deeply for graphql-core's recursive parser
    too_deep: bool = False
    #: it names @defer or @stream: it runs as a stream of parts (destgraph.web.incremental)
    incremental: bool = False


def _outline_of(query: str, max_tokens: int) -> _Outline:
    try:
        document = parse(query, no_location=True, max_tokens=max_tokens)
    except GraphQLError:
        return _Outline(parsed=False)
    except RecursionError:
        return _Outline(parsed=False, too_deep=True)
    return _Outline(
        tuple(
            (node.name.value if node.name else None, node.operation)
            for node in document.definitions
            if isinstance(node, OperationDefinitionNode)
        ),
        incremental=incremental.uses_incremental_delivery(document),
    )


def _select_operation(outline: _Outline, operation_name: str | None, media: str) -> OperationType | None:
    """The type of the operation the request runs (None: the document does not parse; the schema says
    why); a request error when there is none to run, as GetOperation in the GraphQL spec."""
    if outline.too_deep:
        raise _request_error("The document is nested too deeply to be read", media)
    if not outline.parsed:
        return None
    operations = outline.operations
    if not operations:
        raise _request_error("The document holds no operation to run", media)
    if operation_name is None:
        if len(operations) > 1:
            raise _request_error(
                f"The document holds {len(operations)} operations: name the one to run in operationName", media
            )
        return operations[0][1]
    for name, kind in operations:
        if name == operation_name:
            return kind
    raise _request_error(f'Unknown operation named "{operation_name}".', media)


def _graphql_answer(encode: Any, result: ExecutionResult, media: str) -> Response:
    """The GraphQL response of an executed request. One refused before execution (syntax, validation,
    variable coercion, a limit, a quota: errors without a path, and no data) has no data entry; with
    application/graphql-response+json it is a 4xx (a 5xx for INTERNAL), with application/json 200."""
    errors = list(result.errors or ())
    refused = result.data is None and bool(errors) and all(error.path is None for error in errors)
    body: dict[str, Any] = {} if refused else {"data": result.data}
    if errors:
        body["errors"] = [error.formatted for error in errors]
    if result.extensions:
        body["extensions"] = result.extensions
    status, headers = 200, {}
    if refused and media == GRAPHQL_RESPONSE_MEDIA:
        extensions = errors[0].extensions or {}
        status = _STATUS_OF_REFUSAL.get(str(extensions.get("code")), 400)
        retry_after = extensions.get("retryAfter")
        if status == 429 and isinstance(retry_after, int | float):
            headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return Response(encode(body), status_code=status, media_type=_CONTENT_TYPES[media], headers=headers)


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
    """Bearer API keys on /graphql; the GraphiQL page itself (a GET for HTML without Authorization)
    needs none, and the endpoint runs nothing for such a request. With a key, a method other than GET
    and POST is 405 in the GraphQL error shape (the router's own 405 is plain text)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not scope["path"].startswith("/graphql"):
            await self.app(scope, receive, send)
            return
        scope["destgraph.request_id"] = uuid.uuid4().hex[:16]
        headers = Headers(scope=scope)
        if scope["type"] == "http" and _wants_graphiql(scope) and "authorization" not in headers:
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
            response = _graphql_error(401, UNAUTHENTICATED_MESSAGE, "UNAUTHENTICATED", headers=_CHALLENGE)
            await response(scope, receive, send)
            return
        if scope["type"] == "http" and scope["path"] == "/graphql" and scope["method"] not in ("GET", "HEAD", "POST"):
            message = f"GraphQL over HTTP takes GET (queries) and POST, not {scope['method']}"
            await _graphql_error(405, message, "BAD_REQUEST", headers={"Allow": "GET, POST"})(scope, receive, send)
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


def _graphql_error(
    status: int, message: str, code: str, *, media: str = "application/json", headers: Mapping[str, str] | None = None
) -> Response:
    """An answer in the GraphQL error shape, without data: ``{"errors": [{message, extensions: {code}}]}``."""
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}, ensure_ascii=False)
    media_type = "application/json" if media == "application/json" else f"{media}; charset=utf-8"
    # a refusal is never kept: heuristic caching would otherwise apply to a 405 or 414
    kept = {"Cache-Control": http_cache.NO_STORE, **(headers or {})}
    return Response(body, status_code=status, media_type=media_type, headers=kept)


def _probe_routes(gateway: Gateway) -> list[Route]:
    """/healthz (the process answers), /readyz (every workspace answers) and /metrics: no key needed."""

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        from destgraph.services import workspaces

        session = gateway.session(Principal(name="readyz", scopes=frozenset({"read"}), visible=None))
        report = {}
        for ws in gateway.settings.workspaces:
            health = await workspaces.health(session, ws.key)
            report[ws.key] = health.status.value
        ready = all(status != "UNREACHABLE" for status in report.values())
        return JSONResponse({"ready": ready, "workspaces": report}, status_code=200 if ready else 503)

    async def metrics(request: Request) -> Response:
        from destgraph.observability.metrics import observe_budgets

        await observe_budgets(gateway)  # the budget gauges, as the budget port shows them now
        return PlainTextResponse(generate_latest(gateway.accounting.registry), media_type=CONTENT_TYPE_LATEST)

    return [Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics)]


def create_app(
    settings: Settings,
    *,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    graphiql_headers: Mapping[str, str] | None = None,
) -> Starlette:
    """The gateway as an ASGI app. ``transports`` (by workspace key) lets tests reach emulators in process."""
    gateway = Gateway(settings, transports=transports)
    endpoint = GraphQLEndpoint(gateway, graphiql_headers=graphiql_headers)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await gateway.aclose()

    app = Starlette(
        routes=[
            *_probe_routes(gateway),
            Route("/graphql", endpoint, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", endpoint),
            *graphiql_asset_routes(enabled=settings.gateway.graphiql),
        ],
        lifespan=lifespan,
    )
    # Outermost first: Compression, [ServerSpans], RequestObservation, GatewayCORS, BodySizeLimit,
    # ApiKeyAuth, AuthenticatedRequest. Observability (destgraph.observability.middleware):
    # AuthenticatedRequest inside the auth, the request id, access line and server spans outside the rest
    app.add_middleware(observability.AuthenticatedRequest)
    app.add_middleware(ApiKeyAuth, settings=settings)
    app.add_middleware(BodySizeLimit, max_bytes=settings.gateway.max_body_bytes)
    # CORS outside the auth: a preflight carries no key, and is answered without running anything
    if settings.gateway.cors_allow_origins:
        app.add_middleware(GatewayCORS, options=settings.gateway)
    observability.install(app, gateway)
    # compression outermost: the access line reads error answers' codes before they are compressed
    if settings.gateway.compression:
        app.add_middleware(Compression, minimum_bytes=settings.gateway.compression_minimum_bytes)
    app.state.gateway = gateway
    return app


__all__ = ["create_app", "json"]
