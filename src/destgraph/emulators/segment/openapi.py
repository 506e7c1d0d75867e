"""An OpenAPI 3.0 document of the Segment Public API as this emulator serves it.

It follows the published document (v32.0.5) where the emulator does, and says where the emulator
follows the current contract (API 73.2.0) or the seed instead: ``application/json`` request bodies,
``count`` 1..1000, the 400 on read-only settings, the 401, Retry-After and X-RateLimit-* headers.
"""

from __future__ import annotations

from typing import Any

from destgraph.emulators.segment.media import ALPHA, BETA, STABLE

_REF = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _string(description: str = "") -> dict[str, Any]:
    return {"type": "string", "description": description} if description else {"type": "string"}


def _object(properties: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    schema.update(extra)
    return schema


_FREE_OBJECT = {"type": "object", "additionalProperties": True}

SCHEMAS: dict[str, Any] = {
    "RequestError": _object(
        {
            "type": _string("NotFound, input-validation, RequestError (429), bad-request, unauthorized ..."),
            "message": _string(),
            "field": _string("The request field that caused the error."),
            "data": {"description": "On 429: remainingPoints, msBeforeNext, consumedPoints."},
            "status": {"type": "number"},
        },
        ["type"],
    ),
    "RequestErrorEnvelope": _object(
        {"errors": {"type": "array", "items": _ref("RequestError")}},
        ["errors"],
    ),
    "PaginationOutput": _object(
        {
            "current": _string("Opaque cursor of this page."),
            "next": {"type": "string", "nullable": True, "description": "Absent on the last page."},
            "previous": {"type": "string", "nullable": True, "description": "Absent on the first page."},
            "totalEntries": {"type": "number"},
        },
        ["current"],
    ),
    "IntegrationOptionBeta": _object(
        {
            "name": _string(),
            "type": _string("string, boolean, number, select, map, text-map, array, password ..."),
            "required": {"type": "boolean"},
            "description": _string(),
            "defaultValue": {},
            "label": _string(),
        },
        ["name", "required", "type"],
    ),
    "LogosBeta": _object(
        {
            "default": _string(),
            "mark": {"type": "string", "nullable": True},
            "alt": {"type": "string", "nullable": True},
        },
        ["default"],
    ),
    "DestinationMetadataComponentV1": _object(
        {
            "type": {"type": "string", "enum": ["ANDROID", "BROWSER", "IOS", "SERVER"]},
            "code": _string(),
            "owner": {"type": "string", "enum": ["PARTNER", "SEGMENT"]},
        },
        ["code", "type"],
    ),
    "DestinationMetadataActionFieldV1": _object(
        {
            "id": _string(),
            "sortOrder": {"type": "number"},
            "fieldKey": _string(),
            "label": _string(),
            "type": {
                "type": "string",
                "enum": ["BOOLEAN", "DATETIME", "HIDDEN", "INTEGER", "NUMBER", "OBJECT", "PASSWORD", "STRING", "TEXT"],
            },
            "description": _string(),
            "placeholder": _string(),
            "defaultValue": {},
            "required": {"type": "boolean"},
            "multiple": {"type": "boolean"},
            "choices": {},
            "dynamic": {"type": "boolean"},
            "allowNull": {"type": "boolean"},
            "hidden": {"type": "boolean"},
        },
        ["allowNull", "description", "dynamic", "fieldKey", "id", "label", "multiple", "required", "sortOrder", "type"],
    ),
    "DestinationMetadataActionV1": _object(
        {
            "id": _string(),
            "slug": _string(),
            "name": _string(),
            "description": _string(),
            "platform": {"type": "string", "enum": ["CLOUD", "MOBILE", "WEB"]},
            "hidden": {"type": "boolean"},
            "defaultTrigger": {"type": "string", "nullable": True, "description": "FQL"},
            "fields": {"type": "array", "items": _ref("DestinationMetadataActionFieldV1")},
        },
        ["defaultTrigger", "description", "fields", "hidden", "id", "name", "platform", "slug"],
    ),
    "DestinationMetadataSubscriptionPresetV1": _object(
        {"actionId": _string(), "name": _string(), "fields": _FREE_OBJECT, "trigger": _string("FQL")},
        ["actionId", "fields", "name", "trigger"],
    ),
    "Contact": _object(
        {"name": _string(), "email": _string(), "role": _string(), "isPrimary": {"type": "boolean"}},
        ["email", "isPrimary", "name", "role"],
    ),
    "DestinationMetadataV1": _object(
        {
            "id": _string(),
            "name": _string(),
            "description": _string(),
            "slug": _string(),
            "logos": _ref("LogosBeta"),
            "options": {"type": "array", "items": _ref("IntegrationOptionBeta")},
            "status": {
                "type": "string",
                "enum": [
                    "DEPRECATED",
                    "PRIVATE_BETA",
                    "PRIVATE_BUILDING",
                    "PRIVATE_SUBMITTED",
                    "PUBLIC",
                    "PUBLIC_BETA",
                    "UNAVAILABLE",
                ],
            },
            "previousNames": {"type": "array", "items": _string()},
            "categories": {"type": "array", "items": _string()},
            "website": _string(),
            "components": {"type": "array", "items": _ref("DestinationMetadataComponentV1")},
            "supportedFeatures": _object(
                {
                    "cloudModeInstances": {"type": "string", "enum": ["0", "1", "MULTIPLE", "NONE", "SINGLE"]},
                    "deviceModeInstances": {"type": "string", "enum": ["0", "1", "NONE", "SINGLE"]},
                    "replay": {"type": "boolean"},
                    "browserUnbundling": {"type": "boolean"},
                    "browserUnbundlingPublic": {"type": "boolean"},
                }
            ),
            "supportedMethods": _object(
                {m: {"type": "boolean"} for m in ("pageview", "identify", "alias", "track", "group")}
            ),
            "supportedPlatforms": _object(
                {p: {"type": "boolean"} for p in ("browser", "server", "mobile", "warehouse", "cloudAppObject")}
            ),
            "actions": {"type": "array", "items": _ref("DestinationMetadataActionV1")},
            "presets": {"type": "array", "items": _ref("DestinationMetadataSubscriptionPresetV1")},
            "contacts": {"type": "array", "items": _ref("Contact")},
            "partnerOwned": {"type": "boolean"},
            "supportedRegions": {"type": "array", "items": _string()},
            "regionEndpoints": {"type": "array", "items": _string()},
        },
        [
            "actions",
            "categories",
            "components",
            "description",
            "id",
            "logos",
            "name",
            "options",
            "presets",
            "previousNames",
            "slug",
            "status",
            "supportedFeatures",
            "supportedMethods",
            "supportedPlatforms",
            "website",
        ],
    ),
    "DestinationV1": _object(
        {
            "id": _string(),
            "enabled": {"type": "boolean"},
            "name": _string('"" when unnamed'),
            "settings": {**_FREE_OBJECT, "description": "Secrets masked: ten U+2022 bullets and the last four."},
            "metadata": _ref("DestinationMetadataV1"),
            "sourceId": _string(),
        },
        ["enabled", "id", "metadata", "settings", "sourceId"],
    ),
    "DestinationSubscription": _object(
        {
            "id": _string(),
            "name": _string(),
            "actionId": _string(),
            "actionSlug": _string(),
            "destinationId": _string(),
            "modelId": _string(),
            "enabled": {"type": "boolean"},
            "trigger": _string("FQL"),
            "settings": {"type": "object", "additionalProperties": {}},
        },
        ["actionId", "actionSlug", "destinationId", "enabled", "id", "name", "settings", "trigger"],
    ),
    "UpdatedDestinationSubscription": {
        "description": "The update response's shape (seed sample): reverseETLModelId instead of modelId, timestamps.",
        "allOf": [
            _ref("DestinationSubscription"),
            _object(
                {
                    "reverseETLModelId": _string(),
                    "createdAt": _string(),
                    "updatedAt": _string(),
                    "relatedResources": {"type": "array", "items": {}},
                }
            ),
        ],
    },
    "BreakdownBeta": _object({"metricName": _string(), "value": {"type": "number"}}, ["metricName", "value"]),
    "MetricBeta": _object(
        {
            "metricName": _string(),
            "total": {"type": "number"},
            "breakdown": {"type": "array", "items": _ref("BreakdownBeta")},
        },
        ["metricName", "total"],
    ),
    "DeliveryMetricsSummaryBeta": _object(
        {
            "sourceId": _string(),
            "destinationMetadataId": _string(),
            "metrics": {"type": "array", "items": _ref("MetricBeta")},
        },
        ["destinationMetadataId", "metrics", "sourceId"],
    ),
    "Status": _object({"status": {"type": "string", "enum": ["SUCCESS"]}}, ["status"]),
    "CreateDestinationV1Input": _object(
        {
            "sourceId": _string(),
            "metadataId": _string(),
            "enabled": {"type": "boolean", "description": "Defaults to true."},
            "name": _string(),
            "settings": _FREE_OBJECT,
        },
        ["metadataId", "settings", "sourceId"],
    ),
    "UpdateDestinationV1Input": _object(
        {"name": {"type": "string", "nullable": True}, "enabled": {"type": "boolean"}, "settings": _FREE_OBJECT},
        description="Settings are merged key by key; unknown keys are tolerated.",
    ),
    "CreateDestinationSubscriptionAlphaInput": _object(
        {
            "name": _string(),
            "actionId": _string(),
            "trigger": _string("FQL"),
            "enabled": {"type": "boolean"},
            "settings": {"type": "object", "additionalProperties": {}},
            "modelId": _string(),
        },
        ["actionId", "enabled", "name", "trigger"],
    ),
    "UpdateSubscriptionForDestinationAlphaInput": _object(
        {
            "input": _object(
                {
                    "name": _string(),
                    "trigger": _string("FQL"),
                    "enabled": {"type": "boolean"},
                    "settings": {"type": "object", "additionalProperties": {}},
                    "reverseETLModelId": _string(),
                }
            )
        },
        ["input"],
    ),
    "PaginationInput": _object(
        {
            "cursor": _string("Opaque; from current, next or previous."),
            "count": {"type": "integer", "minimum": 1, "maximum": 1000},
        },
        ["count"],
    ),
}


def _data(schema: dict[str, Any]) -> dict[str, Any]:
    return _object({"data": schema}, ["data"])


_RATE_HEADERS = {
    "X-RateLimit-Consumed": {"schema": {"type": "integer"}, "description": "Calls counted in the current window."},
    "X-RateLimit-Remaining": {"schema": {"type": "integer"}, "description": "Calls left in the current window."},
    "X-RateLimit-Reset": {"schema": {"type": "string"}, "description": "When the window frees up (RFC 5322 date)."},
}


def _error(description: str, **headers: Any) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": _ref("RequestErrorEnvelope")}},
    }
    if headers:
        response["headers"] = headers
    return response


