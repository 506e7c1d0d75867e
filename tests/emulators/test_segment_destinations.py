"""Segment destinations: list, create, get, update and delete, with the seed's envelopes, defaults and masking."""

from __future__ import annotations

from typing import Any

import pytest

from destgraph.emulators.segment import DEFAULT_SOURCE_ID
from destgraph.emulators.segment.catalog import AMPLITUDE_ID, BLUESHIFT_ID, KINESIS_ID, catalog_entry
from destgraph.emulators.segment.seed import (
    DOCS_DESTINATION_ID,
    SAMPLE_GA4_DESTINATION_ID,
    SAMPLE_KINESIS_DESTINATION_ID,
)
from tests.emulators.conftest import EmulatorHandle

BULLETS = "\u2022" * 10
GA4_WEB_ID = "63bedc136a8484a53739e013"
BRAZE_ID = "60f9d0d048950c356be2e4da"


def amplitude_body(**overrides: Any) -> dict[str, Any]:
    """The seed's Create Destination sample request."""
    body: dict[str, Any] = {
        "sourceId": DEFAULT_SOURCE_ID,
        "metadataId": AMPLITUDE_ID,
        "name": "my destination v1",
        "settings": {"apiKey": "3cb9b589437d3904f19b2b791c2cdada", "retarget": True},
    }
    body.update(overrides)
    return body


async def create(segment: EmulatorHandle, **overrides: Any) -> dict[str, Any]:
    response = await segment.client.post("/destinations", json=amplitude_body(**overrides))
    assert response.status_code == 200, response.text
    return response.json()["data"]["destination"]


@pytest.mark.loopback
async def test_list_destinations_answers_data_destinations_and_pagination(segment: EmulatorHandle) -> None:
    response = await segment.client.get("/destinations", params={"pagination[count]": 3})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.segment.v1+json"
    data = response.json()["data"]
    assert set(data) == {"destinations", "pagination"}
    assert len(data["destinations"]) == 3
    assert data["pagination"] == {"current": "MA==", "next": "Mw==", "totalEntries": 40}
    first = data["destinations"][0]
    assert list(first) == ["id", "enabled", "name", "settings", "metadata", "sourceId"]


@pytest.mark.loopback
async def test_create_destination_answers_200_with_the_destination(segment: EmulatorHandle) -> None:
    response = await segment.client.post("/destinations", json=amplitude_body())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.segment.v1+json"
    destination = response.json()["data"]["destination"]
    assert destination["name"] == "my destination v1"
    assert destination["enabled"] is True
    assert destination["sourceId"] == DEFAULT_SOURCE_ID
    assert destination["metadata"]["id"] == AMPLITUDE_ID
    fetched = await segment.client.get(f"/destinations/{destination['id']}")
    assert fetched.json()["data"]["destination"] == destination


@pytest.mark.loopback
async def test_create_fills_default_settings_from_the_catalog(segment: EmulatorHandle) -> None:
    destination = await create(segment)
    settings = destination["settings"]
    # The seed's sample: the 37 Amplitude options with their defaults, plus the unknown "retarget" kept.
    assert len(settings) == 38
    assert settings["eventUploadPeriodMillis"] == 30000
    assert settings["trackNamedPages"] is True
    assert settings["traitsToAppend"] == []
    assert settings["mapQueryParams"] == {}
    assert settings["retarget"] is True
    assert settings["secretKey"] == ""


async def test_create_embeds_the_full_catalog_metadata(segment: EmulatorHandle) -> None:
    destination = await create(segment)
    metadata = (await segment.client.get(f"/catalog/destinations/{AMPLITUDE_ID}")).json()["data"]
    assert destination["metadata"] == metadata["destinationMetadata"]
    assert len(destination["metadata"]["options"]) == 37


@pytest.mark.loopback
async def test_secrets_read_back_as_ten_bullets_and_the_last_four(segment: EmulatorHandle) -> None:
    destination = await create(segment)
    assert destination["settings"]["apiKey"] == "••••••••••dada"
    again = (await segment.client.get(f"/destinations/{destination['id']}")).json()["data"]["destination"]
    assert again["settings"]["apiKey"] == BULLETS + "dada"
    listed = (await segment.client.get("/destinations", params={"pagination[count]": 1000})).json()["data"]
    [row] = [d for d in listed["destinations"] if d["id"] == destination["id"]]
    assert row["settings"]["apiKey"] == BULLETS + "dada"
    stored = await segment.stored(destination["id"])
    assert stored["settings"]["apiKey"] == "3cb9b589437d3904f19b2b791c2cdada"


