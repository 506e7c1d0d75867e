"""Nimriz actions: ids across PUTs, action types, property mappings and event filters, with field paths."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest

from tests.emulators.conftest import EmulatorHandle

DESTINATIONS = "/api/integrations/destinations"
SEGMENT = {"name": "Segment events", "type": "segment", "credentials": {"write_key": "seg_fake"}}


def action(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Send event",
        "action_type": "send_event",
        "enabled": True,
        "property_mapping": {"base": "default", "overrides": []},
        "event_filter": {
            "include": {"event_types": ["link.clicked"]},
            "exclude": {"bot_traffic": True},
            "conditions": [],
        },
    }
    body.update(changes)
    return body


def with_filter(**sides: Any) -> dict[str, Any]:
    return action(event_filter=sides)


def with_overrides(*overrides: Any) -> dict[str, Any]:
    return action(property_mapping={"base": "default", "overrides": list(overrides)})


async def post(nimriz: EmulatorHandle, *actions: Any) -> Any:
    return await nimriz.client.post(DESTINATIONS, json=SEGMENT | {"actions": list(actions)})


async def created(nimriz: EmulatorHandle, *actions: Any) -> dict[str, Any]:
    response = await post(nimriz, *actions)
    assert response.status_code == 201, response.text
    return response.json()["destination"]


def assert_invalid(response: Any, field: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert field in [d["field"] for d in body["details"]], body["details"]


# --- ids and replacement --------------------------------------------------------------------------


@pytest.mark.loopback
async def test_put_keeps_id_of_existing_action_and_assigns_new_ids(nimriz: EmulatorHandle) -> None:
    destination = await created(nimriz, action(name="First"), action(name="Second"))
    first, second = destination["actions"]
    body = {"actions": [first | {"name": "First, renamed"}, action(name="Brand new")]}
    response = await nimriz.client.put(f"{DESTINATIONS}/{destination['id']}", json=body)
    assert response.status_code == 200
    kept, new = response.json()["destination"]["actions"]
    assert kept["id"] == first["id"]
    assert kept["name"] == "First, renamed"
    assert new["id"] not in {first["id"], second["id"]}
    uuid.UUID(new["id"])
    stored = await nimriz.stored(destination["id"])
    assert [a["id"] for a in stored["actions"]] == [first["id"], new["id"]]


@pytest.mark.loopback
async def test_put_with_unknown_action_id_assigns_a_new_id(nimriz: EmulatorHandle) -> None:
    destination = await created(nimriz, action())
    other = await created(nimriz, action())
    foreign_id = other["actions"][0]["id"]
    body = {"actions": [action(id=foreign_id), action(id="my-own-id")]}
    response = await nimriz.client.put(f"{DESTINATIONS}/{destination['id']}", json=body)
    ids = [a["id"] for a in response.json()["destination"]["actions"]]
    assert foreign_id not in ids
    assert "my-own-id" not in ids
    assert len(set(ids)) == 2


async def test_create_ignores_client_action_ids(nimriz: EmulatorHandle) -> None:
    chosen = str(uuid.uuid4())
    destination = await created(nimriz, action(id=chosen))
    assert destination["actions"][0]["id"] != chosen


async def test_put_with_the_same_action_id_twice_is_validation_error(nimriz: EmulatorHandle) -> None:
    destination = await created(nimriz, action())
    existing = destination["actions"][0]
    body = {"actions": [existing, existing]}
    assert_invalid(await nimriz.client.put(f"{DESTINATIONS}/{destination['id']}", json=body), "actions[1].id")


@pytest.mark.loopback
async def test_put_replaces_the_action_list_in_submitted_order(nimriz: EmulatorHandle) -> None:
    destination = await created(nimriz, action(name="A"), action(name="B"), action(name="C"))
    a, _, c = destination["actions"]
    response = await nimriz.client.put(f"{DESTINATIONS}/{destination['id']}", json={"actions": [c, a]})
    assert [x["id"] for x in response.json()["destination"]["actions"]] == [c["id"], a["id"]]


@pytest.mark.loopback
async def test_put_round_trips_every_seeded_destination(nimriz: EmulatorHandle) -> None:
    # What the list shows can be sent back as is (credentials aside): the seed passes validation.
    items = (await nimriz.client.get(DESTINATIONS)).json()["destinations"]
    for item in items:
        body = {"name": item["name"], "enabled": item["enabled"], "type": item["type"], "actions": item["actions"]}
        response = await nimriz.client.put(f"{DESTINATIONS}/{item['id']}", json=body)
        assert response.status_code == 200, response.text
        assert response.json()["destination"]["actions"] == item["actions"]


# --- action fields --------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_action_type_outside_the_four_is_validation_error(nimriz: EmulatorHandle) -> None:
    assert_invalid(await post(nimriz, action(action_type="send_email")), "actions[0].action_type")


@pytest.mark.loopback
async def test_action_type_not_supported_by_destination_type_is_validation_error(nimriz: EmulatorHandle) -> None:
    response = await post(nimriz, action(), action(action_type="send_conversion"))
    assert_invalid(response, "actions[1].action_type")
    assert "segment" in response.json()["message"]


@pytest.mark.parametrize(
    ("type_key", "credentials", "action_type"),
    [
        ("meta", {"pixel_id": "123456789012345", "access_token": "EAAfake"}, "send_conversion"),
        ("generic_http", {"url": "https://hooks.example.com/x"}, "send_webhook"),
        ("ad_pixel_interstitial", {}, "interstitial_settings"),
    ],
)
async def test_each_action_type_pairs_with_its_destination_types(
    nimriz: EmulatorHandle, type_key: str, credentials: dict[str, str], action_type: str
) -> None:
    body = {"name": "x", "type": type_key, "credentials": credentials, "actions": [action(action_type=action_type)]}
    assert (await nimriz.client.post(DESTINATIONS, json=body)).status_code == 201
    body["actions"] = [action(action_type="send_event")]
    assert_invalid(await nimriz.client.post(DESTINATIONS, json=body), "actions[0].action_type")


async def test_action_without_name_or_action_type_is_validation_error(nimriz: EmulatorHandle) -> None:
    response = await post(nimriz, {"enabled": True})
    assert_invalid(response, "actions[0].name")
    assert_invalid(response, "actions[0].action_type")


async def test_action_enabled_must_be_boolean(nimriz: EmulatorHandle) -> None:
    assert_invalid(await post(nimriz, action(enabled=1)), "actions[0].enabled")


async def test_action_must_be_an_object_and_actions_an_array(nimriz: EmulatorHandle) -> None:
    assert_invalid(await post(nimriz, "send_event"), "actions[0]")
    response = await nimriz.client.post(DESTINATIONS, json=SEGMENT | {"actions": {"name": "x"}})
    assert_invalid(response, "actions")


@pytest.mark.loopback
async def test_action_defaults_mapping_and_filter(nimriz: EmulatorHandle) -> None:
    destination = await created(nimriz, {"name": "Bare", "action_type": "send_event"})
    [stored] = destination["actions"]
    assert stored["enabled"] is True
    assert stored["property_mapping"] == {"base": "default", "overrides": []}
    assert stored["event_filter"] == {"include": {}, "exclude": {}, "conditions": []}


async def test_action_ignores_unknown_keys(nimriz: EmulatorHandle) -> None:
    destination = await created(nimriz, action(priority=3))
    assert "priority" not in destination["actions"][0]


# --- property mapping -----------------------------------------------------------------------------

OVERRIDES = [
    {"type": "rename", "source": "short_url", "target": "url"},
    {"type": "exclude", "property": "ip_address"},
    {"type": "include", "property": "tags"},
    {"type": "static", "target": "source", "value": "nimriz"},
    {"type": "template", "target": "event_name", "template": "nimriz_{{event.type}}"},
]


@pytest.mark.loopback
async def test_each_override_kind_is_accepted_and_stored(nimriz: EmulatorHandle) -> None:
    destination = await created(nimriz, with_overrides(*OVERRIDES))
    assert destination["actions"][0]["property_mapping"]["overrides"] == OVERRIDES
    stored = await nimriz.stored(destination["id"])
    assert stored["actions"][0]["property_mapping"] == {"base": "default", "overrides": OVERRIDES}


@pytest.mark.parametrize("value", [None, 0, 9.5, True, "USD"])
async def test_static_override_value_may_be_any_scalar(nimriz: EmulatorHandle, value: Any) -> None:
    override = {"type": "static", "target": "currency", "value": value}
    assert (await post(nimriz, with_overrides(override))).status_code == 201


async def test_static_override_value_must_be_scalar(nimriz: EmulatorHandle) -> None:
    override = {"type": "static", "target": "currency", "value": {"nested": True}}
    assert_invalid(await post(nimriz, with_overrides(override)), "actions[0].property_mapping.overrides[0].value")


async def test_override_with_unknown_type_is_validation_error(nimriz: EmulatorHandle) -> None:
    response = await post(nimriz, with_overrides({"type": "hash", "property": "email"}))
    assert_invalid(response, "actions[0].property_mapping.overrides[0].type")


@pytest.mark.parametrize(
    ("index", "missing"),
    [(0, "source"), (0, "target"), (1, "property"), (2, "property"), (3, "value"), (4, "template")],
)
async def test_override_missing_field_is_validation_error(nimriz: EmulatorHandle, index: int, missing: str) -> None:
    override = {k: v for k, v in OVERRIDES[index].items() if k != missing}
    response = await post(nimriz, with_overrides(OVERRIDES[0], override) if index else with_overrides(override))
    where = 1 if index else 0
    assert_invalid(response, f"actions[0].property_mapping.overrides[{where}].{missing}")


async def test_override_with_a_field_of_another_kind_is_validation_error(nimriz: EmulatorHandle) -> None:
    override = {"type": "exclude", "property": "ip", "target": "x"}
    assert_invalid(await post(nimriz, with_overrides(override)), "actions[0].property_mapping.overrides[0].target")


async def test_override_string_fields_must_be_non_empty(nimriz: EmulatorHandle) -> None:
    override = {"type": "rename", "source": "", "target": 3}
    response = await post(nimriz, with_overrides(override))
    assert_invalid(response, "actions[0].property_mapping.overrides[0].source")
    assert_invalid(response, "actions[0].property_mapping.overrides[0].target")


async def test_template_override_with_unbalanced_placeholders_is_validation_error(nimriz: EmulatorHandle) -> None:
    override = {"type": "template", "target": "t", "template": "{{link.title"}
    assert_invalid(await post(nimriz, with_overrides(override)), "actions[0].property_mapping.overrides[0].template")


async def test_property_mapping_base_other_than_default_is_validation_error(nimriz: EmulatorHandle) -> None:
    response = await post(nimriz, action(property_mapping={"base": "raw", "overrides": []}))
    assert_invalid(response, "actions[0].property_mapping.base")


async def test_property_mapping_shape_is_checked(nimriz: EmulatorHandle) -> None:
    assert_invalid(await post(nimriz, action(property_mapping=[])), "actions[0].property_mapping")
    response = await post(nimriz, action(property_mapping={"overrides": {}, "extra": 1}))
    assert_invalid(response, "actions[0].property_mapping.overrides")
    assert_invalid(response, "actions[0].property_mapping.extra")


# --- event filter ---------------------------------------------------------------------------------

FULL_FILTER = {
    "include": {
        "event_types": ["link.clicked", "link.qr_scanned", "link.created", "link.updated"],
        "touch_types": ["short_link_click", "qr_scan"],
        "domain_ids": [str(uuid.UUID(int=1))],
        "tag_ids": ["tag_1"],
        "space_ids": ["space_1"],
        "countries": ["US", "GB"],
    },
    "exclude": {
        "event_types": ["link.takedown_updated", "domain.verification_updated"],
        "touch_types": ["qr_scan"],
        "domain_ids": ["d2"],
        "tag_ids": ["t2"],
        "countries": ["CN"],
        "bot_traffic": True,
    },
    "conditions": [
        {"field": "utm_source", "operator": "equals", "value": "newsletter"},
        {"field": "utm_medium", "operator": "in", "value": ["email", "sms"]},
        {"field": "referrer", "operator": "exists"},
        {"field": "clicks", "operator": "not_equals", "value": 0},
    ],
}


@pytest.mark.loopback
async def test_event_filter_accepts_every_seed_filter_key(nimriz: EmulatorHandle) -> None:
    destination = await created(nimriz, with_filter(**copy.deepcopy(FULL_FILTER)))
    assert destination["actions"][0]["event_filter"] == FULL_FILTER


@pytest.mark.loopback
async def test_exclude_space_ids_is_validation_error(nimriz: EmulatorHandle) -> None:
    response = await post(nimriz, with_filter(exclude={"space_ids": ["s1"]}))
    assert_invalid(response, "actions[0].event_filter.exclude.space_ids")


async def test_include_bot_traffic_is_validation_error(nimriz: EmulatorHandle) -> None:
    response = await post(nimriz, with_filter(include={"bot_traffic": False}))
    assert_invalid(response, "actions[0].event_filter.include.bot_traffic")


@pytest.mark.loopback
async def test_unknown_event_type_is_validation_error_with_its_index(nimriz: EmulatorHandle) -> None:
    response = await post(nimriz, with_filter(include={"event_types": ["link.clicked", "card.viewed"]}))
    assert_invalid(response, "actions[0].event_filter.include.event_types[1]")


async def test_unknown_touch_type_is_validation_error(nimriz: EmulatorHandle) -> None:
    response = await post(nimriz, action(), with_filter(exclude={"touch_types": ["nfc_tap"]}))
    assert_invalid(response, "actions[1].event_filter.exclude.touch_types[0]")


@pytest.mark.parametrize("country", ["us", "USA", "", 1])
async def test_country_must_be_an_alpha2_code_in_capitals(nimriz: EmulatorHandle, country: Any) -> None:
    response = await post(nimriz, with_filter(include={"countries": [country]}))
    assert_invalid(response, "actions[0].event_filter.include.countries[0]")


async def test_bot_traffic_must_be_boolean(nimriz: EmulatorHandle) -> None:
    response = await post(nimriz, with_filter(exclude={"bot_traffic": "yes"}))
    assert_invalid(response, "actions[0].event_filter.exclude.bot_traffic")


async def test_filter_values_must_be_arrays(nimriz: EmulatorHandle) -> None:
    response = await post(nimriz, with_filter(include={"event_types": "link.clicked", "domain_ids": [""]}))
    assert_invalid(response, "actions[0].event_filter.include.event_types")
    assert_invalid(response, "actions[0].event_filter.include.domain_ids[0]")


async def test_event_filter_unknown_key_is_validation_error(nimriz: EmulatorHandle) -> None:
    response = await post(nimriz, with_filter(include={}, match="all"))
    assert_invalid(response, "actions[0].event_filter.match")
    assert_invalid(await post(nimriz, action(event_filter=["link.clicked"])), "actions[0].event_filter")


@pytest.mark.loopback
async def test_condition_with_unknown_operator_is_validation_error(nimriz: EmulatorHandle) -> None:
    response = await post(nimriz, with_filter(conditions=[{"field": "a", "operator": "regex", "value": ".*"}]))
    assert_invalid(response, "actions[0].event_filter.conditions[0].operator")


@pytest.mark.parametrize(
    "condition",
    [
        {"field": "a", "operator": "in", "value": "email"},
        {"field": "a", "operator": "in", "value": []},
        {"field": "a", "operator": "exists", "value": True},
        {"field": "a", "operator": "equals"},
        {"field": "a", "operator": "equals", "value": {"x": 1}},
    ],
)
async def test_condition_value_must_fit_its_operator(nimriz: EmulatorHandle, condition: dict[str, Any]) -> None:
    response = await post(nimriz, with_filter(conditions=[condition]))
    assert_invalid(response, "actions[0].event_filter.conditions[0].value")


async def test_condition_needs_a_field_and_no_other_keys(nimriz: EmulatorHandle) -> None:
    response = await post(nimriz, with_filter(conditions=[{"operator": "exists", "negate": True}, "x"]))
    assert_invalid(response, "actions[0].event_filter.conditions[0].field")
    assert_invalid(response, "actions[0].event_filter.conditions[0].negate")
    assert_invalid(response, "actions[0].event_filter.conditions[1]")


async def test_conditions_must_be_an_array(nimriz: EmulatorHandle) -> None:
    response = await post(nimriz, with_filter(conditions={"field": "a"}))
    assert_invalid(response, "actions[0].event_filter.conditions")


@pytest.mark.parametrize("garbage", [["x"], {"x": 1}, 1.5, None, True])
async def test_wrong_json_types_anywhere_are_validation_errors(nimriz: EmulatorHandle, garbage: Any) -> None:
    bad_action = {
        "id": garbage,
        "name": garbage,
        "action_type": garbage,
        "enabled": garbage if garbage is not True else "yes",
        "property_mapping": {"base": garbage, "overrides": [{"type": garbage}, garbage]},
        "event_filter": {
            "include": {"event_types": [garbage], "countries": garbage},
            "exclude": {"bot_traffic": garbage if garbage is not True else 1},
            "conditions": [{"field": garbage, "operator": garbage, "value": garbage}],
        },
    }
    body = {"name": garbage, "type": garbage, "enabled": "x", "credentials": garbage, "actions": [bad_action]}
    response = await nimriz.client.post(DESTINATIONS, json=body)
    assert_invalid(response, "type")
    response = await post(nimriz, bad_action)
    assert_invalid(response, "actions[0].action_type")
    assert_invalid(response, "actions[0].property_mapping.overrides[0].type")
    seeded = (await nimriz.client.get(DESTINATIONS)).json()["destinations"][0]["id"]
    response = await nimriz.client.put(f"{DESTINATIONS}/{seeded}", json=body)
    assert_invalid(response, "type")
    assert_invalid(response, "actions[0].event_filter.conditions[0].field")
