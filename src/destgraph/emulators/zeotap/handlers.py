"""Zeotap's HTTP handlers: parse, call the state, answer in the vendor's shapes.

Lists are bare JSON arrays, single objects bare objects, deletes ``{"status": "deleted"}``, and
the two connection tests stream server-sent events (``event: step`` then ``event: done``).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from destgraph.emulators.core import emulator_of, state_of
from destgraph.emulators.zeotap import probe, validation
from destgraph.emulators.zeotap.catalog import TYPES
from destgraph.emulators.zeotap.fields import mappable_fields
from destgraph.emulators.zeotap.state import Destination, ZeotapState

#: the namespace ``created_by`` account ids of API-created destinations are derived in
ACCOUNT_NAMESPACE = uuid.UUID("6f1c1f4e-5a9b-4c8e-9d7a-2e3b4c5d6e7f")


def _state(request: Request) -> ZeotapState:
    state: ZeotapState = state_of(request)
    return state


def _ids(request: Request) -> tuple[str, str]:
    return request.path_params["workspace_id"], request.path_params.get("destination_id", "")


def _json(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status)


# -- workspaces ---------------------------------------------------------------------------------


async def list_workspaces(request: Request) -> Response:
    return _json([w.to_json() for w in _state(request).list_workspaces()])


# -- destinations -------------------------------------------------------------------------------


async def list_destinations(request: Request) -> Response:
    workspace_id, _ = _ids(request)
    return Response(_state(request).list_destinations(workspace_id), media_type="application/json")


async def create_destination(request: Request) -> Response:
    workspace_id, _ = _ids(request)
    body = await validation.read_body(request)
    name = validation.name(body.get("name"))
    kind = validation.destination_type(body.get("destination_type"))
    config = validation.config(kind, body.get("config"))
    connection_id = validation.connection_id(body.get("connection_id"))
    emulator = emulator_of(request)
    now = emulator.clock.now().replace(microsecond=0)
    state = _state(request)
    destination = Destination(
        id=state.new_id(),
        workspace_id=workspace_id,
        name=name,
        destination_type=kind.key,
        config=config,
        created_by=str(uuid.uuid5(ACCOUNT_NAMESPACE, emulator.token)),
        created_at=now,
        updated_at=now,
        connection_id=connection_id,
    )
    state.create_destination(destination)
    return _json(destination.to_json(), 201)


async def get_destination(request: Request) -> Response:
    workspace_id, destination_id = _ids(request)
    return _json(_state(request).get_destination(workspace_id, destination_id).to_json())


async def update_destination(request: Request) -> Response:
    workspace_id, destination_id = _ids(request)
    state = _state(request)
    # 404 for an unknown destination before any complaint about the body.
    current = state.get_destination(workspace_id, destination_id)
    body = await validation.read_body(request)
    changes: dict[str, Any] = {}
    for key in ("name", "destination_type", "config"):
        if key in body and body[key] is None:
            raise validation.bad_request(f"{key} must not be null", key)
    if "name" in body:
        changes["name"] = validation.name(body["name"])
    kind = TYPES[current.destination_type]
    if "destination_type" in body and validation.destination_type(body["destination_type"]).key != kind.key:
        raise validation.bad_request(
            f"destination_type cannot be changed (is {kind.key}); create a new destination instead", "destination_type"
        )
    if "config" in body:
        changes["config"] = validation.config(kind, body["config"])
    if "connection_id" in body:
        changes["connection_id"] = validation.connection_id(body["connection_id"])
    now = emulator_of(request).clock.now().replace(microsecond=0)
    return _json(state.update_destination(workspace_id, destination_id, changes, now).to_json())


async def delete_destination(request: Request) -> Response:
    workspace_id, destination_id = _ids(request)
    _state(request).delete_destination(workspace_id, destination_id)
    return _json({"status": "deleted"})


async def describe_fields(request: Request) -> Response:
    workspace_id, destination_id = _ids(request)
    destination = _state(request).get_destination(workspace_id, destination_id)
    kind = TYPES[destination.destination_type]
    if kind.introspects:
        # These types read the vendor's live schema, which bad credentials cannot reach.
        problem = probe.failure(probe.run(kind, destination.config, existing=True))
        if problem:
            raise validation.bad_request(f"could not describe fields of {kind.title}: {problem}")
    return _json([f.to_json() for f in mappable_fields(kind.key, destination.config)])


# -- connection tests (SSE) ---------------------------------------------------------------------


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def _step_delay(request: Request) -> float:
    plan = emulator_of(request).faults
    if not plan.applies_to(request.method, request.url.path):
        return 0.0
    return plan.sse_step_delay_ms / 1000


def _stream(events: AsyncIterator[bytes]) -> StreamingResponse:
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def run_new_connection_test(request: Request) -> Response:
    body = await validation.read_body(request)
    kind = validation.destination_type(body.get("destination_type"))
    # Only the shape is checked here: a missing required field is the connectivity step's failure.
    config = validation.config_object(body.get("config"))
    steps = probe.run(kind, config, existing=False)
    delay = _step_delay(request)

    async def events() -> AsyncIterator[bytes]:
        for step in steps:
            if delay:
                await asyncio.sleep(delay)
            yield _event("step", step.to_json())
        if delay:
            await asyncio.sleep(delay)
        failed = probe.failure(steps)
        yield _event("done", {"success": not failed, "steps": [s.to_json() for s in steps]})

    return _stream(events())


async def run_connection_test(request: Request) -> Response:
    workspace_id, destination_id = _ids(request)
    state = _state(request)
    destination = state.get_destination(workspace_id, destination_id)
    kind = TYPES[destination.destination_type]
    steps = probe.run(kind, destination.config, existing=True)
    delay = _step_delay(request)
    clock = emulator_of(request).clock

    async def events() -> AsyncIterator[bytes]:
        for step in steps:
            if delay:
                await asyncio.sleep(delay)
            yield _event("step", step.to_json())
        if delay:
            await asyncio.sleep(delay)
        # "On completion, the destination's status is updated" (seed).
        now = clock.now().replace(microsecond=0)
        updated = state.record_test(workspace_id, destination_id, steps, now) or destination
        body = {"success": not probe.failure(steps), "destination": updated.to_json()}
        yield _event("done", body | {"steps": [s.to_json() for s in steps]})

    return _stream(events())


# -- syncs and audience syncs -------------------------------------------------------------------


def _audience(request: Request) -> bool:
    return "/audience-syncs" in request.url.path


async def list_syncs(request: Request) -> Response:
    workspace_id = request.path_params["workspace_id"]
    syncs = _state(request).list_syncs(workspace_id, audience=_audience(request))
    return _json([s.to_json() for s in syncs])


async def get_sync(request: Request) -> Response:
    workspace_id, sync_id = request.path_params["workspace_id"], request.path_params["sync_id"]
    return _json(_state(request).get_sync(workspace_id, sync_id, audience=_audience(request)).to_json())


async def delete_sync(request: Request) -> Response:
    workspace_id, sync_id = request.path_params["workspace_id"], request.path_params["sync_id"]
    _state(request).delete_sync(workspace_id, sync_id, audience=_audience(request))
    return _json({"status": "deleted"})
