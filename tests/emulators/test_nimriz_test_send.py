"""Nimriz test-send: which action it picks, what it answers, and the queued test events it keeps."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest

from tests.emulators.conftest import EmulatorHandle

DESTINATIONS = "/api/integrations/destinations"


def action(name: str, *, enabled: bool = True, event_types: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "action_type": "send_event", "enabled": enabled}
    if event_types is not None:
        body["event_filter"] = {"include": {"event_types": event_types}}
    return body


async def destination_with(nimriz: EmulatorHandle, *actions: dict[str, Any], enabled: bool = True) -> dict[str, Any]:
    body = {
        "name": "Segment events",
        "type": "segment",
        "enabled": enabled,
        "credentials": {"write_key": "seg_fake"},
        "actions": list(actions),
    }
    response = await nimriz.client.post(DESTINATIONS, json=body)
    assert response.status_code == 201, response.text
    return response.json()["destination"]


async def send_test(nimriz: EmulatorHandle, destination_id: str, body: Any = None) -> Any:
    path = f"{DESTINATIONS}/{destination_id}/test-send"
    return await nimriz.client.post(path, json=body) if body is not None else await nimriz.client.post(path)


@pytest.mark.loopback
async def test_test_send_without_action_id_uses_first_enabled_action(nimriz: EmulatorHandle) -> None:
    destination = await destination_with(nimriz, action("Off", enabled=False), action("On"), action("Also on"))
    response = await send_test(nimriz, destination["id"], {})
    assert response.status_code == 202
    body = response.json()
    assert body["queued"] is True
    event = body["test_event"]
    assert set(event) == {"id", "destination_id", "action_id", "action_type", "event_type", "status", "queued_at"}
    uuid.UUID(event["id"])
    assert event["destination_id"] == destination["id"]
    assert event["action_id"] == destination["actions"][1]["id"]
    assert (event["action_type"], event["status"]) == ("send_event", "queued")
    stored = await nimriz.stored(destination["id"])
    assert stored["test_events"] == [event]


@pytest.mark.loopback
async def test_test_send_with_action_id_queues_for_that_action(nimriz: EmulatorHandle) -> None:
    destination = await destination_with(nimriz, action("First"), action("Second"))
    second = destination["actions"][1]["id"]
    response = await send_test(nimriz, destination["id"], {"action_id": second})
    assert response.status_code == 202
    assert response.json()["test_event"]["action_id"] == second


async def test_test_send_without_a_body_is_accepted(nimriz: EmulatorHandle) -> None:
    destination = await destination_with(nimriz, action("On"))
    response = await send_test(nimriz, destination["id"])
    assert response.status_code == 202
    assert response.json()["test_event"]["action_id"] == destination["actions"][0]["id"]


async def test_test_send_with_null_action_id_uses_first_enabled_action(nimriz: EmulatorHandle) -> None:
    destination = await destination_with(nimriz, action("On"))
    response = await send_test(nimriz, destination["id"], {"action_id": None})
    assert response.json()["test_event"]["action_id"] == destination["actions"][0]["id"]


@pytest.mark.loopback
async def test_test_send_unknown_action_id_is_404_not_found(nimriz: EmulatorHandle) -> None:
    destination = await destination_with(nimriz, action("On"))
    response = await send_test(nimriz, destination["id"], {"action_id": str(uuid.uuid4())})
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
    assert (await nimriz.stored(destination["id"]))["test_events"] == []


async def test_test_send_action_of_another_destination_is_404(nimriz: EmulatorHandle) -> None:
    mine = await destination_with(nimriz, action("On"))
    other = await destination_with(nimriz, action("On"))
    response = await send_test(nimriz, mine["id"], {"action_id": other["actions"][0]["id"]})
    assert response.status_code == 404


@pytest.mark.loopback
async def test_test_send_with_no_enabled_action_is_422_no_enabled_action(nimriz: EmulatorHandle) -> None:
    destination = await destination_with(nimriz, action("Off", enabled=False))
    response = await send_test(nimriz, destination["id"], {})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "NO_ENABLED_ACTION"
    assert body["support_reference"]


async def test_test_send_on_destination_without_actions_is_422_no_enabled_action(nimriz: EmulatorHandle) -> None:
    destination = await destination_with(nimriz)
    response = await send_test(nimriz, destination["id"], {})
    assert response.status_code == 422
    assert response.json()["code"] == "NO_ENABLED_ACTION"


@pytest.mark.loopback
async def test_test_send_after_put_without_actions_is_422(nimriz: EmulatorHandle) -> None:
    # The PUT quirk's consequence: a rename without actions leaves nothing to test.
    destination = await destination_with(nimriz, action("On"))
    await nimriz.client.put(f"{DESTINATIONS}/{destination['id']}", json={"name": "Renamed"})
    assert (await send_test(nimriz, destination["id"], {})).json()["code"] == "NO_ENABLED_ACTION"


@pytest.mark.loopback
async def test_test_send_disabled_action_named_explicitly_is_422_action_disabled(nimriz: EmulatorHandle) -> None:
    destination = await destination_with(nimriz, action("Off", enabled=False), action("On"))
    response = await send_test(nimriz, destination["id"], {"action_id": destination["actions"][0]["id"]})
    assert response.status_code == 422
    assert response.json()["code"] == "ACTION_DISABLED"


async def test_test_send_on_a_disabled_destination_is_queued(nimriz: EmulatorHandle) -> None:
    destination = await destination_with(nimriz, action("On"), enabled=False)
    assert (await send_test(nimriz, destination["id"], {})).status_code == 202


@pytest.mark.loopback
async def test_test_send_unknown_destination_is_404_not_found(nimriz: EmulatorHandle) -> None:
    response = await send_test(nimriz, str(uuid.uuid4()), {})
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


@pytest.mark.parametrize("action_id", [123, "", ["a"], True])
async def test_test_send_action_id_must_be_a_non_empty_string(nimriz: EmulatorHandle, action_id: Any) -> None:
    destination = await destination_with(nimriz, action("On"))
    response = await send_test(nimriz, destination["id"], {"action_id": action_id})
    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert response.json()["field"] == "action_id"


async def test_test_send_body_must_be_an_object(nimriz: EmulatorHandle) -> None:
    destination = await destination_with(nimriz, action("On"))
    response = await send_test(nimriz, destination["id"], ["action_id"])
    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"


async def test_test_send_event_type_follows_the_action_filter(nimriz: EmulatorHandle) -> None:
    destination = await destination_with(nimriz, action("Scans", event_types=["link.qr_scanned"]))
    event = (await send_test(nimriz, destination["id"], {})).json()["test_event"]
    assert event["event_type"] == "link.qr_scanned"


async def test_test_send_queued_at_uses_the_emulator_clock(nimriz: EmulatorHandle) -> None:
    destination = await destination_with(nimriz, action("On"))
    await nimriz.advance_clock(86400 * 2)
    event = (await send_test(nimriz, destination["id"], {})).json()["test_event"]
    queued = datetime.fromisoformat(event["queued_at"].replace("Z", "+00:00"))
    created = datetime.fromisoformat(destination["created_at"].replace("Z", "+00:00"))
    assert (queued - created).total_seconds() >= 86400 * 2


async def test_test_events_accumulate_in_order_and_do_not_show_in_the_list(nimriz: EmulatorHandle) -> None:
    destination = await destination_with(nimriz, action("A"), action("B"))
    for item in destination["actions"]:
        await send_test(nimriz, destination["id"], {"action_id": item["id"]})
    stored = await nimriz.stored(destination["id"])
    assert [e["action_id"] for e in stored["test_events"]] == [a["id"] for a in destination["actions"]]
    listed = (await nimriz.client.get(DESTINATIONS)).json()["destinations"]
    assert "test_events" not in next(d for d in listed if d["id"] == destination["id"])


async def test_test_send_on_a_seeded_destination(nimriz: EmulatorHandle) -> None:
    listed = (await nimriz.client.get(DESTINATIONS)).json()["destinations"]
    seeded = next(d for d in listed if any(a["enabled"] for a in d["actions"]))
    first_enabled = next(a for a in seeded["actions"] if a["enabled"])
    response = await send_test(nimriz, seeded["id"], {})
    assert response.status_code == 202
    assert response.json()["test_event"]["action_id"] == first_enabled["id"]
