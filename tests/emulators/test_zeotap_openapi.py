"""Zeotap Composable: the emulator's own OpenAPI document is valid and describes what it answers."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_core import OpenAPI
from openapi_spec_validator import validate

from tests.emulators.conftest import EmulatorHandle
from tests.emulators.contract import OpenAPIRequest, OpenAPIResponse

WS = "/api/v1/workspaces/ws-demo"
VENDOR_HOST = "https://composable.zeotap.com"
#: the seed's endpoint table, plus the syncs, audience syncs and workspaces the brief adds
ENDPOINTS = {
    ("get", "/api/v1/workspaces"),
    ("get", "/api/v1/workspaces/{workspaceId}/destinations"),
    ("post", "/api/v1/workspaces/{workspaceId}/destinations"),
    ("get", "/api/v1/workspaces/{workspaceId}/destinations/{destId}"),
    ("put", "/api/v1/workspaces/{workspaceId}/destinations/{destId}"),
    ("delete", "/api/v1/workspaces/{workspaceId}/destinations/{destId}"),
    ("post", "/api/v1/workspaces/{workspaceId}/destinations/test"),
    ("post", "/api/v1/workspaces/{workspaceId}/destinations/{destId}/test"),
    ("get", "/api/v1/workspaces/{workspaceId}/destinations/{destId}/fields"),
    ("get", "/api/v1/workspaces/{workspaceId}/syncs"),
    ("get", "/api/v1/workspaces/{workspaceId}/syncs/{syncId}"),
    ("delete", "/api/v1/workspaces/{workspaceId}/syncs/{syncId}"),
    ("get", "/api/v1/workspaces/{workspaceId}/audience-syncs"),
    ("get", "/api/v1/workspaces/{workspaceId}/audience-syncs/{syncId}"),
    ("delete", "/api/v1/workspaces/{workspaceId}/audience-syncs/{syncId}"),
}
METHODS = {"get", "put", "post", "delete", "patch"}


async def _document(zeotap: EmulatorHandle) -> dict[str, Any]:
    response = await zeotap.control.get("/_emulator/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


@pytest.mark.loopback
async def test_document_is_valid_openapi_3(zeotap: EmulatorHandle) -> None:
    document = await _document(zeotap)
    validate(document)
    assert document["openapi"].startswith("3.0")


async def test_document_describes_every_endpoint_and_no_other(zeotap: EmulatorHandle) -> None:
    paths = (await _document(zeotap))["paths"]
    operations = {(method, path) for path, item in paths.items() for method in item if method in METHODS}
    assert operations == ENDPOINTS


async def test_connection_tests_are_described_as_event_streams(zeotap: EmulatorHandle) -> None:
    paths = (await _document(zeotap))["paths"]
    for path in (
        "/api/v1/workspaces/{workspaceId}/destinations/test",
        "/api/v1/workspaces/{workspaceId}/destinations/{destId}/test",
    ):
        assert set(paths[path]["post"]["responses"]["200"]["content"]) == {"text/event-stream"}


async def test_document_declares_bearer_auth_and_the_workspace_header(zeotap: EmulatorHandle) -> None:
    document = await _document(zeotap)
    assert document["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert document["components"]["parameters"]["WorkspaceHeader"]["name"] == "X-Workspace-ID"
    assert "parameters" not in document["paths"]["/api/v1/workspaces"]["get"]


@pytest.mark.loopback
async def test_responses_validate_against_the_document(zeotap: EmulatorHandle) -> None:
    spec = OpenAPI.from_dict(await _document(zeotap))
    await zeotap.set_rate_limits(False)
    client = zeotap.client
    destination = (await client.get(f"{WS}/destinations")).json()[0]
    sync = (await client.get(f"{WS}/syncs")).json()[0]
    audience = (await client.get(f"{WS}/audience-syncs")).json()[0]
    created = await client.post(
        f"{WS}/destinations", json={"name": "K", "destination_type": "klaviyo", "config": {"private_api_key": "pk_1"}}
    )
    responses = [
        await client.get("/api/v1/workspaces"),
        await client.get(f"{WS}/destinations"),
        created,
        await client.get(f"{WS}/destinations/{destination['id']}"),
        await client.put(f"{WS}/destinations/{destination['id']}", json={"name": "Renamed"}),
        await client.get(f"{WS}/destinations/{destination['id']}/fields"),
        await client.post(f"{WS}/destinations/test", json={"destination_type": "klaviyo", "config": {}}),
        await client.post(f"{WS}/destinations/{destination['id']}/test"),
        await client.get(f"{WS}/syncs"),
        await client.get(f"{WS}/syncs/{sync['id']}"),
        await client.get(f"{WS}/audience-syncs"),
        await client.get(f"{WS}/audience-syncs/{audience['id']}"),
        await client.delete(f"{WS}/destinations/{destination['id']}"),
        await client.delete(f"{WS}/syncs/{sync['id']}"),
        await client.delete(f"{WS}/audience-syncs/{audience['id']}"),
        await client.delete(f"{WS}/destinations/{created.json()['id']}"),
        await client.post(f"{WS}/destinations", json={"name": "K"}),
        await client.get(f"{WS}/destinations/nope"),
        await client.get(f"{WS}/destinations", headers={"Authorization": ""}),
        await client.get(f"{WS}/destinations", headers={"X-Workspace-ID": "ws-sandbox"}),
    ]
    statuses = set()
    for response in responses:
        spec.validate_response(OpenAPIRequest(response.request, VENDOR_HOST), OpenAPIResponse(response))
        statuses.add(response.status_code)
    assert statuses == {200, 201, 400, 401, 403, 404, 409}