def _responses(data: dict[str, Any], media: tuple[str, ...], *, read_only_400: bool = False) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {
            "description": "OK",
            "headers": _RATE_HEADERS,
            "content": {m: {"schema": _data(data)} for m in media},
        },
        "401": _error("Missing or invalid token"),
        "404": _error("Resource not found"),
        "422": _error("Validation failure"),
        "429": _error(
            "Too many requests",
            **{"Retry-After": {"schema": {"type": "integer"}, "description": "Whole seconds to wait."}},
        ),
    }
    if read_only_400:
        responses["400"] = _error("Only read-only settings in the update")
    return responses


def _path_param(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    }


_PAGINATION = {
    "name": "pagination",
    "in": "query",
    "required": True,
    "style": "deepObject",
    "explode": True,
    "schema": _ref("PaginationInput"),
    "description": "pagination[count] (1..1000, required) and pagination[cursor]; pagination.count also parses.",
}


def _body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": {m: {"schema": _ref(schema)} for m in STABLE}}


def _op(operation_id: str, summary: str, tag: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"operationId": operation_id, "summary": summary, "tags": [tag], "responses": responses, **extra}


def openapi() -> dict[str, Any]:
    destination = _object({"destination": _ref("DestinationV1")}, ["destination"])
    subscription = _object({"subscription": _ref("DestinationSubscription")}, ["subscription"])
    status = _ref("Status")
    dest_id = _path_param("destinationId")
    sub_id = _path_param("id")
    metrics_params = [
        dest_id,
        {"name": "sourceId", "in": "query", "required": True, "schema": {"type": "string"}},
        {"name": "startTime", "in": "query", "schema": {"type": "string", "format": "date-time"}},
        {"name": "endTime", "in": "query", "schema": {"type": "string", "format": "date-time"}},
        {"name": "granularity", "in": "query", "schema": {"type": "string", "enum": ["DAY", "HOUR", "MINUTE"]}},
    ]
    paths = {
        "/destinations": {
            "get": _op(
                "listDestinations",
                "List Destinations",
                "Destinations",
                _responses(
                    _object(
                        {
                            "destinations": {"type": "array", "items": _ref("DestinationV1")},
                            "pagination": _ref("PaginationOutput"),
                        },
                        ["destinations", "pagination"],
                    ),
                    STABLE,
                ),
                parameters=[_PAGINATION],
            ),
            "post": _op(
                "createDestination",
                "Create Destination",
                "Destinations",
                _responses(
                    _object({"destination": _ref("DestinationV1")}, ["destination"]), STABLE, read_only_400=True
                ),
                requestBody=_body("CreateDestinationV1Input"),
            ),
        },
        "/destinations/{destinationId}": {
            "get": _op(
                "getDestination",
                "Get Destination",
                "Destinations",
                _responses(destination, STABLE),
                parameters=[dest_id],
            ),
            "patch": _op(
                "updateDestination",
                "Update Destination",
                "Destinations",
                _responses(destination, STABLE, read_only_400=True),
                parameters=[dest_id],
                requestBody=_body("UpdateDestinationV1Input"),
            ),
            "delete": _op(
                "deleteDestination",
                "Delete Destination",
                "Destinations",
                _responses(status, STABLE),
                parameters=[dest_id],
            ),
        },
        "/destinations/{destinationId}/subscriptions": {
            "get": _op(
                "listSubscriptionsFromDestination",
                "List Subscriptions from Destination",
                "Destinations",
                _responses(
                    _object(
                        {
                            "subscriptions": {"type": "array", "items": _ref("DestinationSubscription")},
                            "pagination": _ref("PaginationOutput"),
                        },
                        ["subscriptions"],
                    ),
                    ALPHA,
                ),
                parameters=[dest_id, _PAGINATION],
            ),
            "post": _op(
                "createDestinationSubscription",
                "Create Destination Subscription",
                "Destinations",
                _responses(
                    _object({"destinationSubscription": _ref("DestinationSubscription")}, ["destinationSubscription"]),
                    ALPHA,
                ),
                parameters=[dest_id],
                requestBody=_body("CreateDestinationSubscriptionAlphaInput"),
            ),
        },
        "/destinations/{destinationId}/subscriptions/{id}": {
            "get": _op(
                "getSubscriptionFromDestination",
                "Get Subscription from Destination",
                "Destinations",
                _responses(subscription, ALPHA),
                parameters=[dest_id, sub_id],
            ),
            "patch": _op(
                "updateSubscriptionForDestination",
                "Update Subscription for Destination",
                "Destinations",
                _responses(_object({"subscription": _ref("UpdatedDestinationSubscription")}, ["subscription"]), ALPHA),
                parameters=[dest_id, sub_id],
                requestBody=_body("UpdateSubscriptionForDestinationAlphaInput"),
            ),
            "delete": _op(
                "removeSubscriptionFromDestination",
                "Remove Subscription from Destination",
                "Destinations",
                _responses(status, ALPHA),
                parameters=[dest_id, sub_id],
            ),
        },
        "/destinations/{destinationId}/delivery-metrics": {
            "get": _op(
                "listDeliveryMetricsSummaryFromDestination",
                "List Delivery Metrics Summary from Destination",
                "Destinations",
                _responses(
                    _object({"deliveryMetricsSummary": _ref("DeliveryMetricsSummaryBeta")}, ["deliveryMetricsSummary"]),
                    BETA,
                ),
                parameters=metrics_params,
                description=(
                    "Range limits: MINUTE 4 hours starting at most 48 hours ago; HOUR 7 days / 7 days; DAY 14 days / "
                    "14 days. DAY needs startTime: its documented 30-day default exceeds its 14-day limit."
                ),
            ),
        },
        "/catalog/destinations": {
            "get": _op(
                "getDestinationsCatalog",
                "Get Destinations Catalog",
                "Catalog",
                _responses(
                    _object(
                        {
                            "destinationsCatalog": {"type": "array", "items": _ref("DestinationMetadataV1")},
                            "pagination": _ref("PaginationOutput"),
                        },
                        ["destinationsCatalog", "pagination"],
                    ),
                    STABLE,
                ),
                parameters=[_PAGINATION],
            ),
        },
        "/catalog/destinations/{destinationMetadataId}": {
            "get": _op(
                "getDestinationMetadata",
                "Get Destination Metadata",
                "Catalog",
                _responses(
                    _object({"destinationMetadata": _ref("DestinationMetadataV1")}, ["destinationMetadata"]), STABLE
                ),
                parameters=[_path_param("destinationMetadataId")],
            ),
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Segment Public API (destgraph emulator)",
            "version": "73.2.0-emulated",
            "description": (
                "Destinations, subscriptions, delivery metrics and the destination catalog as the destgraph "
                "emulator serves them. Control endpoints live under /_emulator/ and are not part of this API."
            ),
        },
        "servers": [{"url": "/", "description": "this emulator"}],
        "security": [{"token": []}],
        "tags": [{"name": "Destinations"}, {"name": "Catalog"}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }
