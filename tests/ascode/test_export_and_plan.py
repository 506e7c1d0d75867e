"""export writes what the vendors hold; a plan of that file finds nothing to change."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.ascode.conftest import Tool
from tests.schema.conftest import WORKSPACES, build_stack, close_stack

SEGMENT_SUBSCRIPTIONS = (
    "query($p: [Provider!]) { destinations(first: 100, filter: {providers: $p}) { nodes { nativeId "
    "subscriptions(first: 100) { nodes { nativeId } } } } }"
)


async def test_export_then_plan_of_every_seeded_destination_reports_no_change(tool: Tool) -> None:
    exported = await tool.export()
    assert exported.code == 0, exported.text
    document = tool.read()

    assert list(document["workspaces"]) == list(WORKSPACES.values())
    for name, workspace in WORKSPACES.items():
        entries = document["workspaces"][workspace]["destinations"]
        held = await tool.held(workspace)
        assert len(held) == 40
        assert sorted(e["id"] for e in entries.values()) == sorted(row["id"] for row in held)
        if name == "nimriz":  # every action of every destination, by id
            actions = {a["id"] for row in held for a in row["actions"]}
            exported_actions = {s["id"] for e in entries.values() for s in (e.get("subscriptions") or {}).values()}
            assert actions and exported_actions == actions
        if name == "segment":  # every subscription, by id
            nodes = (await tool.stack.data(SEGMENT_SUBSCRIPTIONS, {"p": ["SEGMENT"]}))["destinations"]["nodes"]
            subscriptions = {s["nativeId"] for n in nodes for s in n["subscriptions"]["nodes"]}
            exported_subs = {s["id"] for e in entries.values() for s in (e.get("subscriptions") or {}).values()}
            assert subscriptions and exported_subs == subscriptions

    planned = await tool.plan()
    assert planned.code == 0, planned.text
    assert "No changes." in planned.out
    as_json = await tool.plan(as_json=True)
    assert as_json.code == 0
    assert as_json.json["changes"] is False
    assert as_json.json["steps"] == [] and as_json.json["problems"] == []


async def test_two_exports_of_the_same_state_are_the_same_text(tool: Tool) -> None:
    await tool.export()
    first = tool.file.read_text()
    await tool.export()
    assert tool.file.read_text() == first


async def test_the_file_holds_only_what_a_user_sets_and_secrets_as_listed_references(tool: Tool) -> None:
    await tool.export()
    text = tool.file.read_text()
    document = tool.read()

    assert "\u2022" not in text  # no mask either
    for workspace in document["workspaces"].values():
        for entry in workspace["destinations"].values():
            # no version, timestamps, service or other computed field
            assert set(entry) <= {"id", "name", "typeKey", "enabled", "sourceIds", "settings", "subscriptions"}
            for sub in (entry.get("subscriptions") or {}).values():
                assert set(sub) <= {
                    "id",
                    "name",
                    "enabled",
                    "actionId",
                    "actionType",
                    "modelId",
                    "trigger",
                    "settings",
                    "eventFilter",
                    "propertyMapping",
                }
                assert not ("actionType" in sub and "trigger" in sub)  # a Nimriz trigger is derived
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    references = set(re.findall(r"\$\{([A-Z0-9_]+)\}", body))
    assert references and references == set(document["secrets"])
    for name, where in document["secrets"].items():
        assert name.startswith("DG_") and where.startswith("workspaces.")
    klaviyo = next(e for e in document["workspaces"]["ours-main"]["destinations"].values() if e["typeKey"] == "Klaviyo")
    assert re.fullmatch(r"\$\{DG_OURS_MAIN_[A-Z0-9_]+_PROJECT_API_KEY\}", klaviyo["settings"]["projectAPIKey"])
    # keys are unique per workspace, stable slugs of the names
    for workspace in document["workspaces"].values():
        for key in workspace["destinations"]:
            assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", key)


async def test_no_seeded_secret_is_in_the_file_the_state_record_or_the_plan(tool: Tool) -> None:
    secrets = await tool.seeded_secrets()
    assert len(secrets) > 50
    await tool.export()
    planned = await tool.plan(as_json=True)
    texts = [tool.file.read_text(), tool.state_file.read_text(), planned.out, json.dumps(planned.json)]
    for text in texts:
        assert not [s for s in secrets if s in text]


async def test_a_gateway_with_lower_query_limits_is_read_in_smaller_pages(tmp_path: Path) -> None:
    stack = await build_stack(max_query_objects=2000)
    try:
        tool = Tool(stack=stack, directory=tmp_path)
        assert (await tool.export()).code == 0
        assert all(len(w["destinations"]) == 40 for w in tool.read()["workspaces"].values())
        assert (await tool.plan()).code == 0
    finally:
        await close_stack(stack)
