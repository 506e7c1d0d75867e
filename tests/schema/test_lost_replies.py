"""Writes whose reply is lost after the vendor applied them: never lost, never duplicated.

The emulators apply each write and then lose its reply (the connection closes mid-reply) or answer
500 (``after_commit`` in /_emulator/faults). The gateway reads the vendor back to learn what
happened; a retry with the same idempotencyKey, or a repeated update or delete, converges. Every
claim of the payload is checked against the emulator's own state. Each test runs twice: over
ASGI transports, and over loopback sockets through the transport the gateway uses in production
(adapters/transport.py), where a lost reply is a real connection closed mid-reply.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.schema.conftest import Stack, build_stack, close_stack


@pytest.fixture(params=["asgi", "loopback"])
async def stack(request: pytest.FixtureRequest) -> AsyncIterator[Stack]:
    built = await build_stack(loopback=request.param == "loopback")
    try:
        yield built
    finally:
        await close_stack(built)


CREATE = """
mutation($input: CreateDestinationInput!) {
  createDestination(input: $input) { destination { id nativeId name } userErrors { field message code } }
}
"""
UPDATE = """
mutation($input: UpdateDestinationInput!) {
  updateDestination(input: $input) { destination { id name } userErrors { field message code } }
}
"""
DELETE = """
mutation($input: DeleteDestinationInput!) {
  deleteDestination(input: $input) { deletedId userErrors { field message code } }
}
"""
CREATE_SUB = """
mutation($input: CreateDestinationSubscriptionInput!) {
  createDestinationSubscription(input: $input) { subscription { id nativeId name } userErrors { field message code } }
}
"""
UPDATE_SUB = """
mutation($input: UpdateDestinationSubscriptionInput!) {
  updateDestinationSubscription(input: $input) { subscription { id nativeId name } userErrors { field message code } }
}
"""
DELETE_SUB = """
mutation($input: DeleteDestinationSubscriptionInput!) {
  deleteDestinationSubscription(input: $input) { deletedId userErrors { field message code } }
}
"""

VENDOR = {"SEGMENT": "segment", "OURS": "ours", "ZEOTAP": "zeotap", "NIMRIZ": "nimriz"}
CREATES = {
    "SEGMENT": {"typeKey": "amplitude", "settings": {"apiKey": "sk_test_lost_reply_0000000001"}},
    "OURS": {"typeKey": "Klaviyo", "settings": {"projectAPIKey": "pk_test_lost_reply_000000001"}},
    "ZEOTAP": {"typeKey": "klaviyo", "settings": {"private_api_key": "pk_test_lost_reply_000000001"}},
    "NIMRIZ": {"typeKey": "segment", "settings": {"write_key": "wk_test_lost_reply_000000001"}},
}
#: the route of each vendor's destination collection and of one destination
COLLECTION = {
    "SEGMENT": r"^/destinations$",
    "OURS": r"^/rest/v1/destinations$",
    "ZEOTAP": r"^/api/v1/workspaces/ws-demo/destinations$",
    "NIMRIZ": r"^/api/integrations/destinations$",
}
ONE = {provider: pattern.rstrip("$") + "/[^/]+$" for provider, pattern in COLLECTION.items()}
UPDATE_METHOD = {"SEGMENT": "PATCH", "OURS": "PATCH", "ZEOTAP": "PUT", "NIMRIZ": "PUT"}
FAULTS = {
    "lost reply": {"kind": "drop", "mode": "close", "limit": 1},
    "500 after apply": {"kind": "status", "status": 500, "limit": 1},
}


async def after_commit(stack: Stack, provider: str, fault: str, method: str, path: str) -> None:
    await stack.upstreams[VENDOR[provider]].faults(after_commit=FAULTS[fault], methods=[method], path_pattern=path)


async def applied_writes(stack: Stack, provider: str, method: str) -> list[dict[str, Any]]:
    """The calls of this method the vendor applied."""
    return [c for c in await stack.upstreams[VENDOR[provider]].calls() if c["method"] == method and c["applied"]]


async def named(stack: Stack, provider: str, name: str) -> list[dict[str, Any]]:
    query = "query($p: [Provider!], $s: String) { destinations(first: 100, filter: {providers: $p, search: $s}) { nodes { id nativeId name } } }"
    nodes = (await stack.data(query, {"p": [provider], "s": name}))["destinations"]["nodes"]
    return [n for n in nodes if n["name"] == name]


async def create_input(stack: Stack, provider: str, name: str) -> dict[str, Any]:
    return {
        "workspaceId": await stack.workspace_id(provider),
        "name": name,
        "idempotencyKey": f"create-{provider}-{name}",
        **CREATES[provider],
    }


# -- destinations -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("provider", list(VENDOR))
async def test_a_create_whose_reply_is_lost_is_found_and_a_retry_creates_nothing(
    stack: Stack, provider: str, fault: str
) -> None:
    given = await create_input(stack, provider, f"Lost reply {provider.title()}")
    await after_commit(stack, provider, fault, "POST", COLLECTION[provider])

    first = (await stack.data(CREATE, {"input": given}))["createDestination"]
    retried = (await stack.data(CREATE, {"input": given}))["createDestination"]

    assert first["userErrors"] == [] and retried["userErrors"] == []
    [only] = await named(stack, provider, given["name"])
    assert first["destination"]["nativeId"] == retried["destination"]["nativeId"] == only["nativeId"]
    posts = await applied_writes(stack, provider, "POST")
    assert [c["after_commit"] for c in posts] == [FAULTS[fault]["kind"]]  # the one create, its reply lost
    assert await stack.stored(VENDOR[provider], only["nativeId"]) is not None


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("provider", list(VENDOR))
async def test_an_update_whose_reply_is_lost_reports_what_the_vendor_holds(
    stack: Stack, provider: str, fault: str
) -> None:
    target = await stack.data(CREATE, {"input": await create_input(stack, provider, "To rename")})
    destination = target["createDestination"]["destination"]
    change = {"id": destination["id"], "name": f"Renamed {provider.title()}"}
    await after_commit(stack, provider, fault, UPDATE_METHOD[provider], ONE[provider])

    first = (await stack.data(UPDATE, {"input": change}))["updateDestination"]
    again = (await stack.data(UPDATE, {"input": change}))["updateDestination"]

    assert first["userErrors"] == [] and again["userErrors"] == []
    stored = await stack.stored(VENDOR[provider], destination["nativeId"])
    assert stored is not None and stored["name"] == change["name"]
    assert first["destination"]["name"] == again["destination"]["name"] == change["name"]
    # One write, its reply lost and read back. The repeat is a write of the same name where the vendor's
    # update merges (a rename needs no read first); at Nimriz, which must read, it finds nothing to do.
    writes = await applied_writes(stack, provider, UPDATE_METHOD[provider])
    repeat = [] if provider == "NIMRIZ" else [None]
    assert [c["after_commit"] for c in writes] == [FAULTS[fault]["kind"], *repeat]


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("provider", list(VENDOR))
async def test_a_delete_whose_reply_is_lost_is_known_to_be_done(stack: Stack, provider: str, fault: str) -> None:
    target = await stack.data(CREATE, {"input": await create_input(stack, provider, "To delete")})
    destination = target["createDestination"]["destination"]
    await after_commit(stack, provider, fault, "DELETE", ONE[provider])

    deleted = (await stack.data(DELETE, {"input": {"id": destination["id"]}}))["deleteDestination"]

    assert deleted == {"deletedId": destination["id"], "userErrors": []}
    assert await stack.stored(VENDOR[provider], destination["nativeId"]) is None
    again = (await stack.data(DELETE, {"input": {"id": destination["id"]}}))["deleteDestination"]
    assert [e["code"] for e in again["userErrors"]] == ["NOT_FOUND"]


# -- subscriptions and actions ----------------------------------------------------------------------


async def subscribed_destination(stack: Stack, provider: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A destination of this provider that takes subscriptions, and a subscription input for it."""
    if provider == "NIMRIZ":
        payload = await stack.data(CREATE, {"input": await create_input(stack, provider, "With actions")})
        return payload["createDestination"]["destination"], {"name": "Clicks", "actionType": "send_event"}
    nodes = await stack.destinations_of("SEGMENT", "id nativeId type { actions { key } }")
    target = next(n for n in nodes if n["type"] and n["type"]["actions"])
    return target, {"name": "Tracks", "actionId": target["type"]["actions"][0]["key"], "trigger": 'type = "track"'}


