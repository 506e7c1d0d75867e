"""Segment's error envelope: ``{"errors": [{"type", "message", "field"?, "data"?}]}``, always application/json.

The ``type`` strings come from where each status is documented or observed:

- 404 ``NotFound`` / "Resource not found": the published document's example.
- 422 ``input-validation`` with ``field``: the docs' Error Handling page example.
- 429 ``RequestError`` / "Too many requests" with ``data`` {remainingPoints, msBeforeNext, consumedPoints}: the
  docs' Rate Limits page example.
- 400 ``bad-request``: real responses quoted in terraform-provider-segment issues #73 and #104.
- 401 ``unauthorized``, 405 ``method-not-allowed``, 5xx ``server-error``: no body is documented; these follow
  the kebab-case of the observed types.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from destgraph.emulators.core import VendorError

NOT_FOUND_MESSAGE = "Resource not found"

_TYPES = {
    "not_found": "NotFound",
    "validation": "input-validation",
    "malformed_json": "input-validation",
    "unsupported_media_type": "input-validation",
    "rate_limited": "RequestError",
    "bad_request": "bad-request",
    "unauthorized": "unauthorized",
    "forbidden": "forbidden",
    "method_not_allowed": "method-not-allowed",
    "conflict": "conflict",
}


def not_found(field: str | None = None) -> VendorError:
    """The 404 Terraform relies on to drop a vanished resource (segment-public-api.md section 8)."""
    return VendorError(404, NOT_FOUND_MESSAGE, kind="not_found", field=field)


def invalid(field: str | None, message: str) -> VendorError:
    return VendorError(422, message, kind="validation", field=field)


def bad_request(field: str | None, message: str) -> VendorError:
    return VendorError(400, message, kind="bad_request", field=field)


def render_error(error: VendorError) -> Response:
    kind = _TYPES.get(error.kind, "server-error" if error.status >= 500 else error.kind)
    if error.status == 404:
        kind = "NotFound"
    body: dict[str, Any] = {"type": kind, "message": error.message}
    if error.field:
        body["field"] = error.field
    if error.status == 429:
        body["message"] = "Too many requests"
        body["data"] = {
            "remainingPoints": int(error.extra.get("remaining_points") or 0),
            "msBeforeNext": int(error.extra.get("ms_before_next") or 0),
            "consumedPoints": int(error.extra.get("consumed_points") or 0),
        }
    return JSONResponse({"errors": [body]}, status_code=error.status, media_type="application/json")
