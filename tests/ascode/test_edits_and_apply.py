"""Edits to an exported file plan as exactly those changes; apply makes them; the next plan is empty."""

from __future__ import annotations

import json
from typing import Any

from tests.ascode.conftest import Tool

NEW_SECRETS = {
    "NEW_SEGMENT_KEY": "sk_test_new_segment_0000000001",
    "NEW_OURS_KEY": "pk_test_new_ours_000000000001",
    "NEW_ZEOTAP_KEY": "pk_test_new_zeotap_0000000001",
    "NEW_NIMRIZ_KEY": "wk_test_new_nimriz_0000000001",
}
ROTATED = "sk_test_rotated_amplitude_000001"


def first(entries: dict[str, Any], test: Any) -> str:
    return next(key for key, entry in entries.items() if test(entry))


def steps_of(plan: dict[str, Any]) -> set[tuple[str, str, str, str, str | None]]:
    return {(s["action"], s["kind"], s["workspace"], s["key"], s["subscription"]) for s in plan["steps"]}


def fields_of(plan: dict[str, Any], key: str, subscription: str | None = None) -> dict[str, dict[str, Any]]:
    [step] = [s for s in plan["steps"] if s["key"] == key and s["subscription"] == subscription]
    return {c["field"]: c for c in step["changes"]}


