"""Subscriptions: Segment (five writes a minute) and Nimriz (whole action list, serialized)."""

from __future__ import annotations

import asyncio

from tests.schema.conftest import Stack

CREATE_SUB = """
mutation($input: CreateDestinationSubscriptionInput!) {
  createDestinationSubscription(input: $input) {
    subscription { id nativeId name enabled trigger actionId actionType eventFilter { include { eventTypes } } }
    userErrors { field message code }
  }
}
"""
UPDATE_SUB = """
mutation($input: UpdateDestinationSubscriptionInput!) {
  updateDestinationSubscription(input: $input) { subscription { id name enabled trigger } userErrors { field message code } }
}
"""
DELETE_SUB = """
mutation($input: DeleteDestinationSubscriptionInput!) {
  deleteDestinationSubscription(input: $input) { deletedId userErrors { field message code } }
}
"""
NIMRIZ_ACTION = {
    "name": "Clicks to Segment",
    "actionType": "send_event",
    "eventFilter": {"include": {"event_types": ["link.clicked"]}, "exclude": {"bot_traffic": True}, "conditions": []},
    "propertyMapping": {"base": "default", "overrides": [{"type": "rename", "source": "url", "target": "page_url"}]},
}


async def _segment_action_destination(stack: Stack) -> tuple[dict, str]:
    nodes = await stack.destinations_of("SEGMENT", "id nativeId type { actions { key } }")
    target = next(n for n in nodes if n["type"] and n["type"]["actions"])
    return target, target["type"]["actions"][0]["key"]


async def _nimriz_segment_destination(stack: Stack) -> dict:
    nodes = await stack.destinations_of("NIMRIZ", "id nativeId typeKey subscriptions(first: 10) { totalCount }")
    return next(n for n in nodes if n["typeKey"] == "segment")


async def test_segment_subscription_create_update_delete(stack: Stack) -> None:
    target, action = await _segment_action_destination(stack)
    created = (
        await stack.data(
            CREATE_SUB,
            {
                "input": {
                    "destinationId": target["id"],
                    "subscription": {
                        "name": "Orders",
                        "actionId": action,
                        "trigger": 'event = "Order Completed"',
                        "enabled": False,
                    },
                }
            },
        )
    )["createDestinationSubscription"]
    assert created["userErrors"] == []
    subscription = created["subscription"]
    assert subscription["trigger"] == 'event = "Order Completed"'
    updated = (
        await stack.data(
            UPDATE_SUB, {"input": {"id": subscription["id"], "enabled": True, "trigger": 'type = "track"'}}
        )
    )["updateDestinationSubscription"]
    assert updated["userErrors"] == []
    assert updated["subscription"]["enabled"] is True
    assert updated["subscription"]["trigger"] == 'type = "track"'
    deleted = (await stack.data(DELETE_SUB, {"input": {"id": subscription["id"]}}))["deleteDestinationSubscription"]
    assert deleted == {"deletedId": subscription["id"], "userErrors": []}
    stored = await stack.stored("segment", target["nativeId"])
    assert subscription["nativeId"] not in str(stored["subscriptions"])


