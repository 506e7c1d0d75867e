"""Small request helpers shared by the emulators' handlers."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from destgraph.emulators.core.errors import VendorError


async def read_json(request: Request, *, status: int = 400, required: bool = True) -> Any:
    """The request body as JSON, or the vendor's error for malformed input (status is the vendor's)."""
    raw = await request.body()
    if not raw.strip():
        if required:
            raise VendorError(status, "Request body is required", kind="validation")
        return None
    try:
        body = json.loads(raw, parse_constant=_refuse_constant)
        # A lone surrogate parses but cannot be encoded back: refuse it now rather than fail later.
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (UnicodeError, ValueError, RecursionError) as exc:
        raise VendorError(status, f"Malformed JSON in request body: {exc}", kind="malformed_json") from exc
    return body


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


async def read_json_object(request: Request, *, status: int = 400) -> dict[str, Any]:
    body = await read_json(request, status=status)
    if not isinstance(body, dict):
        raise VendorError(status, "Request body must be a JSON object", kind="validation")
    return body


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
