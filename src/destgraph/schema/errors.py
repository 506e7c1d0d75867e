"""The only place where the gateway's error tree becomes GraphQL error codes and extensions.

Every error in a response carries ``extensions.code`` (ErrorCode); upstream faults also carry
provider, workspace, upstreamStatus, retryable and retryAfter. Anything unexpected becomes
INTERNAL with a generic message and is logged with the request id: no stack trace, no secret.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from destgraph import errors

logger = logging.getLogger("destgraph.graphql")


@strawberry.enum(description="Codes carried in extensions.code of GraphQL errors.")
class ErrorCode(enum.Enum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    BAD_REQUEST = "BAD_REQUEST"
    BAD_CURSOR = "BAD_CURSOR"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    UNSUPPORTED = "UNSUPPORTED"
    UPSTREAM_AUTH_FAILED = "UPSTREAM_AUTH_FAILED"
    UPSTREAM_RATE_LIMITED = "UPSTREAM_RATE_LIMITED"
    RATE_LIMITED = "RATE_LIMITED"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    UPSTREAM_TIMEOUT = "UPSTREAM_TIMEOUT"
    UPSTREAM_ERROR = "UPSTREAM_ERROR"
    INTERNAL = "INTERNAL"


#: most specific first
CODES: tuple[tuple[type[errors.DestgraphError], ErrorCode], ...] = (
    (errors.UpstreamAuthFailed, ErrorCode.UPSTREAM_AUTH_FAILED),
    (errors.UpstreamRateLimited, ErrorCode.UPSTREAM_RATE_LIMITED),
    (errors.UpstreamTimeout, ErrorCode.UPSTREAM_TIMEOUT),
    (errors.UpstreamUnavailable, ErrorCode.UPSTREAM_UNAVAILABLE),
    (errors.UpstreamNotFound, ErrorCode.NOT_FOUND),
    (errors.UpstreamRejected, ErrorCode.UPSTREAM_ERROR),
    (errors.UpstreamProtocolError, ErrorCode.UPSTREAM_ERROR),
    (errors.UpstreamError, ErrorCode.UPSTREAM_ERROR),
    (errors.NotFoundError, ErrorCode.NOT_FOUND),
    (errors.InvalidInputError, ErrorCode.BAD_REQUEST),
    (errors.BadCursorError, ErrorCode.BAD_CURSOR),
    (errors.UnsupportedError, ErrorCode.UNSUPPORTED),
    (errors.ForbiddenError, ErrorCode.FORBIDDEN),
    (errors.QuotaExceeded, ErrorCode.RATE_LIMITED),
    (errors.UnauthenticatedError, ErrorCode.UNAUTHENTICATED),
    (errors.ConfigError, ErrorCode.INTERNAL),
)

INTERNAL_MESSAGE = "Internal error; the gateway logged it with this request's id."


def code_for(error: errors.DestgraphError) -> ErrorCode:
    for kind, code in CODES:
        if isinstance(error, kind):
            return code
    return ErrorCode.INTERNAL


def extensions_for(error: errors.DestgraphError) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": code_for(error).value}
    if isinstance(error, errors.UpstreamError):
        extensions.update(
            provider=error.provider.upper(),
            workspace=error.workspace,
            upstreamStatus=error.status,
            retryable=error.retryable,
            retryAfter=error.retry_after,
        )
    if isinstance(error, errors.InvalidInputError) and error.field:
        extensions["field"] = list(error.field)
    if isinstance(error, errors.QuotaExceeded):
        extensions.update(retryable=True, retryAfter=error.retry_after)
    return extensions


def to_graphql_error(error: GraphQLError, request_id: str | None) -> GraphQLError:
    original = error.original_error
    if isinstance(original, errors.DestgraphError):
        message, extensions = original.message, extensions_for(original)
    elif original is None or isinstance(original, GraphQLError):
        # graphql-core's own findings (syntax, validation, variable coercion): the request is at fault,
        # BAD_REQUEST unless the error carries its code (the query limits: limit_error).
        message = error.message
        extensions = {"code": ErrorCode.BAD_REQUEST.value, **(error.extensions or {})}
    else:
        logger.error("unexpected error (request %s)", request_id, exc_info=original)
        message, extensions = INTERNAL_MESSAGE, {"code": ErrorCode.INTERNAL.value}
    if request_id:
        extensions["requestId"] = request_id
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


def limit_error(
    message: str,
    *,
    limit: str,
    maximum: int,
    requested: int | None = None,
    nodes: Any = None,
) -> GraphQLError:
    """The error of a query over one of its limits (depth, aliases, tokens, cost, objects, node ids):
    QUERY_TOO_COMPLEX, naming the GatewayOptions field (``limit``), its value and what was asked."""
    extensions: dict[str, Any] = {"code": ErrorCode.QUERY_TOO_COMPLEX.value, "limit": limit, "maximum": maximum}
    if requested is not None:
        extensions["requested"] = requested
    return GraphQLError(message, nodes=nodes, extensions=extensions)


def partial_error(error: errors.DestgraphError, path: tuple[str | int, ...], request_id: str | None) -> GraphQLError:
    extensions = extensions_for(error)
    if request_id:
        extensions["requestId"] = request_id
    return GraphQLError(error.message, path=list(path), extensions=extensions)


class ErrorCodes(SchemaExtension):
    """Give every error of a result its code and extensions, and add the partial errors."""

    def __init__(self) -> None:
        #: results already formatted (a streamed result may pass both hooks)
        self._formatted: set[int] = set()

    def on_operation(self) -> Iterator[None]:
        yield
        self._format(self.execution_context.result, with_partial=True)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Each result a subscription streams (its errors never reach on_operation's end)."""
        self._format(result, with_partial=False)
        yield None

    def _format(self, result: Any, *, with_partial: bool) -> None:
        if result is None or id(result) in self._formatted:
            return
        self._formatted.add(id(result))
        context = self.execution_context.context
        request_id = getattr(context, "request_id", None)
        formatted = [to_graphql_error(e, request_id) for e in (getattr(result, "errors", None) or [])]
        if with_partial:
            for error, path in getattr(context, "partial_errors", []):
                formatted.append(partial_error(error, path, request_id))
        result.errors = formatted or None
