"""Nimriz's error body: a flat ``{"code", "message", "support_reference"}`` object.

The docs ([N-ERR]) say to log an error's ``code`` (UPPER_SNAKE) and ``support_reference``; the JSON
around them is NOT FOUND. It is flat because the n8n node reads ``available`` at the top level of a
403 body from check-slug ([N8N]), so Nimriz puts an error's fields at the top level. Validation
errors add ``field`` (the first problem's path) and ``details`` (every problem, ``{field, message}``).
5xx messages are the customer-safe kind the error glossary describes, never internals.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.responses import JSONResponse

from destgraph.emulators.core import VendorError

#: the code each core error kind answers with when the handler named none
CODE_BY_KIND = {
    "bad_request": "BAD_REQUEST",
    "validation": "VALIDATION_ERROR",
    "malformed_json": "INVALID_JSON",
    "unauthorized": "UNAUTHORIZED",
    "forbidden": "FORBIDDEN",
    "not_found": "NOT_FOUND",
    "method_not_allowed": "METHOD_NOT_ALLOWED",
    "conflict": "CONFLICT",
    "unsupported_media_type": "UNSUPPORTED_MEDIA_TYPE",
    "rate_limited": "RATE_LIMITED",
    "internal": "INTERNAL_ERROR",
    "unavailable": "SERVICE_UNAVAILABLE",
}
CODE_BY_STATUS = {502: "BAD_GATEWAY", 503: "SERVICE_UNAVAILABLE", 504: "GATEWAY_TIMEOUT"}

#: customer-safe messages for server errors ([N-ERR] "Customer-Safe Error Glossary" style)
SAFE_MESSAGES = {
    500: "An unexpected error occurred. Please try again later or contact support.",
    502: "The service is temporarily unavailable. Please try again later or contact support.",
    503: "The service is temporarily unavailable. Please try again later or contact support.",
    504: "The request timed out. Please try again later or contact support.",
}
RATE_LIMITED_MESSAGE = "Too many requests. Retry with exponential backoff."


def nimriz_error(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    details: Sequence[Mapping[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> VendorError:
    """A VendorError carrying the Nimriz ``code`` to answer with."""
    extra: dict[str, Any] = {"code": code}
    if details:
        extra["details"] = [dict(d) for d in details]
    return VendorError(status, message, field=field, headers=headers, extra=extra)


def validation_error(problems: Sequence[tuple[str, str]]) -> VendorError:
    """400 VALIDATION_ERROR naming every problem; ``field`` is the first one's path."""
    first_field, first_message = problems[0]
    message = f"{first_field}: {first_message}"
    if len(problems) > 1:
        message += f" (and {len(problems) - 1} more)"
    details = [{"field": f, "message": m} for f, m in problems]
    return nimriz_error(400, "VALIDATION_ERROR", message, field=first_field, details=details)


def not_found(what: str, identifier: str) -> VendorError:
    return nimriz_error(404, "NOT_FOUND", f"{what} {identifier} not found")


def support_reference() -> str:
    """An opaque reference a customer quotes to support; unique per error answered."""
    return f"ref_{secrets.token_hex(12)}"


def render_error(error: VendorError) -> JSONResponse:
    code = error.extra.get("code") or CODE_BY_STATUS.get(error.status) or CODE_BY_KIND.get(error.kind, "ERROR")
    message = error.message
    if error.status >= 500:
        message = SAFE_MESSAGES.get(error.status, SAFE_MESSAGES[500])
    elif error.status == 429:
        message = RATE_LIMITED_MESSAGE
    body: dict[str, Any] = {"code": code, "message": message, "support_reference": support_reference()}
    if error.field is not None:
        body["field"] = error.field
    if error.extra.get("details"):
        body["details"] = error.extra["details"]
    return JSONResponse(body, status_code=error.status)
