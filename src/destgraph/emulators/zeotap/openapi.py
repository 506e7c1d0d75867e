"""An OpenAPI 3.0 document of the Zeotap Composable API as this emulator answers it.

Zeotap publishes no OpenAPI file (vendor-facts.md section 2); this one is written from the
seed's Destinations page and the facts, plus the emulator's documented choices. The connection
tests answer ``text/event-stream``; their events' JSON payloads are the ``TestStep``,
``NewConnectionTestResult`` and ``ConnectionTestResult`` schemas.
"""

from __future__ import annotations

from typing import Any

from destgraph.emulators.zeotap.catalog import TYPE_KEYS

_REF = "#/components/"


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"{_REF}{kind}/{name}"}


def _schema(name: str) -> dict[str, str]:
    return _ref("schemas", name)


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    names = {
        400: "BadRequest",
        401: "Unauthorized",
        403: "Forbidden",
        404: "NotFound",
        409: "Conflict",
        429: "TooManyRequests",
    }
    return {str(s): _ref("responses", names[s]) for s in statuses}


#: what every workspace-scoped operation can answer besides its own statuses
_SCOPED = (400, 401, 403, 404, 429)

_SSE_EXAMPLE_NEW = (
    "event: step\n"
    'data: {"name":"connectivity","status":"passed","message":"Successfully connected"}\n\n'
    "event: step\n"
    'data: {"name":"authentication","status":"passed","message":"API key valid"}\n\n'
    "event: step\n"
    'data: {"name":"permissions","status":"passed","message":"Write access verified"}\n\n'
    "event: done\n"
    'data: {"success":true,"steps":[...]}\n\n'
)
_SSE_EXAMPLE_EXISTING = (
    "event: step\n"
    'data: {"name":"connectivity","status":"passed","message":"Connected successfully"}\n\n'
    "event: step\n"
    'data: {"name":"authentication","status":"failed","message":"Authentication failed: ..."}\n\n'
    "event: step\n"
    'data: {"name":"permissions","status":"skipped","message":"Skipped because a previous step failed"}\n\n'
    "event: done\n"
    'data: {"success":false,"destination":{...},"steps":[...]}\n\n'
)


def _sse(description: str, example: str, done_schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"Cache-Control": {"schema": {"type": "string", "example": "no-cache"}}},
        "content": {
            "text/event-stream": {
                "schema": {
                    "type": "string",
                    "description": (
                        "Server-sent events: one `event: step` per step (data: TestStep), then one "
                        f"`event: done` (data: {done_schema})."
                    ),
                },
                "example": example,
            }
        },
    }


