"""An OpenAPI 3.0 document of the Nimriz Destinations API as this emulator answers it.

Nimriz publishes no OpenAPI file; this one is written from the seed, vendor-facts.md section 3 and
the choices in the package docstring, so that stock tools can drive the emulator.
"""

from __future__ import annotations

from typing import Any

from destgraph.emulators.nimriz import catalog

_REF = "#/components/schemas/"
_RESP = "#/components/responses/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    names = {
        400: "BadRequest",
        401: "Unauthorized",
        403: "Forbidden",
        404: "NotFound",
        415: "UnsupportedMediaType",
        422: "Unprocessable",
        429: "RateLimited",
        500: "InternalError",
        502: "Unavailable",
        503: "Unavailable",
        504: "Unavailable",
    }
    common = (401, 429, 500, 502, 503, 504)
    return {str(s): {"$ref": _RESP + names[s]} for s in sorted({*statuses, *common})}


_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
_DESTINATION_ID = {
    "name": "destination_id",
    "in": "path",
    "required": True,
    "description": "The destination's id (UUID).",
    "schema": {"type": "string"},
}


def _override_schema(kind: str, fields: tuple[str, ...]) -> dict[str, Any]:
    properties: dict[str, Any] = {"type": {"type": "string", "enum": [kind]}}
    for name in fields:
        if name == "value":
            # 3.0 honours nullable only beside a type: null matches the nullable string branch alone.
            properties[name] = {
                "oneOf": [{"type": "string", "nullable": True}, {"type": "number"}, {"type": "boolean"}]
            }
        else:
            properties[name] = {"type": "string", "minLength": 1}
    return {"type": "object", "required": ["type", *fields], "additionalProperties": False, "properties": properties}


