"""apply under the vendors' faults: rate limits, replies lost after the vendor applied a write.

Whatever fails, a rerun of apply converges: the same idempotency keys find what the first attempt
left, and the emulators' own state shows nothing created twice.
"""

from __future__ import annotations

from typing import Any

import pytest

from destgraph.ascode import GraphQLClient, State, load_document
from destgraph.ascode.apply import apply_plan
from destgraph.ascode.plan import make_plan
from tests.ascode.conftest import Tool

OURS_COLLECTION = r"^/rest/v1/destinations$"
KLAVIYO = {"name": "Faulty Klaviyo", "typeKey": "Klaviyo", "settings": {"projectAPIKey": "${FAULTY_KEY}"}}
ENV = {"FAULTY_KEY": "pk_test_faulty_klaviyo_0000001"}


def add(tool: Tool, workspace: str, key: str, entry: dict[str, Any]) -> None:
    document = tool.read()
    document["workspaces"][workspace]["destinations"][key] = entry
    tool.write(document)


async def applied(tool: Tool, vendor: str, method: str, path: str) -> list[dict[str, Any]]:
    calls = await tool.stack.upstreams[vendor].calls()
    return [c for c in calls if c["method"] == method and c["path"] == path and c["applied"]]


async def test_apply_waits_out_429s_and_creates_once(tool: Tool) -> None:
    await tool.export()
    add(tool, "ours-main", "faulty-klaviyo", KLAVIYO)
    tool.environ = ENV
    await tool.stack.upstreams["ours"].faults(
        queue=[429, 429, 429], retry_after=0, methods=["POST"], path_pattern=OURS_COLLECTION
    )

    ran = await tool.apply()

    assert ran.code == 0, ran.text
    assert len(await tool.named("ours-main", "Faulty Klaviyo")) == 1
    assert len(await applied(tool, "ours", "POST", "/rest/v1/destinations")) == 1
    assert (await tool.plan()).code == 0


async def test_a_create_whose_outcome_is_unknown_is_reconciled_by_the_rerun(tool: Tool) -> None:
    await tool.export()
    add(tool, "ours-main", "faulty-klaviyo", KLAVIYO)
    document, state = load_document(tool.file), State.load(tool.state_file)
    async with GraphQLClient(tool.connection) as client:
        plan = await make_plan(client, document, state, environ=ENV)
        # The POST is applied and its reply lost; every read-back then meets a 503.
        await tool.stack.upstreams["ours"].faults(
            after_commit={"kind": "drop", "mode": "close", "limit": 1},
            queue=[0, 503, 503, 503],
            retry_after=0,
            methods=["POST", "GET"],
            path_pattern=OURS_COLLECTION,
        )
        report = await apply_plan(client, plan, state, document)

    assert not report.ok and report.unknown
    assert [p.code for p in report.problems] == ["OUTCOME_UNKNOWN"]
    assert "run apply again" in report.problems[0].message
    assert len(await tool.named("ours-main", "Faulty Klaviyo")) == 1  # it was applied after all

    tool.environ = ENV
    rerun = await tool.apply()

    assert rerun.code == 0, rerun.text
    assert len(await tool.named("ours-main", "Faulty Klaviyo")) == 1
    assert len(await applied(tool, "ours", "POST", "/rest/v1/destinations")) == 1
    assert (await tool.plan()).code == 0


@pytest.mark.parametrize("vendor", ["segment", "nimriz"])
async def test_a_lost_reply_to_a_subscription_create_leaves_one_subscription(tool: Tool, vendor: str) -> None:
    await tool.export()
    document = tool.read()
    workspace = f"{vendor}-main"
    entries = document["workspaces"][workspace]["destinations"]
    if vendor == "segment":
        key = next(k for k, e in entries.items() if e["typeKey"] == "actions-webhook" and e.get("subscriptions"))
        template = next(iter(entries[key]["subscriptions"].values()))
        new = {"name": "Lost reply", "actionId": template["actionId"], "trigger": 'type = "page"'}
        new["settings"] = template.get("settings", {})
        method, pattern = "POST", r"/subscriptions$"
    else:
        key = next(k for k, e in entries.items() if e["typeKey"] == "ga4" and e.get("subscriptions"))
        new = {"name": "Lost reply", "actionType": "send_event", "propertyMapping": {"base": "default"}}
        method, pattern = "PUT", r"^/api/integrations/destinations/[^/]+$"
    entries[key]["subscriptions"]["lost-reply"] = new
    tool.write(document)
    await tool.stack.upstreams[vendor].faults(
        after_commit={"kind": "drop", "mode": "close", "limit": 1}, methods=[method], path_pattern=pattern
    )

    first = await tool.apply()
    if first.code != 0:  # the gateway could not tell: the rerun's idempotency key finds it
        assert "OUTCOME_UNKNOWN" in first.text, first.text
        assert (await tool.apply()).code == 0

    names = await _subscription_names(tool, vendor.upper(), entries[key]["id"])
    assert names.count("Lost reply") == 1
    after_commit = [c for c in await tool.stack.upstreams[vendor].calls() if c.get("after_commit")]
    assert len(after_commit) == 1  # the reply really was lost once
    assert (await tool.plan()).code == 0


async def test_a_workspace_that_cannot_be_read_fails_the_plan_and_nothing_is_applied(tool: Tool) -> None:
    """A partial read must not plan: the unread workspace would look empty."""
    await tool.export()
    add(tool, "ours-main", "faulty-klaviyo", KLAVIYO)
    tool.environ = ENV
    await tool.stack.upstreams["zeotap"].faults(corrupt={"kind": "html"})

    ran = await tool.apply()

    assert ran.code == 1
    assert "UPSTREAM_ERROR" in ran.err
    assert await tool.named("ours-main", "Faulty Klaviyo") == []


async def _subscription_names(tool: Tool, provider: str, native_id: str) -> list[str]:
    query = (
        "query($p: [Provider!]) { destinations(first: 100, filter: {providers: $p}) { nodes { nativeId "
        "subscriptions(first: 100) { nodes { name } } } } }"
    )
    nodes = (await tool.stack.data(query, {"p": [provider]}, fresh=True))["destinations"]["nodes"]
    [node] = [n for n in nodes if n["nativeId"] == native_id]
    return [s["name"] for s in node["subscriptions"]["nodes"]]
