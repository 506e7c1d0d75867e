"""Ours Privacy destinations: create, read, update, delete, through HTTP, as the Destinations page says."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from destgraph.emulators.core import parse_timestamp
from tests.emulators.conftest import EmulatorHandle

MASK = "******"
DESTINATIONS = "/rest/v1/destinations"
ENTITY_KEYS = {
    "id",
    "name",
    "type",
    "status",
    "createdAt",
    "updatedAt",
    "settings",
    "limitedToSourceIds",
    "hashingSalt",
}


async def _create(ours: EmulatorHandle, body: dict[str, Any]) -> dict[str, Any]:
    response = await ours.client.post(DESTINATIONS, json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def _klaviyo(ours: EmulatorHandle, key: str = "pk_emulated_first_key") -> dict[str, Any]:
    return await _create(ours, {"name": "My Klaviyo", "type": "Klaviyo", "settings": {"projectAPIKey": key}})


async def _seeded_with_secret(ours: EmulatorHandle) -> dict[str, Any]:
    """A seeded destination holding at least one stored secret."""
    page = (await ours.client.get(DESTINATIONS, params={"limit": 100})).json()["entities"]
    return next(d for d in page if MASK in d["settings"].values())


@pytest.mark.loopback
async def test_create_answers_200_with_full_entity_enabled_and_masked(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    assert set(created) == ENTITY_KEYS
    assert uuid.UUID(created["id"]).version == 4
    assert created["name"] == "My Klaviyo"
    assert created["type"] == "Klaviyo"
    assert created["status"] == "Enabled"
    assert created["settings"] == {"projectAPIKey": MASK}
    assert created["createdAt"] == created["updatedAt"]
    assert created["createdAt"].endswith("Z")
    parse_timestamp(created["createdAt"])


@pytest.mark.loopback
async def test_create_stores_the_secret_in_clear(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours, "pk_emulated_stored_value")
    stored = await ours.stored(created["id"])
    assert stored["settings"] == {"projectAPIKey": "pk_emulated_stored_value"}


async def test_create_without_name_reads_back_null_name(ours: EmulatorHandle) -> None:
    created = await _create(ours, {"type": "Audiohook"})
    assert created["name"] is None
    assert created["settings"] == {}
    assert created["limitedToSourceIds"] is None
    assert created["hashingSalt"] is None


async def test_create_does_not_fill_in_setting_defaults(ours: EmulatorHandle) -> None:
    created = await _create(ours, {"type": "Amplitude", "settings": {"apiKey": "amp-emulated-key"}})
    assert created["settings"] == {"apiKey": MASK}


async def test_create_with_null_settings_is_accepted(ours: EmulatorHandle) -> None:
    created = await _create(ours, {"type": "OursSyntheticData", "settings": None, "name": None})
    assert created["settings"] == {}


@pytest.mark.loopback
async def test_get_returns_the_bare_entity_with_secrets_masked(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    response = await ours.client.get(f"{DESTINATIONS}/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


@pytest.mark.loopback
async def test_list_masks_secrets_of_every_entity(ours: EmulatorHandle) -> None:
    page = (await ours.client.get(DESTINATIONS, params={"limit": 100})).json()["entities"]
    for entity in page:
        stored = await ours.stored(entity["id"])
        for key, value in entity["settings"].items():
            if value == MASK:
                assert stored["settings"][key] != MASK
    assert any(MASK in e["settings"].values() for e in page)


async def test_created_destination_is_listed_first(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    first = (await ours.client.get(DESTINATIONS, params={"limit": 1})).json()["entities"][0]
    assert first == created


@pytest.mark.loopback
async def test_patch_changes_sent_fields_only_and_returns_full_entity(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    response = await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json={"status": "Disabled"})
    assert response.status_code == 200
    patched = response.json()
    assert patched["status"] == "Disabled"
    assert {k: v for k, v in patched.items() if k not in ("status", "updatedAt")} == {
        k: v for k, v in created.items() if k not in ("status", "updatedAt")
    }
    assert (await ours.client.get(f"{DESTINATIONS}/{created['id']}")).json() == patched


async def test_patch_moves_updated_at(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    await ours.advance_clock(90)
    patched = (await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json={"name": "Renamed"})).json()
    assert parse_timestamp(patched["updatedAt"]) > parse_timestamp(created["updatedAt"])
    assert patched["createdAt"] == created["createdAt"]


@pytest.mark.loopback
async def test_patch_with_masked_secret_keeps_stored_secret(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours, "pk_emulated_keep_me")
    body = {"settings": {"projectAPIKey": MASK, "listId": "XyZ123"}}
    patched = (await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json=body)).json()
    assert patched["settings"] == {"projectAPIKey": MASK, "listId": "XyZ123"}
    stored = await ours.stored(created["id"])
    assert stored["settings"]["projectAPIKey"] == "pk_emulated_keep_me"


@pytest.mark.loopback
async def test_patch_with_new_secret_replaces_stored_secret(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours, "pk_emulated_old")
    body = {"settings": {"projectAPIKey": "pk_emulated_rotated"}}
    patched = (await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json=body)).json()
    assert patched["settings"]["projectAPIKey"] == MASK
    assert (await ours.stored(created["id"]))["settings"]["projectAPIKey"] == "pk_emulated_rotated"


@pytest.mark.loopback
async def test_patch_merges_settings_key_by_key(ours: EmulatorHandle) -> None:
    created = await _create(
        ours,
        {
            "type": "Facebook",
            "settings": {"pixelId": "123456789012345", "accessToken": "EAAB-emulated", "testEventCode": "T1"},
        },
    )
    body = {"settings": {"testEventCode": "T2", "limitedDataUse": True}}
    patched = (await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json=body)).json()
    assert patched["settings"] == {
        "pixelId": "123456789012345",
        "accessToken": MASK,
        "testEventCode": "T2",
        "limitedDataUse": True,
    }
    stored = await ours.stored(created["id"])
    assert stored["settings"]["accessToken"] == "EAAB-emulated"


@pytest.mark.loopback
async def test_patch_null_setting_deletes_the_key(ours: EmulatorHandle) -> None:
    created = await _create(
        ours, {"type": "Facebook", "settings": {"pixelId": "1", "accessToken": "EAAB-x", "testEventCode": "T1"}}
    )
    patched = (
        await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json={"settings": {"testEventCode": None}})
    ).json()
    assert "testEventCode" not in patched["settings"]
    assert "testEventCode" not in (await ours.stored(created["id"]))["settings"]


async def test_patch_omitted_settings_keep_their_values(ours: EmulatorHandle) -> None:
    seeded = await _seeded_with_secret(ours)
    before = await ours.stored(seeded["id"])
    patched = (await ours.client.patch(f"{DESTINATIONS}/{seeded['id']}", json={"name": "Only the name"})).json()
    assert patched["settings"] == seeded["settings"]
    assert (await ours.stored(seeded["id"]))["settings"] == before["settings"]


async def test_patch_null_settings_clears_settings_of_type_without_required_keys(ours: EmulatorHandle) -> None:
    created = await _create(ours, {"type": "Audiohook", "settings": {"advertiserId": "ah_1"}})
    patched = (await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json={"settings": None})).json()
    assert patched["settings"] == {}


@pytest.mark.loopback
async def test_patch_round_trip_of_get_body_is_accepted_and_changes_nothing_else(ours: EmulatorHandle) -> None:
    seeded = await _seeded_with_secret(ours)
    before = await ours.stored(seeded["id"])
    body = {**seeded, "name": "Round trip"}
    response = await ours.client.patch(f"{DESTINATIONS}/{seeded['id']}", json=body)
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["name"] == "Round trip"
    assert patched["settings"] == seeded["settings"]
    after = await ours.stored(seeded["id"])
    assert after["settings"] == before["settings"]


@pytest.mark.loopback
async def test_patch_read_only_fields_are_accepted_and_ignored(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    body = {
        "id": "00000000-0000-4000-8000-000000000000",
        "createdAt": "2001-01-01T00:00:00.000Z",
        "updatedAt": None,
        "type": "Facebook",
    }
    patched = (await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json=body)).json()
    assert patched["id"] == created["id"]
    assert patched["createdAt"] == created["createdAt"]
    assert patched["type"] == "Klaviyo"
    assert patched["updatedAt"] is not None


@pytest.mark.loopback
async def test_patch_writes_name_status_hashing_salt_and_source_ids(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    body = {
        "name": "Klaviyo EU",
        "status": "Disabled",
        "hashingSalt": "salt-emulated",
        "limitedToSourceIds": ["src-1", "src-2"],
    }
    patched = (await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json=body)).json()
    assert {k: patched[k] for k in body} == body
    stored = await ours.stored(created["id"])
    assert stored["hashingSalt"] == "salt-emulated"
    assert stored["limitedToSourceIds"] == ["src-1", "src-2"]


async def test_hashing_salt_reads_back_as_stored(ours: EmulatorHandle) -> None:
    page = (await ours.client.get(DESTINATIONS, params={"limit": 100})).json()["entities"]
    salted = [d for d in page if d["hashingSalt"]]
    assert salted
    for entity in salted:
        assert entity["hashingSalt"] == (await ours.stored(entity["id"]))["hashingSalt"]
        assert entity["hashingSalt"] != MASK


@pytest.mark.loopback
async def test_patch_null_clears_nullable_top_level_fields(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json={"hashingSalt": "s", "limitedToSourceIds": ["a"]})
    body = {"name": None, "hashingSalt": None, "limitedToSourceIds": None}
    patched = (await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json=body)).json()
    assert (patched["name"], patched["hashingSalt"], patched["limitedToSourceIds"]) == (None, None, None)


async def test_patch_null_status_keeps_the_status(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    patched = (await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json={"status": None})).json()
    assert patched["status"] == "Enabled"


async def test_patch_empty_object_is_a_no_op_that_answers_the_entity(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    patched = (await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json={})).json()
    assert {k: v for k, v in patched.items() if k != "updatedAt"} == {
        k: v for k, v in created.items() if k != "updatedAt"
    }


async def test_patch_of_seeded_read_only_type_is_allowed(ours: EmulatorHandle) -> None:
    page = (await ours.client.get(DESTINATIONS, params={"limit": 100})).json()["entities"]
    warehouse = next(d for d in page if d["type"] in {"AWSS3", "GoogleBigQueryWarehouse", "GoogleStorage",
                                                       "AzureBlob", "DatabricksWarehouse", "DomoWarehouse",
                                                       "GoogleBigQuery", "LiveRampWarehouse", "AWSEventBridge",
                                                       "FacebookAudience", "GoogleAudience", "MNTNAudience",
                                                       "VibeAudience"})  # fmt: skip
    response = await ours.client.patch(f"{DESTINATIONS}/{warehouse['id']}", json={"status": "Disabled"})
    assert response.status_code == 200
    assert response.json()["type"] == warehouse["type"]


@pytest.mark.loopback
async def test_delete_answers_bare_true_and_the_destination_is_gone(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    response = await ours.client.delete(f"{DESTINATIONS}/{created['id']}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() is True
    assert (await ours.client.get(f"{DESTINATIONS}/{created['id']}")).status_code == 404
    listed = (await ours.client.get(DESTINATIONS, params={"limit": 100})).json()["entities"]
    assert created["id"] not in {d["id"] for d in listed}
    assert (await ours.control.get(f"/_emulator/state/destinations/{created['id']}")).status_code == 404


async def test_delete_twice_is_404_the_second_time(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    assert (await ours.client.delete(f"{DESTINATIONS}/{created['id']}")).status_code == 200
    second = await ours.client.delete(f"{DESTINATIONS}/{created['id']}")
    assert second.status_code == 404
    assert created["id"] in second.json()["details"]


async def test_created_ids_are_unique(ours: EmulatorHandle) -> None:
    ids = {(await _create(ours, {"type": "Audiohook"}))["id"] for _ in range(20)}
    assert len(ids) == 20