def _schemas() -> dict[str, Any]:
    override_names = {kind: f"{kind.capitalize()}Override" for kind in catalog.OVERRIDE_FIELDS}
    include_properties: dict[str, Any] = {
        "event_types": {"type": "array", "items": {"type": "string", "enum": list(catalog.EVENT_TYPES)}},
        "touch_types": {"type": "array", "items": {"type": "string", "enum": list(catalog.TOUCH_TYPES)}},
        "domain_ids": _STRINGS,
        "tag_ids": _STRINGS,
        "space_ids": _STRINGS,
        "countries": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
    }
    exclude_properties = {k: v for k, v in include_properties.items() if k != "space_ids"}
    exclude_properties["bot_traffic"] = {"type": "boolean"}
    action_properties: dict[str, Any] = {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string", "minLength": 1, "maxLength": 255},
        "action_type": {"type": "string", "enum": list(catalog.ACTION_TYPES)},
        "enabled": {"type": "boolean"},
        "property_mapping": _ref("PropertyMapping"),
        "event_filter": _ref("EventFilter"),
    }
    return {
        "Error": {
            "type": "object",
            "required": ["code", "message", "support_reference"],
            "properties": {
                "code": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$", "example": "VALIDATION_ERROR"},
                "message": {"type": "string"},
                "support_reference": {"type": "string", "example": "ref_5f0c2a9e1b7d4c3a8e6f0b1d"},
                "field": {"type": "string", "description": "Path of the (first) invalid field."},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "message"],
                        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
            },
        },
        "Whoami": {
            "type": "object",
            "required": ["account_id", "workspace_name"],
            "properties": {"account_id": {"type": "string"}, "workspace_name": {"type": "string"}},
        },
        "Credentials": {
            "type": "object",
            "description": "Keys depend on the type. Sensitive values read back as " + catalog.REDACTED + ".",
            "additionalProperties": {"type": "string"},
        },
        **{override_names[kind]: _override_schema(kind, fields) for kind, fields in catalog.OVERRIDE_FIELDS.items()},
        "Override": {
            "oneOf": [_ref(name) for name in override_names.values()],
            "discriminator": {
                "propertyName": "type",
                "mapping": {kind: _REF + name for kind, name in override_names.items()},
            },
        },
        "PropertyMapping": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "base": {"type": "string", "enum": list(catalog.MAPPING_BASES)},
                "overrides": {"type": "array", "items": _ref("Override")},
            },
        },
        "FilterInclude": {"type": "object", "additionalProperties": False, "properties": include_properties},
        "FilterExclude": {"type": "object", "additionalProperties": False, "properties": exclude_properties},
        "Condition": {
            "type": "object",
            "required": ["field", "operator"],
            "additionalProperties": False,
            "properties": {
                "field": {"type": "string", "minLength": 1},
                "operator": {"type": "string", "enum": list(catalog.CONDITION_OPERATORS)},
                "value": {
                    "description": "A scalar; an array for in/not_in; absent for exists/not_exists.",
                    "oneOf": [
                        {"type": "string"},
                        {"type": "number"},
                        {"type": "boolean"},
                        {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "number"}]}},
                    ],
                },
            },
        },
        "EventFilter": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "include": _ref("FilterInclude"),
                "exclude": _ref("FilterExclude"),
                "conditions": {"type": "array", "items": _ref("Condition")},
            },
        },
        "Action": {
            "type": "object",
            "required": list(action_properties),
            "properties": action_properties,
        },
        "ActionInput": {
            "type": "object",
            "required": ["name", "action_type"],
            "description": "id keeps an existing action on PUT; any other id is replaced by a new one.",
            "properties": {**action_properties, "id": {"type": "string"}},
        },
        "Destination": {
            "type": "object",
            "required": ["id", "name", "type", "enabled", "credentials", "actions", "created_at", "updated_at"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "name": {"type": "string"},
                "type": {"type": "string", "enum": list(catalog.DESTINATION_TYPES)},
                "enabled": {"type": "boolean"},
                "credentials": _ref("Credentials"),
                "actions": {"type": "array", "items": _ref("Action")},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
            },
        },
        "DestinationCreate": {
            "type": "object",
            "required": ["name", "type", "credentials"],
            "properties": {
                "account_id": {"type": "string", "description": "Optional; must be the key's own account."},
                "name": {"type": "string", "minLength": 1, "maxLength": 255},
                "type": {"type": "string", "enum": list(catalog.DESTINATION_TYPES)},
                "enabled": {"type": "boolean", "default": True},
                "credentials": _ref("Credentials"),
                "actions": {"type": "array", "items": _ref("ActionInput")},
            },
        },
        "DestinationUpdate": {
            "type": "object",
            "description": "Fields not sent are kept, except actions: the list is replaced by the one sent "
            "(none sent: no actions). Credentials sent replace the stored ones whole.",
            "properties": {
                "account_id": {"type": "string"},
                "name": {"type": "string", "minLength": 1, "maxLength": 255},
                "type": {"type": "string", "description": "Must equal the current type."},
                "enabled": {"type": "boolean"},
                "credentials": _ref("Credentials"),
                "actions": {"type": "array", "items": _ref("ActionInput")},
            },
        },
        "DestinationEnvelope": {
            "type": "object",
            "required": ["destination"],
            "properties": {"destination": _ref("Destination")},
        },
        "DestinationList": {
            "type": "object",
            "required": ["destinations"],
            "properties": {"destinations": {"type": "array", "items": _ref("Destination")}},
        },
        "Deleted": {
            "type": "object",
            "required": ["deleted", "id"],
            "properties": {"deleted": {"type": "boolean", "enum": [True]}, "id": {"type": "string"}},
        },
        "TestSendRequest": {
            "type": "object",
            "properties": {"action_id": {"type": "string", "description": "Omitted: the first enabled action."}},
        },
        "TestEvent": {
            "type": "object",
            "required": ["id", "destination_id", "action_id", "action_type", "event_type", "status", "queued_at"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "destination_id": {"type": "string", "format": "uuid"},
                "action_id": {"type": "string", "format": "uuid"},
                "action_type": {"type": "string", "enum": list(catalog.ACTION_TYPES)},
                "event_type": {"type": "string", "enum": list(catalog.EVENT_TYPES)},
                "status": {"type": "string", "enum": ["queued"]},
                "queued_at": {"type": "string", "format": "date-time"},
            },
        },
        "TestSendResponse": {
            "type": "object",
            "required": ["queued", "test_event"],
            "properties": {"queued": {"type": "boolean", "enum": [True]}, "test_event": _ref("TestEvent")},
        },
    }


