"""Writes that lose nothing under concurrency, and optimistic concurrency with expectedVersion.

Every write to an existing destination holds that destination's lock around a fresh read and the
write, so concurrent writes through the gateway apply one after another, whatever each vendor's
API does (Zeotap replaces config whole, Nimriz credentials and actions whole). Outcomes are read
back from the emulators' own state.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from destgraph.emulators.core import DEFAULT_TOKEN
from tests.schema.conftest import Stack

CREATE = """
mutation($input: CreateDestinationInput!) {
  createDestination(input: $input) { destination { id nativeId version } userErrors { field message code } }
}
"""
UPDATE = """
mutation($input: UpdateDestinationInput!) {
  updateDestination(input: $input) { destination { id name version } userErrors { field message code } }
}
"""
SUBSCRIBE = """
mutation($input: CreateDestinationSubscriptionInput!) {
  createDestinationSubscription(input: $input) { subscription { id name } userErrors { field message code } }
}
"""
UPDATE_SUBSCRIPTION = """
mutation($input: UpdateDestinationSubscriptionInput!) {
  updateDestinationSubscription(input: $input) { subscription { id name version } userErrors { field code } }
}
"""

#: per vendor: a type, what a create needs, and the settings each concurrent update changes (one key each)
CASES: dict[str, dict[str, Any]] = {
    "SEGMENT": {
        "typeKey": "amplitude",
        "settings": {"apiKey": "sk_test_amplitude_0000000001"},
        "changes": {
            "groupTypeTrait": "company-type",
            "groupValueTrait": "company-id",
            "eventUploadThreshold": 77,
            "eventUploadPeriodMillis": 4321,
            "batchEvents": True,
            "forceHttps": True,
        },
    },
    "OURS": {
        "typeKey": "HTTPDestination",
        "settings": {"url": "https://hooks.example.test/start"},
        "changes": {
            "url": "https://hooks.example.test/changed",
            "authorizationHeader": "Bearer test_ours_token_000000001",
            "customHeaderName": "X-Team",
            "customHeaderValue": "test_header_value_0000001",
            "batchEvents": True,
        },
    },
    "ZEOTAP": {
        "typeKey": "webhook",
        "settings": {"url": "https://hooks.example.test/start"},
        "changes": {
            "url": "https://hooks.example.test/changed",
            "method": "PUT",
            "content_type": "application/x-www-form-urlencoded",
            "batch_mode": "individual",
            "authorization_header": "Bearer test_zeotap_token_00000001",
            "api_key": "test_zeotap_api_key_000000001",
        },
    },
    "NIMRIZ": {
        "typeKey": "ad_pixel_interstitial",
        "settings": {},
        "changes": {
            "meta_pixel_id": "123456789012345",
            "tiktok_pixel_code": "CTIKTOK0001",
            "google_tag_id": "G-TESTTAG001",
            "linkedin_partner_id": "4242",
        },
    },
}
VENDOR = {"SEGMENT": "segment", "OURS": "ours", "ZEOTAP": "zeotap", "NIMRIZ": "nimriz"}
#: where each vendor keeps a destination's settings in the emulator's state
STORED_SETTINGS = {"SEGMENT": "settings", "OURS": "settings", "ZEOTAP": "config", "NIMRIZ": "credentials"}


async def created(stack: Stack, provider: str) -> dict[str, Any]:
    case = CASES[provider]
    given = {
        "workspaceId": await stack.workspace_id(provider),
        "typeKey": case["typeKey"],
        "name": f"Concurrent {provider.title()}",
        "settings": case["settings"],
    }
    payload = (await stack.data(CREATE, {"input": given}))["createDestination"]
    assert payload["userErrors"] == []
    destination: dict[str, Any] = payload["destination"]
    return destination


async def stored(stack: Stack, provider: str, native_id: str) -> dict[str, Any]:
    record = await stack.stored(VENDOR[provider], native_id)
    assert record is not None
    return record


@pytest.mark.parametrize("provider", list(CASES))
async def test_twenty_concurrent_updates_of_different_keys_and_names_keep_every_change(
    stack: Stack, provider: str
) -> None:
    destination = await created(stack, provider)
    changes = CASES[provider]["changes"]
    updates = [{"id": destination["id"], "settings": {key: value}} for key, value in changes.items()]
    renames = [{"id": destination["id"], "name": f"Renamed {i}"} for i in range(20 - len(updates))]
    # A little latency, so reads and writes would interleave if nothing serialized them.
    await stack.upstreams[VENDOR[provider]].faults(latency_ms=3)

    answers = await asyncio.gather(*(stack.data(UPDATE, {"input": given}) for given in [*updates, *renames]))

    assert all(a["updateDestination"]["userErrors"] == [] for a in answers)
    record = await stored(stack, provider, destination["nativeId"])
    held = record[STORED_SETTINGS[provider]]
    assert {key: held.get(key) for key in changes} == changes
    assert record["name"] in {r["name"] for r in renames}


async def test_concurrent_action_creates_and_a_rename_lose_nothing_on_nimriz(stack: Stack) -> None:
    given = {
        "workspaceId": await stack.workspace_id("NIMRIZ"),
        "typeKey": "segment",
        "name": "Actions under fire",
        "settings": {"write_key": "test_write_key_000000000001"},
        "subscriptions": [{"name": "First", "actionType": "send_event"}],
    }
    destination = (await stack.data(CREATE, {"input": given}))["createDestination"]["destination"]
    before, action_type = 1, "send_event"
    await stack.upstreams["nimriz"].faults(latency_ms=3)
    creates = [
        stack.data(
            SUBSCRIBE,
            {
                "input": {
                    "destinationId": destination["id"],
                    "subscription": {"name": f"Action {i}", "actionType": action_type},
                }
            },
        )
        for i in range(8)
    ]
    rename = stack.data(UPDATE, {"input": {"id": destination["id"], "name": "Renamed while adding"}})

    answers = await asyncio.gather(*creates, rename)

    assert all(not next(iter(a.values()))["userErrors"] for a in answers)
    record = await stored(stack, "NIMRIZ", destination["nativeId"])
    assert record["name"] == "Renamed while adding"
    assert len(record["actions"]) == before + 8
    assert {f"Action {i}" for i in range(8)} <= {a["name"] for a in record["actions"]}


@pytest.mark.parametrize("provider", list(CASES))
async def test_a_stale_expected_version_is_a_conflict_and_writes_nothing(stack: Stack, provider: str) -> None:
    destination = await created(stack, provider)
    first = (await stack.data(UPDATE, {"input": {"id": destination["id"], "name": "First"}}))["updateDestination"]
    assert first["destination"]["version"] != destination["version"]
    await stack.clear_calls()

    stale = await stack.data(
        UPDATE, {"input": {"id": destination["id"], "name": "Second", "expectedVersion": destination["version"]}}
    )

    assert stale["updateDestination"]["userErrors"] == [
        {
            "field": ["input", "expectedVersion"],
            "message": stale["updateDestination"]["userErrors"][0]["message"],
            "code": "CONFLICT",
        }
    ]
    assert await stack.writes(VENDOR[provider]) == []
    assert (await stored(stack, provider, destination["nativeId"]))["name"] == "First"
    fresh = await stack.data(
        UPDATE,
        {"input": {"id": destination["id"], "name": "Second", "expectedVersion": first["destination"]["version"]}},
    )
    assert fresh["updateDestination"]["userErrors"] == []
    assert (await stored(stack, provider, destination["nativeId"]))["name"] == "Second"


DIRECT_EDITS = {
    "SEGMENT": ("PATCH", "/destinations/{id}", {"name": "Edited at Segment"}),
    "OURS": ("PATCH", "/rest/v1/destinations/{id}", {"name": "Edited at Ours"}),
    "ZEOTAP": ("PUT", "/api/v1/workspaces/ws-demo/destinations/{id}", {"name": "Edited at Zeotap"}),
}


@pytest.mark.parametrize("provider", list(DIRECT_EDITS))
async def test_an_edit_made_directly_at_the_vendor_changes_the_version(stack: Stack, provider: str) -> None:
    destination = await created(stack, provider)
    method, path, body = DIRECT_EDITS[provider]
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}", "X-Workspace-ID": "ws-demo"}
    control = stack.upstreams[VENDOR[provider]].control
    edited = await control.request(method, path.format(id=destination["nativeId"]), json=body, headers=headers)
    assert edited.status_code < 300, edited.text

    stale = await stack.data(
        UPDATE, {"input": {"id": destination["id"], "name": "Mine", "expectedVersion": destination["version"]}}
    )

    assert [e["code"] for e in stale["updateDestination"]["userErrors"]] == ["CONFLICT"]
    assert (await stored(stack, provider, destination["nativeId"]))["name"] == body["name"]


async def test_an_action_edited_at_nimriz_changes_the_destination_version(stack: Stack) -> None:
    destination = (await stack.destinations_of("NIMRIZ", "id nativeId version"))[0]
    record = await stored(stack, "NIMRIZ", destination["nativeId"])
    actions = [{**a, "name": a["name"] + " (edited)"} for a in record["actions"]]
    headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}
    path = f"/api/integrations/destinations/{destination['nativeId']}"
    edited = await stack.upstreams["nimriz"].control.put(path, json={"actions": actions}, headers=headers)
    assert edited.status_code < 300, edited.text

    stale = await stack.data(
        UPDATE, {"input": {"id": destination["id"], "name": "Mine", "expectedVersion": destination["version"]}}
    )

    assert [e["code"] for e in stale["updateDestination"]["userErrors"]] == ["CONFLICT"]


async def test_a_stale_subscription_version_is_a_conflict(stack: Stack) -> None:
    destination = await stack.destinations_of("SEGMENT", "id subscriptions { nodes { id version } }")
    subscription = next(d for d in destination if d["subscriptions"]["nodes"])["subscriptions"]["nodes"][0]
    await stack.data(UPDATE_SUBSCRIPTION, {"input": {"id": subscription["id"], "name": "Renamed first"}})

    stale = await stack.data(
        UPDATE_SUBSCRIPTION,
        {"input": {"id": subscription["id"], "name": "Renamed second", "expectedVersion": subscription["version"]}},
    )

    assert stale["updateDestinationSubscription"]["userErrors"] == [
        {"field": ["input", "expectedVersion"], "code": "CONFLICT"}
    ]