async def test_segment_subscription_writes_stay_inside_five_a_minute(stack: Stack) -> None:
    target, action = await _segment_action_destination(stack)
    await stack.clear_calls()
    results = []
    for i in range(6):
        body = await stack.query(
            CREATE_SUB,
            {
                "input": {
                    "destinationId": target["id"],
                    "subscription": {"name": f"Burst {i}", "actionId": action, "trigger": 'type = "track"'},
                }
            },
        )
        results.append(body)
    assert all(not r.get("errors") for r in results[:5])
    [error] = results[5]["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_RATE_LIMITED"
    assert error["extensions"]["retryAfter"] > 0
    posts = [c for c in await stack.writes("segment") if c["method"] == "POST"]
    assert len(posts) == 5, "the sixth never reached Segment: no 429, no half-applied write"
    assert all(c["status"] == 200 for c in posts)


async def test_segment_create_with_subscriptions_reports_the_one_that_failed(stack: Stack) -> None:
    types = await stack.data(
        "{ destinationTypes(provider: SEGMENT, first: 100) { nodes { key actions { key } "
        "settings { key required type defaultValue } } } }"
    )
    action_type = next(t for t in types["destinationTypes"]["nodes"] if len(t["actions"]) >= 1)
    action = action_type["actions"][0]["key"]
    required = {
        s["key"]: "test_value_0123456789"
        for s in action_type["settings"]
        if s["required"] and s["defaultValue"] in (None, "") and s["type"] in ("STRING", "SECRET")
    }
    # Segment fails the second subscription call: the destination and the other two must still be reported.
    await stack.upstreams["segment"].faults(path_pattern="/subscriptions$", methods=["POST"], queue=[0, 500])
    subscriptions = [
        {"name": "First", "actionId": action, "trigger": 'type = "track"'},
        {"name": "Second", "actionId": action, "trigger": 'type = "page"'},
        {"name": "Third", "actionId": action, "trigger": 'type = "identify"'},
    ]
    given = {
        "workspaceId": await stack.workspace_id("SEGMENT"),
        "name": "With subs",
        "typeKey": action_type["key"],
        "settings": required,
        "subscriptions": subscriptions,
    }
    body = await stack.query(
        "mutation($i: CreateDestinationInput!) { createDestination(input: $i) { destination { id nativeId "
        "subscriptions(first: 10) { nodes { name } } } userErrors { field code message } } }",
        {"i": given},
    )
    payload = body["data"]["createDestination"]
    assert payload["destination"] is not None, payload["userErrors"]
    assert [e["field"] for e in payload["userErrors"]] == [["input", "subscriptions", "1"]]
    names = [s["name"] for s in payload["destination"]["subscriptions"]["nodes"]]
    assert names == ["First", "Third"]


async def test_nimriz_action_create_update_delete_keep_the_others(stack: Stack) -> None:
    target = await _nimriz_segment_destination(stack)
    before = (await stack.stored("nimriz", target["nativeId"]))["actions"]
    created = (await stack.data(CREATE_SUB, {"input": {"destinationId": target["id"], "subscription": NIMRIZ_ACTION}}))[
        "createDestinationSubscription"
    ]
    assert created["userErrors"] == []
    assert created["subscription"]["actionType"] == "send_event"
    assert created["subscription"]["trigger"] == 'event = "link.clicked" and properties.bot_traffic = false'
    updated = (
        await stack.data(UPDATE_SUB, {"input": {"id": created["subscription"]["id"], "name": "Renamed action"}})
    )["updateDestinationSubscription"]
    assert updated["subscription"]["name"] == "Renamed action"
    after = (await stack.stored("nimriz", target["nativeId"]))["actions"]
    assert [a["id"] for a in after[: len(before)]] == [a["id"] for a in before]
    deleted = (await stack.data(DELETE_SUB, {"input": {"id": created["subscription"]["id"]}}))[
        "deleteDestinationSubscription"
    ]
    assert deleted["userErrors"] == []
    assert [a["id"] for a in (await stack.stored("nimriz", target["nativeId"]))["actions"]] == [a["id"] for a in before]


async def test_ten_concurrent_nimriz_subscription_creates_leave_ten_actions(stack: Stack) -> None:
    target = await _nimriz_segment_destination(stack)
    before = len((await stack.stored("nimriz", target["nativeId"]))["actions"])
    bodies = await asyncio.gather(
        *(
            stack.data(
                CREATE_SUB,
                {"input": {"destinationId": target["id"], "subscription": {**NIMRIZ_ACTION, "name": f"Action {i}"}}},
            )
            for i in range(10)
        )
    )
    assert all(b["createDestinationSubscription"]["userErrors"] == [] for b in bodies)
    actions = (await stack.stored("nimriz", target["nativeId"]))["actions"]
    assert len(actions) == before + 10
    assert {f"Action {i}" for i in range(10)} <= {a["name"] for a in actions}


async def test_nimriz_trigger_is_refused_and_segment_needs_an_action(stack: Stack) -> None:
    nimriz = await _nimriz_segment_destination(stack)
    payload = (
        await stack.data(
            CREATE_SUB,
            {"input": {"destinationId": nimriz["id"], "subscription": {**NIMRIZ_ACTION, "trigger": 'type = "track"'}}},
        )
    )["createDestinationSubscription"]
    assert payload["userErrors"][0]["field"] == ["input", "subscription", "trigger"]
    segment, _ = await _segment_action_destination(stack)
    payload = (
        await stack.data(
            CREATE_SUB,
            {
                "input": {
                    "destinationId": segment["id"],
                    "subscription": {"name": "x", "actionId": "nope", "trigger": 'type = "track"'},
                }
            },
        )
    )["createDestinationSubscription"]
    assert payload["userErrors"][0]["code"] == "NOT_FOUND"
    assert await stack.writes("segment") == []
    assert await stack.writes("nimriz") == []