async def test_short_secret_reads_back_as_bullets_alone(segment: EmulatorHandle) -> None:
    # The published document's example: apiKey "XYZ" comes back as ten bullets.
    destination = await create(segment, metadataId=BLUESHIFT_ID, settings={"apiKey": "XYZ", "retarget": True})
    assert destination["settings"] == {"apiKey": BULLETS, "retarget": True}


async def test_read_only_secret_comes_back_in_clear(segment: EmulatorHandle) -> None:
    # The seed's List Destinations sample returns Kinesis secretId "secrettt" unmasked.
    response = await segment.client.get(f"/destinations/{SAMPLE_KINESIS_DESTINATION_ID}")
    destination = response.json()["data"]["destination"]
    assert destination["settings"] == {
        "region": "us-west",
        "roleAddress": "arn::...",
        "secretId": "secrettt",
        "stream": "bla",
    }
    assert destination["name"] == ""


async def test_actions_destination_returns_non_password_secrets_in_clear(segment: EmulatorHandle) -> None:
    # The seed's Get Destination sample: GA4 (actions-google-analytics-4) returns apiSecret "test".
    response = await segment.client.get(f"/destinations/{SAMPLE_GA4_DESTINATION_ID}")
    destination = response.json()["data"]["destination"]
    assert destination["settings"] == {"apiSecret": "test", "firebaseAppId": "test", "measurementId": "test"}
    assert destination["enabled"] is False
    assert destination["metadata"]["slug"] == "actions-google-analytics-4"


async def test_actions_destination_masks_password_options(segment: EmulatorHandle) -> None:
    body = {
        "sourceId": DEFAULT_SOURCE_ID,
        "metadataId": BRAZE_ID,
        "settings": {"api_key": "braze-test-key-0001", "app_id": "app-1"},
    }
    response = await segment.client.post("/destinations", json=body)
    settings = response.json()["data"]["destination"]["settings"]
    assert settings["api_key"] == BULLETS + "0001"
    assert settings["app_id"] == "app-1"


async def test_create_without_name_or_enabled_is_unnamed_and_enabled(segment: EmulatorHandle) -> None:
    body = amplitude_body()
    del body["name"]
    response = await segment.client.post("/destinations", json=body)
    destination = response.json()["data"]["destination"]
    assert destination["name"] == ""
    assert destination["enabled"] is True


async def test_create_can_start_disabled(segment: EmulatorHandle) -> None:
    destination = await create(segment, enabled=False)
    assert destination["enabled"] is False


@pytest.mark.loopback
@pytest.mark.parametrize("missing", ["sourceId", "metadataId", "settings"])
async def test_create_without_a_required_field_is_422_naming_it(segment: EmulatorHandle, missing: str) -> None:
    body = amplitude_body()
    del body[missing]
    response = await segment.client.post("/destinations", json=body)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == missing
    assert error["type"] == "input-validation"


@pytest.mark.parametrize(
    ("field", "value"),
    [("sourceId", 7), ("metadataId", None), ("settings", "apiKey=1"), ("name", True), ("enabled", "yes")],
)
async def test_create_with_a_mistyped_field_is_422(segment: EmulatorHandle, field: str, value: Any) -> None:
    response = await segment.client.post("/destinations", json=amplitude_body(**{field: value}))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.loopback
async def test_create_with_unknown_metadata_id_is_404_naming_it(segment: EmulatorHandle) -> None:
    response = await segment.client.post("/destinations", json=amplitude_body(metadataId="ffffffffffffffffffffffff"))
    assert response.status_code == 404
    assert response.json() == {"errors": [{"type": "NotFound", "message": "Resource not found", "field": "metadataId"}]}


async def test_create_with_unknown_source_id_is_404_naming_it(segment: EmulatorHandle) -> None:
    response = await segment.client.post("/destinations", json=amplitude_body(sourceId="noSuchSource0000000000"))
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "sourceId"


async def test_create_without_a_required_setting_is_422_naming_it(segment: EmulatorHandle) -> None:
    response = await segment.client.post("/destinations", json=amplitude_body(settings={"retarget": True}))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "settings.apiKey"


