"""Segment destination catalog: getDestinationsCatalog and getDestinationMetadata, and what the entries hold."""

from __future__ import annotations

import pytest

from destgraph.emulators.segment.catalog import AMPLITUDE_ID, CATALOG, GA4_ID, KINESIS_ID
from destgraph.emulators.segment.settings import is_secret_option
from tests.emulators.conftest import EmulatorHandle


@pytest.mark.loopback
async def test_catalog_list_answers_destinations_catalog(segment: EmulatorHandle) -> None:
    response = await segment.client.get("/catalog/destinations", params={"pagination[count]": 100})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.segment.v1+json"
    data = response.json()["data"]
    assert len(data["destinationsCatalog"]) == len(CATALOG) >= 15
    names = [entry["name"] for entry in data["destinationsCatalog"]]
    assert names == sorted(names, key=str.lower)
    assert data["pagination"]["totalEntries"] == len(CATALOG)


@pytest.mark.loopback
async def test_get_destination_metadata_answers_destination_metadata(segment: EmulatorHandle) -> None:
    response = await segment.client.get(f"/catalog/destinations/{AMPLITUDE_ID}")
    assert response.status_code == 200
    metadata = response.json()["data"]["destinationMetadata"]
    assert metadata["name"] == "Amplitude"
    assert metadata["slug"] == "amplitude"
    assert len(metadata["options"]) == 37
    assert metadata["options"][0] == {
        "name": "apiKey",
        "type": "string",
        "defaultValue": "",
        "description": "You can find your API Key on your Amplitude [Settings page](https://amplitude.com/settings).",
        "required": True,
        "label": "API Key",
    }


@pytest.mark.loopback
async def test_unknown_catalog_id_is_404(segment: EmulatorHandle) -> None:
    response = await segment.client.get("/catalog/destinations/000000000000000000000000")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"type": "NotFound", "message": "Resource not found"}]}


async def test_kinesis_has_the_read_only_secret_id(segment: EmulatorHandle) -> None:
    metadata = (await segment.client.get(f"/catalog/destinations/{KINESIS_ID}")).json()["data"]["destinationMetadata"]
    [secret_id] = [o for o in metadata["options"] if o["name"] == "secretId"]
    assert secret_id["label"] == "Secret ID (Read-Only)"
    assert secret_id["defaultValue"] == "#SEGMENT_WORKSPACE_ID"


async def test_ga4_is_an_actions_destination_with_actions_and_presets(segment: EmulatorHandle) -> None:
    metadata = (await segment.client.get(f"/catalog/destinations/{GA4_ID}")).json()["data"]["destinationMetadata"]
    assert metadata["slug"] == "actions-google-analytics-4"
    assert metadata["name"] == "Google Analytics 4 Cloud"
    assert len(metadata["actions"]) >= 5
    action_ids = {action["id"] for action in metadata["actions"]}
    assert all(preset["actionId"] in action_ids for preset in metadata["presets"])
    assert all(action["fields"] for action in metadata["actions"])


async def test_catalog_json_accept_answers_json(segment: EmulatorHandle) -> None:
    response = await segment.client.get(
        "/catalog/destinations", params={"pagination[count]": 1}, headers={"Accept": "application/json"}
    )
    assert response.headers["content-type"] == "application/json"


def test_catalog_ids_are_unique_and_actions_slugs_have_actions() -> None:
    ids = [entry.id for entry in CATALOG]
    assert len(ids) == len(set(ids))
    for entry in CATALOG:
        assert bool(entry.actions) == entry.is_actions, entry.slug
        action_ids = list(entry.actions)
        assert len(action_ids) == len(set(action_ids))


def test_every_entry_declares_some_option_or_action() -> None:
    for entry in CATALOG:
        assert entry.options or entry.actions, entry.slug


def test_secret_options_are_read_from_names_labels_descriptions_and_types() -> None:
    by_slug = {entry.slug: entry for entry in CATALOG}
    amplitude = by_slug["amplitude"]
    assert {"apiKey", "secretKey"} <= amplitude.masked
    assert "trackSessionEvents" not in amplitude.masked
    kinesis = by_slug["amazon-kinesis"]
    assert is_secret_option(kinesis.options["secretId"])
    assert "secretId" in kinesis.read_only
    assert "secretId" not in kinesis.masked
    intercom = by_slug["intercom"]
    assert "apiKey" in intercom.masked
    braze = by_slug["actions-braze-cloud"]
    assert braze.masked == {"api_key"}
    ga4 = by_slug["actions-google-analytics-4"]
    assert is_secret_option(ga4.options["apiSecret"])
    assert ga4.masked == frozenset()
