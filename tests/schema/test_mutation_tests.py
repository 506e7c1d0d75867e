"""testDestination (Zeotap connection test, Nimriz test-send), testDestinationSettings, and the
destinationTestProgress subscription over a real websocket (both protocols) on a loopback socket."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn
import websockets

from tests.schema.conftest import API_KEY, Stack, build_stack, close_stack

TEST = """
mutation($input: TestDestinationInput!) {
  testDestination(input: $input) {
    result { success steps { name status message } subscription { nativeId name } }
    destination { id connectionStatus connectionError }
    userErrors { field message code }
  }
}
"""
TEST_SETTINGS = """
mutation($input: TestDestinationSettingsInput!) {
  testDestinationSettings(input: $input) { result { success steps { name status message } } userErrors { field code } }
}
"""
PROGRESS = (
    "subscription($input: TestDestinationInput!) { destinationTestProgress(input: $input) { name status message } }"
)


async def _zeotap(stack: Stack, status: str | None = None) -> dict:
    nodes = await stack.destinations_of("ZEOTAP", "id nativeId typeKey connectionStatus settings")
    return next(n for n in nodes if status is None or n["connectionStatus"] == status)


async def test_zeotap_connection_test_updates_the_destination(stack: Stack) -> None:
    target = await _zeotap(stack, "PENDING")
    payload = (await stack.data(TEST, {"input": {"id": target["id"]}}))["testDestination"]
    assert payload["userErrors"] == []
    result = payload["result"]
    assert result["steps"], "the steps the vendor streamed"
    assert payload["destination"]["connectionStatus"] == ("CONNECTED" if result["success"] else "ERROR")


async def test_zeotap_settings_test_reports_failed_and_skipped_steps(stack: Stack) -> None:
    workspace = await stack.workspace_id("ZEOTAP")
    good = await stack.data(
        TEST_SETTINGS,
        {
            "input": {
                "workspaceId": workspace,
                "typeKey": "klaviyo",
                "settings": {"private_api_key": "pk_test_abcdefghijklmnop"},
            }
        },
    )
    assert good["testDestinationSettings"]["result"]["success"] is True
    bad = await stack.data(
        TEST_SETTINGS,
        {
            "input": {
                "workspaceId": workspace,
                "typeKey": "klaviyo",
                "settings": {"private_api_key": "pk_invalid_abcdefghijkl"},
            }
        },
    )
    result = bad["testDestinationSettings"]["result"]
    assert result["success"] is False
    statuses = [s["status"] for s in result["steps"]]
    assert "FAILED" in statuses
    assert statuses[statuses.index("FAILED") + 1 :] == ["SKIPPED"] * (len(statuses) - statuses.index("FAILED") - 1)
    assert "pk_invalid_abcdefghijkl" not in json.dumps(bad)


async def test_settings_test_validates_first(stack: Stack) -> None:
    workspace = await stack.workspace_id("ZEOTAP")
    payload = await stack.data(
        TEST_SETTINGS, {"input": {"workspaceId": workspace, "typeKey": "klaviyo", "settings": {}}}
    )
    assert payload["testDestinationSettings"]["userErrors"] == [
        {"field": ["input", "settings", "private_api_key"], "code": "REQUIRED"}
    ]
    assert await stack.writes("zeotap") == []


async def test_nimriz_test_send_defaults_to_the_first_enabled_action(stack: Stack) -> None:
    nodes = await stack.destinations_of(
        "NIMRIZ", "id nativeId subscriptions(first: 10) { nodes { id nativeId enabled } }"
    )
    target = next(n for n in nodes if any(s["enabled"] for s in n["subscriptions"]["nodes"]))
    first_enabled = next(s for s in target["subscriptions"]["nodes"] if s["enabled"])
    payload = (await stack.data(TEST, {"input": {"id": target["id"]}}))["testDestination"]
    assert payload["userErrors"] == []
    assert payload["result"]["success"] is True
    assert payload["result"]["subscription"]["nativeId"] == first_enabled["nativeId"]
    explicit = (await stack.data(TEST, {"input": {"id": target["id"], "subscriptionId": first_enabled["id"]}}))[
        "testDestination"
    ]
    assert explicit["result"]["subscription"]["nativeId"] == first_enabled["nativeId"]


async def test_destinations_without_tests_say_unsupported(stack: Stack) -> None:
    [ours] = (await stack.destinations_of("OURS"))[:1]
    payload = (await stack.data(TEST, {"input": {"id": ours["id"]}}))["testDestination"]
    assert payload["userErrors"][0]["code"] == "UNSUPPORTED"


@pytest.fixture
async def served() -> AsyncIterator[tuple[Stack, str]]:
    """The gateway under uvicorn on a loopback port (emulators in process behind it)."""
    stack = await build_stack()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(stack.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
        await asyncio.sleep(0.02)
    try:
        yield stack, f"ws://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        await task
        await close_stack(stack)


async def _transport_ws(url: str, variables: dict, *, auth_in_payload: bool) -> list[dict]:
    headers = {} if auth_in_payload else {"Authorization": f"Bearer {API_KEY}"}
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"], additional_headers=headers) as ws:
        payload = {"Authorization": f"Bearer {API_KEY}"} if auth_in_payload else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": PROGRESS, "variables": variables}})
        )
        messages = []
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            messages.append(message)
            if message["type"] in ("complete", "error"):
                return messages


async def test_test_progress_streams_over_graphql_transport_ws(served: tuple[Stack, str]) -> None:
    stack, url = served
    target = await _zeotap(stack, "PENDING")
    await stack.upstreams["zeotap"].faults(sse_step_delay_ms=30)
    messages = await _transport_ws(url, {"input": {"id": target["id"]}}, auth_in_payload=True)
    steps = [m["payload"]["data"]["destinationTestProgress"] for m in messages if m["type"] == "next"]
    assert len(steps) >= 2
    assert messages[-1]["type"] == "complete"
    assert all(s["status"] in ("PASSED", "FAILED", "SKIPPED", "RUNNING") for s in steps)
    refreshed = await stack.data(f'{{ destination(id: "{target["id"]}") {{ connectionStatus }} }}')
    assert refreshed["destination"]["connectionStatus"] in ("CONNECTED", "ERROR")


async def test_test_progress_streams_over_legacy_graphql_ws(served: tuple[Stack, str]) -> None:
    stack, url = served
    target = await _zeotap(stack)
    async with websockets.connect(
        url, subprotocols=["graphql-ws"], additional_headers={"Authorization": f"Bearer {API_KEY}"}
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "start",
                    "payload": {"query": PROGRESS, "variables": {"input": {"id": target["id"]}}},
                }
            )
        )
        kinds, steps = [], []
        while not kinds or kinds[-1] != "complete":
            message = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if message["type"] == "ka":
                continue
            kinds.append(message["type"])
            if message["type"] == "data":
                steps.append(message["payload"]["data"]["destinationTestProgress"])
    assert len(steps) >= 2


async def test_a_query_over_legacy_graphql_ws_answers_once_then_completes(served: tuple[Stack, str]) -> None:
    _, url = served
    async with websockets.connect(
        url, subprotocols=["graphql-ws"], additional_headers={"Authorization": f"Bearer {API_KEY}"}
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        for operation_id, query in (("1", "{ workspaces { provider } }"), ("2", "{ workspaces { nope } }")):
            await ws.send(json.dumps({"id": operation_id, "type": "start", "payload": {"query": query}}))
            messages = []
            while not messages or messages[-1]["type"] not in ("complete", "error"):
                message = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if message["type"] != "ka":
                    messages.append(message)
            assert [m["type"] for m in messages] in (["data", "complete"], ["error"])
            if operation_id == "1":
                data = messages[0]["payload"]["data"]
                assert {w["provider"] for w in data["workspaces"]} == {"SEGMENT", "OURS", "ZEOTAP", "NIMRIZ"}
            else:
                [error] = messages[0]["payload"]["errors"]
                assert error["extensions"]["code"] != "INTERNAL"


async def test_a_websocket_without_a_key_is_refused(served: tuple[Stack, str]) -> None:
    _, url = served
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer wrong"}}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd.code == 4403


async def test_progress_of_a_provider_without_connection_tests_is_an_error(served: tuple[Stack, str]) -> None:
    stack, url = served
    [ours] = (await stack.destinations_of("OURS"))[:1]
    messages = await _transport_ws(url, {"input": {"id": ours["id"]}}, auth_in_payload=False)
    # The error arrives as a result with errors (then complete), or as an error message.
    errors = [
        m["payload"] if m["type"] == "error" else m["payload"].get("errors")
        for m in messages[:-1] + messages[-1:]
        if m["type"] in ("error", "next")
    ]
    assert "UNSUPPORTED" in json.dumps(errors)
    assert not any(m["type"] == "next" and m["payload"].get("data") for m in messages)
