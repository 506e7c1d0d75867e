"""Zeotap Composable: ``GET .../destinations/{destId}/fields`` ("Describe destination fields").

The shape is not in any source; the emulator answers ``[{"name", "label", "type", "required"}]``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulators.conftest import EmulatorHandle

WS = "/api/v1/workspaces/ws-demo"


async def _create(zeotap: EmulatorHandle, destination_type: str, config: dict[str, Any]) -> str:
    body = {"name": "F", "destination_type": destination_type, "config": config}
    response = await zeotap.client.post(f"{WS}/destinations", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _fields(zeotap: EmulatorHandle, destination_id: str) -> list[dict[str, Any]]:
    response = await zeotap.client.get(f"{WS}/destinations/{destination_id}/fields")
    assert response.status_code == 200, response.text
    fields: list[dict[str, Any]] = response.json()
    for field in fields:
        assert set(field) == {"name", "label", "type", "required"}
        assert isinstance(field["required"], bool)
    return fields


SALESFORCE = {"instance_url": "https://mycompany.salesforce.com", "api_version": "58.0"}


@pytest.mark.loopback
async def test_fields_of_a_salesforce_destination_are_contact_fields(zeotap: EmulatorHandle) -> None:
    fields = await _fields(zeotap, await _create(zeotap, "salesforce", SALESFORCE))
    names = [f["name"] for f in fields]
    assert {"Email", "FirstName", "LastName", "Phone"} <= set(names)
    assert next(f for f in fields if f["name"] == "Email")["type"] == "email"


async def test_salesforce_fields_follow_the_configured_object(zeotap: EmulatorHandle) -> None:
    fields = await _fields(zeotap, await _create(zeotap, "salesforce", SALESFORCE | {"object": "Account"}))
    assert {"Name", "Website", "Industry"} <= {f["name"] for f in fields}
    assert "Email" not in {f["name"] for f in fields}


async def test_hubspot_fields_are_contact_properties(zeotap: EmulatorHandle) -> None:
    fields = await _fields(zeotap, await _create(zeotap, "hubspot", {"portal_id": "1", "access_token": "pat-1"}))
    assert {"email", "firstname", "lastname", "lifecyclestage"} <= {f["name"] for f in fields}
    assert [f["name"] for f in fields if f["required"]] == ["email"]


async def test_webhook_fields_are_payload_keys(zeotap: EmulatorHandle) -> None:
    fields = await _fields(zeotap, await _create(zeotap, "webhook", {"url": "https://api.example.com/hook"}))
    assert {"id", "email", "properties"} <= {f["name"] for f in fields}


@pytest.mark.parametrize(
    ("destination_type", "config", "identifier"),
    [
        ("facebook_ads", {"ad_account_id": "act_1", "access_token": "EAAG1"}, "MADID"),
        ("google_ads", {"customer_id": "1", "developer_token": "t"}, "email"),
        ("the_trade_desk", {"advertiser_id": "a", "partner_id": "p", "api_key": "k"}, "uid2"),
        ("klaviyo", {"private_api_key": "pk_1"}, "external_id"),
    ],
)
async def test_ad_and_marketing_platforms_expose_identifier_fields(
    zeotap: EmulatorHandle, destination_type: str, config: dict[str, Any], identifier: str
) -> None:
    assert identifier in {f["name"] for f in await _fields(zeotap, await _create(zeotap, destination_type, config))}


async def test_warehouse_fields_are_introspected_columns_in_warehouse_types(zeotap: EmulatorHandle) -> None:
    config = {"account": "xy1.us-east-1", "warehouse": "WH", "database": "DB", "username": "U", "password": "p"}
    fields = await _fields(zeotap, await _create(zeotap, "snowflake", config))
    assert {"VARCHAR", "TIMESTAMP_NTZ"} <= {f["type"] for f in fields}


async def test_file_destinations_have_no_mappable_fields(zeotap: EmulatorHandle) -> None:
    config = {"bucket": "b", "region": "us-east-1", "access_key_id": "EMUAK1", "secret_access_key": "s"}
    assert await _fields(zeotap, await _create(zeotap, "s3", config)) == []


@pytest.mark.loopback
async def test_introspecting_with_expired_credentials_is_400(zeotap: EmulatorHandle) -> None:
    config = {"project_id": "p", "location": "US", "service_account_json": '{"key": "expired"}'}
    destination_id = await _create(zeotap, "bigquery", config)
    response = await zeotap.client.get(f"{WS}/destinations/{destination_id}/fields")
    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert "Authentication failed" in response.json()["error"]


async def test_every_seeded_destination_answers_fields(zeotap: EmulatorHandle) -> None:
    await zeotap.set_rate_limits(False)
    for row in (await zeotap.client.get(f"{WS}/destinations")).json():
        response = await zeotap.client.get(f"{WS}/destinations/{row['id']}/fields")
        assert response.status_code in (200, 400), response.text
        if response.status_code == 400:
            assert row["destination_type"] in {"salesforce", "hubspot", "snowflake", "bigquery", "databricks"}


@pytest.mark.loopback
async def test_fields_of_an_unknown_destination_is_404(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get(f"{WS}/destinations/00000000-0000-4000-8000-000000000000/fields")
    assert response.status_code == 404
    assert set(response.json()) == {"error"}
