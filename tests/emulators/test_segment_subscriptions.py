"""Segment destination subscriptions (alpha): v1alpha media type, envelopes, FQL triggers, the input wrapper."""

from __future__ import annotations

from typing import Any

import pytest

from destgraph.emulators.segment.catalog import DOCS_ACTION_ID, GA4_ID, catalog_entry
from destgraph.emulators.segment.seed import DOCS_DESTINATION_ID, DOCS_SUBSCRIPTION_IDS, SAMPLE_KINESIS_DESTINATION_ID
from tests.emulators.conftest import EmulatorHandle

ALPHA = "application/vnd.segment.v1alpha+json"
PATH = f"/destinations/{DOCS_DESTINATION_ID}/subscriptions"
SUBSCRIPTION_KEYS = {
    "id",
    "name",
    "actionId",
    "actionSlug",
    "destinationId",
    "modelId",
    "enabled",
    "trigger",
    "settings",
}


def example(**overrides: Any) -> dict[str, Any]:
    """The seed's Create Destination Subscription sample request."""
    body: dict[str, Any] = {
        "name": "Example Subscription",
        "actionId": DOCS_ACTION_ID,
        "trigger": 'type = "track"',
        "enabled": False,
    }
    body.update(overrides)
    return body


@pytest.fixture
async def segment_no_limits(segment: EmulatorHandle) -> EmulatorHandle:
    """Subscription writes are limited to 5 a minute; tests that write more switch limits off."""
    await segment.set_rate_limits(False)
    return segment


@pytest.mark.loopback
async def test_create_subscription_answers_destination_subscription(segment: EmulatorHandle) -> None:
    response = await segment.client.post(PATH, json=example())
    assert response.status_code == 200
    assert response.headers["content-type"] == ALPHA
    created = response.json()["data"]["destinationSubscription"]
    assert set(created) == SUBSCRIPTION_KEYS
    assert created["actionId"] == DOCS_ACTION_ID
    assert created["actionSlug"] == "customEvent"
    assert created["destinationId"] == DOCS_DESTINATION_ID
    assert created["modelId"] == ""
    assert created["enabled"] is False
    assert created["settings"] == {}
    stored = await segment.stored(DOCS_DESTINATION_ID)
    assert created in stored["subscriptions"]


@pytest.mark.loopback
async def test_get_subscription_answers_subscription(segment: EmulatorHandle) -> None:
    response = await segment.client.get(f"{PATH}/{DOCS_SUBSCRIPTION_IDS[0]}")
    assert response.status_code == 200
    assert response.headers["content-type"] == ALPHA
    subscription = response.json()["data"]["subscription"]
    assert set(subscription) == SUBSCRIPTION_KEYS
    assert subscription["id"] == DOCS_SUBSCRIPTION_IDS[0]


@pytest.mark.loopback
async def test_list_subscriptions_answers_subscriptions_and_pagination(segment: EmulatorHandle) -> None:
    response = await segment.client.get(PATH, params={"pagination[count]": 3})
    assert response.status_code == 200
    data = response.json()["data"]
    assert [s["id"] for s in data["subscriptions"]] == list(DOCS_SUBSCRIPTION_IDS)
    assert data["pagination"] == {"current": "MA==", "totalEntries": 3}


@pytest.mark.loopback
async def test_update_subscription_takes_fields_wrapped_in_input(segment: EmulatorHandle) -> None:
    target = f"{PATH}/{DOCS_SUBSCRIPTION_IDS[2]}"
    response = await segment.client.patch(target, json={"input": {"name": "Updated name", "enabled": True}})
    assert response.status_code == 200
    assert response.headers["content-type"] == ALPHA
    updated = response.json()["data"]["subscription"]
    assert updated["name"] == "Updated name"
    assert updated["enabled"] is True
    fetched = (await segment.client.get(target)).json()["data"]["subscription"]
    assert fetched["name"] == "Updated name"


