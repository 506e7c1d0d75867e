"""The emulated Nimriz OpenAPI document: valid, complete, and true to what the emulator answers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from openapi_core import OpenAPI
from openapi_spec_validator import validate

from destgraph.emulators.nimriz import SPEC, catalog
from tests.emulators.conftest import EmulatorHandle
from tests.emulators.contract import OpenAPIRequest, OpenAPIResponse

DESTINATIONS = "/api/integrations/destinations"


@pytest.mark.loopback
async def test_served_openapi_document_is_valid_openapi_3(nimriz: EmulatorHandle) -> None:
    response = await nimriz.control.get("/_emulator/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["openapi"].startswith("3.0")


def test_document_describes_every_route_and_method() -> None:
    document = SPEC.openapi()
    routed = {(route.path, method.lower()) for route in SPEC.routes for method in route.methods if method != "HEAD"}
    described = {
        (path, method) for path, item in document["paths"].items() for method in item if method != "parameters"
    }
    assert described == routed


def test_document_lists_every_type_action_type_and_event() -> None:
    schemas = SPEC.openapi()["components"]["schemas"]
    assert schemas["Destination"]["properties"]["type"]["enum"] == list(catalog.DESTINATION_TYPES)
    assert schemas["Action"]["properties"]["action_type"]["enum"] == list(catalog.ACTION_TYPES)
    assert schemas["FilterInclude"]["properties"]["event_types"]["items"]["enum"] == list(catalog.EVENT_TYPES)
    assert "space_ids" not in schemas["FilterExclude"]["properties"]
    assert set(SPEC.openapi()["components"]["securitySchemes"]) == {"bearerAuth", "apiKeyHeader"}


@pytest.mark.loopback
async def test_responses_match_the_emulated_openapi_document(nimriz: EmulatorHandle) -> None:
    document = OpenAPI.from_dict(SPEC.openapi())
    seen: list[tuple[str, str, int]] = []

    async def check(response: httpx.Response) -> None:
        await response.aread()
        document.validate_response(
            OpenAPIRequest(response.request, "https://api.nimriz.com"), OpenAPIResponse(response)
        )
        seen.append((response.request.method, response.request.url.path, response.status_code))

    client = nimriz.client
    client.event_hooks["response"].append(check)
    full_action: dict[str, Any] = {
        "name": "Everything",
        "action_type": "send_event",
        "property_mapping": {
            "base": "default",
            "overrides": [
                {"type": "rename", "source": "a", "target": "b"},
                {"type": "exclude", "property": "ip"},
                {"type": "include", "property": "tags"},
                {"type": "static", "target": "v", "value": None},
                {"type": "template", "target": "t", "template": "{{x}}"},
            ],
        },
        "event_filter": {
            "include": {"event_types": ["link.clicked"], "countries": ["US"], "space_ids": ["s"]},
            "exclude": {"bot_traffic": True, "touch_types": ["qr_scan"]},
            "conditions": [{"field": "a", "operator": "in", "value": ["x", 1]}, {"field": "b", "operator": "exists"}],
        },
    }
    account = (await client.get("/api/v1/whoami")).json()["account_id"]
    await client.get(DESTINATIONS, params={"account_id": account})
    body = {"name": "Doc", "type": "segment", "credentials": {"write_key": "seg_x"}, "actions": [full_action]}
    created = (await client.post(DESTINATIONS, json=body)).json()["destination"]
    path = f"{DESTINATIONS}/{created['id']}"
    await client.put(path, json={"name": "Doc 2", "actions": created["actions"]})
    await client.post(f"{path}/test-send", json={})
    await client.post(f"{path}/test-send", json={"action_id": "missing"})
    await client.put(path, json={"actions": [full_action | {"enabled": False}]})
    await client.post(f"{path}/test-send")
    await client.post(DESTINATIONS, json={"type": "nope"})
    await client.post(DESTINATIONS, content=b"{", headers={"Content-Type": "application/json"})
    await client.post(DESTINATIONS, data={"a": "b"})
    await client.get(DESTINATIONS, params={"account_id": "other"})
    await client.delete(path)
    await client.delete(path)
    await nimriz.set_faults(queue=[429, 500, 503])
    for _ in range(3):
        await client.get(DESTINATIONS)
    await check(await nimriz.control.get(DESTINATIONS))  # no key: 401

    statuses = {status for _, _, status in seen}
    assert {200, 201, 202, 400, 401, 403, 404, 415, 422, 429, 500, 503} <= statuses
