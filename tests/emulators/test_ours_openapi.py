"""The emulated Ours Privacy OpenAPI document: valid, faithful to the published one, and true of the responses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openapi_core import OpenAPI
from openapi_spec_validator import validate

from destgraph.emulators.ours.openapi import openapi
from tests.emulators.conftest import EmulatorHandle
from tests.emulators.contract import OpenAPIRequest, OpenAPIResponse

DESTINATIONS = "/rest/v1/destinations"
METHODS = {"get", "post", "patch", "delete", "put"}


def _published(vendor_specs_dir: Path) -> dict[str, Any]:
    return json.loads((vendor_specs_dir / "ours-privacy-openapi.json").read_text())


def _resolve(document: dict[str, Any], node: Any) -> Any:
    """Inline every local $ref, so the two documents compare schema by schema."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _resolve(document, target)
        return {k: _resolve(document, v) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(document, v) for v in node]
    return node


def _strip(node: Any) -> Any:
    """A schema without prose and the emulator's additions (format, additionalProperties on bodies)."""
    if isinstance(node, dict):
        drop = {"description", "format", "example", "additionalProperties"}
        return {k: _strip(v) for k, v in node.items() if k not in drop}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def test_emulated_document_is_valid_openapi() -> None:
    validate(openapi())


def test_emulated_document_is_a_fresh_copy_each_time() -> None:
    first = openapi()
    first["paths"].clear()
    assert openapi()["paths"]


def test_emulated_document_has_every_published_operation(vendor_specs_dir: Path) -> None:
    published = _published(vendor_specs_dir)
    emulated = openapi()
    for path, operations in published["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            mine = emulated["paths"][path][method]
            assert mine["operationId"] == operation["operationId"]
            assert mine["security"] == operation["security"]
            assert set(mine["responses"]) == set(operation["responses"])


def test_emulated_schemas_match_the_published_ones(vendor_specs_dir: Path) -> None:
    published = _published(vendor_specs_dir)
    emulated = openapi()
    for path, operations in published["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            mine = _resolve(emulated, emulated["paths"][path][method])
            theirs = _resolve(published, operation)
            for status, response in theirs["responses"].items():
                assert _strip(mine["responses"][status]["content"]) == _strip(response["content"]), (
                    path,
                    method,
                    status,
                )
            assert _strip(mine.get("parameters")) == _strip(theirs.get("parameters")), (path, method)
            if "requestBody" in theirs:
                assert _strip(mine["requestBody"]) == _strip(theirs["requestBody"]), (path, method)


def test_openapi_json_is_served_without_security() -> None:
    assert openapi()["paths"]["/rest/v1/openapi.json"]["get"]["security"] == []


@pytest.mark.loopback
async def test_responses_validate_against_the_emulated_document(ours: EmulatorHandle) -> None:
    client = ours.client
    created = await client.post(DESTINATIONS, json={"type": "Klaviyo", "settings": {"projectAPIKey": "pk_x"}})
    destination_id = created.json()["id"]
    responses = [
        created,
        await client.get(DESTINATIONS, params={"limit": 3}),
        await client.get(f"{DESTINATIONS}/types"),
        await client.get(f"{DESTINATIONS}/{destination_id}"),
        await client.patch(f"{DESTINATIONS}/{destination_id}", json={"name": "x"}),
        await client.get(f"{DESTINATIONS}/{destination_id}/health"),
        await client.get(DESTINATIONS, params={"cursor": "bad"}),
        await client.post(DESTINATIONS, json={"type": "AWSS3"}),
        await client.delete(f"{DESTINATIONS}/{destination_id}"),
        await client.get(f"{DESTINATIONS}/{destination_id}"),
        await client.get(DESTINATIONS, headers={"Authorization": "Bearer nope"}),
        await ours.control.get("/rest/v1/openapi.json"),
    ]
    spec = OpenAPI.from_dict(openapi())
    for response in responses:
        await response.aread()
        spec.validate_response(OpenAPIRequest(response.request, "http://testserver"), OpenAPIResponse(response))
