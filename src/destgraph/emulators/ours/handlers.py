"""Thin handlers: parse the request, call the state, answer in Ours's shapes.

Lists are ``{entities, pagination: {nextCursor, hasMore}}``; single destinations are bare objects;
create and update answer 200 with the full entity; delete answers the JSON boolean ``true``.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from destgraph.emulators.core import state_of
from destgraph.emulators.ours.catalog import READABLE_TYPE_IDS, STATUSES, TYPES_RESPONSE
from destgraph.emulators.ours.openapi import openapi
from destgraph.emulators.ours.state import OursState
from destgraph.emulators.ours.validation import parse_enum, parse_limit, read_body, validate_create, validate_patch

#: the types catalog is account-agnostic and immutable: serialise it once
_TYPES_BODY = json.dumps(TYPES_RESPONSE, separators=(",", ":")).encode()


def _state(request: Request) -> OursState:
    state: OursState = state_of(request)
    return state


async def list_destinations(request: Request) -> Response:
    query = request.query_params
    limit = parse_limit(query.get("limit"))
    status = parse_enum(query.get("status"), "status", STATUSES)
    type_id = parse_enum(query.get("type"), "type", READABLE_TYPE_IDS)
    page, next_cursor = _state(request).list_destinations(
        limit=limit, cursor=query.get("cursor") or None, status=status, type_id=type_id
    )
    return JSONResponse(
        {
            "entities": [destination.to_json() for destination in page],
            "pagination": {"nextCursor": next_cursor, "hasMore": next_cursor is not None},
        }
    )


async def create_destination(request: Request) -> Response:
    kind, name, settings = validate_create(await read_body(request))
    destination = _state(request).create_destination(kind, name, settings)
    return JSONResponse(destination.to_json())


async def destination_types(request: Request) -> Response:
    return Response(_TYPES_BODY, media_type="application/json")


async def find_destination(request: Request) -> Response:
    destination = _state(request).find_destination(request.path_params["id"])
    return JSONResponse(destination.to_json())


async def update_destination(request: Request) -> Response:
    patch = validate_patch(await read_body(request))
    destination = _state(request).update_destination(request.path_params["id"], patch)
    return JSONResponse(destination.to_json())


async def delete_destination(request: Request) -> Response:
    _state(request).delete_destination(request.path_params["id"])
    return JSONResponse(True)


async def destination_health(request: Request) -> Response:
    return JSONResponse(_state(request).destination_health(request.path_params["id"]))


async def openapi_document(request: Request) -> Response:
    return JSONResponse(openapi())
