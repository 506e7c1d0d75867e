"""createDestination, updateDestination, deleteDestination on every vendor: dryRun, merges, nothing lost."""

from __future__ import annotations

import pytest

from tests.schema.conftest import Stack

CREATE = """
mutation($input: CreateDestinationInput!) {
  createDestination(input: $input) {
    destination { id nativeId provider name typeKey enabled settings secretSettingKeys sourceIds
                  subscriptions(first: 10) { nodes { name actionType trigger } } }
    changes { field before after }
    userErrors { field message code }
  }
}
"""
UPDATE = """
mutation($input: UpdateDestinationInput!) {
  updateDestination(input: $input) {
    destination { id name enabled settings subscriptions(first: 20) { totalCount nodes { nativeId name } } }
    changes { field before after }
    userErrors { field message code }
  }
}
"""
DELETE = """
mutation($input: DeleteDestinationInput!) {
  deleteDestination(input: $input) { deletedId changes { field before after } userErrors { field message code } }
}
"""

SECRET = "sk_test_0123456789abcdefWXYZ"

CREATES = {
    "SEGMENT": {"typeKey": "amplitude", "settings": {"apiKey": SECRET}},
    "OURS": {"typeKey": "Klaviyo", "settings": {"projectAPIKey": SECRET}},
    "ZEOTAP": {"typeKey": "klaviyo", "settings": {"private_api_key": SECRET}},
    "NIMRIZ": {"typeKey": "segment", "settings": {"write_key": SECRET}},
}
VENDOR = {"SEGMENT": "segment", "OURS": "ours", "ZEOTAP": "zeotap", "NIMRIZ": "nimriz"}


async def _create(stack: Stack, provider: str, **extra) -> dict:
    given = {
        "workspaceId": await stack.workspace_id(provider),
        "name": f"New {provider.title()}",
        **CREATES[provider],
        **extra,
    }
    return (await stack.data(CREATE, {"input": given}))["createDestination"]


@pytest.mark.parametrize("provider", list(CREATES))
async def test_create_writes_once_and_returns_the_destination_masked(stack: Stack, provider: str) -> None:
    payload = await _create(stack, provider)
    assert payload["userErrors"] == []
    destination = payload["destination"]
    assert destination["provider"] == provider
    assert destination["typeKey"] == CREATES[provider]["typeKey"]
    assert SECRET not in str(payload)
    key = next(iter(CREATES[provider]["settings"]))
    assert key in destination["secretSettingKeys"]
    stored = await stack.stored(VENDOR[provider], destination["nativeId"])
    assert SECRET in str(stored), "the vendor holds the real secret"
    writes = await stack.writes(VENDOR[provider])
    assert len(writes) == 1, writes


@pytest.mark.parametrize("provider", list(CREATES))
async def test_create_dry_run_plans_and_writes_nothing(stack: Stack, provider: str) -> None:
    payload = await _create(stack, provider, dryRun=True)
    assert payload["userErrors"] == []
    assert payload["destination"] is None
    fields = {tuple(c["field"]) for c in payload["changes"]}
    assert ("name",) in fields
    assert SECRET not in str(payload)
    assert await stack.writes(VENDOR[provider]) == []


@pytest.mark.parametrize("provider", list(CREATES))
async def test_masked_value_sent_back_keeps_the_stored_secret(stack: Stack, provider: str) -> None:
    created = (await _create(stack, provider))["destination"]
    key = next(iter(CREATES[provider]["settings"]))
    masked = created["settings"][key]
    assert masked.startswith("\u2022")
    payload = (
        await stack.data(UPDATE, {"input": {"id": created["id"], "name": "Renamed", "settings": {key: masked}}})
    )["updateDestination"]
    assert payload["userErrors"] == []
    assert payload["destination"]["name"] == "Renamed"
    assert SECRET in str(await stack.stored(VENDOR[provider], created["nativeId"]))


