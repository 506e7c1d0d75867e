"""Thin handlers, one per operation: parse the request, call the state, answer in Segment's envelope.

Each success is ``{"data": {<operation's own key>: ...}}`` with status 200 (create included); deletes
answer ``{"data": {"status": "SUCCESS"}}``. Request bodies are checked here for presence and JSON types
(422 naming the field); what needs the workspace (ids, catalog rules, FQL) is checked by the state.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from destgraph.emulators.core import read_json_object, state_of
from destgraph.emulators.segment.errors import invalid
from destgraph.emulators.segment.media import ALPHA, BETA, STABLE, check_body_type, dumps, respond
from destgraph.emulators.segment.pagination import page_of
from destgraph.emulators.segment.state import SegmentState

_SUCCESS = b'{"status":"SUCCESS"}'
_TYPE_WORDS = {str: "a string", bool: "a boolean", dict: "an object"}


def _state(request: Request) -> SegmentState:
    state: SegmentState = state_of(request)
    return state


async def _body(request: Request) -> dict[str, Any]:
    check_body_type(request)
    return await read_json_object(request, status=422)


def _get(body: dict[str, Any], key: str, kind: type, *, required: bool = False, nullable: bool = False) -> Any:
    """``body[key]`` checked against a JSON type; 422 naming the key when missing (if required) or mistyped."""
    if key not in body:
        if required:
            raise invalid(key, f'"{key}" is required')
        return None
    value = body[key]
    if value is None and nullable:
        return None
    # bool is an int in Python, and JSON true must not pass for a string or an object.
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise invalid(key, f'"{key}" must be {_TYPE_WORDS[kind]}')
    return value


# -- destinations --------------------------------------------------------------------------------


async def list_destinations(request: Request) -> Response:
    page = page_of(request)
    rows, total = _state(request).list_destinations(page.offset, page.count)
    data = (
        b'{"destinations":['
        + b",".join(row.encoded() for row in rows)
        + b'],"pagination":'
        + dumps(page.output(total))
        + b"}"
    )
    return respond(request, STABLE, data)


async def create_destination(request: Request) -> Response:
    body = await _body(request)
    source_id = _get(body, "sourceId", str, required=True)
    metadata_id = _get(body, "metadataId", str, required=True)
    settings = _get(body, "settings", dict, required=True)
    name = _get(body, "name", str, nullable=True)
    enabled = _get(body, "enabled", bool)
    destination = _state(request).create_destination(
        source_id=source_id,
        metadata_id=metadata_id,
        name=name or "",
        # The seed's create sample sends no "enabled" and gets an enabled destination back.
        enabled=True if enabled is None else enabled,
        settings=settings,
    )
    return respond(request, STABLE, b'{"destination":' + destination.encoded() + b"}")


async def get_destination(request: Request) -> Response:
    destination = _state(request).get_destination(request.path_params["destinationId"])
    return respond(request, STABLE, b'{"destination":' + destination.encoded() + b"}")


async def update_destination(request: Request) -> Response:
    body = await _body(request)
    name = _get(body, "name", str, nullable=True)
    if "name" in body and name is None:
        name = ""  # name is nullable: null clears it, and an unnamed destination reads back as ""
    destination = _state(request).update_destination(
        request.path_params["destinationId"],
        name=name,
        enabled=_get(body, "enabled", bool),
        settings=_get(body, "settings", dict),
    )
    return respond(request, STABLE, b'{"destination":' + destination.encoded() + b"}")


async def delete_destination(request: Request) -> Response:
    _state(request).delete_destination(request.path_params["destinationId"])
    return respond(request, STABLE, _SUCCESS)


# -- subscriptions -------------------------------------------------------------------------------


async def list_subscriptions_from_destination(request: Request) -> Response:
    page = page_of(request)
    rows, total = _state(request).list_subscriptions_from_destination(
        request.path_params["destinationId"], page.offset, page.count
    )
    data = {"subscriptions": [row.to_json() for row in rows], "pagination": page.output(total)}
    return respond(request, ALPHA, data)


async def create_destination_subscription(request: Request) -> Response:
    body = await _body(request)
    name = _get(body, "name", str, required=True)
    action_id = _get(body, "actionId", str, required=True)
    trigger = _get(body, "trigger", str, required=True)
    enabled = _get(body, "enabled", bool, required=True)
    settings = _get(body, "settings", dict, nullable=True) or {}
    model_id = _get(body, "modelId", str, nullable=True) or ""
    subscription = _state(request).create_destination_subscription(
        request.path_params["destinationId"],
        name=name,
        action_id=action_id,
        trigger=trigger,
        enabled=enabled,
        settings=settings,
        model_id=model_id,
    )
    return respond(request, ALPHA, {"destinationSubscription": subscription.to_json()})


async def get_subscription_from_destination(request: Request) -> Response:
    subscription = _state(request).get_subscription_from_destination(
        request.path_params["destinationId"], request.path_params["id"]
    )
    return respond(request, ALPHA, {"subscription": subscription.to_json()})


async def update_subscription_for_destination(request: Request) -> Response:
    body = await _body(request)
    # The fields are wrapped in "input" (UpdateSubscriptionForDestinationAlphaInput); a bare body is a 422.
    changes = _get(body, "input", dict, required=True)
    for key, kind in (("name", str), ("trigger", str), ("enabled", bool), ("settings", dict)):
        if key in changes:
            _get(changes, key, kind)
    if "reverseETLModelId" in changes:
        _get(changes, "reverseETLModelId", str)
    subscription = _state(request).update_subscription_for_destination(
        request.path_params["destinationId"], request.path_params["id"], changes
    )
    return respond(request, ALPHA, {"subscription": subscription.to_update_json()})


async def remove_subscription_from_destination(request: Request) -> Response:
    _state(request).remove_subscription_from_destination(
        request.path_params["destinationId"], request.path_params["id"]
    )
    return respond(request, ALPHA, _SUCCESS)


# -- delivery metrics and catalog ----------------------------------------------------------------


async def list_delivery_metrics_summary_from_destination(request: Request) -> Response:
    state = _state(request)
    destination_id = request.path_params["destinationId"]
    state.get_destination(destination_id)
    params = dict(request.query_params)
    source_id = params.get("sourceId")
    if not source_id:
        raise invalid("sourceId", '"sourceId" is required')
    summary = state.list_delivery_metrics_summary_from_destination(destination_id, source_id=source_id, params=params)
    return respond(request, BETA, {"deliveryMetricsSummary": summary})


async def get_destinations_catalog(request: Request) -> Response:
    page = page_of(request)
    rows, total = _state(request).get_destinations_catalog(page.offset, page.count)
    data = (
        b'{"destinationsCatalog":['
        + b",".join(entry.encoded for entry in rows)
        + b'],"pagination":'
        + dumps(page.output(total))
        + b"}"
    )
    return respond(request, STABLE, data)


async def get_destination_metadata(request: Request) -> Response:
    entry = _state(request).get_destination_metadata(request.path_params["destinationMetadataId"])
    return respond(request, STABLE, b'{"destinationMetadata":' + entry.encoded + b"}")
