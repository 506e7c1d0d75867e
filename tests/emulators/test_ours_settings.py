"""Ours Privacy write validation: POST type rules and settings checked against the type's descriptors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.emulators.conftest import EmulatorHandle

MASK = "******"
DESTINATIONS = "/rest/v1/destinations"


def _assert_400_naming(response: Any, *names: str) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"error", "details"}
    for name in names:
        assert name in body["details"], body
    return body


async def _count(ours: EmulatorHandle) -> int:
    return len((await ours.client.get(DESTINATIONS, params={"limit": 100})).json()["entities"])


async def _klaviyo(ours: EmulatorHandle) -> dict[str, Any]:
    body = {"type": "Klaviyo", "settings": {"projectAPIKey": "pk_emulated_value"}}
    return (await ours.client.post(DESTINATIONS, json=body)).json()


@pytest.mark.loopback
async def test_create_without_type_is_400_naming_type(ours: EmulatorHandle) -> None:
    body = _assert_400_naming(await ours.client.post(DESTINATIONS, json={"name": "No type"}), "type")
    assert "Required" in body["details"]
    assert await _count(ours) == 40


async def test_create_with_null_type_is_400(ours: EmulatorHandle) -> None:
    _assert_400_naming(await ours.client.post(DESTINATIONS, json={"type": None}), "type")


@pytest.mark.parametrize("type_id", ["klaviyo", "Segment", "", 12, ["Klaviyo"]])
async def test_create_with_unknown_type_is_400(ours: EmulatorHandle, type_id: Any) -> None:
    _assert_400_naming(await ours.client.post(DESTINATIONS, json={"type": type_id}), "type")


@pytest.mark.parametrize("type_id", ["AWSS3", "GoogleBigQueryWarehouse", "FacebookAudience", "DatabricksWarehouse"])
async def test_create_of_read_only_type_is_400(ours: EmulatorHandle, type_id: str) -> None:
    body = _assert_400_naming(await ours.client.post(DESTINATIONS, json={"type": type_id}), "type", type_id)
    assert "cannot be created" in body["details"]
    assert await _count(ours) == 40


@pytest.mark.loopback
async def test_every_read_only_type_is_refused_by_post(ours: EmulatorHandle, vendor_specs_dir: Path) -> None:
    document = json.loads((vendor_specs_dir / "ours-privacy-openapi.json").read_text())
    post = document["paths"][DESTINATIONS]["post"]["requestBody"]["content"]["application/json"]["schema"]
    readable = set(document["paths"][DESTINATIONS]["get"]["parameters"][3]["schema"]["enum"])
    read_only = readable - set(post["properties"]["type"]["enum"])
    assert len(read_only) == 13
    for type_id in sorted(read_only):
        assert (await ours.client.post(DESTINATIONS, json={"type": type_id})).status_code == 400


@pytest.mark.loopback
async def test_create_with_unknown_setting_key_is_400_naming_it(ours: EmulatorHandle) -> None:
    body = {"type": "Klaviyo", "settings": {"projectAPIKey": "pk_x", "privateKey": "nope"}}
    _assert_400_naming(await ours.client.post(DESTINATIONS, json=body), "settings.privateKey")
    assert await _count(ours) == 40


@pytest.mark.loopback
async def test_create_with_alert_key_is_400_naming_it(ours: EmulatorHandle) -> None:
    body = {"type": "Klaviyo", "settings": {"projectAPIKey": "pk_x", "profileNotice": "hello"}}
    _assert_400_naming(await ours.client.post(DESTINATIONS, json=body), "settings.profileNotice", "Alert")


@pytest.mark.loopback
async def test_create_with_generic_oauth_key_is_400_naming_it(ours: EmulatorHandle) -> None:
    body = {"type": "Hubspot", "settings": {"hubspotAccount": "portal-123"}}
    _assert_400_naming(await ours.client.post(DESTINATIONS, json=body), "settings.hubspotAccount", "OAuth")


async def test_create_of_oauth_type_without_oauth_key_succeeds(ours: EmulatorHandle) -> None:
    response = await ours.client.post(DESTINATIONS, json={"type": "Hubspot", "settings": {"createContacts": False}})
    assert response.status_code == 200
    assert response.json()["settings"] == {"createContacts": False}


@pytest.mark.loopback
async def test_create_with_missing_required_setting_is_400_naming_it(ours: EmulatorHandle) -> None:
    body = {"type": "GA4MeasurementProtocol", "settings": {"measurementId": "G-ABC123"}}
    _assert_400_naming(await ours.client.post(DESTINATIONS, json=body), "settings.apiSecret", "Required")


async def test_create_without_settings_for_type_with_required_settings_is_400(ours: EmulatorHandle) -> None:
    _assert_400_naming(
        await ours.client.post(DESTINATIONS, json={"type": "Facebook"}), "settings.pixelId", "settings.accessToken"
    )


async def test_create_with_empty_required_text_is_400(ours: EmulatorHandle) -> None:
    body = {"type": "Facebook", "settings": {"pixelId": "", "accessToken": "EAAB-x"}}
    _assert_400_naming(await ours.client.post(DESTINATIONS, json=body), "settings.pixelId")


@pytest.mark.parametrize(
    ("type_id", "settings", "key"),
    [
        ("Facebook", {"pixelId": 123456, "accessToken": "EAAB-x"}, "pixelId"),
        ("Klaviyo", {"projectAPIKey": True}, "projectAPIKey"),
        ("Klaviyo", {"projectAPIKey": {"value": "pk"}}, "projectAPIKey"),
        ("Facebook", {"pixelId": "1", "accessToken": "EAAB-x", "limitedDataUse": "yes"}, "limitedDataUse"),
        ("Facebook", {"pixelId": "1", "accessToken": "EAAB-x", "limitedDataUse": 1}, "limitedDataUse"),
        ("Amplitude", {"apiKey": "k", "region": "APAC"}, "region"),
        ("Amplitude", {"apiKey": "k", "region": "United States"}, "region"),
        ("Amplitude", {"apiKey": "k", "region": ["US"]}, "region"),
    ],
)
async def test_create_with_wrong_value_type_is_400_naming_the_key(
    ours: EmulatorHandle, type_id: str, settings: dict[str, Any], key: str
) -> None:
    response = await ours.client.post(DESTINATIONS, json={"type": type_id, "settings": settings})
    _assert_400_naming(response, f"settings.{key}")


async def test_select_accepts_an_option_value(ours: EmulatorHandle) -> None:
    body = {"type": "Amplitude", "settings": {"apiKey": "k", "region": "EU"}}
    assert (await ours.client.post(DESTINATIONS, json=body)).json()["settings"]["region"] == "EU"


async def test_create_reports_every_bad_setting_at_once(ours: EmulatorHandle) -> None:
    body = {"type": "Facebook", "settings": {"pixelId": 1, "bogus": "x", "dedupeNotice": "y"}}
    body = _assert_400_naming(
        await ours.client.post(DESTINATIONS, json=body),
        "settings.pixelId",
        "settings.bogus",
        "settings.dedupeNotice",
        "settings.accessToken",
    )


async def test_create_with_masked_secret_is_400(ours: EmulatorHandle) -> None:
    body = {"type": "Klaviyo", "settings": {"projectAPIKey": MASK}}
    _assert_400_naming(await ours.client.post(DESTINATIONS, json=body), "settings.projectAPIKey")


async def test_create_with_null_setting_is_as_if_not_sent(ours: EmulatorHandle) -> None:
    body = {"type": "Klaviyo", "settings": {"projectAPIKey": "pk_x", "listId": None}}
    assert (await ours.client.post(DESTINATIONS, json=body)).json()["settings"] == {"projectAPIKey": MASK}


@pytest.mark.parametrize("settings", [["projectAPIKey"], "projectAPIKey=x", 5, True])
async def test_create_with_settings_not_an_object_is_400(ours: EmulatorHandle, settings: Any) -> None:
    _assert_400_naming(await ours.client.post(DESTINATIONS, json={"type": "Klaviyo", "settings": settings}), "settings")


@pytest.mark.parametrize("name", [5, ["x"], {"first": "x"}, False])
async def test_create_with_non_string_name_is_400(ours: EmulatorHandle, name: Any) -> None:
    _assert_400_naming(await ours.client.post(DESTINATIONS, json={"type": "Audiohook", "name": name}), "name")


@pytest.mark.parametrize("key", ["status", "hashingSalt", "limitedToSourceIds", "id", "enabled"])
async def test_create_with_key_outside_the_schema_is_400(ours: EmulatorHandle, key: str) -> None:
    body = {"type": "Audiohook", key: "Disabled"}
    response = await ours.client.post(DESTINATIONS, json=body)
    _assert_400_naming(response, "Unrecognized key", key)


async def test_patch_with_unknown_setting_key_is_400_and_changes_nothing(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    body = {"name": "Changed", "settings": {"listId": "L1", "wat": "x"}}
    _assert_400_naming(await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json=body), "settings.wat")
    stored = await ours.stored(created["id"])
    assert stored["name"] is None
    assert stored["settings"] == {"projectAPIKey": "pk_emulated_value"}


@pytest.mark.loopback
async def test_patch_with_alert_key_is_400(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    body = {"settings": {"profileNotice": "x"}}
    _assert_400_naming(await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json=body), "settings.profileNotice")


async def test_patch_with_generic_oauth_key_is_400(ours: EmulatorHandle) -> None:
    created = (
        await ours.client.post(DESTINATIONS, json={"type": "Mailchimp", "settings": {"audienceId": "a1"}})
    ).json()
    body = {"settings": {"mailchimpAccount": "acct"}}
    _assert_400_naming(
        await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json=body), "settings.mailchimpAccount"
    )


async def test_patch_with_wrong_value_type_is_400(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    body = {"settings": {"listId": 42}}
    _assert_400_naming(await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json=body), "settings.listId")


@pytest.mark.loopback
async def test_patch_null_on_required_setting_is_400(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    body = {"settings": {"projectAPIKey": None}}
    _assert_400_naming(await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json=body), "settings.projectAPIKey")
    assert (await ours.stored(created["id"]))["settings"]["projectAPIKey"] == "pk_emulated_value"


async def test_patch_null_settings_on_type_with_required_settings_is_400(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    response = await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json={"settings": None})
    _assert_400_naming(response, "settings.projectAPIKey")


async def test_patch_masked_value_for_unset_secret_is_400(ours: EmulatorHandle) -> None:
    created = (
        await ours.client.post(DESTINATIONS, json={"type": "Mixpanel", "settings": {"projectToken": "abc"}})
    ).json()
    body = {"settings": {"apiSecret": MASK}}
    _assert_400_naming(await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json=body), "settings.apiSecret")


async def test_masked_value_on_a_text_setting_is_stored_as_text(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    body = {"settings": {"listId": MASK}}
    response = await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json=body)
    assert response.status_code == 200
    assert (await ours.stored(created["id"]))["settings"]["listId"] == MASK


@pytest.mark.parametrize(
    "body",
    [
        {"status": "Paused"},
        {"status": True},
        {"name": 3},
        {"hashingSalt": 12},
        {"limitedToSourceIds": "src-1"},
        {"limitedToSourceIds": [1, 2]},
        {"settings": []},
        {"id": 5},
        {"createdAt": None},
        {"type": "NotAType"},
        {"updatedAt": 7},
    ],
)
async def test_patch_with_wrong_top_level_type_is_400_naming_the_field(
    ours: EmulatorHandle, body: dict[str, Any]
) -> None:
    created = await _klaviyo(ours)
    [field] = body
    _assert_400_naming(await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json=body), field)


@pytest.mark.loopback
async def test_patch_with_key_outside_the_schema_is_400(ours: EmulatorHandle) -> None:
    created = await _klaviyo(ours)
    response = await ours.client.patch(f"{DESTINATIONS}/{created['id']}", json={"enabled": False})
    _assert_400_naming(response, "Unrecognized key", "enabled")