async def subscriptions_named(stack: Stack, destination_id: str, name: str) -> list[dict[str, Any]]:
    query = "query($id: ID!) { destination(id: $id) { subscriptions(first: 100) { nodes { id nativeId name } } } }"
    nodes = (await stack.data(query, {"id": destination_id}))["destination"]["subscriptions"]["nodes"]
    return [n for n in nodes if n["name"] == name]


SUBSCRIPTION_WRITE = {"SEGMENT": ("POST", r"/subscriptions$"), "NIMRIZ": ("PUT", ONE["NIMRIZ"])}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("provider", ["SEGMENT", "NIMRIZ"])
async def test_a_subscription_create_whose_reply_is_lost_is_found_and_a_retry_creates_nothing(
    stack: Stack, provider: str, fault: str
) -> None:
    destination, subscription = await subscribed_destination(stack, provider)
    given = {"destinationId": destination["id"], "subscription": subscription, "idempotencyKey": "sub-1"}
    method, path = SUBSCRIPTION_WRITE[provider]
    await after_commit(stack, provider, fault, method, path)

    first = (await stack.data(CREATE_SUB, {"input": given}))["createDestinationSubscription"]
    retried = (await stack.data(CREATE_SUB, {"input": given}))["createDestinationSubscription"]

    assert first["userErrors"] == [] and retried["userErrors"] == []
    [only] = await subscriptions_named(stack, destination["id"], subscription["name"])
    assert first["subscription"]["nativeId"] == retried["subscription"]["nativeId"] == only["nativeId"]


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("provider", ["SEGMENT", "NIMRIZ"])
async def test_a_subscription_update_and_delete_whose_replies_are_lost_converge(
    stack: Stack, provider: str, fault: str
) -> None:
    destination, subscription = await subscribed_destination(stack, provider)
    made = await stack.data(CREATE_SUB, {"input": {"destinationId": destination["id"], "subscription": subscription}})
    created = made["createDestinationSubscription"]["subscription"]
    method = "PATCH" if provider == "SEGMENT" else "PUT"
    path = r"/subscriptions/[^/]+$" if provider == "SEGMENT" else ONE["NIMRIZ"]
    await after_commit(stack, provider, fault, method, path)

    renamed = await stack.data(UPDATE_SUB, {"input": {"id": created["id"], "name": "Renamed"}})
    assert renamed["updateDestinationSubscription"]["userErrors"] == []
    assert renamed["updateDestinationSubscription"]["subscription"]["name"] == "Renamed"
    assert [s["nativeId"] for s in await subscriptions_named(stack, destination["id"], "Renamed")] == [
        created["nativeId"]
    ]

    delete_method = "DELETE" if provider == "SEGMENT" else "PUT"
    await after_commit(stack, provider, fault, delete_method, path)
    deleted = (await stack.data(DELETE_SUB, {"input": {"id": created["id"]}}))["deleteDestinationSubscription"]
    assert deleted == {"deletedId": created["id"], "userErrors": []}
    assert await subscriptions_named(stack, destination["id"], "Renamed") == []


