"""Mutations validate before any upstream write: each problem a userError naming its input field."""

from __future__ import annotations

from tests.schema.conftest import Stack

CREATE = """
mutation($input: CreateDestinationInput!) {
  createDestination(input: $input) {
    destination { id name typeKey settings }
    changes { field before after }
    userErrors { field message code }
  }
}
"""


async def _create(stack: Stack, provider: str, **fields) -> dict:
    fields.setdefault("name", "Validation probe")
    data = await stack.data(CREATE, {"input": {"workspaceId": await stack.workspace_id(provider), **fields}})
    return data["createDestination"]


def _codes(payload: dict) -> set[tuple[tuple[str, ...], str]]:
    return {(tuple(e["field"] or ()), e["code"]) for e in payload["userErrors"]}


async def test_unknown_type_is_not_found_and_nothing_is_written(stack: Stack) -> None:
    payload = await _create(stack, "OURS", typeKey="NoSuchThing", settings={})
    assert (("input", "typeKey"), "NOT_FOUND") in _codes(payload)
    assert payload["destination"] is None
    assert await stack.writes("ours") == []


async def test_ours_warehouse_types_are_not_creatable(stack: Stack) -> None:
    payload = await _create(stack, "OURS", typeKey="GoogleBigQueryWarehouse", settings={})
    assert (("input", "typeKey"), "NOT_CREATABLE") in _codes(payload)
    assert await stack.writes("ours") == []


async def test_missing_required_setting_is_required(stack: Stack) -> None:
    payload = await _create(stack, "OURS", typeKey="Klaviyo", settings={})
    assert (("input", "settings", "projectAPIKey"), "REQUIRED") in _codes(payload)


async def test_unknown_setting_is_unknown_setting(stack: Stack) -> None:
    payload = await _create(
        stack, "ZEOTAP", typeKey="klaviyo", settings={"private_api_key": "pk_test_1234567890", "colour": "red"}
    )
    assert (("input", "settings", "colour"), "UNKNOWN_SETTING") in _codes(payload)
    assert await stack.writes("zeotap") == []


async def test_wrong_setting_type_is_invalid(stack: Stack) -> None:
    payload = await _create(stack, "ZEOTAP", typeKey="klaviyo", settings={"private_api_key": 12345})
    assert (("input", "settings", "private_api_key"), "INVALID") in _codes(payload)


async def test_alert_and_oauth_keys_are_read_only(stack: Stack) -> None:
    types = await stack.data(
        "{ destinationTypes(provider: OURS, first: 100) { nodes { key settings { key type required } } } }"
    )
    with_alert = next(t for t in types["destinationTypes"]["nodes"] if any(s["type"] == "ALERT" for s in t["settings"]))
    alert = next(s["key"] for s in with_alert["settings"] if s["type"] == "ALERT")
    payload = await _create(stack, "OURS", typeKey=with_alert["key"], settings={alert: "hello"})
    assert (("input", "settings", alert), "READ_ONLY") in _codes(payload)
    with_oauth = next(t for t in types["destinationTypes"]["nodes"] if any(s["type"] == "OAUTH" for s in t["settings"]))
    oauth = next(s["key"] for s in with_oauth["settings"] if s["type"] == "OAUTH")
    payload = await _create(stack, "OURS", typeKey=with_oauth["key"], settings={oauth: "x"})
    assert (("input", "settings", oauth), "READ_ONLY") in _codes(payload)
    assert await stack.writes("ours") == []


async def test_disabling_a_zeotap_destination_is_unsupported(stack: Stack) -> None:
    payload = await _create(
        stack, "ZEOTAP", typeKey="klaviyo", enabled=False, settings={"private_api_key": "pk_test_1234567890"}
    )
    assert (("input", "enabled"), "UNSUPPORTED") in _codes(payload)
    [zeotap] = (await stack.destinations_of("ZEOTAP"))[:1]
    update = await stack.data(
        "mutation($i: UpdateDestinationInput!) { updateDestination(input: $i) { userErrors { field code } } }",
        {"i": {"id": zeotap["id"], "enabled": False}},
    )
    assert update["updateDestination"]["userErrors"] == [{"field": ["input", "enabled"], "code": "UNSUPPORTED"}]
    assert await stack.writes("zeotap") == []


async def test_invalid_fql_trigger_never_goes_upstream(stack: Stack) -> None:
    segment_types = await stack.data(
        "{ destinationTypes(provider: SEGMENT, first: 100) { nodes { key actions { key } } } }"
    )
    action_type = next(t for t in segment_types["destinationTypes"]["nodes"] if t["actions"])
    payload = await _create(
        stack,
        "SEGMENT",
        typeKey=action_type["key"],
        settings={},
        subscriptions=[
            {"name": "bad", "actionId": action_type["actions"][0]["key"], "trigger": 'type = "track" and ('}
        ],
    )
    assert any(f == ("input", "subscriptions", "0", "trigger") and c == "INVALID" for f, c in _codes(payload))
    assert await stack.writes("segment") == []


async def test_every_problem_is_reported_at_once(stack: Stack) -> None:
    payload = await _create(stack, "OURS", typeKey="Klaviyo", name=" ", settings={"nope": 1})
    fields = {f for f, _ in _codes(payload)}
    assert {("input", "name"), ("input", "settings", "nope"), ("input", "settings", "projectAPIKey")} <= fields


async def test_unknown_workspace_is_not_found(stack: Stack) -> None:
    data = await stack.data(CREATE, {"input": {"workspaceId": "bm9wZQ", "typeKey": "x", "name": "x"}})
    assert data["createDestination"]["userErrors"][0]["field"] == ["input", "workspaceId"]
    assert data["createDestination"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_subscriptions_on_a_provider_without_them_are_unsupported(stack: Stack) -> None:
    payload = await _create(
        stack,
        "OURS",
        typeKey="Klaviyo",
        settings={"projectAPIKey": "pk_test_abcdefghijkl"},
        subscriptions=[{"name": "x"}],
    )
    assert (("input", "subscriptions", "0"), "UNSUPPORTED") in _codes(payload)


async def test_a_settings_change_where_settings_are_replaced_whole_needs_every_secret_dry_run_too(
    stack: Stack,
) -> None:
    capabilities = await stack.data("{ workspaces { provider capabilities { settingsReplacedWhole } } }")
    whole = {w["provider"]: w["capabilities"]["settingsReplacedWhole"] for w in capabilities["workspaces"]}
    assert whole == {"SEGMENT": False, "OURS": False, "ZEOTAP": False, "NIMRIZ": True}
    nimriz = await stack.destinations_of("NIMRIZ", "id settings secretSettingKeys")
    target = next(d for d in nimriz if len(d["secretSettingKeys"]) >= 2)
    secrets = target["secretSettingKeys"]
    given = secrets[0]
    for dry_run in (True, False):
        payload = await stack.data(
            "mutation($i: UpdateDestinationInput!) { updateDestination(input: $i) { changes { field } "
            "userErrors { field code } } }",
            {"i": {"id": target["id"], "settings": {given: "rotated_secret_0123456789"}, "dryRun": dry_run}},
        )
        errors = payload["updateDestination"]["userErrors"]
        assert errors == [{"field": ["input", "settings", key], "code": "REQUIRED"} for key in secrets[1:]]
    assert await stack.writes("nimriz") == []