async def test_update_response_has_the_seed_samples_shape(segment: EmulatorHandle) -> None:
    target = f"{PATH}/{DOCS_SUBSCRIPTION_IDS[2]}"
    updated = (await segment.client.patch(target, json={"input": {"name": "x"}})).json()["data"]["subscription"]
    assert "modelId" not in updated
    assert updated["reverseETLModelId"] == ""
    assert updated["relatedResources"] == []
    assert updated["createdAt"].endswith("Z")
    assert updated["updatedAt"] >= updated["createdAt"]


@pytest.mark.loopback
async def test_unwrapped_update_body_is_422(segment: EmulatorHandle) -> None:
    response = await segment.client.patch(f"{PATH}/{DOCS_SUBSCRIPTION_IDS[2]}", json={"name": "Updated name"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "input"


async def test_update_with_mistyped_input_field_is_422(segment: EmulatorHandle) -> None:
    response = await segment.client.patch(f"{PATH}/{DOCS_SUBSCRIPTION_IDS[2]}", json={"input": {"enabled": "on"}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "enabled"


async def test_update_tolerates_ids_in_the_body(segment: EmulatorHandle) -> None:
    # The published document's example repeats id and destinationId beside input.
    body = {"id": DOCS_SUBSCRIPTION_IDS[2], "destinationId": DOCS_DESTINATION_ID, "input": {"name": "Updated name"}}
    response = await segment.client.patch(f"{PATH}/{DOCS_SUBSCRIPTION_IDS[2]}", json=body)
    assert response.status_code == 200


@pytest.mark.loopback
async def test_remove_subscription_answers_status_success(segment: EmulatorHandle) -> None:
    target = f"{PATH}/{DOCS_SUBSCRIPTION_IDS[1]}"
    response = await segment.client.delete(target)
    assert response.status_code == 200
    assert response.json() == {"data": {"status": "SUCCESS"}}
    assert (await segment.client.get(target)).status_code == 404


@pytest.mark.loopback
async def test_invalid_fql_trigger_on_create_is_422_naming_trigger(segment: EmulatorHandle) -> None:
    response = await segment.client.post(PATH, json=example(trigger='userId = oops"'))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "trigger"
    assert "position" in error["message"]


async def test_invalid_fql_trigger_on_update_is_422_and_changes_nothing(segment_no_limits: EmulatorHandle) -> None:
    segment = segment_no_limits
    target = f"{PATH}/{DOCS_SUBSCRIPTION_IDS[0]}"
    before = (await segment.client.get(target)).json()["data"]["subscription"]
    response = await segment.client.patch(target, json={"input": {"trigger": "type = = 'track'", "name": "x"}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "trigger"
    assert (await segment.client.get(target)).json()["data"]["subscription"] == before


@pytest.mark.parametrize(
    "trigger",
    [
        "type = 'track' and ( event = 'Click' or match( event, 'Button *' ) )",
        "!contains( context.library.name, 'js' )",
        "'dark-mode' in properties.features",
        'properties.total >= 100 and lowercase(event) = "order completed"',
        "typeof(traits.email) = 'string' and length(traits.email) > 0",
    ],
)
async def test_valid_fql_triggers_are_stored_as_sent(segment_no_limits: EmulatorHandle, trigger: str) -> None:
    response = await segment_no_limits.client.post(PATH, json=example(trigger=trigger))
    assert response.status_code == 200
    assert response.json()["data"]["destinationSubscription"]["trigger"] == trigger


@pytest.mark.parametrize("missing", ["name", "actionId", "trigger", "enabled"])
async def test_create_without_a_required_field_is_422_naming_it(
    segment_no_limits: EmulatorHandle, missing: str
) -> None:
    body = example()
    del body[missing]
    response = await segment_no_limits.client.post(PATH, json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == missing


async def test_create_with_an_action_of_another_destination_is_422(segment: EmulatorHandle) -> None:
    response = await segment.client.post(PATH, json=example(actionId="notAnActionOfThisOne00"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "actionId"


async def test_create_keeps_settings_and_model_id(segment_no_limits: EmulatorHandle) -> None:
    body = example(settings={"name": {"@path": "$.event"}}, modelId="model-1")
    created = (await segment_no_limits.client.post(PATH, json=body)).json()["data"]["destinationSubscription"]
    assert created["settings"] == {"name": {"@path": "$.event"}}
    assert created["modelId"] == "model-1"


async def test_subscriptions_on_a_destination_without_actions_are_422(segment_no_limits: EmulatorHandle) -> None:
    path = f"/destinations/{SAMPLE_KINESIS_DESTINATION_ID}/subscriptions"
    created = await segment_no_limits.client.post(path, json=example())
    assert created.status_code == 422
    assert created.json()["errors"][0]["field"] == "destinationId"
    listed = await segment_no_limits.client.get(path, params={"pagination[count]": 10})
    assert listed.status_code == 422
    fetched = await segment_no_limits.client.get(f"{path}/{DOCS_SUBSCRIPTION_IDS[0]}")
    assert fetched.status_code == 404


@pytest.mark.loopback
async def test_unknown_subscription_is_404(segment: EmulatorHandle) -> None:
    response = await segment.client.get(f"{PATH}/noSuchSubscription0000")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"type": "NotFound", "message": "Resource not found"}]}


async def test_subscription_of_another_destination_is_404(segment: EmulatorHandle) -> None:
    listed = (await segment.client.get("/destinations", params={"pagination[count]": 1000})).json()["data"]
    other = next(d["id"] for d in listed["destinations"] if d["metadata"]["actions"] and d["id"] != DOCS_DESTINATION_ID)
    response = await segment.client.get(f"/destinations/{other}/subscriptions/{DOCS_SUBSCRIPTION_IDS[0]}")
    assert response.status_code == 404


async def test_subscriptions_of_an_unknown_destination_are_404(segment_no_limits: EmulatorHandle) -> None:
    path = "/destinations/noSuchDestination00000/subscriptions"
    assert (await segment_no_limits.client.get(path, params={"pagination[count]": 1})).status_code == 404
    assert (await segment_no_limits.client.post(path, json=example())).status_code == 404
    assert (await segment_no_limits.client.delete(f"{path}/{DOCS_SUBSCRIPTION_IDS[0]}")).status_code == 404


async def test_seeded_subscriptions_reference_their_destinations_actions(segment: EmulatorHandle) -> None:
    listed = (await segment.client.get("/destinations", params={"pagination[count]": 1000})).json()["data"]
    with_actions = [d for d in listed["destinations"] if d["metadata"]["actions"]]
    assert len(with_actions) >= 3
    for destination in with_actions:
        path = f"/destinations/{destination['id']}/subscriptions"
        subscriptions = (await segment.client.get(path, params={"pagination[count]": 100})).json()["data"]
        entry = catalog_entry(destination["metadata"]["id"])
        assert entry is not None
        if destination["id"] == "qtiZHLLqqsHmpvLXNtP5du":
            continue  # the seed's sample destination has none
        assert 1 <= len(subscriptions["subscriptions"]) <= 4
        for subscription in subscriptions["subscriptions"]:
            assert entry.actions[subscription["actionId"]]["slug"] == subscription["actionSlug"]


async def test_alpha_operations_answer_v1alpha_even_when_json_is_accepted(segment: EmulatorHandle) -> None:
    # The TypeScript SDK sends Accept: application/json; the document lists only v1alpha for these 200s.
    response = await segment.client.get(f"{PATH}/{DOCS_SUBSCRIPTION_IDS[0]}", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == ALPHA


async def test_create_accepts_v1alpha_and_json_bodies(segment_no_limits: EmulatorHandle) -> None:
    import json

    for content_type in (ALPHA, "application/json"):
        response = await segment_no_limits.client.post(
            PATH, content=json.dumps(example()), headers={"Content-Type": content_type}
        )
        assert response.status_code == 200, content_type


def test_ga4_has_the_docs_example_action() -> None:
    entry = catalog_entry(GA4_ID)
    assert entry is not None
    assert DOCS_ACTION_ID in entry.actions