def _timestamps() -> dict[str, Any]:
    return {
        "created_by": {"type": "string", "format": "uuid"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    }


def _sync_properties(*, audience: bool) -> dict[str, Any]:
    source: dict[str, Any] = (
        {"audience_id": {"type": "string", "format": "uuid"}, "split_group_id": {"type": "string", "nullable": True}}
        if audience
        else {"model_id": {"type": "string", "format": "uuid"}, "primary_key": {"type": "string"}}
    )
    modes = ["mirror", "additive", "subtractive"] if audience else ["upsert", "mirror", "append"]
    return {
        "id": {"type": "string", "format": "uuid"},
        "workspace_id": {"type": "string"},
        **source,
        "destination_id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "field_mapping": {"type": "array", "items": _schema("FieldMapping")},
        "sync_mode": {"type": "string", "enum": modes},
        "schedule": {"type": "string", "description": "cron expression"},
        "config": {"type": "object", "additionalProperties": True},
        "status": {"type": "string", "enum": ["active", "paused", "error"]},
        "status_error": {"type": "string"},
        **_timestamps(),
        "last_synced_at": {"type": "string", "format": "date-time", "nullable": True},
        "last_run_id": {"type": "string", "format": "uuid", "nullable": True},
    }


def _components() -> dict[str, Any]:
    destination_required = [
        "id",
        "workspace_id",
        "connection_id",
        "name",
        "destination_type",
        "config",
        "status",
        "status_error",
        "created_by",
        "created_at",
        "updated_at",
    ]
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "string", "description": "human-readable error message"}},
            "additionalProperties": False,
        },
        "Deleted": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"type": "string", "enum": ["deleted"]}},
        },
        "DestinationType": {"type": "string", "enum": list(TYPE_KEYS)},
        "Config": {
            "type": "object",
            "additionalProperties": True,
            "description": (
                "Connection configuration, varying by type. Keys outside the type's table, a missing required "
                "key, a Select value outside its options or a non-string value give 400. Secrets are returned "
                "as stored, in clear."
            ),
        },
        "Workspace": {
            "type": "object",
            "required": ["id", "name", "slug", "created_at", "updated_at"],
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "slug": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
            },
        },
        "Destination": {
            "type": "object",
            "required": destination_required,
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "workspace_id": {"type": "string"},
                "connection_id": {"type": "string", "format": "uuid", "nullable": True},
                "name": {"type": "string"},
                "destination_type": _schema("DestinationType"),
                "config": _schema("Config"),
                "status": {"type": "string", "enum": ["pending", "connected", "error"]},
                "status_error": {"type": "string", "description": "empty unless status is error"},
                **_timestamps(),
            },
        },
        "DestinationCreate": {
            "type": "object",
            "required": ["name", "destination_type", "config"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 255},
                "destination_type": _schema("DestinationType"),
                "config": _schema("Config"),
                "connection_id": {"type": "string", "format": "uuid", "nullable": True},
            },
        },
        "DestinationUpdate": {
            "type": "object",
            "description": (
                "Only the fields sent change. config replaces the stored config whole and, like connection_id, "
                "sets status back to pending; destination_type may only repeat the current type."
            ),
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 255},
                "destination_type": _schema("DestinationType"),
                "config": _schema("Config"),
                "connection_id": {"type": "string", "format": "uuid", "nullable": True},
            },
        },
        "ConnectionTestRequest": {
            "type": "object",
            "required": ["destination_type", "config"],
            "properties": {"destination_type": _schema("DestinationType"), "config": _schema("Config")},
        },
        "TestStep": {
            "type": "object",
            "required": ["name", "status", "message"],
            "properties": {
                "name": {"type": "string", "enum": ["connectivity", "authentication", "permissions"]},
                "status": {"type": "string", "enum": ["passed", "failed", "skipped"]},
                "message": {"type": "string"},
            },
        },
        "NewConnectionTestResult": {
            "type": "object",
            "required": ["success", "steps"],
            "properties": {"success": {"type": "boolean"}, "steps": {"type": "array", "items": _schema("TestStep")}},
        },
        "ConnectionTestResult": {
            "type": "object",
            "required": ["success", "destination", "steps"],
            "properties": {
                "success": {"type": "boolean"},
                "destination": _schema("Destination"),
                "steps": {"type": "array", "items": _schema("TestStep")},
            },
        },
        "Field": {
            "type": "object",
            "required": ["name", "label", "type", "required"],
            "properties": {
                "name": {"type": "string"},
                "label": {"type": "string"},
                "type": {"type": "string", "description": "the destination's own type (email, picklist, VARCHAR ...)"},
                "required": {"type": "boolean"},
            },
        },
        "FieldMapping": {
            "type": "object",
            "required": ["source_column", "destination_field"],
            "properties": {"source_column": {"type": "string"}, "destination_field": {"type": "string"}},
        },
        "Sync": {
            "type": "object",
            "required": ["id", "workspace_id", "model_id", "destination_id", "name", "sync_mode", "status"],
            "properties": _sync_properties(audience=False),
        },
        "AudienceSync": {
            "type": "object",
            "required": ["id", "workspace_id", "audience_id", "destination_id", "name", "sync_mode", "status"],
            "properties": _sync_properties(audience=True),
        },
    }
    error = _schema("Error")
    responses = {
        "BadRequest": _json(
            error, "Invalid request body, missing required fields, unsupported values, missing X-Workspace-ID"
        ),
        "Unauthorized": _json(error, "Missing or invalid bearer token"),
        "Forbidden": _json(error, "X-Workspace-ID does not match the workspace in the path"),
        "NotFound": _json(error, "No such workspace, destination, sync or route"),
        "Conflict": _json(error, "The destination is referenced by a sync or an audience sync"),
        "TooManyRequests": {
            "description": "More than 100 requests a minute or 20 a second for the workspace",
            "headers": {"Retry-After": {"description": "whole seconds", "schema": {"type": "integer"}}},
            "content": {"application/json": {"schema": error}},
        },
    }
    parameters = {
        "WorkspaceId": {"name": "workspaceId", "in": "path", "required": True, "schema": {"type": "string"}},
        "WorkspaceHeader": {
            "name": "X-Workspace-ID",
            "in": "header",
            "required": True,
            "description": "must equal the workspace id in the path",
            "schema": {"type": "string"},
        },
        "DestinationId": {"name": "destId", "in": "path", "required": True, "schema": {"type": "string"}},
        "SyncId": {"name": "syncId", "in": "path", "required": True, "schema": {"type": "string"}},
    }
    return {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        "schemas": schemas,
        "responses": responses,
        "parameters": parameters,
    }


def _op(
    op_id: str, summary: str, responses: dict[str, Any], *, body: str | None = None, **extra: Any
) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": op_id, "summary": summary, "responses": responses}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _schema(body)}}}
    operation.update(extra)
    return operation


