"""@defer and @stream through the whole stack: multipart/mixed parts as they come, or one merged answer.

Over a real socket (uvicorn on loopback, over the in-process emulators) one vendor slowed by 2 s
in its emulator: the other vendors' parts reach the client first, the slow vendor's part after
its emulator answered, as the emulators' request logs show.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
import websockets

from tests.schema.conftest import API_KEY, WORKSPACES, Stack, build_stack, close_stack
from tests.schema.test_observability import Logs, logs  # noqa: F401 - the log-capturing fixture

AUTH = {"Authorization": f"Bearer {API_KEY}"}
MULTIPART = "multipart/mixed; deferSpec=20220824, application/graphql-response+json, application/json;q=0.9"
#: the example frontend's query: each workspace's destinations deferred
PER_WORKSPACE = """query PerWorkspace {
  workspaces {
    key
    provider
    ... @defer(label: "workspace") {
      destinations(first: 100) { totalCount nodes { id name provider } }
    }
  }
}"""
PLAIN = PER_WORKSPACE.replace('... @defer(label: "workspace") {', "... {")
DELIMITER = b"\r\n---"


def split_parts(raw: bytes) -> tuple[list[dict[str, Any]], bytes]:
    """The whole parts in ``raw`` (each ended by the next delimiter), and what is left over."""
    segments = raw.split(DELIMITER)
    parts = []
    for segment in segments[1:-1]:
        head, _, body = segment.partition(b"\r\n\r\n")
        assert b"content-type: application/json" in head.lower(), head
        parts.append(json.loads(body))
    return parts, segments[-1]


async def post_parts(client: httpx.AsyncClient, query: str, url: str = "/graphql") -> list[dict[str, Any]]:
    response = await client.post(url, json={"query": query}, headers={**AUTH, "Accept": MULTIPART})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == 'multipart/mixed; boundary="-"; deferSpec=20220824'
    assert response.headers["cache-control"] == "no-store"
    parts, rest = split_parts(response.content)
    assert rest == b"--\r\n"  # the close delimiter, last
    return parts


def by_provider(workspaces: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {w["provider"]: w for w in workspaces}


async def test_each_workspace_arrives_in_a_part_of_its_own(stack: Stack) -> None:
    parts = await post_parts(stack.client, PER_WORKSPACE)
    first, later = parts[0], parts[1:]
    assert first["hasNext"] is True
    assert [w["key"] for w in first["data"]["workspaces"]] == list(WORKSPACES.values())
    assert all("destinations" not in w for w in first["data"]["workspaces"])
    pending = {p["id"]: p for p in first["pending"]}
    assert sorted(p["path"] for p in pending.values()) == [["workspaces", i] for i in range(4)]
    assert {p["label"] for p in pending.values()} == {"workspace"}
    entries = [entry for part in later for entry in part.get("incremental", ())]
    assert len(entries) == 4
    for entry in entries:
        # both wire formats: graphql-js 17's id (with pending's path), 2022-08-24's whole path and label
        assert entry["path"] == pending[entry["id"]]["path"]
        assert entry["label"] == "workspace"
        assert len(entry["data"]["destinations"]["nodes"]) == 40
    assert sorted(c["id"] for part in later for c in part.get("completed", ())) == sorted(pending)
    assert [part["hasNext"] for part in later][-1] is False
    assert all(part["hasNext"] for part in later[:-1])


async def test_the_last_part_holds_the_cost_of_every_part(stack: Stack) -> None:
    await stack.clear_calls()
    parts = await post_parts(stack.client, PER_WORKSPACE)
    initial, final = parts[0]["extensions"]["cost"], parts[-1]["extensions"]["cost"]
    assert initial["actualQueryCost"] == 0  # the workspaces come from the configuration
    assert final["requestedQueryCost"] == initial["requestedQueryCost"] > 0
    assert final["actualQueryCost"] == await stack.total_calls() == 4  # one list call per vendor


async def test_a_client_without_multipart_gets_the_parts_merged(stack: Stack) -> None:
    merged = await stack.client.post("/graphql", json={"query": PER_WORKSPACE}, headers=AUTH)
    assert merged.headers["content-type"] == "application/json"
    plain = await stack.client.post("/graphql", json={"query": PLAIN}, headers=AUTH)
    assert merged.json()["data"] == plain.json()["data"]
    assert "errors" not in merged.json()
    assert (
        merged.json()["extensions"]["cost"]["requestedQueryCost"]
        == plain.json()["extensions"]["cost"]["requestedQueryCost"]
    )


async def test_stream_sends_list_items_in_later_parts(stack: Stack) -> None:
    query = "{ workspaces @stream(initialCount: 1) { key provider } }"
    parts = await post_parts(stack.client, query)
    assert [w["key"] for w in parts[0]["data"]["workspaces"]] == [WORKSPACES["segment"]]
    [pending] = parts[0]["pending"]
    assert pending["path"] == ["workspaces"]
    items, paths = [], []
    for part in parts[1:]:
        for entry in part.get("incremental", ()):
            assert entry["id"] == pending["id"]
            paths.append(entry["path"])
            items.extend(entry["items"])
    assert [w["key"] for w in items] == list(WORKSPACES.values())[1:]
    assert paths[0] == ["workspaces", 1]  # 2022-08-24: the index of the first item it carries
    merged = await stack.client.post("/graphql", json={"query": query}, headers=AUTH)
    assert [w["key"] for w in merged.json()["data"]["workspaces"]] == list(WORKSPACES.values())


async def test_a_page_of_destinations_can_be_streamed_per_workspace(stack: Stack) -> None:
    query = """{ workspaces { provider destinations(first: 5) { nodes @stream(initialCount: 2) { name } } } }"""
    parts = await post_parts(stack.client, query)
    assert all(len(w["destinations"]["nodes"]) == 2 for w in parts[0]["data"]["workspaces"])
    streamed = [e for part in parts[1:] for e in part.get("incremental", ())]
    assert sum(len(e["items"]) for e in streamed) == 4 * 3
    merged = (await stack.client.post("/graphql", json={"query": query}, headers=AUTH)).json()
    assert all(len(w["destinations"]["nodes"]) == 5 for w in merged["data"]["workspaces"])


async def test_a_vendor_failing_in_a_deferred_part_carries_its_coded_error_there(stack: Stack) -> None:
    await stack.upstreams["zeotap"].faults(down=True)
    parts = await post_parts(stack.client, PER_WORKSPACE)
    pending = {p["id"]: p["path"] for p in parts[0]["pending"]}
    entries = {tuple(pending[e["id"]]): e for part in parts[1:] for e in part.get("incremental", ())}
    zeotap = entries[("workspaces", 2)]
    assert zeotap["data"]["destinations"]["nodes"] == []
    [error] = zeotap["errors"]
    assert error["path"] == ["workspaces", 2, "destinations"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert error["extensions"]["provider"] == "ZEOTAP"
    assert all("errors" not in entries[("workspaces", i)] for i in (0, 1, 3))
    assert "errors" not in parts[0]
    merged = (await stack.client.post("/graphql", json={"query": PER_WORKSPACE}, headers=AUTH)).json()
    assert [e["path"] for e in merged["errors"]] == [["workspaces", 2, "destinations"]]
    assert merged["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"


async def test_every_part_carries_its_errors_when_each_comes_alone(
    stack: Stack,
    logs: Logs,  # noqa: F811
) -> None:
    # Each vendor slower than the one before, every one failing: four later parts, one at a time,
    # each with its own error. (A part made where a freed one was: tests/unit/test_error_codes_of_parts.py.)
    for step, name in enumerate(("segment", "ours", "zeotap", "nimriz")):
        await stack.upstreams[name].faults(latency_ms=150 * step, corrupt={"kind": "html"})
    parts = await post_parts(stack.client, PER_WORKSPACE)  # which also checks the close delimiter
    later = [part for part in parts[1:] if part.get("incremental")]
    assert len(later) == 4, "each workspace's part came alone"
    pending = {p["id"]: p["path"] for p in parts[0]["pending"]}
    for index, part in enumerate(later):
        [entry] = part["incremental"]
        [error] = entry["errors"]
        assert error["path"] == [*pending[entry["id"]], "destinations"] == ["workspaces", index, "destinations"]
        assert error["extensions"]["code"] == "UPSTREAM_ERROR"
    [access] = logs.access()
    assert access["error_codes"] == ["UPSTREAM_ERROR"] * 4


async def test_a_deferred_failure_before_the_initial_part_is_sent_waits_for_its_own_part(stack: Stack) -> None:
    # Deferred reads start with the initial part's: Ours' fails at once while the initial part still
    # waits for Nimriz, whose call the deferred fragments share.
    await stack.upstreams["nimriz"].faults(latency_ms=300)
    await stack.upstreams["ours"].faults(corrupt={"kind": "html"})
    query = """{
      slow: destinations(first: 1, filter: {providers: [NIMRIZ]}) { nodes { id } }
      workspaces { provider ... @defer { destinations(first: 5) { nodes { id } } } }
    }"""
    parts = await post_parts(stack.client, query)
    [ours_call] = await stack.upstreams["ours"].calls()
    [nimriz_call] = await stack.upstreams["nimriz"].calls()
    assert ours_call["ended_at"] < nimriz_call["ended_at"]  # the deferred read did not wait
    assert "errors" not in parts[0]
    assert len(parts[0]["data"]["slow"]["nodes"]) == 1
    pending = {p["id"]: p["path"] for p in parts[0]["pending"]}
    errors = {
        tuple(pending[entry["id"]]): [(e["path"], e["extensions"]["code"]) for e in entry.get("errors", ())]
        for part in parts[1:]
        for entry in part.get("incremental", ())
    }
    assert errors == {
        ("workspaces", 0): [],
        ("workspaces", 1): [(["workspaces", 1, "destinations"], "UPSTREAM_ERROR")],
        ("workspaces", 2): [],
        ("workspaces", 3): [],
    }


async def test_the_access_line_counts_the_errors_and_calls_of_every_part(
    stack: Stack,
    logs: Logs,  # noqa: F811
) -> None:
    await stack.upstreams["zeotap"].faults(down=True)
    await stack.clear_calls()
    parts = await post_parts(stack.client, PER_WORKSPACE)
    [access] = logs.access()
    assert access["status"] == 200
    assert access["operation_name"] == "PerWorkspace"
    assert access["outcome"] == "partial"
    assert access["error_codes"] == ["UPSTREAM_UNAVAILABLE"]
    assert access["cost_actual"] == parts[-1]["extensions"]["cost"]["actualQueryCost"] == await stack.total_calls()


async def test_deferred_parts_answer_within_the_request_deadline() -> None:
    built = await build_stack(request_deadline_seconds=1)
    try:
        await built.upstreams["nimriz"].faults(latency_ms=3000)
        parts = await post_parts(built.client, PER_WORKSPACE)
        errors = [e for part in parts[1:] for entry in part.get("incremental", ()) for e in entry.get("errors", ())]
        assert [(e["path"], e["extensions"]["code"]) for e in errors] == [
            (["workspaces", 3, "destinations"], "UPSTREAM_TIMEOUT")
        ]
        [call] = await built.upstreams["nimriz"].calls()
        assert call["ended_at"] - call["started_at"] < 3.0  # cut at the deadline
    finally:
        await close_stack(built)


async def test_a_document_with_defer_that_defers_nothing_gets_one_answer(stack: Stack) -> None:
    query = PER_WORKSPACE.replace('@defer(label: "workspace")', "@defer(if: false)")
    response = await stack.client.post("/graphql", json={"query": query}, headers={**AUTH, "Accept": MULTIPART})
    assert response.headers["content-type"].startswith("application/graphql-response+json")
    assert all(len(w["destinations"]["nodes"]) == 40 for w in response.json()["data"]["workspaces"])


async def test_refusals_of_a_deferred_document_are_ordinary_coded_answers(stack: Stack) -> None:
    cases = {
        # @defer belongs on fragments
        "{ workspaces @defer { key } }": "BAD_REQUEST",
        # priced before it runs: 30 aliased pages of 100 with delivery metrics
        "{ "
        + " ".join(
            f"a{i}: destinations(first: 100) {{ nodes {{ ... @defer {{ deliveryMetrics {{ successes }} }} }} }}"
            for i in range(30)
        )
        + " }": "QUERY_TOO_COMPLEX",
    }
    await stack.clear_calls()
    for query, code in cases.items():
        response = await stack.client.post("/graphql", json={"query": query}, headers={**AUTH, "Accept": MULTIPART})
        assert response.status_code in (200, 400), response.text
        assert not response.headers["content-type"].startswith("multipart/")
        body = response.json()
        assert "data" not in body or body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == code, body
    assert await stack.total_calls() == 0


async def test_a_client_that_takes_only_multipart_is_answered(stack: Stack) -> None:
    only = {**AUTH, "Accept": "multipart/mixed"}
    plain = await stack.client.post("/graphql", json={"query": "{ __typename }"}, headers=only)
    assert plain.status_code == 200
    assert plain.headers["content-type"] == "application/json"
    deferred = await stack.client.post("/graphql", json={"query": PER_WORKSPACE}, headers=only)
    assert deferred.headers["content-type"].startswith("multipart/mixed")


async def test_introspection_shows_defer_and_stream(stack: Stack) -> None:
    data = await stack.data("{ __schema { directives { name args { name } } } }")
    directives = {d["name"]: {a["name"] for a in d["args"]} for d in data["__schema"]["directives"]}
    assert directives["defer"] == {"if", "label"}
    assert directives["stream"] == {"if", "label", "initialCount"}


# -- over a real socket: arrival order ----------------------------------------------------------


@pytest.fixture
async def served() -> AsyncIterator[tuple[str, Stack]]:
    """The stack's gateway served by uvicorn on a loopback port, in this event loop."""
    built = await build_stack()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(built.app, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/graphql", built
    finally:
        server.should_exit = True
        await task
        await close_stack(built)


async def arrivals(url: str, query: str) -> list[tuple[float, dict[str, Any]]]:
    """Each part of the answer with the wall-clock time its last byte arrived."""
    received: list[tuple[float, dict[str, Any]]] = []
    buffer = b""
    async with (
        httpx.AsyncClient(timeout=30) as client,
        client.stream("POST", url, json={"query": query}, headers={**AUTH, "Accept": MULTIPART}) as response,
    ):
        assert response.headers["content-type"].startswith("multipart/mixed")
        async for chunk in response.aiter_raw():
            buffer += chunk
            parts, rest = split_parts(buffer)
            now = time.time()
            received.extend((now, part) for part in parts)
            buffer = DELIMITER + rest if parts else buffer
    return received


def providers_in(part: dict[str, Any], initial: dict[str, Any]) -> set[str]:
    """The vendors whose destinations a part delivers."""
    found = {
        n["provider"]
        for w in (part.get("data") or {}).get("workspaces", ())
        for n in w.get("destinations", {}).get("nodes", ())
    }
    for entry in part.get("incremental", ()):
        found |= {n["provider"] for n in entry["data"]["destinations"]["nodes"]}
    return found


async def test_the_slow_vendors_part_comes_after_the_others_arrived(served: tuple[str, Stack]) -> None:
    url, stack = served
    await stack.upstreams["segment"].faults(latency_ms=2000, path_pattern="^/destinations")
    await stack.clear_calls()
    received = await arrivals(url, PER_WORKSPACE)
    [slow_call] = await stack.upstreams["segment"].calls("GET /destinations")
    initial = received[0][1]
    delivered = [(at, providers_in(part, initial)) for at, part in received[1:]]
    slow_at = next(at for at, providers in delivered if "SEGMENT" in providers)
    fast = [(at, providers) for at, providers in delivered if "SEGMENT" not in providers]
    assert set().union(*(providers for _, providers in fast)) == {"OURS", "ZEOTAP", "NIMRIZ"}
    # the three fast vendors' rows were in the client's hands while Segment's emulator still waited
    assert all(at < slow_call["ended_at"] for at, _ in fast)
    assert slow_at >= slow_call["ended_at"]
    assert [providers for _, providers in delivered][-1] == {"SEGMENT"}
    for name in ("ours", "zeotap", "nimriz"):  # their emulators had long answered
        calls = await stack.upstreams[name].calls()
        assert calls and all(call["ended_at"] < slow_call["ended_at"] for call in calls)


async def test_the_first_part_holds_the_other_three_vendors_before_the_slow_one(served: tuple[str, Stack]) -> None:
    url, stack = served
    await stack.upstreams["segment"].faults(latency_ms=2000, path_pattern="^/destinations")
    await stack.clear_calls()
    query = """{
      ours: workspace(key: "ours-main") { destinations(first: 100) { nodes { provider } } }
      zeotap: workspace(key: "zeotap-main") { destinations(first: 100) { nodes { provider } } }
      nimriz: workspace(key: "nimriz-main") { destinations(first: 100) { nodes { provider } } }
      ... @defer(label: "slow") { segment: workspace(key: "segment-main") { destinations(first: 100) { nodes { provider } } } }
    }"""
    received = await arrivals(url, query)
    [slow_call] = await stack.upstreams["segment"].calls("GET /destinations")
    (first_at, first), (slow_at, slow) = received[0], received[-1]
    assert {alias: {n["provider"] for n in w["destinations"]["nodes"]} for alias, w in first["data"].items()} == {
        "ours": {"OURS"},
        "zeotap": {"ZEOTAP"},
        "nimriz": {"NIMRIZ"},
    }
    assert first_at < slow_call["ended_at"] <= slow_at
    [entry] = slow["incremental"]
    assert entry["path"] == [] and entry["label"] == "slow"
    assert {n["provider"] for n in entry["data"]["segment"]["destinations"]["nodes"]} == {"SEGMENT"}


async def test_websockets_refuse_answers_in_parts_with_a_code(served: tuple[str, Stack]) -> None:
    url = served[0].replace("http://", "ws://")
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"], additional_headers=AUTH) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": PER_WORKSPACE}}))
        refused = json.loads(await ws.recv())
        assert refused["type"] == "error"
        assert refused["payload"][0]["extensions"] == {"code": "BAD_REQUEST"}
        assert "multipart/mixed" in refused["payload"][0]["message"]
    async with websockets.connect(url, subprotocols=["graphql-ws"], additional_headers=AUTH) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "start", "payload": {"query": PER_WORKSPACE}}))
        refused = json.loads(await ws.recv())
        assert refused["type"] == "error"
        assert refused["payload"]["extensions"] == {"code": "BAD_REQUEST"}