async def test_each_edit_plans_as_exactly_that_change_and_apply_converges(tool: Tool) -> None:
    await tool.export()
    document = tool.read()
    workspaces = document["workspaces"]
    segment = workspaces["segment-main"]["destinations"]
    ours = workspaces["ours-main"]["destinations"]
    zeotap = workspaces["zeotap-main"]["destinations"]
    nimriz = workspaces["nimriz-main"]["destinations"]

    # a rename, and a secret rotated through its variable (the file is unchanged there)
    amplitude = first(segment, lambda e: e["typeKey"] == "amplitude")
    segment[amplitude]["name"] = "Amplitude, renamed in the file"
    rotated_variable = segment[amplitude]["settings"]["apiKey"][2:-1]
    # a settings change
    reddit = first(ours, lambda e: e["typeKey"] == "Reddit" and isinstance(e["settings"].get("adAccountId"), str))
    ours[reddit]["settings"]["adAccountId"] = "t2_changed99"
    # a new destination per vendor (Ours by its service)
    segment["new-amplitude"] = {
        "name": "New Amplitude",
        "typeKey": "amplitude",
        "settings": {"apiKey": "${NEW_SEGMENT_KEY}"},
    }
    ours["new-klaviyo"] = {
        "name": "New Klaviyo",
        "service": "klaviyo",
        "settings": {"projectAPIKey": "${NEW_OURS_KEY}"},
    }
    zeotap["new-klaviyo"] = {
        "name": "New Zeotap Klaviyo",
        "typeKey": "klaviyo",
        "settings": {"private_api_key": "${NEW_ZEOTAP_KEY}"},
    }
    nimriz["new-segment"] = {
        "name": "New Nimriz Segment",
        "typeKey": "segment",
        "settings": {"write_key": "${NEW_NIMRIZ_KEY}"},
    }
    # a new Segment subscription, copied from one of the destination's own
    hooked = first(segment, lambda e: e.get("subscriptions") and e["typeKey"] == "actions-webhook")
    template = next(iter(segment[hooked]["subscriptions"].values()))
    segment[hooked]["subscriptions"]["on-identify"] = {
        "name": "On identify",
        "actionId": template["actionId"],
        "trigger": 'type = "identify"',
        "settings": template.get("settings", {}),
    }
    # a new Nimriz action
    acting = first(nimriz, lambda e: e["typeKey"] == "ga4" and e.get("subscriptions"))
    nimriz[acting]["subscriptions"]["clicks"] = {
        "name": "Clicks",
        "actionType": "send_event",
        "eventFilter": {"include": {"event_types": ["link.clicked"]}},
        "propertyMapping": {"base": "default"},
    }
    # a removal, applied with --prune
    removed = first(zeotap, lambda e: e["typeKey"] == "webhook")
    removed_id = zeotap.pop(removed)["id"]
    tool.write(document)
    tool.environ = {**NEW_SECRETS, rotated_variable: ROTATED}

    planned = await tool.plan(prune=True, as_json=True)

    assert planned.code == 2, planned.out
    plan = planned.json
    assert plan["problems"] == []
    assert steps_of(plan) == {
        ("update", "destination", "segment-main", amplitude, None),
        ("update", "destination", "ours-main", reddit, None),
        ("create", "destination", "segment-main", "new-amplitude", None),
        ("create", "destination", "ours-main", "new-klaviyo", None),
        ("create", "destination", "zeotap-main", "new-klaviyo", None),
        ("create", "destination", "nimriz-main", "new-segment", None),
        ("create", "subscription", "segment-main", hooked, "on-identify"),
        ("create", "subscription", "nimriz-main", acting, "clicks"),
        ("delete", "destination", "zeotap-main", "(not in the file)", None),
    }
    renamed = fields_of(plan, amplitude)
    assert set(renamed) == {"name", "settings.apiKey"}
    assert renamed["name"]["after"] == "Amplitude, renamed in the file" and not renamed["name"]["drift"]
    assert renamed["settings.apiKey"] == {"field": "settings.apiKey", "secret": "changed", "drift": False}
    assert set(fields_of(plan, reddit)) == {"settings.adAccountId"}
    assert fields_of(plan, reddit)["settings.adAccountId"]["after"] == "t2_changed99"
    created = {
        c["field"]: c
        for s in plan["steps"]
        if s["key"] == "new-klaviyo" and s["workspace"] == "ours-main"
        for c in s["changes"]
    }
    assert created["typeKey"]["after"] == "Klaviyo"  # the service's one type at Ours
    assert created["settings.projectAPIKey"] == {"field": "settings.projectAPIKey", "secret": "set", "drift": False}
    [deleted] = [s for s in plan["steps"] if s["action"] == "delete"]
    assert deleted["id"] == removed_id
    # without --prune the removal is only reported
    unpruned = (await tool.plan(as_json=True)).json
    assert ("delete", "destination", "zeotap-main", "(not in the file)", None) not in steps_of(unpruned)
    assert {"workspace": "zeotap-main", "kind": "destination", "id": removed_id}.items() <= next(
        u for u in unpruned["unmanaged"] if u["id"] == removed_id
    ).items()

    applied = await tool.apply(prune=True)

    assert applied.code == 0, applied.text
    assert "Applied 9 of 9 step(s)." in applied.out
    again = await tool.plan(prune=True)
    assert again.code == 0, again.text
    assert "No changes." in again.out

    # the emulators hold exactly what the file says, once
    for workspace, name in (
        ("segment-main", "New Amplitude"),
        ("ours-main", "New Klaviyo"),
        ("zeotap-main", "New Zeotap Klaviyo"),
        ("nimriz-main", "New Nimriz Segment"),
    ):
        assert len(await tool.named(workspace, name)) == 1, (workspace, name)
    assert await tool.stored("zeotap-main", removed_id) is None
    stored = await tool.stored("segment-main", segment[amplitude]["id"])
    assert stored is not None
    assert stored["name"] == "Amplitude, renamed in the file" and stored["settings"]["apiKey"] == ROTATED
    reddit_stored = await tool.stored("ours-main", ours[reddit]["id"])
    assert reddit_stored is not None and reddit_stored["settings"]["adAccountId"] == "t2_changed99"
    [nimriz_row] = [r for r in await tool.held("nimriz-main") if r["id"] == nimriz[acting]["id"]]
    assert [a["name"] for a in nimriz_row["actions"]].count("Clicks") == 1
    on_identify = await tool.stack.data(
        "query($id: ID!) { node(id: $id) { ... on Destination { subscriptions(first: 50) { nodes { name trigger } } } } }",
        {"id": await _global_id(tool, "SEGMENT", segment[hooked]["id"])},
    )
    names = [s["name"] for s in on_identify["node"]["subscriptions"]["nodes"]]
    assert names.count("On identify") == 1

    # the state record knows every created entry; no secret anywhere
    state = json.loads(tool.state_file.read_text())
    assert state["workspaces"]["ours-main"]["new-klaviyo"]["id"]
    assert "clicks" in state["workspaces"]["nimriz-main"][acting]["subscriptions"]
    secrets = await tool.seeded_secrets() | set(NEW_SECRETS.values()) | {ROTATED}
    for text in [*tool.outputs, tool.file.read_text(), tool.state_file.read_text()]:
        assert not [s for s in secrets if s in text]
        assert "\u2022" not in text  # not even a mask's last characters


async def test_a_rename_in_the_file_is_an_update_of_the_same_destination(tool: Tool) -> None:
    await tool.export()
    document = tool.read()
    entries = document["workspaces"]["nimriz-main"]["destinations"]
    key = first(entries, lambda e: e.get("subscriptions"))
    entries[key]["name"] = "Renamed, actions kept"
    tool.write(document)

    plan = (await tool.plan(as_json=True)).json

    assert steps_of(plan) == {("update", "destination", "nimriz-main", key, None)}
    assert (await tool.apply()).code == 0
    [row] = [r for r in await tool.held("nimriz-main") if r["id"] == entries[key]["id"]]
    assert row["name"] == "Renamed, actions kept"
    assert len(row["actions"]) == len(entries[key]["subscriptions"])
    assert (await tool.plan()).code == 0


