"""Zeotap Composable: the destinations CRUD endpoints of the seed's table, through HTTP."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.emulators.conftest import EmulatorHandle

WS = "/api/v1/workspaces/ws-demo"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
#: the seed's Destination Object table
DESTINATION_FIELDS = {
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
}

#: a minimal valid config for each of the seed's 16 "Supported Destination Types"
MINIMAL_CONFIGS: dict[str, dict[str, Any]] = {
    "salesforce": {"instance_url": "https://mycompany.salesforce.com", "api_version": "58.0"},
    "hubspot": {"portal_id": "1234567", "access_token": "pat-na1-test"},
    "google_ads": {"customer_id": "4066850321", "developer_token": "devtoken-test"},
    "facebook_ads": {"ad_account_id": "act_123", "access_token": "EAAG-test"},
    "linkedin_ads": {"ad_account_id": "508123456"},
    "the_trade_desk": {"advertiser_id": "abc123def", "partner_id": "p1x2y3", "api_key": "ttd-test"},
    "braze": {"rest_endpoint": "https://rest.iad-01.braze.com", "api_key": "braze-test"},
    "iterable": {"api_key": "iterable-test"},
    "klaviyo": {"private_api_key": "pk_test"},
    "mailchimp": {"api_key": "abc-us21", "server_prefix": "us21"},
    "snowflake": {"account": "xy12345.us-east-1", "warehouse": "COMPUTE_WH", "database": "ANALYTICS", "username": "U"},
    "bigquery": {"project_id": "acme-data", "location": "US", "service_account_json": "{}"},
    "databricks": {"server_hostname": "dbc-1.cloud.databricks.com", "http_path": "/sql/1.0/x", "access_token": "dapi1"},
    "webhook": {"url": "https://api.example.com/webhook"},
    "s3": {"bucket": "b", "region": "us-east-1", "access_key_id": "EMUAKTEST", "secret_access_key": "s"},
    "gcs": {"bucket": "b", "service_account_json": "{}"},
}


async def _create(zeotap: EmulatorHandle, **overrides: Any) -> dict[str, Any]:
    body = {"name": "Test Braze", "destination_type": "braze", "config": dict(MINIMAL_CONFIGS["braze"])} | overrides
    response = await zeotap.client.post(f"{WS}/destinations", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def _seeded(zeotap: EmulatorHandle, **match: Any) -> dict[str, Any]:
    rows = (await zeotap.client.get(f"{WS}/destinations")).json()
    return next(row for row in rows if all(row[k] == v for k, v in match.items()))


async def _referenced_ids(zeotap: EmulatorHandle) -> set[str]:
    syncs = (await zeotap.client.get(f"{WS}/syncs")).json()
    audience = (await zeotap.client.get(f"{WS}/audience-syncs")).json()
    return {s["destination_id"] for s in syncs + audience}


def _assert_error(response: Any, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"], str)
    for word in words:
        assert word in body["error"]


# -- list ---------------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_list_returns_bare_array_of_all_destinations(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get(f"{WS}/destinations")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    rows = response.json()
    assert isinstance(rows, list)
    assert len(rows) == 40
    for row in rows:
        assert set(row) == DESTINATION_FIELDS
        assert UUID.match(row["id"])
        assert UUID.match(row["created_by"])
        assert row["workspace_id"] == "ws-demo"
        assert STAMP.match(row["created_at"])
        assert STAMP.match(row["updated_at"])
        assert row["connection_id"] is None or UUID.match(row["connection_id"])


async def test_list_is_in_creation_order_with_new_destinations_last(zeotap: EmulatorHandle) -> None:
    created = await _create(zeotap)
    rows = (await zeotap.client.get(f"{WS}/destinations")).json()
    stamps = [row["created_at"] for row in rows]
    assert stamps == sorted(stamps)
    assert rows[-1]["id"] == created["id"]
    assert len(rows) == 41


async def test_list_ignores_pagination_parameters(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get(f"{WS}/destinations", params={"page": 2, "page_size": 5})
    assert response.status_code == 200
    assert len(response.json()) == 40


async def test_list_of_an_emptied_workspace_is_an_empty_array(zeotap: EmulatorHandle) -> None:
    await zeotap.reseed(destinations=0)
    response = await zeotap.client.get(f"{WS}/destinations")
    assert response.status_code == 200
    assert response.json() == []


# -- create -------------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_create_returns_201_with_a_pending_destination(zeotap: EmulatorHandle) -> None:
    body = {
        "name": "Salesforce Production",
        "destination_type": "salesforce",
        "config": {"instance_url": "https://mycompany.salesforce.com", "api_version": "58.0"},
    }
    response = await zeotap.client.post(f"{WS}/destinations", json=body)
    assert response.status_code == 201
    created = response.json()
    assert set(created) == DESTINATION_FIELDS
    assert created["status"] == "pending"
    assert created["status_error"] == ""
    assert created["name"] == body["name"]
    assert created["config"] == body["config"]
    assert created["workspace_id"] == "ws-demo"
    assert created["connection_id"] is None
    assert UUID.match(created["id"])
    assert UUID.match(created["created_by"])
    assert created["created_at"] == created["updated_at"]
    assert (await zeotap.stored(created["id"]))["config"] == body["config"]
    fetched = await zeotap.client.get(f"{WS}/destinations/{created['id']}")
    assert fetched.json() == created


async def test_create_accepts_the_seed_webhook_config_example(zeotap: EmulatorHandle) -> None:
    config = {"url": "https://api.example.com/webhook", "method": "POST", "headers": {"X-API-Key": "your-api-key"}}
    created = await _create(zeotap, name="Custom Webhook", destination_type="webhook", config=config)
    assert created["config"] == config


@pytest.mark.parametrize("destination_type", sorted(MINIMAL_CONFIGS))
async def test_create_accepts_each_documented_destination_type(zeotap: EmulatorHandle, destination_type: str) -> None:
    created = await _create(zeotap, destination_type=destination_type, config=MINIMAL_CONFIGS[destination_type])
    assert created["destination_type"] == destination_type


@pytest.mark.loopback
@pytest.mark.parametrize("missing", ["name", "destination_type", "config"])
async def test_create_without_a_required_field_is_400_naming_it(zeotap: EmulatorHandle, missing: str) -> None:
    body = {"name": "X", "destination_type": "braze", "config": MINIMAL_CONFIGS["braze"]}
    del body[missing]
    response = await zeotap.client.post(f"{WS}/destinations", json=body)
    _assert_error(response, 400, missing)


@pytest.mark.loopback
async def test_create_with_an_unknown_destination_type_is_400(zeotap: EmulatorHandle) -> None:
    body = {"name": "X", "destination_type": "marketo", "config": {}}
    response = await zeotap.client.post(f"{WS}/destinations", json=body)
    _assert_error(response, 400, "destination_type", "marketo", "salesforce")


@pytest.mark.loopback
async def test_create_with_a_missing_required_config_field_is_400(zeotap: EmulatorHandle) -> None:
    body = {"name": "X", "destination_type": "braze", "config": {"rest_endpoint": "https://rest.iad-01.braze.com"}}
    response = await zeotap.client.post(f"{WS}/destinations", json=body)
    _assert_error(response, 400, "config.api_key", "required")


async def test_create_with_an_empty_required_config_field_is_400(zeotap: EmulatorHandle) -> None:
    body = {"name": "X", "destination_type": "klaviyo", "config": {"private_api_key": ""}}
    _assert_error(await zeotap.client.post(f"{WS}/destinations", json=body), 400, "config.private_api_key")


@pytest.mark.loopback
async def test_create_with_an_unknown_config_key_is_400(zeotap: EmulatorHandle) -> None:
    config = MINIMAL_CONFIGS["klaviyo"] | {"list_id": "abc"}
    body = {"name": "X", "destination_type": "klaviyo", "config": config}
    _assert_error(await zeotap.client.post(f"{WS}/destinations", json=body), 400, "config.list_id")


async def test_create_with_a_select_value_outside_its_options_is_400(zeotap: EmulatorHandle) -> None:
    config = MINIMAL_CONFIGS["s3"] | {"region": "mars-1"}
    body = {"name": "X", "destination_type": "s3", "config": config}
    _assert_error(await zeotap.client.post(f"{WS}/destinations", json=body), 400, "config.region", "us-east-1")


async def test_create_with_a_non_string_config_value_is_400(zeotap: EmulatorHandle) -> None:
    config = MINIMAL_CONFIGS["hubspot"] | {"portal_id": 1234567}
    body = {"name": "X", "destination_type": "hubspot", "config": config}
    _assert_error(await zeotap.client.post(f"{WS}/destinations", json=body), 400, "config.portal_id", "string")


async def test_create_with_a_url_field_that_is_not_http_is_400(zeotap: EmulatorHandle) -> None:
    body = {"name": "X", "destination_type": "webhook", "config": {"url": "ftp://example.com"}}
    _assert_error(await zeotap.client.post(f"{WS}/destinations", json=body), 400, "config.url")


async def test_create_with_a_connection_id_returns_it(zeotap: EmulatorHandle) -> None:
    connection = "9a9e994c-f1a9-4658-9e0f-39a73c35612e"
    created = await _create(zeotap, connection_id=connection)
    assert created["connection_id"] == connection


@pytest.mark.parametrize("connection_id", ["not-a-uuid", 42, ["x"]])
async def test_create_with_a_malformed_connection_id_is_400(zeotap: EmulatorHandle, connection_id: Any) -> None:
    body = {
        "name": "X",
        "destination_type": "braze",
        "config": MINIMAL_CONFIGS["braze"],
        "connection_id": connection_id,
    }
    _assert_error(await zeotap.client.post(f"{WS}/destinations", json=body), 400, "connection_id")


async def test_create_ignores_read_only_fields(zeotap: EmulatorHandle) -> None:
    created = await _create(
        zeotap, id="11111111-1111-4111-8111-111111111111", status="connected", created_at="2020-01-01T00:00:00Z"
    )
    assert created["id"] != "11111111-1111-4111-8111-111111111111"
    assert created["status"] == "pending"
    assert created["created_at"] != "2020-01-01T00:00:00Z"


async def test_create_with_a_name_over_255_characters_is_400(zeotap: EmulatorHandle) -> None:
    body = {"name": "x" * 256, "destination_type": "braze", "config": MINIMAL_CONFIGS["braze"]}
    _assert_error(await zeotap.client.post(f"{WS}/destinations", json=body), 400, "name")


async def test_create_keeps_unicode_names(zeotap: EmulatorHandle) -> None:
    created = await _create(zeotap, name="Ventes Équipe — 東京")
    assert (await zeotap.client.get(f"{WS}/destinations/{created['id']}")).json()["name"] == "Ventes Équipe — 東京"


async def test_create_in_one_workspace_is_invisible_in_the_other(zeotap: EmulatorHandle) -> None:
    created = await _create(zeotap)
    sandbox = {"X-Workspace-ID": "ws-sandbox"}
    response = await zeotap.client.get(f"/api/v1/workspaces/ws-sandbox/destinations/{created['id']}", headers=sandbox)
    _assert_error(response, 404, created["id"])


# -- get ----------------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_get_returns_the_destination(zeotap: EmulatorHandle) -> None:
    first = (await zeotap.client.get(f"{WS}/destinations")).json()[0]
    response = await zeotap.client.get(f"{WS}/destinations/{first['id']}")
    assert response.status_code == 200
    assert response.json() == first


@pytest.mark.loopback
async def test_get_unknown_destination_is_404(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get(f"{WS}/destinations/00000000-0000-4000-8000-000000000000")
    _assert_error(response, 404, "not found")


@pytest.mark.loopback
async def test_secrets_in_config_are_returned_in_clear_as_stored(zeotap: EmulatorHandle) -> None:
    created = await _create(
        zeotap, config={"rest_endpoint": "https://rest.iad-01.braze.com", "api_key": "braze-Secret-1"}
    )
    fetched = (await zeotap.client.get(f"{WS}/destinations/{created['id']}")).json()
    assert fetched["config"]["api_key"] == "braze-Secret-1"
    listed = [row for row in (await zeotap.client.get(f"{WS}/destinations")).json() if row["id"] == created["id"]]
    assert listed[0]["config"]["api_key"] == "braze-Secret-1"
    assert (await zeotap.stored(created["id"]))["config"]["api_key"] == "braze-Secret-1"


# -- update (PUT) -------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_put_changes_only_the_fields_sent(zeotap: EmulatorHandle) -> None:
    seeded = await _seeded(zeotap, status="connected")
    response = await zeotap.client.put(f"{WS}/destinations/{seeded['id']}", json={"name": "Renamed"})
    assert response.status_code == 200
    updated = response.json()
    assert updated["name"] == "Renamed"
    unchanged = {"config", "status", "status_error", "connection_id", "destination_type", "created_at", "created_by"}
    assert {k: updated[k] for k in unchanged} == {k: seeded[k] for k in unchanged}
    assert (await zeotap.client.get(f"{WS}/destinations/{seeded['id']}")).json() == updated


async def test_put_bumps_updated_at(zeotap: EmulatorHandle) -> None:
    created = await _create(zeotap)
    await zeotap.advance_clock(90)
    updated = (await zeotap.client.put(f"{WS}/destinations/{created['id']}", json={})).json()
    assert updated["updated_at"] > created["updated_at"]
    assert updated["created_at"] == created["created_at"]
    assert {k: v for k, v in updated.items() if k != "updated_at"} == {
        k: v for k, v in created.items() if k != "updated_at"
    }


async def test_put_config_replaces_the_whole_config(zeotap: EmulatorHandle) -> None:
    seeded = await _seeded(zeotap, destination_type="braze")
    config = {"rest_endpoint": "https://rest.fra-01.braze.eu", "api_key": "new-key"}
    updated = (await zeotap.client.put(f"{WS}/destinations/{seeded['id']}", json={"config": config})).json()
    assert updated["config"] == config
    assert "app_group_id" not in (await zeotap.stored(seeded["id"]))["config"]


@pytest.mark.loopback
async def test_put_config_sets_status_back_to_pending(zeotap: EmulatorHandle) -> None:
    seeded = await _seeded(zeotap, status="connected", destination_type="hubspot")
    config = seeded["config"] | {"object_type": "deals"}
    updated = (await zeotap.client.put(f"{WS}/destinations/{seeded['id']}", json={"config": config})).json()
    assert updated["status"] == "pending"
    assert updated["status_error"] == ""


async def test_put_config_on_an_error_destination_clears_status_error(zeotap: EmulatorHandle) -> None:
    seeded = await _seeded(zeotap, status="error")
    assert seeded["status_error"]
    config = dict(seeded["config"].items())
    updated = (await zeotap.client.put(f"{WS}/destinations/{seeded['id']}", json={"config": config})).json()
    assert (updated["status"], updated["status_error"]) == ("pending", "")


async def test_put_connection_id_sets_pending_and_null_clears_it(zeotap: EmulatorHandle) -> None:
    seeded = await _seeded(zeotap, status="connected")
    connection = "2b0f6a0e-3d7c-4b8a-9f65-0c1d2e3f4a5b"
    path = f"{WS}/destinations/{seeded['id']}"
    updated = (await zeotap.client.put(path, json={"connection_id": connection})).json()
    assert updated["connection_id"] == connection
    assert updated["status"] == "pending"
    cleared = (await zeotap.client.put(path, json={"connection_id": None})).json()
    assert cleared["connection_id"] is None


async def test_put_config_missing_a_required_field_is_400_and_changes_nothing(zeotap: EmulatorHandle) -> None:
    seeded = await _seeded(zeotap, destination_type="braze")
    path = f"{WS}/destinations/{seeded['id']}"
    response = await zeotap.client.put(path, json={"name": "Changed", "config": {"app_group_id": "x"}})
    _assert_error(response, 400, "config.rest_endpoint")
    assert (await zeotap.client.get(path)).json() == seeded


@pytest.mark.loopback
async def test_put_changing_destination_type_is_400(zeotap: EmulatorHandle) -> None:
    seeded = await _seeded(zeotap, destination_type="braze")
    response = await zeotap.client.put(f"{WS}/destinations/{seeded['id']}", json={"destination_type": "iterable"})
    _assert_error(response, 400, "destination_type", "cannot be changed")


async def test_put_repeating_the_current_destination_type_is_accepted(zeotap: EmulatorHandle) -> None:
    seeded = await _seeded(zeotap, destination_type="braze", status="connected")
    body = {k: seeded[k] for k in ("name", "destination_type")}
    response = await zeotap.client.put(f"{WS}/destinations/{seeded['id']}", json=body)
    assert response.status_code == 200
    assert response.json()["status"] == "connected"


async def test_put_of_a_whole_get_round_trips(zeotap: EmulatorHandle) -> None:
    seeded = await _seeded(zeotap, destination_type="webhook")
    response = await zeotap.client.put(f"{WS}/destinations/{seeded['id']}", json=seeded)
    assert response.status_code == 200
    assert response.json()["config"] == seeded["config"]
    assert response.json()["id"] == seeded["id"]


@pytest.mark.parametrize("field", ["name", "destination_type", "config"])
async def test_put_null_for_a_required_field_is_400(zeotap: EmulatorHandle, field: str) -> None:
    seeded = await _seeded(zeotap, destination_type="braze")
    response = await zeotap.client.put(f"{WS}/destinations/{seeded['id']}", json={field: None})
    _assert_error(response, 400, field)


@pytest.mark.loopback
async def test_put_unknown_destination_is_404(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.put(f"{WS}/destinations/00000000-0000-4000-8000-000000000000", json={"name": "x"})
    _assert_error(response, 404)


# -- delete -------------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_delete_unreferenced_destination_returns_status_deleted(zeotap: EmulatorHandle) -> None:
    created = await _create(zeotap)
    response = await zeotap.client.delete(f"{WS}/destinations/{created['id']}")
    assert response.status_code == 200
    assert response.json() == {"status": "deleted"}
    _assert_error(await zeotap.client.get(f"{WS}/destinations/{created['id']}"), 404)
    ids = [row["id"] for row in (await zeotap.client.get(f"{WS}/destinations")).json()]
    assert created["id"] not in ids
    assert len(ids) == 40
    assert (await zeotap.control.get(f"/_emulator/state/destinations/{created['id']}")).status_code == 404


@pytest.mark.loopback
async def test_delete_referenced_by_a_sync_is_409(zeotap: EmulatorHandle) -> None:
    sync = (await zeotap.client.get(f"{WS}/syncs")).json()[0]
    response = await zeotap.client.delete(f"{WS}/destinations/{sync['destination_id']}")
    _assert_error(response, 409, sync["id"])
    assert (await zeotap.client.get(f"{WS}/destinations/{sync['destination_id']}")).status_code == 200


@pytest.mark.loopback
async def test_delete_referenced_by_an_audience_sync_is_409(zeotap: EmulatorHandle) -> None:
    audience = (await zeotap.client.get(f"{WS}/audience-syncs")).json()[0]
    response = await zeotap.client.delete(f"{WS}/destinations/{audience['destination_id']}")
    _assert_error(response, 409, audience["id"], "audience sync")


async def test_delete_unreferenced_seeded_destination_succeeds(zeotap: EmulatorHandle) -> None:
    referenced = await _referenced_ids(zeotap)
    rows = (await zeotap.client.get(f"{WS}/destinations")).json()
    free = next(row for row in rows if row["id"] not in referenced)
    response = await zeotap.client.delete(f"{WS}/destinations/{free['id']}")
    assert response.status_code == 200
    assert response.json() == {"status": "deleted"}


async def test_delete_unknown_destination_is_404(zeotap: EmulatorHandle) -> None:
    _assert_error(await zeotap.client.delete(f"{WS}/destinations/00000000-0000-4000-8000-000000000000"), 404)


async def test_delete_twice_is_404_the_second_time(zeotap: EmulatorHandle) -> None:
    created = await _create(zeotap)
    assert (await zeotap.client.delete(f"{WS}/destinations/{created['id']}")).status_code == 200
    _assert_error(await zeotap.client.delete(f"{WS}/destinations/{created['id']}"), 404)