def _syncs(base: str, tag: str, schema: str, noun: str) -> dict[str, Any]:
    item_params = [_ref("parameters", "SyncId")]
    return {
        base: {
            "parameters": [_ref("parameters", "WorkspaceId"), _ref("parameters", "WorkspaceHeader")],
            "get": _op(
                f"list{schema}s",
                f"List all {noun}s",
                {"200": _json({"type": "array", "items": _schema(schema)}, f"All {noun}s"), **_errors(*_SCOPED)},
                tags=[tag],
            ),
        },
        f"{base}/{{syncId}}": {
            "parameters": [_ref("parameters", "WorkspaceId"), _ref("parameters", "WorkspaceHeader"), *item_params],
            "get": _op(
                f"get{schema}",
                f"Get a {noun}",
                {"200": _json(_schema(schema), f"The {noun}"), **_errors(*_SCOPED)},
                tags=[tag],
            ),
            "delete": _op(
                f"delete{schema}",
                f"Delete a {noun}",
                {"200": _json(_schema("Deleted"), "Deleted"), **_errors(*_SCOPED)},
                tags=[tag],
            ),
        },
    }


def openapi() -> dict[str, Any]:
    """The document, built fresh on each call (the control API serves it)."""
    ws = "/api/v1/workspaces/{workspaceId}"
    scoped = [_ref("parameters", "WorkspaceId"), _ref("parameters", "WorkspaceHeader")]
    item = [*scoped, _ref("parameters", "DestinationId")]
    destination = _schema("Destination")
    paths: dict[str, Any] = {
        "/api/v1/workspaces": {
            "get": _op(
                "listWorkspaces",
                "List the workspaces the token can see (no X-Workspace-ID needed)",
                {"200": _json({"type": "array", "items": _schema("Workspace")}, "All workspaces"), **_errors(401, 429)},
                tags=["Workspaces"],
            )
        },
        f"{ws}/destinations": {
            "parameters": scoped,
            "get": _op(
                "listDestinations",
                "List all destinations (a bare array, in creation order, unpaginated)",
                {"200": _json({"type": "array", "items": destination}, "All destinations"), **_errors(*_SCOPED)},
                tags=["Destinations"],
            ),
            "post": _op(
                "createDestination",
                "Create a destination (status starts pending)",
                {"201": _json(destination, "Created"), **_errors(*_SCOPED)},
                body="DestinationCreate",
                tags=["Destinations"],
            ),
        },
        f"{ws}/destinations/test": {
            "parameters": scoped,
            "post": _op(
                "testNewConnection",
                "Test a new connection (SSE)",
                {
                    "200": _sse("Test progress as server-sent events", _SSE_EXAMPLE_NEW, "NewConnectionTestResult"),
                    **_errors(*_SCOPED),
                },
                body="ConnectionTestRequest",
                tags=["Destinations"],
            ),
        },
        f"{ws}/destinations/{{destId}}": {
            "parameters": item,
            "get": _op(
                "getDestination",
                "Get a destination",
                {"200": _json(destination, "The destination"), **_errors(*_SCOPED)},
                tags=["Destinations"],
            ),
            "put": _op(
                "updateDestination",
                "Update a destination: only the fields sent change",
                {"200": _json(destination, "Updated"), **_errors(*_SCOPED)},
                body="DestinationUpdate",
                tags=["Destinations"],
            ),
            "delete": _op(
                "deleteDestination",
                "Delete a destination; refused with 409 while a sync or audience sync references it",
                {"200": _json(_schema("Deleted"), "Deleted"), **_errors(*_SCOPED, 409)},
                tags=["Destinations"],
            ),
        },
        f"{ws}/destinations/{{destId}}/test": {
            "parameters": item,
            "post": _op(
                "testConnection",
                "Test an existing connection (SSE); the destination's status is updated on completion",
                {
                    "200": _sse("Test progress as server-sent events", _SSE_EXAMPLE_EXISTING, "ConnectionTestResult"),
                    **_errors(*_SCOPED),
                },
                tags=["Destinations"],
            ),
        },
        f"{ws}/destinations/{{destId}}/fields": {
            "parameters": item,
            "get": _op(
                "describeDestinationFields",
                "Describe the fields a sync can map to (shape chosen by the emulator)",
                {"200": _json({"type": "array", "items": _schema("Field")}, "Mappable fields"), **_errors(*_SCOPED)},
                tags=["Destinations"],
            ),
        },
        **_syncs(f"{ws}/syncs", "Syncs", "Sync", "reverse ETL sync"),
        **_syncs(f"{ws}/audience-syncs", "Audience syncs", "AudienceSync", "audience sync"),
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Zeotap Composable API (as emulated by destgraph)",
            "version": "v1",
            "description": (
                "Destinations, reverse ETL syncs and audience syncs of Zeotap Composable (formerly SignalSmith), "
                'as the destgraph emulator answers them. Every error body is {"error": "..."}.'
            ),
        },
        "servers": [
            {"url": "https://composable.zeotap.com", "description": "Zeotap Composable"},
            {"url": "/", "description": "this emulator"},
        ],
        "security": [{"bearerAuth": []}],
        "tags": [
            {"name": "Workspaces"},
            {"name": "Destinations"},
            {"name": "Syncs"},
            {"name": "Audience syncs"},
        ],
        "paths": paths,
        "components": _components(),
    }
