"""Nimriz destinations through HTTP: list, create, PUT, DELETE, whoami, redaction and the missing get."""

from __future__ import annotations

import copy
import uuid
from datetime import datetime
from typing import Any

import pytest

from tests.emulators.conftest import EmulatorHandle

DESTINATIONS = "/api/integrations/destinations"

#: the seed's "Create a Destination" request body, verbatim
SEED_CREATE_BODY: dict[str, Any] = {
    "name": "Segment events",
    "type": "segment",
    "enabled": True,
    "credentials": {"write_key": "seg_..."},
    "actions": [
        {
            "name": "Send event",
            "action_type": "send_event",
            "enabled": True,
            "property_mapping": {"base": "default", "overrides": []},
            "event_filter": {
                "include": {"event_types": ["link.clicked", "link.qr_scanned"]},
                "exclude": {"bot_traffic": True},
                "conditions": [],
            },
        }
    ],
}

#: one valid credentials object per type
CREDENTIALS: dict[str, dict[str, str]] = {
    "segment": {"write_key": "seg_fakeWriteKey0001"},
    "ga4": {"measurement_id": "G-ABC123XYZ9", "api_secret": "fakeApiSecret22chars00"},
    "amplitude": {"api_key": "0123456789abcdef0123456789abcdef"},
    "posthog": {"api_key": "phc_fakeProjectKey", "host": "https://eu.i.posthog.com"},
    "mixpanel": {"project_token": "0123456789abcdef0123456789abcdef"},
    "gtm_server_side": {"server_container_url": "https://sst.example.com"},
    "meta": {"pixel_id": "123456789012345", "access_token": "EAAfakeToken"},
    "google_ads": {
        "customer_id": "123-456-7890",
        "conversion_action_id": "987654321",
        "developer_token": "fakeDeveloperToken",
        "refresh_token": "1//fakeRefresh",
    },
    "linkedin": {"ad_account_id": "501234567", "conversion_rule_id": "12345678", "access_token": "AQVfake"},
    "tiktok": {"pixel_code": "C4A1B2C3D4E5F6G7H8I9", "access_token": "fake0123456789"},
    "generic_http": {"endpoint_url": "https://hooks.example.com/nimriz"},
    "ad_pixel_interstitial": {"meta_pixel_id": "123456789012345"},
}
ACTION_TYPE_OF = {
    "meta": "send_conversion",
    "google_ads": "send_conversion",
    "linkedin": "send_conversion",
    "tiktok": "send_conversion",
    "generic_http": "send_webhook",
    "ad_pixel_interstitial": "interstitial_settings",
}