# -- unknown stays unknown until it is known ---------------------------------------------------------


async def test_a_create_that_cannot_be_read_back_is_outcome_unknown_and_the_retry_reconciles(stack: Stack) -> None:
    given = await create_input(stack, "OURS", "Unknown at first")
    # The POST is applied and its reply lost; every read-back attempt then meets a 503.
    await stack.upstreams["ours"].faults(
        after_commit={"kind": "drop", "mode": "close", "limit": 1},
        queue=[0, 503, 503, 503],
        retry_after=0,
        methods=["POST", "GET"],
        path_pattern=COLLECTION["OURS"],
    )

    first = (await stack.data(CREATE, {"input": given}))["createDestination"]

    assert first["destination"] is None
    [problem] = first["userErrors"]
    assert (problem["field"], problem["code"]) == (["input"], "OUTCOME_UNKNOWN")
    assert "not applied" not in problem["message"]
    retried = (await stack.data(CREATE, {"input": given}))["createDestination"]
    assert retried["userErrors"] == []
    [only] = await named(stack, "OURS", given["name"])
    assert retried["destination"]["nativeId"] == only["nativeId"]
    assert len(await applied_writes(stack, "OURS", "POST")) == 1


async def test_a_retry_after_the_settle_time_still_finds_a_create_applied_late(stack: Stack) -> None:
    """Past write_settle_seconds a retry may write again, but only after reading the vendor once more."""
    settings = stack.app.state.gateway.settings
    stack.app.state.gateway.settings = settings.model_copy(
        update={"gateway": settings.gateway.model_copy(update={"write_settle_seconds": 0})}
    )
    given = await create_input(stack, "ZEOTAP", "Never arrived")
    await stack.upstreams["zeotap"].faults(
        after_commit={"kind": "drop", "mode": "close", "limit": 1},
        queue=[0, 503, 503, 503],
        retry_after=0,
        methods=["POST", "GET"],
        path_pattern=COLLECTION["ZEOTAP"],
    )
    first = (await stack.data(CREATE, {"input": given}))["createDestination"]
    assert [e["code"] for e in first["userErrors"]] == ["OUTCOME_UNKNOWN"]
    # It was applied after all: the settled retry finds it instead of writing again.
    retried = (await stack.data(CREATE, {"input": given}))["createDestination"]
    assert retried["userErrors"] == []
    assert len(await named(stack, "ZEOTAP", given["name"])) == 1
    assert len(await applied_writes(stack, "ZEOTAP", "POST")) == 1