def _responses() -> dict[str, Any]:
    error = _ref("Error")
    retry_after = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
    rate_limited = _json(error, "RATE_LIMITED (only through fault injection: no limits are documented).")
    rate_limited["headers"] = retry_after
    return {
        "BadRequest": _json(error, "VALIDATION_ERROR (with field and details) or INVALID_JSON."),
        "Unauthorized": _json(error, "UNAUTHORIZED: missing, invalid or revoked API key."),
        "Forbidden": _json(error, "FORBIDDEN: account_id is not the key's account."),
        "NotFound": _json(error, "NOT_FOUND: no such destination or action."),
        "UnsupportedMediaType": _json(error, "UNSUPPORTED_MEDIA_TYPE: the body is not application/json."),
        "Unprocessable": _json(error, "NO_ENABLED_ACTION or ACTION_DISABLED."),
        "RateLimited": rate_limited,
        "InternalError": _json(error, "INTERNAL_ERROR, with a customer-safe message."),
        "Unavailable": _json(error, "BAD_GATEWAY, SERVICE_UNAVAILABLE or GATEWAY_TIMEOUT: retryable."),
    }


def openapi() -> dict[str, Any]:
    body = {"required": True, "content": {"application/json": {"schema": _ref("DestinationCreate")}}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Nimriz Destinations API (as emulated by destgraph)",
            "version": "emulated",
            "description": "Written from nimriz.com/docs/api-destinations-reference and vendor-facts.md; "
            "GET /api/integrations/destinations/{destination_id} is not documented and answers 405 "
            "METHOD_NOT_ALLOWED. No rate limits are enforced unless injected.",
        },
        "servers": [{"url": "https://api.nimriz.com"}],
        "security": [{"bearerAuth": []}, {"apiKeyHeader": []}],
        "paths": {
            "/api/v1/whoami": {
                "get": {
                    "operationId": "whoami",
                    "summary": "The account and workspace the API key belongs to",
                    "responses": {"200": _json(_ref("Whoami"), "The key's workspace."), **_errors()},
                }
            },
            "/api/integrations/destinations": {
                "get": {
                    "operationId": "listDestinations",
                    "summary": "List destinations (sensitive credentials redacted)",
                    "parameters": [
                        {
                            "name": "account_id",
                            "in": "query",
                            "required": False,
                            "description": "Optional; when sent it must be the key's own account (whoami).",
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _json(_ref("DestinationList"), "Every destination, in creation order."),
                        **_errors(403),
                    },
                },
                "post": {
                    "operationId": "createDestination",
                    "summary": "Create a destination with its actions",
                    "requestBody": body,
                    "responses": {
                        "201": _json(_ref("DestinationEnvelope"), "Created (credentials redacted)."),
                        **_errors(400, 403, 415),
                    },
                },
            },
            "/api/integrations/destinations/{destination_id}": {
                "parameters": [_DESTINATION_ID],
                "put": {
                    "operationId": "updateDestination",
                    "summary": "Update settings and replace the action list",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("DestinationUpdate")}},
                    },
                    "responses": {
                        "200": _json(_ref("DestinationEnvelope"), "Updated (credentials redacted)."),
                        **_errors(400, 403, 404, 415),
                    },
                },
                "delete": {
                    "operationId": "deleteDestination",
                    "summary": "Delete the destination and its actions",
                    "responses": {"200": _json(_ref("Deleted"), "Deleted."), **_errors(404)},
                },
            },
            "/api/integrations/destinations/{destination_id}/test-send": {
                "parameters": [_DESTINATION_ID],
                "post": {
                    "operationId": "testSendDestination",
                    "summary": "Queue a test event for one action",
                    "requestBody": {
                        "required": False,
                        "content": {"application/json": {"schema": _ref("TestSendRequest")}},
                    },
                    "responses": {
                        "202": _json(_ref("TestSendResponse"), "Queued."),
                        **_errors(400, 404, 415, 422),
                    },
                },
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "Workspace API key."},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-Nim-Api-Key"},
            },
            "schemas": _schemas(),
            "responses": _responses(),
        },
    }