async def test_create_with_a_setting_of_the_wrong_type_is_422(segment: EmulatorHandle) -> None:
    settings = {"apiKey": "k" * 32, "batchEvents": "yes"}
    response = await segment.client.post("/destinations", json=amplitude_body(settings=settings))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "settings.batchEvents"


async def test_create_ignores_read_only_settings_and_fills_them(segment: EmulatorHandle) -> None:
    body = {
        "sourceId": DEFAULT_SOURCE_ID,
        "metadataId": KINESIS_ID,
        "settings": {"roleAddress": "arn:aws:iam::1:role/x", "stream": "events", "secretId": "mine"},
    }
    response = await segment.client.post("/destinations", json=body)
    assert response.status_code == 200
    settings = response.json()["data"]["destination"]["settings"]
    assert settings["secretId"] != "mine"
    assert settings["secretId"] and not settings["secretId"].startswith("#")
    assert settings["region"] == "us-west-2"


async def test_second_single_instance_destination_on_a_source_is_400(segment: EmulatorHandle) -> None:
    body = {"sourceId": DEFAULT_SOURCE_ID, "metadataId": GA4_WEB_ID, "settings": {"measurementID": "G-1"}}
    first = await segment.client.post("/destinations", json=body)
    assert first.status_code == 200
    second = await segment.client.post("/destinations", json=body)
    assert second.status_code == 400
    assert second.json()["errors"][0] == {
        "type": "bad-request",
        "message": "Multiple configurations of this destination type not supported.",
    }


@pytest.mark.loopback
async def test_get_unknown_destination_is_404_not_found(segment: EmulatorHandle) -> None:
    response = await segment.client.get("/destinations/noSuchDestination00000")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"errors": [{"type": "NotFound", "message": "Resource not found"}]}


@pytest.mark.loopback
async def test_patch_enabled_false_disables(segment: EmulatorHandle) -> None:
    response = await segment.client.patch(f"/destinations/{DOCS_DESTINATION_ID}", json={"enabled": False})
    assert response.status_code == 200
    assert response.json()["data"]["destination"]["enabled"] is False
    assert (await segment.stored(DOCS_DESTINATION_ID))["enabled"] is False


async def test_patch_tolerates_unknown_body_keys(segment: EmulatorHandle) -> None:
    # The published document's example sends the destinationId in the body.
    body = {"destinationId": DOCS_DESTINATION_ID, "enabled": False}
    response = await segment.client.patch(f"/destinations/{DOCS_DESTINATION_ID}", json=body)
    assert response.status_code == 200


async def test_patch_merges_settings_key_by_key(segment: EmulatorHandle) -> None:
    destination = await create(segment)
    response = await segment.client.patch(
        f"/destinations/{destination['id']}", json={"settings": {"batchEvents": True, "custom": "x"}}
    )
    settings = response.json()["data"]["destination"]["settings"]
    assert settings["batchEvents"] is True
    assert settings["custom"] == "x"
    assert settings["retarget"] is True
    assert settings["apiKey"] == BULLETS + "dada"
    stored = await segment.stored(destination["id"])
    assert stored["settings"]["apiKey"] == "3cb9b589437d3904f19b2b791c2cdada"


async def test_patch_renames_and_null_name_clears_it(segment: EmulatorHandle) -> None:
    destination = await create(segment)
    renamed = await segment.client.patch(f"/destinations/{destination['id']}", json={"name": "Renamed"})
    assert renamed.json()["data"]["destination"]["name"] == "Renamed"
    cleared = await segment.client.patch(f"/destinations/{destination['id']}", json={"name": None})
    assert cleared.json()["data"]["destination"]["name"] == ""


async def test_patch_with_masked_secret_overwrites_the_stored_secret(segment: EmulatorHandle) -> None:
    # The harsher choice: nothing says Segment recognises its own mask, so it is stored as sent.
    destination = await create(segment)
    masked = destination["settings"]["apiKey"]
    response = await segment.client.patch(f"/destinations/{destination['id']}", json={"settings": {"apiKey": masked}})
    assert response.status_code == 200
    assert (await segment.stored(destination["id"]))["settings"]["apiKey"] == masked


