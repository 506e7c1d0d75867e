"""An OpenAPI 3.0 document of the Ours Privacy API as this emulator serves it.

It follows the published document (same paths, operation ids, parameters, schemas and statuses)
and adds what the emulator also serves: ``GET /rest/v1/openapi.json`` without authentication, the
descriptor schemas as named components, and the emulator's choices in the descriptions.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from destgraph.emulators.ours.catalog import CREATABLE_TYPE_IDS, READABLE_TYPE_IDS, STATUSES

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


_ERRORS = {
    "400": "Bad Request: malformed JSON, wrong content type, invalid fields or settings, malformed cursor",
    "401": "Unauthorized — missing, invalid, or expired API key",
    "403": "Forbidden — API key does not have the required scope",
    "404": "Not Found",
    "500": "Internal Server Error",
}


def _responses(ok: dict[str, Any], description: str) -> dict[str, Any]:
    return {"200": _json(ok, description), **{code: _json(_ref("Error"), text) for code, text in _ERRORS.items()}}


_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
_SECURITY: list[dict[str, list[str]]] = [{"apiKey": []}]


def _operation(operation_id: str, method: str, description: str, **rest: Any) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "tags": ["Destinations"],
        "x-stainless-method": f"destinations.{method}",
        "security": _SECURITY,
        "description": description,
        **rest,
    }


def _read_only(schema: dict[str, Any]) -> dict[str, Any]:
    note = "Server-assigned read-only field. Accepted on PATCH and ignored to support GET -> PATCH round-trips."
    return {**schema, "description": note, "readOnly": True}


def _text_kind() -> dict[str, Any]:
    return {"anyOf": [{"type": "string", "enum": ["Text"]}, {"type": "string", "enum": ["Secret"]}]}


_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "properties": {"error": {"type": "string"}, "details": {"type": "string"}},
        "required": ["error"],
    },
    "DestinationTypeId": {
        "type": "string",
        "enum": list(READABLE_TYPE_IDS),
        "description": "Destination type. Read responses may include warehouse, cloud-storage, and audience-sync "
        "types that are not creatable through POST /rest/v1/destinations.",
    },
    "CreatableDestinationTypeId": {
        "type": "string",
        "enum": list(CREATABLE_TYPE_IDS),
        "description": "Event-dispatch destination type to create. Warehouse, cloud-storage, and audience-sync "
        "destination types may appear on read responses but are not creatable through POST.",
    },
    "Destination": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "name": {"type": "string", "nullable": True},
            "type": _ref("DestinationTypeId"),
            "status": {"type": "string", "enum": list(STATUSES)},
            "createdAt": {"type": "string", "format": "date-time"},
            "updatedAt": {"type": "string", "format": "date-time", "nullable": True},
            "settings": {
                "type": "object",
                "nullable": True,
                "description": "Per-type configuration. Secret-kind settings read back as ******.",
            },
            "limitedToSourceIds": {"type": "array", "nullable": True, "items": {"type": "string"}},
            "hashingSalt": {
                "type": "string",
                "nullable": True,
                "description": "Returned as stored (not a setting, so not masked).",
            },
        },
        "required": ["id", "type", "status", "createdAt"],
    },
    "DestinationList": {
        "type": "object",
        "properties": {
            "entities": {"type": "array", "items": _ref("Destination")},
            "pagination": {
                "type": "object",
                "properties": {"nextCursor": {"type": "string", "nullable": True}, "hasMore": {"type": "boolean"}},
                "required": ["hasMore"],
            },
        },
        "required": ["entities", "pagination"],
    },
    "CreateDestination": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "nullable": True},
            "type": _ref("CreatableDestinationTypeId"),
            "settings": {
                "type": "object",
                "nullable": True,
                "description": "Per-type configuration keys and values. Call GET /rest/v1/destinations/types to "
                "get the valid keys for your destination type.",
            },
        },
        "required": ["type"],
    },
    "UpdateDestination": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "id": _read_only({"type": "string"}),
            "createdAt": _read_only({"type": "string"}),
            "updatedAt": _read_only({"type": "string", "nullable": True}),
            "type": _read_only({"type": "string", "enum": list(READABLE_TYPE_IDS)}),
            "status": {"type": "string", "nullable": True, "enum": list(STATUSES)},
            "name": {"type": "string", "nullable": True},
            "hashingSalt": {"type": "string", "nullable": True},
            "limitedToSourceIds": {"type": "array", "nullable": True, "items": {"type": "string"}},
            "settings": {
                "type": "object",
                "nullable": True,
                "description": "Patch-only: omitted keys keep their value, null clears a key, ****** keeps a "
                "stored secret. null for the whole object clears every setting (400 if the type has required "
                "settings).",
            },
        },
    },
    "AlertSetting": {
        "type": "object",
        "properties": {
            "key": {"type": "string"},
            "type": {"type": "string", "enum": ["Alert"]},
            "label": {
                "type": "string",
                "description": "Informational display message only. Do not send this key in POST or PATCH settings.",
            },
        },
        "required": ["key", "type", "label"],
        "additionalProperties": False,
    },
    "SelectSetting": {
        "type": "object",
        "properties": {
            "key": {"type": "string"},
            "type": {"type": "string", "enum": ["Select"]},
            "label": {"type": "string"},
            "sublabel": {"type": "string", "nullable": True},
            "required": {"type": "boolean", "nullable": True},
            "options": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"label": {"type": "string"}, "value": {"type": "string"}},
                    "required": ["label", "value"],
                },
            },
            "defaultValue": {"type": "string", "nullable": True},
        },
        "required": ["key", "type", "label", "options"],
        "additionalProperties": False,
    },
    "SwitchSetting": {
        "type": "object",
        "properties": {
            "key": {"type": "string"},
            "type": {"type": "string", "enum": ["Switch"]},
            "label": {"type": "string"},
            "required": {"type": "boolean", "nullable": True},
            "sublabel": {"type": "string", "nullable": True},
            "defaultValue": {"type": "boolean", "nullable": True},
        },
        "required": ["key", "type", "label"],
        "additionalProperties": False,
    },
    "GenericOauthSetting": {
        "type": "object",
        "properties": {
            "key": {"type": "string"},
            "type": {"type": "string", "enum": ["GenericOauth"]},
            "label": {"type": "string"},
            "sublabel": {"type": "string", "nullable": True},
        },
        "required": ["key", "type", "label"],
        "additionalProperties": False,
    },
    "TextSetting": {
        "type": "object",
        "properties": {
            "key": {"type": "string"},
            "type": _text_kind(),
            "label": {"type": "string"},
            "sublabel": {"type": "string", "nullable": True},
            "placeholder": {"type": "string"},
            "required": {"type": "boolean", "nullable": True},
        },
        "required": ["key", "type", "label", "placeholder"],
        "additionalProperties": False,
    },
    "DestinationType": {
        "type": "object",
        "properties": {
            "id": _ref("CreatableDestinationTypeId"),
            "label": {"type": "string"},
            "status": {"type": "string", "enum": ["deprecated", "ga"]},
            "capabilities": {
                "type": "object",
                "properties": {
                    "oauth": {"type": "boolean"},
                    "listsAccounts": {"type": "boolean"},
                    "supportsRenamedEvents": {"type": "boolean"},
                },
                "required": ["oauth", "listsAccounts", "supportsRenamedEvents"],
            },
            "settings": {
                "type": "array",
                "items": {
                    "anyOf": [
                        _ref(name)
                        for name in (
                            "AlertSetting",
                            "SelectSetting",
                            "SwitchSetting",
                            "GenericOauthSetting",
                            "TextSetting",
                        )
                    ]
                },
            },
        },
        "required": ["id", "label", "status", "capabilities", "settings"],
    },
    "DestinationTypeList": {
        "type": "object",
        "properties": {"entities": {"type": "array", "items": _ref("DestinationType")}},
        "required": ["entities"],
    },
    "DestinationHealth": {
        "type": "object",
        "properties": {
            "status": {
                "type": "string",
                "enum": ["DEGRADED", "HEALTHY", "NO_DATA", "UNHEALTHY"],
                "description": "HEALTHY (>=95% of decisive dispatches succeeded), DEGRADED (50-95%), UNHEALTHY "
                "(<50%), or NO_DATA (no succeeded/failed dispatches in the window).",
            },
            "windowStart": {"type": "string", "description": "Start of the snapshot window (ISO 8601)."},
            "windowEnd": {"type": "string", "description": "End of the snapshot window (ISO 8601)."},
            "totalDispatches": {
                "type": "number",
                "description": "All dispatch attempts in the window, including stopped/blocked ones.",
            },
            "successCount": {"type": "number"},
            "failureCount": {"type": "number"},
            "stoppedCount": {
                "type": "number",
                "description": "Dispatches intentionally stopped before send (not a failure).",
            },
            "globalStopCount": {
                "type": "number",
                "description": "Dispatches blocked by an account-wide dispatch rule (not a failure).",
            },
            "successRate": {
                "type": "number",
                "nullable": True,
                "description": "successCount / (successCount + failureCount). Null when there were no "
                "succeeded/failed dispatches in the window.",
            },
            "lastDispatchedAt": {
                "type": "string",
                "nullable": True,
                "description": "Timestamp of the most recent dispatch attempt to this destination, if any.",
            },
        },
        "required": [
            "status",
            "windowStart",
            "windowEnd",
            "totalDispatches",
            "successCount",
            "failureCount",
            "stoppedCount",
            "globalStopCount",
        ],
    },
}

_LIST_PARAMETERS = [
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {
            "type": "integer",
            "nullable": True,
            "example": 25,
            "description": "Maximum number of items to return. Defaults to 25; values below 1 are clamped to 1 and "
            "values above 100 are clamped to 100. A value that is not an integer is a 400.",
        },
    },
    {
        "name": "cursor",
        "in": "query",
        "required": False,
        "schema": {
            "type": "string",
            "description": "Opaque pagination cursor from pagination.nextCursor in the previous response. Do not "
            "decode or modify it. Malformed cursors, and cursors issued for other status/type filters, return "
            "400 Bad Request.",
        },
    },
    {
        "name": "status",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": list(STATUSES), "description": "Filter destinations by status."},
    },
    {
        "name": "type",
        "in": "query",
        "required": False,
        "schema": {
            "type": "string",
            "enum": list(READABLE_TYPE_IDS),
            "description": "Filter destinations by destination type.",
        },
    },
]


def _body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": _ref(schema)}}}


_PATHS: dict[str, Any] = {
    "/rest/v1/destinations": {
        "get": _operation(
            "listDestinations",
            "list",
            "List all destinations, newest first (createdAt descending). Requires scope: destination:list",
            parameters=_LIST_PARAMETERS,
            responses=_responses(_ref("DestinationList"), "List of destinations"),
        ),
        "post": _operation(
            "createDestinations",
            "create",
            "Create a new destination (status Enabled). Settings are checked against the type's descriptors: "
            "unknown, Alert and GenericOauth keys, wrong value types and missing required keys are a 400. "
            "Requires scope: destination:create",
            requestBody=_body("CreateDestination"),
            responses=_responses(_ref("Destination"), "Created destination"),
        ),
    },
    "/rest/v1/destinations/{id}": {
        "get": _operation(
            "findDestinations",
            "retrieve",
            "Find a single destination by ID. Requires scope: destination:find",
            parameters=[_ID],
            responses=_responses(_ref("Destination"), "Destination details"),
        ),
        "patch": _operation(
            "patchDestinations",
            "update",
            "Partially update a destination. Only the fields you send are changed; omitted fields are unchanged. "
            "The `settings` object is patch-only: omitted keys keep their current value, and send `null` to clear "
            "a specific setting. Requires scope: destination:update",
            parameters=[_ID],
            requestBody=_body("UpdateDestination"),
            responses=_responses(_ref("Destination"), "Updated destination"),
        ),
        "delete": _operation(
            "deleteDestinations",
            "delete",
            "Delete a destination. Requires scope: destination:delete",
            parameters=[_ID],
            responses=_responses({"type": "boolean"}, "Deleted successfully"),
        ),
    },
    "/rest/v1/destinations/types": {
        "get": _operation(
            "getDestinationTypes",
            "types",
            "Lists every creatable destination type with its label, capability flags and settings descriptor. "
            "Account-agnostic. Requires scope: destination:list",
            responses=_responses(_ref("DestinationTypeList"), "Destination types with settings descriptors"),
        ),
    },
    "/rest/v1/destinations/{id}/health": {
        "get": _operation(
            "healthDestinations",
            "health",
            "Snapshot of dispatch health for this destination over the trailing 24 hours, computed from the "
            "emulator's seeded dispatch history. Requires scope: destination:find",
            parameters=[_ID],
            responses=_responses(_ref("DestinationHealth"), "Dispatch health snapshot for the destination"),
        ),
    },
    "/rest/v1/openapi.json": {
        "get": {
            "operationId": "getOpenApiDocument",
            "tags": ["Meta"],
            "security": [],
            "description": "This document. Needs no authentication (API Overview).",
            "responses": {"200": _json({"type": "object"}, "The OpenAPI document")},
        }
    },
}

_DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "Ours Privacy REST API (destgraph emulator)",
        "version": "1.0.0",
        "description": "REST API for programmatic configuration management, as emulated by destgraph. "
        "Authenticated with Ours Privacy API keys: the emulator's token has scope `all`; "
        "`<token>;scopes=destination:list,destination:find` is a key with only the listed scopes (403 otherwise). "
        "No rate limits are documented, so none are enforced.",
    },
    "servers": [{"url": "/"}],
    "paths": _PATHS,
    "components": {
        "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "Ours Privacy API key"}},
        "schemas": _SCHEMAS,
    },
}


@cache
def _frozen() -> dict[str, Any]:
    return _DOCUMENT


def openapi() -> dict[str, Any]:
    """The document; a copy, so a caller may change it freely."""
    return copy.deepcopy(_frozen())
