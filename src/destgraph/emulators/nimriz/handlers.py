"""Thin handlers: parse the request, call the state, answer in Nimriz's envelopes."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from destgraph.emulators.core import bearer_token, state_of
from destgraph.emulators.nimriz.errors import nimriz_error, validation_error
from destgraph.emulators.nimriz.state import NimrizState
from destgraph.emulators.nimriz.validation import parse_action_id, parse_create, parse_update

API_KEY_HEADER = "x-nim-api-key"


def authenticate(request: Request, token: str) -> None:
    """``Authorization: Bearer <key>`` or ``X-Nim-Api-Key: <key>`` ([N-AUTH]); Bearer wins when both are sent."""
    key = bearer_token(request)
    if key is None:
        key = request.headers.get(API_KEY_HEADER, "").strip() or None
    if key is None:
        raise nimriz_error(
            401,
            "UNAUTHORIZED",
            "Missing API key: send Authorization: Bearer <WORKSPACE_API_KEY> or X-Nim-Api-Key",
            headers={"WWW-Authenticate": 'Bearer realm="nimriz"'},
        )
    if key != token:
        raise nimriz_error(
            401,
            "UNAUTHORIZED",
            "Invalid or revoked API key",
            headers={"WWW-Authenticate": 'Bearer realm="nimriz", error="invalid_token"'},
        )


def _state(request: Request) -> NimrizState:
    state: NimrizState = state_of(request)
    return state


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


async def _body(request: Request, *, required: bool) -> dict[str, Any]:
    """The JSON object body; 415 for another media type, 400 INVALID_JSON for malformed JSON."""
    raw = await request.body()
    if not raw.strip():
        if required:
            raise validation_error([("body", "a JSON object is required")])
        return {}
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise nimriz_error(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            f"Content-Type must be application/json, not {media_type or 'missing'}",
        )
    try:
        body = json.loads(raw, parse_constant=_reject_constant)
        # A lone surrogate ("\ud800") parses but cannot be stored or answered as UTF-8.
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (UnicodeError, ValueError, RecursionError) as exc:
        raise nimriz_error(400, "INVALID_JSON", f"Request body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise validation_error([("body", "must be a JSON object")])
    return body


def _check_account(state: NimrizState, account_id: Any) -> None:
    """An ``account_id`` (the n8n client sends whoami's) must be the key's own: a key reaches one workspace."""
    if account_id is None:
        return
    if account_id != state.account_id:
        raise nimriz_error(403, "FORBIDDEN", "This API key is not authorized for the requested account")


async def whoami(request: Request) -> Response:
    return JSONResponse(_state(request).whoami())


async def list_destinations(request: Request) -> Response:
    state = _state(request)
    _check_account(state, request.query_params.get("account_id"))
    return Response(state.list_destinations_body(), media_type="application/json")


async def create_destination(request: Request) -> Response:
    state = _state(request)
    body = await _body(request, required=True)
    _check_account(state, body.get("account_id"))
    destination = state.create_destination(parse_create(body))
    return JSONResponse({"destination": destination.to_json()}, status_code=201)


async def update_destination(request: Request) -> Response:
    state = _state(request)
    destination = state.get_destination(request.path_params["destination_id"])
    body = await _body(request, required=True)
    _check_account(state, body.get("account_id"))
    updated = state.update_destination(destination.id, parse_update(body, destination.type))
    return JSONResponse({"destination": updated.to_json()})


async def delete_destination(request: Request) -> Response:
    destination_id = request.path_params["destination_id"]
    _state(request).delete_destination(destination_id)
    return JSONResponse({"deleted": True, "id": destination_id})


async def test_send(request: Request) -> Response:
    state = _state(request)
    destination = state.get_destination(request.path_params["destination_id"])
    body = await _body(request, required=False)
    event = state.test_send(destination.id, parse_action_id(body))
    return JSONResponse({"queued": True, "test_event": event.to_json()}, status_code=202)