async def test_patch_with_a_new_secret_replaces_it(segment: EmulatorHandle) -> None:
    destination = await create(segment)
    body = {"settings": {"apiKey": "0000000000000000000000000000beef"}}
    response = await segment.client.patch(f"/destinations/{destination['id']}", json=body)
    assert response.json()["data"]["destination"]["settings"]["apiKey"] == BULLETS + "beef"
    assert (await segment.stored(destination["id"]))["settings"]["apiKey"].endswith("beef")


@pytest.mark.loopback
async def test_patch_with_only_read_only_settings_is_400(segment: EmulatorHandle) -> None:
    response = await segment.client.patch(
        f"/destinations/{SAMPLE_KINESIS_DESTINATION_ID}", json={"settings": {"secretId": "changed"}}
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["type"] == "bad-request"
    assert error["field"] == "settings.secretId"
    assert (await segment.stored(SAMPLE_KINESIS_DESTINATION_ID))["settings"]["secretId"] == "secrettt"


async def test_patch_mixing_read_only_and_writable_settings_ignores_read_only(segment: EmulatorHandle) -> None:
    body = {"settings": {"secretId": "changed", "stream": "new-stream"}}
    response = await segment.client.patch(f"/destinations/{SAMPLE_KINESIS_DESTINATION_ID}", json=body)
    assert response.status_code == 200
    settings = response.json()["data"]["destination"]["settings"]
    assert settings["stream"] == "new-stream"
    assert settings["secretId"] == "secrettt"


async def test_patch_read_only_setting_with_enabled_is_accepted(segment: EmulatorHandle) -> None:
    body = {"enabled": False, "settings": {"secretId": "changed"}}
    response = await segment.client.patch(f"/destinations/{SAMPLE_KINESIS_DESTINATION_ID}", json=body)
    assert response.status_code == 200
    destination = response.json()["data"]["destination"]
    assert destination["enabled"] is False
    assert destination["settings"]["secretId"] == "secrettt"


async def test_patch_blanking_a_required_setting_is_422(segment: EmulatorHandle) -> None:
    destination = await create(segment)
    response = await segment.client.patch(f"/destinations/{destination['id']}", json={"settings": {"apiKey": ""}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "settings.apiKey"


@pytest.mark.parametrize("body", [{"enabled": "no"}, {"name": 3}, {"settings": []}])
async def test_patch_with_mistyped_fields_is_422(segment: EmulatorHandle, body: dict[str, Any]) -> None:
    response = await segment.client.patch(f"/destinations/{DOCS_DESTINATION_ID}", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == next(iter(body))


async def test_patch_unknown_destination_is_404(segment: EmulatorHandle) -> None:
    response = await segment.client.patch("/destinations/noSuchDestination00000", json={"enabled": False})
    assert response.status_code == 404


@pytest.mark.loopback
async def test_delete_answers_status_success_and_removes(segment: EmulatorHandle) -> None:
    destination = await create(segment)
    response = await segment.client.delete(f"/destinations/{destination['id']}")
    assert response.status_code == 200
    assert response.json() == {"data": {"status": "SUCCESS"}}
    assert (await segment.client.get(f"/destinations/{destination['id']}")).status_code == 404
    assert (await segment.client.delete(f"/destinations/{destination['id']}")).status_code == 404
    assert (await segment.control.get(f"/_emulator/state/destinations/{destination['id']}")).status_code == 404


async def test_created_destinations_list_after_the_seeded_ones(segment: EmulatorHandle) -> None:
    first = await create(segment)
    second = await create(segment, name="second")
    listed = (await segment.client.get("/destinations", params={"pagination[count]": 1000})).json()["data"]
    ids = [d["id"] for d in listed["destinations"]]
    assert ids[-2:] == [first["id"], second["id"]]
    assert listed["pagination"]["totalEntries"] == 42


async def test_created_destination_ids_are_24_hex_like_the_create_sample(segment: EmulatorHandle) -> None:
    destination = await create(segment)
    assert len(destination["id"]) == 24
    int(destination["id"], 16)


async def test_every_seeded_destination_embeds_its_catalog_entry(segment: EmulatorHandle) -> None:
    listed = (await segment.client.get("/destinations", params={"pagination[count]": 1000})).json()["data"]
    for destination in listed["destinations"]:
        entry = catalog_entry(destination["metadata"]["id"])
        assert entry is not None
        assert destination["metadata"] == entry.metadata
