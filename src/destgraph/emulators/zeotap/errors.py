"""Zeotap's error body and its two-header authentication.

Every error is ``{"error": "human-readable error message"}`` (vendor-facts.md section 2), whatever
raised it: a handler, the router (404, 405), the rate limiter (429 + Retry-After) or a fault.

Authentication, in order (the emulator's choices where the docs stop after 401):
- no ``Authorization: Bearer`` header, or a token other than the emulator's: 401;
- a workspace-scoped path (``/api/v1/workspaces/{id}/...``) without ``X-Workspace-ID``: 400,
  a missing required header being a bad request rather than bad credentials;
- ``X-Workspace-ID`` naming another workspace than the path: 403, the key's workspace context
  does not grant the path's workspace;
- a workspace nobody has (path and header agree): 404.
``GET /api/v1/workspaces`` "does not require the X-Workspace-ID header" [Z-NEW] and ignores it.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from destgraph.emulators.core import VendorError, bearer_token, state_of
from destgraph.emulators.zeotap.state import ZeotapState

#: ``/api/v1/workspaces/{id}`` and everything below it
WORKSPACE_PATH = re.compile(r"^/api/v1/workspaces/([^/]+)(?:/|$)")
WORKSPACE_HEADER = "x-workspace-id"


def render_error(error: VendorError) -> Response:
    message = error.message
    if error.kind == "rate_limited" and error.extra.get("rule"):
        retry = error.headers.get("Retry-After", "1")
        message = f"rate limit exceeded ({error.extra['rule']}); retry after {retry} seconds"
    return JSONResponse({"error": message}, status_code=error.status)


def workspace_in_path(path: str) -> str | None:
    match = WORKSPACE_PATH.match(path)
    return match.group(1) if match else None


def authenticate(request: Request, token: str) -> None:
    """Raise Zeotap's 401/400/403/404 unless the request may act on the workspace it names."""
    if not request.headers.get("authorization"):
        raise VendorError(401, "missing Authorization header; send Authorization: Bearer <token>")
    presented = bearer_token(request)
    if presented is None:
        raise VendorError(401, "malformed Authorization header; expected Bearer <token>")
    if presented != token:
        raise VendorError(401, "invalid or expired token")
    workspace_id = workspace_in_path(request.url.path)
    if workspace_id is None:
        return
    header = request.headers.get(WORKSPACE_HEADER, "").strip()
    if not header:
        raise VendorError(400, "X-Workspace-ID header is required for workspace-scoped endpoints", kind="validation")
    if header != workspace_id:
        raise VendorError(403, f"X-Workspace-ID {header} does not match workspace {workspace_id} in the request path")
    state: ZeotapState = state_of(request)
    if workspace_id not in state.workspaces:
        raise VendorError(404, f"workspace {workspace_id} not found")
