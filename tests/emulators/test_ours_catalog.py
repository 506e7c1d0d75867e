"""Ours Privacy GET /rest/v1/destinations/types: the creatable types, their capabilities and descriptors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.emulators.conftest import EmulatorHandle

MASK = "******"
DESTINATIONS = "/rest/v1/destinations"
TYPES = f"{DESTINATIONS}/types"

#: each documented descriptor kind: (required fields, allowed fields) from the published document
KIND_FIELDS = {
    "Alert": ({"key", "type", "label"}, {"key", "type", "label"}),
    "Select": (
        {"key", "type", "label", "options"},
        {"key", "type", "label", "sublabel", "required", "options", "defaultValue"},
    ),
    "Switch": ({"key", "type", "label"}, {"key", "type", "label", "required", "sublabel", "defaultValue"}),
    "GenericOauth": ({"key", "type", "label"}, {"key", "type", "label", "sublabel"}),
    "Text": (
        {"key", "type", "label", "placeholder"},
        {"key", "type", "label", "sublabel", "placeholder", "required"},
    ),
    "Secret": (
        {"key", "type", "label", "placeholder"},
        {"key", "type", "label", "sublabel", "placeholder", "required"},
    ),
}


def _published(vendor_specs_dir: Path) -> dict[str, Any]:
    return json.loads((vendor_specs_dir / "ours-privacy-openapi.json").read_text())


async def _types(ours: EmulatorHandle) -> dict[str, dict[str, Any]]:
    response = await ours.client.get(TYPES)
    assert response.status_code == 200
    return {t["id"]: t for t in response.json()["entities"]}


def _descriptor(kind: dict[str, Any], key: str) -> dict[str, Any]:
    return next(d for d in kind["settings"] if d["key"] == key)


def _valid_settings(kind: dict[str, Any], *, everything: bool = False) -> dict[str, Any]:
    """Settings that satisfy a type's descriptors: its required keys, or every settable key."""
    settings: dict[str, Any] = {}
    for d in kind["settings"]:
        if d["type"] in ("Alert", "GenericOauth") or not (everything or d.get("required")):
            continue
        if d["type"] == "Switch":
            settings[d["key"]] = True
        elif d["type"] == "Select":
            settings[d["key"]] = d["options"][-1]["value"]
        else:
            settings[d["key"]] = f"emulated-{d['key']}"
    return settings


@pytest.mark.loopback
async def test_types_lists_exactly_the_creatable_types(ours: EmulatorHandle, vendor_specs_dir: Path) -> None:
    document = _published(vendor_specs_dir)
    schema = document["paths"][DESTINATIONS]["post"]["requestBody"]["content"]["application/json"]["schema"]
    creatable = schema["properties"]["type"]["enum"]
    types = await _types(ours)
    assert len(creatable) == 76
    assert list(types) == creatable


async def test_every_readable_type_filter_value_is_accepted(ours: EmulatorHandle, vendor_specs_dir: Path) -> None:
    readable = _published(vendor_specs_dir)["paths"][DESTINATIONS]["get"]["parameters"][3]["schema"]["enum"]
    assert len(readable) == 89
    for type_id in readable:
        assert (await ours.client.get(DESTINATIONS, params={"type": type_id, "limit": 1})).status_code == 200


@pytest.mark.loopback
async def test_descriptors_use_only_documented_kinds_and_field_sets(ours: EmulatorHandle) -> None:
    for kind in (await _types(ours)).values():
        keys = [d["key"] for d in kind["settings"]]
        assert len(keys) == len(set(keys)), kind["id"]
        for descriptor in kind["settings"]:
            required, allowed = KIND_FIELDS[descriptor["type"]]
            assert required <= set(descriptor) <= allowed, descriptor
            if descriptor["type"] == "Select":
                assert descriptor["options"]
                assert all(set(o) == {"label", "value"} for o in descriptor["options"])
                if "defaultValue" in descriptor:
                    assert descriptor["defaultValue"] in {o["value"] for o in descriptor["options"]}
            if descriptor["type"] == "Switch" and "defaultValue" in descriptor:
                assert isinstance(descriptor["defaultValue"], bool)


async def test_every_documented_kind_appears_in_the_catalog(ours: EmulatorHandle) -> None:
    kinds = {d["type"] for t in (await _types(ours)).values() for d in t["settings"]}
    assert kinds == set(KIND_FIELDS)


