"""Request-body checks for create, update and test, answered as Zeotap's 400 ``{"error": ...}``.

The vendor's status table gives 400 for "Invalid request body, missing required fields,
unsupported values" (vendor-facts.md section 2); each message names the offending field.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from starlette.requests import Request

from destgraph.emulators.core import VendorError
from destgraph.emulators.zeotap.catalog import TEXTAREA, TYPE_KEYS, TYPES, DestinationType

MAX_NAME_LENGTH = 255


def bad_request(message: str, field: str | None = None) -> VendorError:
    return VendorError(400, message, kind="validation", field=field)


async def read_body(request: Request) -> dict[str, Any]:
    """The JSON object a POST or PUT carries ("Content-Type must be application/json")."""
    raw = await request.body()
    if not raw.strip():
        raise bad_request("request body is required")
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise VendorError(400, "Content-Type must be application/json", kind="unsupported_media_type")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VendorError(400, f"invalid JSON in request body: {exc}", kind="malformed_json") from exc
    if not isinstance(body, dict):
        raise bad_request("request body must be a JSON object")
    return body


def name(value: Any) -> str:
    if value is None or value == "":
        raise bad_request("name is required", "name")
    if not isinstance(value, str):
        raise bad_request("name must be a string", "name")
    if not value.strip():
        raise bad_request("name must not be blank", "name")
    if len(value) > MAX_NAME_LENGTH:
        raise bad_request(f"name must be at most {MAX_NAME_LENGTH} characters", "name")
    return value


def destination_type(value: Any) -> DestinationType:
    if value is None or value == "":
        raise bad_request("destination_type is required", "destination_type")
    if not isinstance(value, str):
        raise bad_request("destination_type must be a string", "destination_type")
    found = TYPES.get(value)
    if found is None:
        raise bad_request(
            f"unsupported destination_type {value!r}; expected one of: {', '.join(TYPE_KEYS)}", "destination_type"
        )
    return found


def config_object(value: Any) -> dict[str, Any]:
    if value is None:
        raise bad_request("config is required", "config")
    if not isinstance(value, dict):
        raise bad_request("config must be an object", "config")
    return value


def config(kind: DestinationType, value: Any) -> dict[str, Any]:
    """A config for a stored destination: known keys only, required ones present, values well typed."""
    body = config_object(value)
    for key in body:
        if kind.field(key) is None:
            allowed = ", ".join(f.name for f in kind.config)
            raise bad_request(
                f"config.{key} is not a field of destination type {kind.key}; allowed: {allowed}", f"config.{key}"
            )
    for spec in kind.config:
        item = body.get(spec.name)
        if item is None or item == "":
            if spec.required:
                raise bad_request(
                    f"config.{spec.name} is required for destination type {kind.key}", f"config.{spec.name}"
                )
            continue
        if spec.kind == TEXTAREA:
            # Textarea holds JSON text; an already-parsed object (the seed's webhook headers) is accepted too.
            if not isinstance(item, str | dict | list):
                raise bad_request(f"config.{spec.name} must be a string or a JSON object", f"config.{spec.name}")
            continue
        if not isinstance(item, str):
            raise bad_request(f"config.{spec.name} must be a string", f"config.{spec.name}")
        if spec.options and item not in spec.options:
            raise bad_request(f"config.{spec.name} must be one of: {', '.join(spec.options)}", f"config.{spec.name}")
        if spec.url and not item.startswith(("http://", "https://")):
            raise bad_request(f"config.{spec.name} must start with http:// or https://", f"config.{spec.name}")
    return body


def connection_id(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request("connection_id must be a string (UUID) or null", "connection_id")
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise bad_request("connection_id must be a UUID", "connection_id") from exc