async def test_a_created_entry_is_known_by_the_state_record_without_editing_the_file(tool: Tool) -> None:
    tool.write(
        {
            "version": 1,
            "workspaces": {
                "ours-main": {
                    "destinations": {
                        "eu-klaviyo": {
                            "name": "EU Klaviyo",
                            "typeKey": "Klaviyo",
                            "settings": {"projectAPIKey": "${EU_KLAVIYO_KEY}"},
                        }
                    }
                }
            },
        }
    )
    tool.environ = {"EU_KLAVIYO_KEY": "pk_test_eu_klaviyo_000000001"}
    assert (await tool.plan()).code == 2
    assert (await tool.apply()).code == 0

    again = await tool.plan(as_json=True)

    assert again.code == 0 and again.json["steps"] == []
    # the other destinations of the workspace are not in the file: left alone, and reported
    assert len(again.json["unmanaged"]) == 40
    unset = await tool.plan(environ={"UNRELATED": "1"})
    assert unset.code == 0  # the reference unset: the stored secret is kept
    assert len(await tool.named("ours-main", "EU Klaviyo")) == 1


async def _global_id(tool: Tool, provider: str, native_id: str) -> str:
    nodes = await tool.stack.destinations_of(provider, "id nativeId")
    return next(n["id"] for n in nodes if n["nativeId"] == native_id)


async def test_a_map_holding_secrets_is_sent_whole_so_it_needs_every_secret_in_it(tool: Tool) -> None:
    await tool.export()
    document = tool.read()
    entries = document["workspaces"]["zeotap-main"]["destinations"]
    key = first(entries, lambda e: e["typeKey"] == "webhook" and "headers" in e["settings"])
    headers = entries[key]["settings"]["headers"]
    references = {name: value[2:-1] for name, value in headers.items()}
    headers["X-Extra"] = "extra-1"
    tool.write(document)
    path = f"workspaces.zeotap-main.destinations.{key}.settings.headers"

    refused = (await tool.plan(as_json=True)).json

    assert {p["path"]: p["code"] for p in refused["problems"]} == {
        f"{path}.{name}": "REQUIRED" for name in headers if name != "X-Extra"
    }
    tool.environ = {variable: f"header-{name}-0001" for name, variable in references.items()}
    assert (await tool.apply()).code == 0
    stored = await tool.stored("zeotap-main", entries[key]["id"])
    assert stored is not None
    assert stored["config"]["headers"] == {**{n: f"header-{n}-0001" for n in references}, "X-Extra": "extra-1"}
    assert (await tool.plan()).code == 0
    assert (await tool.plan(environ={"UNRELATED": "1"})).code == 0  # the secrets unset: kept, no change


async def test_subscription_edits_and_a_removed_subscription_with_prune(tool: Tool) -> None:
    await tool.export()
    document = tool.read()
    segment = document["workspaces"]["segment-main"]["destinations"]
    nimriz = document["workspaces"]["nimriz-main"]["destinations"]
    hooked = first(segment, lambda e: e["typeKey"] == "actions-webhook" and len(e.get("subscriptions") or {}) > 1)
    subs = segment[hooked]["subscriptions"]
    edited, removed = list(subs)[:2]
    subs[edited]["trigger"] = 'type = "page"'
    removed_id = subs.pop(removed)["id"]
    acting = first(nimriz, lambda e: e.get("subscriptions"))
    action = next(iter(nimriz[acting]["subscriptions"]))
    nimriz[acting]["subscriptions"][action]["propertyMapping"] = {
        "base": "default",
        "overrides": [{"type": "exclude", "property": "ip_address"}],
    }
    tool.write(document)

    plan = (await tool.plan(prune=True, as_json=True)).json

    assert plan["problems"] == []
    assert steps_of(plan) == {
        ("update", "subscription", "segment-main", hooked, edited),
        ("delete", "subscription", "segment-main", hooked, None),
        ("update", "subscription", "nimriz-main", acting, action),
    }
    assert set(fields_of(plan, hooked, edited)) == {"trigger"}
    assert set(fields_of(plan, acting, action)) == {"propertyMapping"}
    [deleted] = [s for s in plan["steps"] if s["action"] == "delete"]
    assert deleted["id"] == removed_id

    assert (await tool.apply(prune=True)).code == 0
    again = await tool.plan(prune=True)
    assert again.code == 0, again.text
    [row] = [r for r in await tool.held("nimriz-main") if r["id"] == nimriz[acting]["id"]]
    [stored] = [a for a in row["actions"] if a["id"] == nimriz[acting]["subscriptions"][action]["id"]]
    assert stored["property_mapping"]["overrides"] == [{"type": "exclude", "property": "ip_address"}]
