"""A deadline per request and a circuit breaker per workspace, through the whole stack.

Upstream calls are counted and timed from the emulators' own request logs (times are the
emulator clock's epoch seconds, which the tests compare with ``time.time()``).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from destgraph.domain.ids import GlobalId
from tests.schema.conftest import API_KEY, WORKSPACES, Stack, build_stack, close_stack

WORKSPACE_DESTINATIONS = "{ workspaces { key destinations(first: 2) { nodes { name } } } }"
HEALTH = "{ workspaces { key health { status circuit message } } }"
FAILURES = 5


@pytest.fixture
async def guarded() -> AsyncIterator[Stack]:
    """The stack with default breakers (5 failures) and a reset long enough never to come in a test."""
    built = await build_stack(workspace_options={"breaker_failures": FAILURES, "breaker_reset_seconds": 600})
    try:
        yield built
    finally:
        await close_stack(built)


def by_key(body: dict[str, Any]) -> dict[str, Any]:
    return {w["key"]: w for w in body["data"]["workspaces"]}


async def metric(stack: Stack, name: str, provider: str) -> float | None:
    text = (await stack.client.get("/metrics")).text
    label = f'{name}{{provider="{provider}",workspace="{WORKSPACES[provider]}"}} '
    found = [line for line in text.splitlines() if line.startswith(label)]
    return float(found[0].split()[-1]) if found else None


# -- the circuit breaker ----------------------------------------------------------------------------


async def test_a_down_vendor_is_called_a_few_times_then_left_alone(guarded: Stack) -> None:
    await guarded.upstreams["zeotap"].faults(down=True)
    for _ in range(20):
        body = await guarded.query(WORKSPACE_DESTINATIONS)
        workspaces = by_key(body)
        for name in ("segment", "ours", "nimriz"):
            assert len(workspaces[WORKSPACES[name]]["destinations"]["nodes"]) == 2
        assert workspaces[WORKSPACES["zeotap"]]["destinations"]["nodes"] == []
        [error] = body["errors"]
        assert error["path"] == ["workspaces", 2, "destinations"]
        assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
        assert error["extensions"]["provider"] == "ZEOTAP"
        assert error["extensions"]["retryable"] is True
    # Three attempts for the first request, two for the second: the fifth failure opens the circuit.
    zeotap = await guarded.upstreams["zeotap"].calls()
    assert FAILURES <= len(zeotap) <= FAILURES + 2, len(zeotap)
    assert {c["status"] for c in zeotap} == {503}
    # Once open, the answer says so, and when the vendor is tried again.
    assert "circuit open" in error["message"]
    assert error["extensions"]["retryAfter"] > 500


async def test_health_shows_an_open_circuit_without_calling_the_vendor(guarded: Stack) -> None:
    await guarded.upstreams["zeotap"].faults(down=True)
    for _ in range(3):
        await guarded.query(WORKSPACE_DESTINATIONS)
    before = len(await guarded.upstreams["zeotap"].calls())

    health = {k: w["health"] for k, w in by_key(await guarded.query(HEALTH)).items()}

    assert health[WORKSPACES["zeotap"]]["status"] == "UNREACHABLE"
    assert health[WORKSPACES["zeotap"]]["circuit"] == "OPEN"
    assert "circuit open" in health[WORKSPACES["zeotap"]]["message"]
    assert "probed in" in health[WORKSPACES["zeotap"]]["message"]
    assert len(await guarded.upstreams["zeotap"].calls()) == before
    for name in ("segment", "ours", "nimriz"):
        assert health[WORKSPACES[name]] == {"status": "OK", "circuit": "CLOSED", "message": None}


async def test_metrics_show_the_circuit_and_the_calls_it_refused(guarded: Stack) -> None:
    assert await metric(guarded, "destgraph_circuit_state", "zeotap") == 0
    await guarded.upstreams["zeotap"].faults(down=True)
    for _ in range(4):
        await guarded.query(WORKSPACE_DESTINATIONS)
    assert await metric(guarded, "destgraph_circuit_state", "zeotap") == 2
    assert await metric(guarded, "destgraph_circuit_state", "segment") == 0
    refused = await metric(guarded, "destgraph_circuit_refused_total", "zeotap")
    assert refused is not None and refused >= 2


async def test_refusals_and_rate_limits_do_not_open_the_circuit(guarded: Stack) -> None:
    # A 404 is the vendor answering: as many as you like leave the circuit closed.
    query = "query($id: ID!) { destination(id: $id) { name } }"
    for i in range(FAILURES + 2):
        missing = GlobalId("Destination", WORKSPACES["ours"], f"00000000-0000-4000-8000-00000000000{i}").encode()
        body = await guarded.query(query, {"id": missing})
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert len(await guarded.upstreams["ours"].calls()) == FAILURES + 2
    assert await metric(guarded, "destgraph_circuit_state", "ours") == 0
    # Nor does a 429: the vendor is there, it asks for a pause.
    await guarded.upstreams["nimriz"].faults(error_rates={"429": 1.0}, retry_after=30)
    body = await guarded.query('{ workspace(key: "nimriz-main") { destinations(first: 3) { nodes { name } } } }')
    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_RATE_LIMITED"
    assert await metric(guarded, "destgraph_circuit_state", "nimriz") == 0


async def test_after_the_reset_one_probe_goes_and_its_success_closes_the_circuit() -> None:
    reset = 1.0
    stack = await build_stack(workspace_options={"breaker_failures": 2, "breaker_reset_seconds": reset})
    try:
        zeotap = stack.upstreams["zeotap"]
        await zeotap.faults(down=True)
        await stack.query(WORKSPACE_DESTINATIONS)  # two failures (the third attempt is refused): open
        assert len(await zeotap.calls()) == 2
        assert await metric(stack, "destgraph_circuit_state", "zeotap") == 2

        # The reset passed, the vendor still down: one call goes as the probe, fails, and reopens it.
        await asyncio.sleep(reset + 0.2)
        body = await stack.query(WORKSPACE_DESTINATIONS)
        assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
        assert len(await zeotap.calls()) == 3

        # Up again: after the next reset the probe succeeds and the circuit closes.
        await zeotap.faults(down=False)
        await asyncio.sleep(reset + 0.2)
        body = await stack.query(WORKSPACE_DESTINATIONS)
        assert not body.get("errors")
        assert len(by_key(body)[WORKSPACES["zeotap"]]["destinations"]["nodes"]) == 2
        calls = await zeotap.calls()
        assert len(calls) == 4 and calls[-1]["status"] == 200
        assert await metric(stack, "destgraph_circuit_state", "zeotap") == 0
        health = by_key(await stack.query(HEALTH))[WORKSPACES["zeotap"]]["health"]
        assert health["circuit"] == "CLOSED" and health["status"] == "OK"
    finally:
        await close_stack(stack)


# -- the deadline ---------------------------------------------------------------------------------


async def test_a_vendor_slower_than_the_deadline_answers_its_part_with_a_timeout() -> None:
    stack = await build_stack(request_deadline_seconds=1)
    try:
        await stack.upstreams["zeotap"].faults(latency_ms=3000)
        body = await stack.query(WORKSPACE_DESTINATIONS)
        workspaces = by_key(body)
        for name in ("segment", "ours", "nimriz"):
            assert len(workspaces[WORKSPACES[name]]["destinations"]["nodes"]) == 2
        [error] = body["errors"]
        assert error["path"] == ["workspaces", 2, "destinations"]
        assert error["extensions"]["code"] == "UPSTREAM_TIMEOUT"
        assert error["extensions"]["retryable"] is True
        # One attempt, cut at the deadline: no retry could have finished within it.
        [call] = await stack.upstreams["zeotap"].calls()
        assert call["ended_at"] - call["started_at"] < 3.0
    finally:
        await close_stack(stack)


async def test_health_of_a_vendor_slower_than_the_deadline_is_answered_within_it() -> None:
    stack = await build_stack(request_deadline_seconds=1)
    try:
        await stack.upstreams["zeotap"].faults(latency_ms=3000)
        health = by_key(await stack.query(HEALTH))[WORKSPACES["zeotap"]]["health"]
        assert health["status"] == "UNREACHABLE"
        assert health["circuit"] == "CLOSED"
        [call] = await stack.upstreams["zeotap"].calls()
        assert call["ended_at"] - call["started_at"] < 3.0
    finally:
        await close_stack(stack)


async def test_nothing_is_sent_upstream_after_the_answer(guarded: Stack) -> None:
    # The root field with a bad cursor fails at once, and being non-null it takes the whole answer
    # with it, while its siblings are still busy: Ours answers 503 first (its retry would come a
    # second later, after its Retry-After), the others slowly.
    await guarded.upstreams["ours"].faults(queue=[503], retry_after=1)
    for name in ("segment", "zeotap", "nimriz"):
        await guarded.upstreams[name].faults(latency_ms=300)
    body = await guarded.query(
        '{ workspaces { key destinations(first: 2) { nodes { name } } } destinations(first: 1, after: "bogus") { nodes { name } } }'
    )
    answered = time.time()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_CURSOR"

    await asyncio.sleep(1.5)  # past Ours' Retry-After, and the slow calls' end
    for name, upstream in guarded.upstreams.items():
        late = [c for c in await upstream.calls() if c["started_at"] > answered]
        assert late == [], (name, late)
    assert [c["status"] for c in await guarded.upstreams["ours"].calls()] in ([], [503])


class LeavingClient:
    """One POST /graphql straight into the gateway's ASGI app, whose client leaves on ``leave()``."""

    def __init__(self, stack: Stack, document: str, variables: dict[str, Any] | None = None) -> None:
        self.body = json.dumps({"query": document, "variables": variables or {}}).encode()
        self.sent: list[dict[str, Any]] = []
        self._gone = asyncio.Event()
        self._reads = 0
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"gateway"),
                (b"content-type", b"application/json"),
                (b"content-length", str(len(self.body)).encode()),
                (b"authorization", f"Bearer {API_KEY}".encode()),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("gateway", 80),
            "state": {},
        }
        self.serving = asyncio.ensure_future(stack.app(scope, self._receive, self._send))

    async def _receive(self) -> dict[str, Any]:
        self._reads += 1
        if self._reads == 1:
            return {"type": "http.request", "body": self.body, "more_body": False}
        await self._gone.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    def leave(self) -> float:
        self._gone.set()
        return time.time()

    @property
    def answered(self) -> bool:
        return any(m["type"] == "http.response.body" and not m.get("more_body") for m in self.sent)