@pytest.mark.loopback
async def test_types_carry_label_status_and_boolean_capabilities(ours: EmulatorHandle) -> None:
    types = await _types(ours)
    for kind in types.values():
        assert kind["label"]
        assert kind["status"] in {"ga", "deprecated"}
        assert set(kind["capabilities"]) == {"oauth", "listsAccounts", "supportsRenamedEvents"}
        assert all(isinstance(v, bool) for v in kind["capabilities"].values())
        has_oauth_setting = any(d["type"] == "GenericOauth" for d in kind["settings"])
        assert kind["capabilities"]["oauth"] == has_oauth_setting, kind["id"]
    assert {t for t, k in types.items() if k["status"] == "deprecated"} == {"G4Analytics", "Tatari", "Viant"}


@pytest.mark.loopback
async def test_common_types_have_realistic_descriptors(ours: EmulatorHandle) -> None:
    types = await _types(ours)
    expected = {
        ("Klaviyo", "projectAPIKey"): "Secret",
        ("Facebook", "pixelId"): "Text",
        ("Facebook", "accessToken"): "Secret",
        ("Facebook", "testEventCode"): "Text",
        ("GA4MeasurementProtocol", "measurementId"): "Text",
        ("GA4MeasurementProtocol", "apiSecret"): "Secret",
        ("Amplitude", "apiKey"): "Secret",
        ("Amplitude", "region"): "Select",
        ("Mixpanel", "projectToken"): "Text",
        ("TikTok", "accessToken"): "Secret",
        ("Reddit", "conversionAccessToken"): "Secret",
        ("Braze", "apiKey"): "Secret",
        ("Braze", "restEndpoint"): "Select",
        ("HTTPDestination", "url"): "Text",
        ("HTTPDestination", "authorizationHeader"): "Secret",
        ("HTTPDestination", "customHeaderValue"): "Secret",
        ("Hubspot", "hubspotAccount"): "GenericOauth",
        ("Google", "googleAccount"): "GenericOauth",
        ("Mailchimp", "mailchimpAccount"): "GenericOauth",
    }
    for (type_id, key), kind in expected.items():
        assert _descriptor(types[type_id], key)["type"] == kind, (type_id, key)
    assert _descriptor(types["Klaviyo"], "projectAPIKey")["required"] is True
    assert {o["value"] for o in _descriptor(types["Amplitude"], "region")["options"]} == {"US", "EU"}
    assert sum(any(d["type"] == "Alert" for d in t["settings"]) for t in types.values()) >= 5
    for oauth_type in ("Hubspot", "Google", "Mailchimp"):
        assert types[oauth_type]["capabilities"]["oauth"] is True


async def test_audiohook_needs_no_setting(ours: EmulatorHandle) -> None:
    audiohook = (await _types(ours))["Audiohook"]
    assert not any(d.get("required") for d in audiohook["settings"])


async def test_every_creatable_type_is_created_from_its_required_settings(ours: EmulatorHandle) -> None:
    for type_id, kind in (await _types(ours)).items():
        response = await ours.client.post(DESTINATIONS, json={"type": type_id, "settings": _valid_settings(kind)})
        assert response.status_code == 200, (type_id, response.text)


async def test_secret_descriptors_are_exactly_the_masked_settings(ours: EmulatorHandle) -> None:
    for type_id, kind in (await _types(ours)).items():
        settings = _valid_settings(kind, everything=True)
        created = (await ours.client.post(DESTINATIONS, json={"type": type_id, "settings": settings})).json()
        secrets = {d["key"] for d in kind["settings"] if d["type"] == "Secret"}
        assert created["settings"] == {k: MASK if k in secrets else v for k, v in settings.items()}, type_id
        assert (await ours.stored(created["id"]))["settings"] == settings


async def test_types_are_the_same_for_every_key(ours: EmulatorHandle) -> None:
    scoped = {"Authorization": "Bearer emulator-token;scopes=destination:list"}
    assert (await ours.client.get(TYPES, headers=scoped)).json() == (await ours.client.get(TYPES)).json()


async def test_types_needs_the_list_scope(ours: EmulatorHandle) -> None:
    scoped = {"Authorization": "Bearer emulator-token;scopes=destination:find"}
    response = await ours.client.get(TYPES, headers=scoped)
    assert response.status_code == 403
    assert "destination:list" in response.json()["details"]