def seed_body(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(SEED_CREATE_BODY)
    body.update(changes)
    return body


async def create(nimriz: EmulatorHandle, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await nimriz.client.post(DESTINATIONS, json=body or seed_body())
    assert response.status_code == 201, response.text
    return response.json()["destination"]


async def listed(nimriz: EmulatorHandle) -> list[dict[str, Any]]:
    response = await nimriz.client.get(DESTINATIONS)
    assert response.status_code == 200, response.text
    return response.json()["destinations"]


def _at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def assert_validation_error(response: Any, field: str) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert body["support_reference"]
    assert field in [d["field"] for d in body["details"]], body
    return body


# --- list -----------------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_list_answers_destinations_wrapper_with_every_seeded_destination(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.get(DESTINATIONS)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["destinations"]
    assert len(body["destinations"]) == 40
    for item in body["destinations"]:
        assert set(item) == {"id", "name", "type", "enabled", "credentials", "actions", "created_at", "updated_at"}
        uuid.UUID(item["id"])
        assert 1 <= len(item["actions"]) <= 3


@pytest.mark.loopback
async def test_list_redacts_sensitive_credentials(nimriz: EmulatorHandle) -> None:
    items = await listed(nimriz)
    segment = next(d for d in items if d["type"] == "segment")
    assert segment["credentials"] == {"write_key": "[REDACTED]"}
    stored = await nimriz.stored(segment["id"])
    assert stored["credentials"]["write_key"].startswith("seg_")


async def test_list_keeps_non_sensitive_credentials_in_clear(nimriz: EmulatorHandle) -> None:
    items = await listed(nimriz)
    ga4 = next(d for d in items if d["type"] == "ga4")
    assert ga4["credentials"]["api_secret"] == "[REDACTED]"
    assert ga4["credentials"]["measurement_id"].startswith("G-")
    webhook = next(d for d in items if d["type"] == "generic_http")
    [url] = [v for k, v in webhook["credentials"].items() if k in ("url", "endpoint_url")]
    assert url.startswith("https://")


async def test_list_never_shows_a_stored_secret(nimriz: EmulatorHandle) -> None:
    text = (await nimriz.client.get(DESTINATIONS)).text
    for item in await listed(nimriz):
        stored = await nimriz.stored(item["id"])
        for key, value in stored["credentials"].items():
            if item["credentials"][key] == "[REDACTED]":
                assert value not in text


async def test_list_is_in_creation_order_oldest_first(nimriz: EmulatorHandle) -> None:
    items = await listed(nimriz)
    stamps = [d["created_at"] for d in items]
    assert stamps == sorted(stamps)
    created = await create(nimriz)
    assert (await listed(nimriz))[-1]["id"] == created["id"]


@pytest.mark.loopback
async def test_list_with_own_account_id_is_accepted(nimriz: EmulatorHandle) -> None:
    account_id = (await nimriz.client.get("/api/v1/whoami")).json()["account_id"]
    response = await nimriz.client.get(DESTINATIONS, params={"account_id": account_id})
    assert response.status_code == 200
    assert len(response.json()["destinations"]) == 40


@pytest.mark.loopback
async def test_list_with_another_account_id_is_403_forbidden(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.get(DESTINATIONS, params={"account_id": str(uuid.uuid4())})
    assert response.status_code == 403
    assert response.json()["code"] == "FORBIDDEN"


async def test_list_ignores_unknown_query_parameters(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.get(DESTINATIONS, params={"limit": "1", "cursor": "garbage"})
    assert response.status_code == 200
    assert len(response.json()["destinations"]) == 40


async def test_list_of_an_empty_workspace_is_an_empty_array(nimriz: EmulatorHandle) -> None:
    await nimriz.reseed(destinations=0)
    assert (await nimriz.client.get(DESTINATIONS)).json() == {"destinations": []}


@pytest.mark.loopback
async def test_whoami_returns_account_id_and_workspace_name(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.get("/api/v1/whoami")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"account_id", "workspace_name"}
    uuid.UUID(body["account_id"])
    assert body["workspace_name"]


# --- create ---------------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_create_seed_example_answers_201_with_destination_wrapper(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.post(DESTINATIONS, json=SEED_CREATE_BODY)
    assert response.status_code == 201
    body = response.json()
    assert list(body) == ["destination"]
    destination = body["destination"]
    uuid.UUID(destination["id"])
    assert destination["name"] == "Segment events"
    assert destination["type"] == "segment"
    assert destination["enabled"] is True
    assert destination["created_at"] == destination["updated_at"]
    assert destination["created_at"].endswith("Z")
    [action] = destination["actions"]
    uuid.UUID(action["id"])
    expected = {k: v for k, v in action.items() if k != "id"}
    assert expected == SEED_CREATE_BODY["actions"][0]
    stored = await nimriz.stored(destination["id"])
    assert stored["credentials"] == {"write_key": "seg_..."}


@pytest.mark.loopback
async def test_create_response_redacts_credentials(nimriz: EmulatorHandle) -> None:
    destination = await create(nimriz)
    assert destination["credentials"] == {"write_key": "[REDACTED]"}


@pytest.mark.loopback
async def test_create_without_actions_has_no_actions(nimriz: EmulatorHandle) -> None:
    # The n8n node's live e2e body: account_id, generic_http with credentials.url, no actions.
    account_id = (await nimriz.client.get("/api/v1/whoami")).json()["account_id"]
    body = {
        "account_id": account_id,
        "name": "n8n-e2e-abc",
        "type": "generic_http",
        "credentials": {"url": "https://example.com/n8n-e2e-destination"},
        "enabled": True,
    }
    destination = await create(nimriz, body)
    assert destination["actions"] == []
    assert destination["credentials"] == {"url": "https://example.com/n8n-e2e-destination"}
    assert "account_id" not in destination


@pytest.mark.loopback
@pytest.mark.parametrize("key", ["endpoint_url", "url"])
async def test_create_generic_http_accepts_endpoint_url_or_url(nimriz: EmulatorHandle, key: str) -> None:
    body = {"name": "Hook", "type": "generic_http", "credentials": {key: "https://hooks.example.com/in"}}
    destination = await create(nimriz, body)
    assert destination["credentials"] == {key: "https://hooks.example.com/in"}
    assert (await nimriz.stored(destination["id"]))["credentials"] == {key: "https://hooks.example.com/in"}


async def test_create_generic_http_without_url_is_validation_error(nimriz: EmulatorHandle) -> None:
    body = {"name": "Hook", "type": "generic_http", "credentials": {}}
    response = await nimriz.client.post(DESTINATIONS, json=body)
    error = assert_validation_error(response, "credentials.endpoint_url")
    assert "endpoint_url or url" in error["message"]


async def test_create_generic_http_with_non_http_url_is_validation_error(nimriz: EmulatorHandle) -> None:
    body = {"name": "Hook", "type": "generic_http", "credentials": {"url": "ftp://example.com/x"}}
    assert_validation_error(await nimriz.client.post(DESTINATIONS, json=body), "credentials.url")


@pytest.mark.loopback
async def test_create_unknown_type_is_validation_error(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.post(DESTINATIONS, json=seed_body(type="braze"))
    body = assert_validation_error(response, "type")
    assert body["field"] == "type"


@pytest.mark.loopback
async def test_create_missing_required_credential_is_validation_error(nimriz: EmulatorHandle) -> None:
    body = {"name": "GA4", "type": "ga4", "credentials": {"measurement_id": "G-ABC123XYZ9"}}
    response = await nimriz.client.post(DESTINATIONS, json=body)
    assert assert_validation_error(response, "credentials.api_secret")["field"] == "credentials.api_secret"


async def test_create_unknown_credential_key_is_validation_error(nimriz: EmulatorHandle) -> None:
    body = seed_body(credentials={"write_key": "seg_x", "region": "eu"})
    assert_validation_error(await nimriz.client.post(DESTINATIONS, json=body), "credentials.region")


async def test_create_non_string_credential_is_validation_error(nimriz: EmulatorHandle) -> None:
    body = seed_body(credentials={"write_key": 12345})
    assert_validation_error(await nimriz.client.post(DESTINATIONS, json=body), "credentials.write_key")


async def test_create_credentials_must_be_an_object(nimriz: EmulatorHandle) -> None:
    body = seed_body(credentials="seg_x")
    assert_validation_error(await nimriz.client.post(DESTINATIONS, json=body), "credentials")


async def test_create_ga4_measurement_id_must_look_like_one(nimriz: EmulatorHandle) -> None:
    body = {"name": "GA4", "type": "ga4", "credentials": {"measurement_id": "UA-1234", "api_secret": "x"}}
    assert_validation_error(await nimriz.client.post(DESTINATIONS, json=body), "credentials.measurement_id")


async def test_create_empty_object_reports_name_type_and_credentials(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.post(DESTINATIONS, json={})
    body = assert_validation_error(response, "name")
    assert {d["field"] for d in body["details"]} == {"name", "type", "credentials"}


@pytest.mark.parametrize("name", ["", "   ", 7, None, "x" * 256])
async def test_create_name_must_be_a_non_empty_string_up_to_255(nimriz: EmulatorHandle, name: Any) -> None:
    assert_validation_error(await nimriz.client.post(DESTINATIONS, json=seed_body(name=name)), "name")


async def test_create_enabled_must_be_boolean(nimriz: EmulatorHandle) -> None:
    assert_validation_error(await nimriz.client.post(DESTINATIONS, json=seed_body(enabled="true")), "enabled")


async def test_create_defaults_enabled_to_true(nimriz: EmulatorHandle) -> None:
    body = seed_body()
    del body["enabled"]
    assert (await create(nimriz, body))["enabled"] is True


async def test_create_ignores_read_only_and_unknown_fields(nimriz: EmulatorHandle) -> None:
    # The n8n node sends property_mapping/event_filter at the top level: Nimriz keeps them only in actions.
    chosen_id = str(uuid.uuid4())
    body = seed_body(
        id=chosen_id,
        created_at="2001-01-01T00:00:00Z",
        property_mapping={"base": "default", "overrides": []},
        event_filter={"include": {}},
    )
    destination = await create(nimriz, body)
    assert destination["id"] != chosen_id
    assert destination["created_at"] != "2001-01-01T00:00:00Z"
    assert "property_mapping" not in destination
    assert "event_filter" not in destination


async def test_create_with_another_account_id_is_403_forbidden(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.post(DESTINATIONS, json=seed_body(account_id="someone-else"))
    assert response.status_code == 403
    assert response.json()["code"] == "FORBIDDEN"


@pytest.mark.parametrize("type_key", sorted(CREDENTIALS))
async def test_create_every_type_with_its_required_credentials(nimriz: EmulatorHandle, type_key: str) -> None:
    action = copy.deepcopy(SEED_CREATE_BODY["actions"][0]) | {"action_type": ACTION_TYPE_OF.get(type_key, "send_event")}
    body = {"name": f"My {type_key}", "type": type_key, "credentials": CREDENTIALS[type_key], "actions": [action]}
    destination = await create(nimriz, body)
    assert destination["type"] == type_key
    assert (await nimriz.stored(destination["id"]))["credentials"] == CREDENTIALS[type_key]


@pytest.mark.loopback
async def test_created_destination_appears_in_list(nimriz: EmulatorHandle) -> None:
    destination = await create(nimriz)
    items = await listed(nimriz)
    assert len(items) == 41
    assert next(d for d in items if d["id"] == destination["id"]) == destination


# --- update ---------------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_put_updates_name_and_enabled_and_keeps_credentials(nimriz: EmulatorHandle) -> None:
    destination = await create(nimriz)
    body = {"name": "Renamed", "enabled": False, "actions": destination["actions"]}
    response = await nimriz.client.put(f"{DESTINATIONS}/{destination['id']}", json=body)
    assert response.status_code == 200
    updated = response.json()["destination"]
    assert (updated["name"], updated["enabled"]) == ("Renamed", False)
    assert updated["actions"] == destination["actions"]
    assert updated["credentials"] == {"write_key": "[REDACTED]"}
    assert (await nimriz.stored(destination["id"]))["credentials"] == {"write_key": "seg_..."}


@pytest.mark.loopback
async def test_put_without_actions_leaves_destination_with_no_actions(nimriz: EmulatorHandle) -> None:
    seeded = (await listed(nimriz))[0]
    assert seeded["actions"]
    response = await nimriz.client.put(f"{DESTINATIONS}/{seeded['id']}", json={"name": "Only a rename"})
    assert response.status_code == 200
    assert response.json()["destination"]["actions"] == []
    assert (await nimriz.stored(seeded["id"]))["actions"] == []


async def test_put_with_empty_actions_removes_every_action(nimriz: EmulatorHandle) -> None:
    destination = await create(nimriz)
    response = await nimriz.client.put(f"{DESTINATIONS}/{destination['id']}", json={"actions": []})
    assert response.json()["destination"]["actions"] == []


@pytest.mark.loopback
async def test_put_credentials_replace_the_stored_object_whole(nimriz: EmulatorHandle) -> None:
    body = {"name": "GA4", "type": "ga4", "credentials": CREDENTIALS["ga4"]}
    destination = await create(nimriz, body)
    path = f"{DESTINATIONS}/{destination['id']}"
    partial = await nimriz.client.put(path, json={"credentials": {"api_secret": "newSecret"}})
    assert_validation_error(partial, "credentials.measurement_id")
    full = {"measurement_id": "G-NEW0000001", "api_secret": "newSecret"}
    assert (await nimriz.client.put(path, json={"credentials": full})).status_code == 200
    assert (await nimriz.stored(destination["id"]))["credentials"] == full


@pytest.mark.loopback
async def test_put_with_redacted_secret_stores_it_literally(nimriz: EmulatorHandle) -> None:
    destination = await create(nimriz)
    body = {"name": destination["name"], "credentials": destination["credentials"], "actions": destination["actions"]}
    response = await nimriz.client.put(f"{DESTINATIONS}/{destination['id']}", json=body)
    assert response.status_code == 200
    assert (await nimriz.stored(destination["id"]))["credentials"] == {"write_key": "[REDACTED]"}


async def test_put_cannot_change_type(nimriz: EmulatorHandle) -> None:
    destination = await create(nimriz)
    path = f"{DESTINATIONS}/{destination['id']}"
    assert_validation_error(await nimriz.client.put(path, json={"type": "ga4"}), "type")
    assert (await nimriz.client.put(path, json={"type": "segment"})).status_code == 200


async def test_put_validates_name_and_enabled(nimriz: EmulatorHandle) -> None:
    destination = await create(nimriz)
    path = f"{DESTINATIONS}/{destination['id']}"
    response = await nimriz.client.put(path, json={"name": "", "enabled": "no"})
    body = assert_validation_error(response, "name")
    assert {d["field"] for d in body["details"]} == {"name", "enabled"}
    assert (await nimriz.stored(destination["id"]))["name"] == "Segment events"


async def test_put_failing_validation_changes_nothing(nimriz: EmulatorHandle) -> None:
    destination = await create(nimriz)
    before = await nimriz.stored(destination["id"])
    body = {"name": "New", "actions": [{"name": "x", "action_type": "nope"}]}
    assert_validation_error(
        await nimriz.client.put(f"{DESTINATIONS}/{destination['id']}", json=body), "actions[0].action_type"
    )
    assert await nimriz.stored(destination["id"]) == before


@pytest.mark.loopback
async def test_put_unknown_destination_is_404_not_found(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.put(f"{DESTINATIONS}/{uuid.uuid4()}", json={"name": "x"})
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


async def test_put_sets_updated_at_from_the_emulator_clock(nimriz: EmulatorHandle) -> None:
    destination = await create(nimriz)
    await nimriz.advance_clock(3600)
    response = await nimriz.client.put(f"{DESTINATIONS}/{destination['id']}", json={"name": "Later"})
    updated = response.json()["destination"]
    assert updated["created_at"] == destination["created_at"]
    assert (_at(updated["updated_at"]) - _at(destination["updated_at"])).total_seconds() >= 3600


async def test_put_with_another_account_id_is_403_forbidden(nimriz: EmulatorHandle) -> None:
    destination = await create(nimriz)
    response = await nimriz.client.put(f"{DESTINATIONS}/{destination['id']}", json={"account_id": "nope"})
    assert response.status_code == 403


# --- delete ---------------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_delete_removes_destination_and_its_actions(nimriz: EmulatorHandle) -> None:
    destination = await create(nimriz)
    response = await nimriz.client.delete(f"{DESTINATIONS}/{destination['id']}")
    assert response.status_code == 200
    assert response.json() == {"deleted": True, "id": destination["id"]}
    assert destination["id"] not in {d["id"] for d in await listed(nimriz)}
    assert (await nimriz.control.get(f"/_emulator/state/destinations/{destination['id']}")).status_code == 404
    again = await nimriz.client.delete(f"{DESTINATIONS}/{destination['id']}")
    assert again.status_code == 404
    assert again.json()["code"] == "NOT_FOUND"


async def test_delete_unknown_destination_is_404_not_found(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.delete(f"{DESTINATIONS}/{uuid.uuid4()}")
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


# --- no get-by-id ---------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_get_single_destination_is_405_method_not_allowed(nimriz: EmulatorHandle) -> None:
    seeded = (await listed(nimriz))[0]
    response = await nimriz.client.get(f"{DESTINATIONS}/{seeded['id']}")
    assert response.status_code == 405
    body = response.json()
    assert body["code"] == "METHOD_NOT_ALLOWED"
    assert body["support_reference"]
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"PUT", "DELETE"}


async def test_patch_on_a_destination_is_405_method_not_allowed(nimriz: EmulatorHandle) -> None:
    seeded = (await listed(nimriz))[0]
    response = await nimriz.client.patch(f"{DESTINATIONS}/{seeded['id']}", json={"name": "x"})
    assert response.status_code == 405
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"