async def test_update_merges_key_by_key_and_null_removes(stack: Stack) -> None:
    created = (await _create(stack, "ZEOTAP", settings={"private_api_key": SECRET, "api_revision": "2024-10-15"}))[
        "destination"
    ]
    payload = (await stack.data(UPDATE, {"input": {"id": created["id"], "settings": {"api_revision": None}}}))[
        "updateDestination"
    ]
    assert payload["userErrors"] == []
    assert payload["changes"] == [{"field": ["settings", "api_revision"], "before": "2024-10-15", "after": None}]
    stored = await stack.stored("zeotap", created["nativeId"])
    assert "api_revision" not in stored["config"]
    assert stored["config"]["private_api_key"] == SECRET


async def test_update_with_a_new_secret_replaces_it_and_shows_it_masked(stack: Stack) -> None:
    created = (await _create(stack, "OURS"))["destination"]
    new = "sk_test_rotated_000000001111"
    payload = (await stack.data(UPDATE, {"input": {"id": created["id"], "settings": {"projectAPIKey": new}}}))[
        "updateDestination"
    ]
    assert payload["userErrors"] == []
    assert new not in str(payload)
    assert payload["changes"][0]["field"] == ["settings", "projectAPIKey"]
    assert new in str(await stack.stored("ours", created["nativeId"]))


async def test_update_dry_run_writes_nothing(stack: Stack) -> None:
    [target] = (await stack.destinations_of("OURS"))[:1]
    await stack.clear_calls()
    payload = (await stack.data(UPDATE, {"input": {"id": target["id"], "name": "Planned", "dryRun": True}}))[
        "updateDestination"
    ]
    assert payload["changes"] == [{"field": ["name"], "before": target["name"], "after": "Planned"}]
    assert await stack.writes("ours") == []


async def test_renaming_a_nimriz_destination_keeps_its_actions(stack: Stack) -> None:
    nodes = await stack.destinations_of(
        "NIMRIZ", "id nativeId subscriptions(first: 10) { totalCount nodes { nativeId } }"
    )
    target = next(n for n in nodes if n["subscriptions"]["totalCount"] >= 2)
    before = [s["nativeId"] for s in target["subscriptions"]["nodes"]]
    payload = (await stack.data(UPDATE, {"input": {"id": target["id"], "name": "Renamed Nimriz"}}))["updateDestination"]
    assert payload["userErrors"] == []
    assert [s["nativeId"] for s in payload["destination"]["subscriptions"]["nodes"]] == before
    stored = await stack.stored("nimriz", target["nativeId"])
    assert [a["id"] for a in stored["actions"]] == before


@pytest.mark.parametrize("provider", list(CREATES))
async def test_delete_and_its_dry_run(stack: Stack, provider: str) -> None:
    created = (await _create(stack, provider))["destination"]
    await stack.clear_calls()
    planned = (await stack.data(DELETE, {"input": {"id": created["id"], "dryRun": True}}))["deleteDestination"]
    assert planned["deletedId"] is None
    assert planned["userErrors"] == []
    assert planned["changes"][0]["field"] == ["destination"]
    assert await stack.writes(VENDOR[provider]) == []
    done = (await stack.data(DELETE, {"input": {"id": created["id"]}}))["deleteDestination"]
    assert done["deletedId"] == created["id"]
    assert await stack.stored(VENDOR[provider], created["nativeId"]) is None


BARE_DELETE = """
mutation($input: DeleteDestinationInput!) {
  deleteDestination(input: $input) { deletedId ... on DeleteDestinationPayload { userErrors { field code } } }
}"""


@pytest.mark.parametrize("provider", list(CREATES))
async def test_a_delete_not_asked_for_its_changes_is_one_call_and_a_repeat_is_not_found(
    stack: Stack, provider: str
) -> None:
    created = (await _create(stack, provider))["destination"]
    await stack.clear_calls()
    done = (await stack.data(BARE_DELETE, {"input": {"id": created["id"]}}))["deleteDestination"]
    assert done == {"deletedId": created["id"], "userErrors": []}
    [call] = await stack.upstreams[VENDOR[provider]].calls()
    assert call["method"] == "DELETE"
    assert await stack.stored(VENDOR[provider], created["nativeId"]) is None
    again = (await stack.data(BARE_DELETE, {"input": {"id": created["id"]}}))["deleteDestination"]
    assert again == {"deletedId": None, "userErrors": [{"field": ["input", "id"], "code": "NOT_FOUND"}]}