async def until_called(upstream: Any) -> None:
    for _ in range(500):
        if await upstream.calls():
            return
        await asyncio.sleep(0.01)


async def test_a_client_that_goes_away_stops_the_work(guarded: Stack) -> None:
    # Ours answers 503 first, and its retry would come a second later; the client leaves before.
    await guarded.upstreams["ours"].faults(queue=[503], retry_after=1)
    client = LeavingClient(guarded, '{ workspace(key: "ours-main") { destinations(first: 2) { nodes { name } } } }')
    await until_called(guarded.upstreams["ours"])  # the first attempt was answered 503
    left = client.leave()
    await asyncio.wait_for(client.serving, 10)  # the handler was cancelled: it does not wait out the retry

    assert not client.answered
    await asyncio.sleep(1.5)  # past Ours' Retry-After
    calls = await guarded.upstreams["ours"].calls()
    assert [c["status"] for c in calls] == [503]
    assert all(c["started_at"] <= left for c in calls)


async def test_a_mutation_runs_to_its_end_though_its_client_went_away(guarded: Stack) -> None:
    [target] = (await guarded.destinations_of("OURS"))[:1]
    await guarded.upstreams["ours"].faults(latency_ms=300, methods=["PATCH", "PUT", "POST"])
    mutation = "mutation($input: UpdateDestinationInput!) { updateDestination(input: $input) { userErrors { code } } }"
    client = LeavingClient(guarded, mutation, {"input": {"id": target["id"], "name": "renamed as the client left"}})
    await asyncio.sleep(0.1)  # the write is in flight, slowly
    client.leave()
    await asyncio.wait_for(client.serving, 10)
    assert client.answered  # a write cut mid-flight would leave its outcome unknown
    stored = await guarded.stored("ours", target["nativeId"])
    assert stored is not None and stored["name"] == "renamed as the client left"