async def test_a_multi_step_create_whose_subscription_reply_is_lost_says_exactly_what_exists(stack: Stack) -> None:
    types = await stack.data(
        "{ destinationTypes(provider: SEGMENT, first: 100) { nodes { key actions { key } "
        "settings { key required type defaultValue } } } }"
    )
    with_actions = next(t for t in types["destinationTypes"]["nodes"] if t["actions"])
    action = with_actions["actions"][0]["key"]
    required = {
        s["key"]: "test_value_0123456789"
        for s in with_actions["settings"]
        if s["required"] and s["defaultValue"] in (None, "") and s["type"] in ("STRING", "SECRET")
    }
    given = {
        "workspaceId": await stack.workspace_id("SEGMENT"),
        "typeKey": with_actions["key"],
        "settings": required,
        "name": "Two steps, one reply lost",
        "subscriptions": [{"name": f"Step {i}", "actionId": action, "trigger": 'type = "track"'} for i in range(2)],
    }
    await after_commit(stack, "SEGMENT", "lost reply", "POST", r"/subscriptions$")
    query = (
        "mutation($input: CreateDestinationInput!) { createDestination(input: $input) { destination { id "
        "subscriptions(first: 10) { nodes { name } } } userErrors { field message code } } }"
    )

    payload = (await stack.query(query, {"input": given}))["data"]["createDestination"]

    assert payload["userErrors"] == []
    names = sorted(n["name"] for n in payload["destination"]["subscriptions"]["nodes"])
    assert names == ["Step 0", "Step 1"]
    for name in names:
        assert len(await subscriptions_named(stack, payload["destination"]["id"], name)) == 1