async def test_a_refused_one_call_delete_still_names_what_uses_the_destination(stack: Stack) -> None:
    zeotap = stack.upstreams["zeotap"].control
    headers = {"Authorization": "Bearer emulator-token", "X-Workspace-ID": "ws-demo"}
    used = (await zeotap.get("/api/v1/workspaces/ws-demo/syncs", headers=headers)).json()[0]["destination_id"]
    target = next(n for n in await stack.destinations_of("ZEOTAP") if n["nativeId"] == used)
    await stack.clear_calls()
    payload = (await stack.data(BARE_DELETE, {"input": {"id": target["id"]}}))["deleteDestination"]
    assert payload == {"deletedId": None, "userErrors": [{"field": ["input", "id"], "code": "IN_USE"}]}
    calls = [(c["method"], c["path"].rsplit("/", 1)[-1]) for c in await stack.upstreams["zeotap"].calls()]
    # the refused DELETE, then the syncs that explain it: no read of the destination before
    assert calls == [("DELETE", used), ("GET", "syncs"), ("GET", "audience-syncs")]


async def test_changes_asked_for_in_a_fragment_are_read_before_the_delete(stack: Stack) -> None:
    created = (await _create(stack, "OURS"))["destination"]
    await stack.clear_calls()
    query = """mutation($input: DeleteDestinationInput!) { deleteDestination(input: $input) { ...Done } }
    fragment Done on DeleteDestinationPayload { deletedId changes { field } }"""
    done = (await stack.data(query, {"input": {"id": created["id"]}}))["deleteDestination"]
    assert done["deletedId"] == created["id"] and done["changes"][0]["field"] == ["destination"]
    assert [c["method"] for c in await stack.upstreams["ours"].calls()] == ["GET", "DELETE"]


RENAME = """
mutation($input: UpdateDestinationInput!) {
  updateDestination(input: $input) { destination { nativeId name enabled } userErrors { field code } }
}"""


@pytest.mark.parametrize("provider", list(CREATES))
async def test_a_rename_not_asked_for_its_changes_reads_only_where_the_vendor_replaces(
    stack: Stack, provider: str
) -> None:
    created = (await _create(stack, provider))["destination"]
    await stack.clear_calls()
    done = (await stack.data(RENAME, {"input": {"id": created["id"], "name": "Renamed"}}))["updateDestination"]
    assert done == {
        "destination": {"nativeId": created["nativeId"], "name": "Renamed", "enabled": True},
        "userErrors": [],
    }
    assert (await stack.stored(VENDOR[provider], created["nativeId"]))["name"] == "Renamed"
    methods = [c["method"] for c in await stack.upstreams[VENDOR[provider]].calls()]
    # Nimriz's PUT replaces the action list, which must be read to be sent back
    assert methods == {"SEGMENT": ["PATCH"], "OURS": ["PATCH"], "ZEOTAP": ["PUT"], "NIMRIZ": ["GET", "PUT"]}[provider]


@pytest.mark.parametrize("provider", ["SEGMENT", "OURS", "ZEOTAP"])
async def test_a_rename_of_a_destination_the_vendor_lacks_is_not_found(stack: Stack, provider: str) -> None:
    created = (await _create(stack, provider))["destination"]
    await stack.data(BARE_DELETE, {"input": {"id": created["id"]}})
    renamed = (await stack.data(RENAME, {"input": {"id": created["id"], "name": "Gone"}}))["updateDestination"]
    assert renamed == {"destination": None, "userErrors": [{"field": ["input", "id"], "code": "NOT_FOUND"}]}


async def test_a_rename_that_asks_for_its_changes_or_holds_a_version_reads_first(stack: Stack) -> None:
    created = (await _create(stack, "OURS"))["destination"]
    await stack.clear_calls()
    told = (await stack.data(UPDATE, {"input": {"id": created["id"], "name": "Told"}}))["updateDestination"]
    assert [c for c in told["changes"] if c["field"] == ["name"]] == [
        {"field": ["name"], "before": created["name"], "after": "Told"}
    ]
    assert [c["method"] for c in await stack.upstreams["ours"].calls()] == ["GET", "PATCH"]
    await stack.clear_calls()
    held = {"id": created["id"], "name": "Held", "expectedVersion": "not-the-version"}
    refused = (await stack.data(RENAME, {"input": held}))["updateDestination"]
    assert [e["code"] for e in refused["userErrors"]] == ["CONFLICT"]
    assert [c["method"] for c in await stack.upstreams["ours"].calls()] == ["GET"]


