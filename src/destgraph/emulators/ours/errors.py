"""Ours Privacy's error body, ``{"error": string, "details"?: string}``, for every error status.

The OpenAPI document gives every operation the same error schema for 400, 401, 403, 404 and 500.
Errors raised by this package carry their own ``error`` summary and ``details`` (in ``extra``);
errors raised by the core (unknown route, wrong method, malformed JSON, injected faults, crashes)
carry only a message, which becomes ``details`` under the status's reason phrase.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.responses import JSONResponse, Response

from destgraph.emulators.core import VendorError

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def render_error(error: VendorError) -> Response:
    """The vendor's error body for ``error``; never a stack trace."""
    if "details" in error.extra:
        body = {"error": error.message, "details": str(error.extra["details"])}
    else:
        reason = REASONS.get(error.status, "Error")
        body = {"error": reason} if error.message == reason else {"error": reason, "details": error.message}
    return JSONResponse(body, status_code=error.status)


def bad_request(error: str, details: str | Iterable[str], *, field: str | None = None) -> VendorError:
    """A 400 with a summary and the offending keys; several problems are joined like zod's issues."""
    text = details if isinstance(details, str) else "; ".join(details)
    return VendorError(400, error, kind="validation", field=field, extra={"details": text})


def not_found(destination_id: str) -> VendorError:
    return VendorError(404, "Not Found", extra={"details": f"Destination {destination_id} not found"})


def unauthorized(details: str) -> VendorError:
    return VendorError(401, "Unauthorized", extra={"details": details})


def forbidden(scope: str) -> VendorError:
    return VendorError(403, "Forbidden", extra={"details": f"API key does not have the required scope: {scope}"})