async def test_enabled_alone_at_zeotap_writes_nothing_it_need_not(stack: Stack) -> None:
    created = (await _create(stack, "ZEOTAP"))["destination"]
    await stack.clear_calls()
    kept = (await stack.data(RENAME, {"input": {"id": created["id"], "enabled": True}}))["updateDestination"]
    assert kept["userErrors"] == [] and kept["destination"]["name"] == created["name"]
    # Zeotap has no enabled flag: nothing to send, so the destination is read to be answered
    assert [c["method"] for c in await stack.upstreams["zeotap"].calls()] == ["GET"]
    refused = (await stack.data(RENAME, {"input": {"id": created["id"], "enabled": False}}))["updateDestination"]
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [(["input", "enabled"], "UNSUPPORTED")]
    assert [c["method"] for c in await stack.upstreams["zeotap"].calls()] == ["GET"]


async def test_zeotap_refuses_deleting_a_destination_in_use(stack: Stack) -> None:
    control = stack.upstreams["zeotap"].control
    listed = await control.get(
        "/api/v1/workspaces/ws-demo/syncs",
        headers={"Authorization": "Bearer emulator-token", "X-Workspace-ID": "ws-demo"},
    )
    used = listed.json()[0]["destination_id"]
    nodes = await stack.destinations_of("ZEOTAP")
    target = next(n for n in nodes if n["nativeId"] == used)
    await stack.clear_calls()
    for dry_run in (True, False):
        payload = (await stack.data(DELETE, {"input": {"id": target["id"], "dryRun": dry_run}}))["deleteDestination"]
        assert payload["deletedId"] is None
        assert payload["userErrors"][0]["code"] == "IN_USE"
        assert payload["userErrors"][0]["field"] == ["input", "id"]
        assert "reverse ETL sync" in payload["userErrors"][0]["message"]
    # the dryRun wrote nothing; the delete went to Zeotap, which refused it (409) and kept it
    [refused] = await stack.writes("zeotap")
    assert (refused["method"], refused["status"]) == ("DELETE", 409)
    assert await stack.stored("zeotap", used) is not None


async def test_a_delete_that_goes_through_reads_nothing_of_what_might_have_blocked_it(stack: Stack) -> None:
    zeotap = stack.upstreams["zeotap"].control
    headers = {"Authorization": "Bearer emulator-token", "X-Workspace-ID": "ws-demo"}
    used = {
        row["destination_id"]
        for collection in ("syncs", "audience-syncs")
        for row in (await zeotap.get(f"/api/v1/workspaces/ws-demo/{collection}", headers=headers)).json()
    }
    target = next(n for n in await stack.destinations_of("ZEOTAP") if n["nativeId"] not in used)
    await stack.clear_calls()
    payload = (await stack.data(DELETE, {"input": {"id": target["id"]}}))["deleteDestination"]
    assert payload["deletedId"] == target["id"]
    paths = [c["path"] for c in await stack.upstreams["zeotap"].calls()]
    assert not [p for p in paths if p.endswith("syncs")]


async def test_vendor_refusal_is_upstream_rejected_with_the_vendors_message_scrubbed(stack: Stack) -> None:
    # Nimriz refuses an endpoint URL that is not a URL; the gateway's catalog cannot know that rule.
    given = {
        "workspaceId": await stack.workspace_id("NIMRIZ"),
        "name": "Hook",
        "typeKey": "generic_http",
        "settings": {"endpoint_url": "not a url", "signing_secret": SECRET},
    }
    payload = (await stack.data(CREATE, {"input": given}))["createDestination"]
    assert payload["destination"] is None
    [error] = payload["userErrors"]
    assert error["code"] == "UPSTREAM_REJECTED"
    assert SECRET not in error["message"]


async def test_segment_create_uses_the_workspace_default_source(stack: Stack) -> None:
    payload = await _create(stack, "SEGMENT")
    assert payload["destination"]["sourceIds"] == ["rh5BDZp6QDHvXFCkibm1pR"]
