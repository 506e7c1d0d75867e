"""Logs, traces and metrics of the whole stack in process.

The emulators' request logs (GET /_emulator/requests) record method, path, route, status and times,
not headers: the X-Request-Id the gateway sends the vendors is read here at the transport, by a
transport that records every request on its way to the emulator's ASGITransport.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from destgraph.app import create_app
from destgraph.emulators import create_app as create_emulator
from destgraph.emulators.core import DEFAULT_TOKEN, SeedOptions
from destgraph.observability import tracing
from destgraph.observability.logging import configure_logging, unconfigure_logging
from tests.schema import test_mutation_tests as over_websockets
from tests.schema.conftest import API_KEY, WORKSPACES, Stack, Upstream, build_stack, close_stack, stack_settings

EVERYTHING = """
query Everything {
  workspaces {
    key
    destinations(first: 3) { nodes { name type { label } subscriptions(first: 2) { totalCount } } }
  }
}
"""
SECRET = "sk_test_observability_never_logged_1234"


class RecordingTransport(httpx.AsyncBaseTransport):
    """An emulator's transport that keeps every request the gateway sends it (headers included)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Observed:
    stack: Stack
    transports: dict[str, RecordingTransport]

    def sent(self) -> list[httpx.Request]:
        return [r for t in self.transports.values() for r in t.requests]


@dataclass
class Logs:
    stream: io.StringIO

    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text().splitlines() if line.strip()]

    def access(self) -> list[dict[str, Any]]:
        return [
            line for line in self.lines() if line.get("logger") == "destgraph.access" and line["event"] == "request"
        ]


@pytest.fixture
def logs() -> Iterator[Logs]:
    root = logging.getLogger()
    level = root.level
    names = ("uvicorn", "uvicorn.error", "uvicorn.asgi", "uvicorn.access", "httpx", "httpcore")
    taken = {name: logging.getLogger(name) for name in names}
    saved = {name: (list(lg.handlers), lg.propagate, lg.level) for name, lg in taken.items()}
    stream = io.StringIO()
    configure_logging("debug", stream=stream)
    try:
        yield Logs(stream)
    finally:
        unconfigure_logging()
        root.setLevel(level)
        for name, (handlers, propagate, logger_level) in saved.items():
            taken[name].handlers[:] = handlers
            taken[name].propagate = propagate
            taken[name].setLevel(logger_level)


async def _build(**gateway: Any) -> Observed:
    emulators = {name: create_emulator(name, options=SeedOptions(seed=1, destinations=20)) for name in WORKSPACES}
    transports = {name: RecordingTransport(httpx.ASGITransport(app=app)) for name, app in emulators.items()}
    app = create_app(stack_settings(**gateway), transports={WORKSPACES[n]: t for n, t in transports.items()})
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway", timeout=30)
    upstreams = {
        name: Upstream(name, httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator), base_url="http://emulator"))
        for name, emulator in emulators.items()
    }
    return Observed(Stack(client=client, upstreams=upstreams, app=app), transports)


async def _close(observed: Observed) -> None:
    await observed.stack.client.aclose()
    for upstream in observed.stack.upstreams.values():
        await upstream.control.aclose()
    await observed.stack.app.state.gateway.aclose()


@pytest.fixture
async def observed() -> AsyncIterator[Observed]:
    built = await _build()
    try:
        yield built
    finally:
        await _close(built)


def _auth(**more: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {API_KEY}", **more}


# -- logs -------------------------------------------------------------------------------------------


async def test_one_json_access_line_per_request_carrying_the_clients_request_id(observed: Observed, logs: Logs) -> None:
    response = await observed.stack.client.post(
        "/graphql", json={"query": EVERYTHING}, headers=_auth(**{"X-Request-Id": "client-req.42:a_b"})
    )
    assert response.status_code == 200, response.text
    assert response.headers["X-Request-Id"] == "client-req.42:a_b"
    body = response.json()
    assert "errors" not in body

    lines = logs.lines()  # every line parses as one JSON object
    [access] = logs.access()
    assert access["request_id"] == "client-req.42:a_b"
    assert access["method"] == "POST" and access["path"] == "/graphql" and access["status"] == 200
    assert isinstance(access["duration_ms"], float) and access["duration_ms"] > 0
    assert access["key_name"] == "tests"
    assert access["operation_name"] == "Everything" and access["operation_type"] == "query"
    assert access["outcome"] == "ok" and access["error_codes"] == []
    cost = body["extensions"]["cost"]
    assert access["cost_requested"] == cost["requestedQueryCost"] > 0
    assert access["cost_actual"] == cost["actualQueryCost"] == access["upstream_calls"] > 0
    assert set(access["upstream_calls_by_provider"]) == {"segment", "ours", "zeotap", "nimriz"}
    assert access["level"] == "info" and re.fullmatch(r"\d{4}-\d\d-\d\dT.*Z", access["ts"])
    # every line logged while the request was served carries its id
    assert all(
        line["request_id"] == "client-req.42:a_b" for line in lines if line.get("logger", "").startswith("destgraph")
    )

    # ... and so does every call the vendors received for it
    sent = observed.sent()
    assert len(sent) == access["upstream_calls"]
    assert {r.headers["X-Request-Id"] for r in sent} == {"client-req.42:a_b"}


@pytest.mark.parametrize("presented", ["has space", "x" * 129, 'quote"d', "semi;colon", ""])
async def test_an_unsafe_or_overlong_request_id_is_replaced(observed: Observed, logs: Logs, presented: str) -> None:
    response = await observed.stack.client.post(
        "/graphql", json={"query": "{ workspaces { key } }"}, headers=_auth(**{"X-Request-Id": presented})
    )
    assert response.status_code == 200
    chosen = response.headers["X-Request-Id"]
    assert chosen != presented and re.fullmatch(r"[0-9a-f]{32}", chosen)
    [access] = logs.access()
    assert access["request_id"] == chosen
    assert presented not in logs.text() or not presented


async def test_without_a_request_id_one_is_made_and_used_everywhere(observed: Observed, logs: Logs) -> None:
    response = await observed.stack.client.post("/graphql", json={"query": EVERYTHING}, headers=_auth())
    chosen = response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", chosen)
    assert response.json()["data"] is not None
    assert logs.access()[0]["request_id"] == chosen
    assert {r.headers["X-Request-Id"] for r in observed.sent()} == {chosen}


async def test_refusals_have_their_access_line_with_the_code(observed: Observed, logs: Logs) -> None:
    client = observed.stack.client
    unauthenticated = await client.post("/graphql", json={"query": "{ workspaces { key } }"})
    assert unauthenticated.status_code == 401
    wrong_key = await client.post(
        "/graphql", json={"query": "{ workspaces { key } }"}, headers={"Authorization": "Bearer dg_wrong"}
    )
    assert wrong_key.status_code == 401
    too_large = await client.post("/graphql", content=b"{" + b" " * 300_000 + b"}", headers=_auth())
    assert too_large.status_code == 413
    not_json = await client.post("/graphql", content=b"not json", headers=_auth(**{"Content-Type": "application/json"}))
    assert 400 <= not_json.status_code < 500
    invalid = await client.post("/graphql", json={"query": "{ nosuchfield }"}, headers=_auth())

    lines = logs.access()
    assert [line["status"] for line in lines] == [401, 401, 413, not_json.status_code, invalid.status_code]
    assert lines[0]["error_codes"] == ["UNAUTHENTICATED"] and lines[0]["outcome"] == "error"
    assert lines[0]["key_name"] is None and lines[1]["key_name"] is None
    assert lines[2]["error_codes"] == ["BAD_REQUEST"]
    assert lines[3]["outcome"] == "error" and lines[3]["error_codes"]
    assert lines[4]["outcome"] == "error" and lines[4]["error_codes"] == ["BAD_REQUEST"]
    assert lines[4]["key_name"] == "tests"
    for line, response in zip(lines, [unauthenticated, wrong_key, too_large, not_json, invalid], strict=True):
        assert line["request_id"] == response.headers["X-Request-Id"]


async def test_a_partial_answer_is_logged_partial_with_its_codes(observed: Observed, logs: Logs) -> None:
    await observed.stack.upstreams["zeotap"].faults(down=True)
    response = await observed.stack.client.post(
        "/graphql", json={"query": EVERYTHING}, headers=_auth(**{"Cache-Control": "no-cache"})
    )
    body = response.json()
    assert body["data"] is not None and body["errors"]
    [access] = logs.access()
    assert access["outcome"] == "partial"
    assert set(access["error_codes"]) == {e["extensions"]["code"] for e in body["errors"]}


async def test_no_secret_reaches_a_log_line(observed: Observed, logs: Logs, monkeypatch: pytest.MonkeyPatch) -> None:
    client = observed.stack.client
    workspace = (await observed.stack.data("{ workspaces(provider: SEGMENT) { id } }"))["workspaces"][0]["id"]
    create = """mutation Create($input: CreateDestinationInput!) {
      createDestination(input: $input) { destination { id } userErrors { message } } }"""
    variables = {
        "input": {"workspaceId": workspace, "typeKey": "amplitude", "name": "Keeper", "settings": {"apiKey": SECRET}}
    }
    headers = _auth(**{"X-Api-Key": SECRET, "Cookie": f"session={SECRET}", "X-Request-Id": "secret-test"})
    answered = await client.post("/graphql", json={"query": create, "variables": variables}, headers=headers)
    assert answered.status_code == 200 and answered.json()["data"]["createDestination"]["destination"]
    # the same over GET, where the variables travel in the query string
    query = "query Q($p: [Provider!]) { destinations(first: 1, filter: {providers: $p}) { nodes { id } } }"
    params = {"query": query, "variables": json.dumps({"p": ["SEGMENT"], "unused": SECRET})}
    await client.get("/graphql", params=params, headers=headers)

    # an unexpected error, whose message holds the vendor token and the API key
    from destgraph.schema.types.workspace import Workspace

    def explode(cls: type, config: Any) -> Any:
        raise RuntimeError(f"boom with {config.token.get_secret_value()} and Authorization: Bearer {API_KEY}")

    monkeypatch.setattr(Workspace, "from_config", classmethod(explode))
    failed = await client.post("/graphql", json={"query": "{ workspaces { key } }"}, headers=headers)
    [error] = failed.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL" and "boom" not in failed.text and "Traceback" not in failed.text

    text = logs.text()
    assert SECRET not in text
    assert API_KEY not in text
    assert DEFAULT_TOKEN not in text
    assert "Bearer dg_" not in text
    # the INTERNAL error is logged with the request id and its traceback, scrubbed
    [internal] = [line for line in logs.lines() if line.get("logger") == "destgraph.graphql"]
    assert internal["level"] == "error" and internal["request_id"] == "secret-test"
    assert "Traceback" in internal["exception"] and "RuntimeError: boom with [redacted]" in internal["exception"]
    assert len(logs.access()) == 4


# -- traces -----------------------------------------------------------------------------------------


@pytest.fixture
def spans() -> Iterator[Any]:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    tracing.configure(exporter, batch=False)
    try:
        yield exporter
    finally:
        tracing.shutdown()


async def test_a_destination_batch_is_the_parent_of_its_calls(spans: Any) -> None:
    observed = await _build()
    try:
        response = await observed.stack.client.post(
            "/graphql", json={"query": EVERYTHING}, headers=_auth(**{"X-Request-Id": "traced-1"})
        )
        assert response.status_code == 200 and "errors" not in response.json()
        ids = [
            n["id"]
            for n in (await observed.stack.data("{ destinations(first: 3) { nodes { id } } }"))["destinations"]["nodes"]
        ]
        spans.clear()
        nodes = "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { id } }"
        await observed.stack.client.post(
            "/graphql", json={"query": nodes, "variables": {"ids": ids}}, headers=_auth(**{"Cache-Control": "no-cache"})
        )
        nodes_spans = list(spans.get_finished_spans())
    finally:
        await _close(observed)

    assert {s.name for s in nodes_spans} >= {"POST /graphql", "query Nodes", "dataloader destination"}
    batch = next(s for s in nodes_spans if s.name == "dataloader destination")
    assert batch.attributes["destgraph.batch.size"] == len(ids)
    assert any(s.parent is not None and s.parent.span_id == batch.context.span_id for s in nodes_spans), (
        "the batch's upstream calls are its children"
    )


async def test_one_request_over_four_vendors_is_one_trace_of_linked_spans(spans: Any) -> None:
    observed = await _build()
    try:
        response = await observed.stack.client.post(
            "/graphql",
            json={"query": EVERYTHING},
            headers=_auth(**{"X-Request-Id": "traced-1", "X-Api-Key": SECRET}),
        )
        assert response.status_code == 200 and "errors" not in response.json()
        sent = observed.sent()
    finally:
        await _close(observed)

    finished = list(spans.get_finished_spans())
    by_id = {s.context.span_id: s for s in finished}
    assert len({s.context.trace_id for s in finished}) == 1, "one request, one trace"
    [server] = [s for s in finished if s.name == "POST /graphql"]
    [operation] = [s for s in finished if s.name == "query Everything"]
    assert server.parent is None and operation.parent.span_id == server.context.span_id
    assert operation.attributes["graphql.operation.name"] == "Everything"
    assert operation.attributes["graphql.operation.type"] == "query"
    assert operation.attributes["destgraph.cost.requested"] > 0
    assert operation.attributes["destgraph.cost.actual"] == len(sent)
    assert operation.attributes["destgraph.outcome"] == "ok"

    batches = [s for s in finished if s.name.startswith("dataloader ")]
    assert {s.name for s in batches} >= {"dataloader destination_type", "dataloader subscriptions"}
    assert all(s.parent.span_id == operation.context.span_id for s in batches)

    upstream = [s for s in finished if s.attributes.get("destgraph.provider")]
    assert {s.attributes["destgraph.provider"] for s in upstream} == {"segment", "ours", "zeotap", "nimriz"}
    assert len(upstream) == len(sent)
    for span in upstream:
        assert span.attributes["destgraph.workspace"] in WORKSPACES.values()
        assert span.attributes["destgraph.operation"] and span.attributes["http.response.status_code"] == 200
        ancestors = []
        parent = span.parent
        while parent is not None:
            ancestors.append(by_id[parent.span_id])
            parent = by_id[parent.span_id].parent
        assert operation in ancestors
    assert any(s.parent.span_id in {b.context.span_id for b in batches} for s in upstream), (
        "some calls are made by the batches (catalogs, subscriptions)"
    )
    # each call carried its own span as the trace context
    upstream_ids = {format(s.context.span_id, "016x") for s in upstream}
    assert {r.headers["traceparent"].split("-")[2] for r in sent} == upstream_ids

    every_value = json.dumps(
        [dict(s.attributes or {}) for s in finished] + [dict(e.attributes or {}) for s in finished for e in s.events],
        default=str,
    )
    assert DEFAULT_TOKEN not in every_value and API_KEY not in every_value and SECRET not in every_value


async def test_the_server_span_never_holds_the_query_string(spans: Any) -> None:
    observed = await _build()
    try:
        query = "query Q($p: [Provider!]) { destinations(first: 1, filter: {providers: $p}) { nodes { id } } }"
        params = {"query": query, "variables": json.dumps({"p": ["NIMRIZ"], "secret": SECRET})}
        response = await observed.stack.client.get("/graphql", params=params, headers=_auth())
        assert response.status_code == 200, response.text
        assert response.json()["data"]["destinations"]["nodes"]
    finally:
        await _close(observed)
    finished = list(spans.get_finished_spans())
    assert [s.name for s in finished if s.name.startswith("GET ")] == ["GET /graphql"]
    text = json.dumps([dict(s.attributes or {}) for s in finished], default=str)
    assert SECRET not in text and "variables" not in text and "query Q" not in text
    assert any(s.name == "query Q" for s in finished)


# -- metrics ----------------------------------------------------------------------------------------


def _families(text: str) -> dict[str, Any]:
    return {family.name: family for family in text_string_to_metric_families(text)}


def _samples(families: dict[str, Any], name: str) -> list[Any]:
    return list(families[name].samples)


async def test_every_metric_family_after_requests_that_exercise_it(observed: Observed) -> None:
    client = observed.stack.client
    await observed.stack.data(EVERYTHING)
    await observed.stack.data(EVERYTHING)  # the read cache answers
    await client.post("/graphql", json={"query": "{ workspaces { key } }"})  # 401
    await observed.stack.upstreams["ours"].faults(down=True)
    await observed.stack.query(EVERYTHING, fresh=True)  # partial: UPSTREAM_UNAVAILABLE

    scraped = await client.get("/metrics")
    assert scraped.status_code == 200
    families = _families(scraped.text)

    requests = [s for s in _samples(families, "destgraph_graphql_requests") if s.name.endswith("_total")]
    by_labels = {(s.labels["operation"], s.labels["type"], s.labels["outcome"]): s.value for s in requests}
    assert by_labels[("Everything", "query", "ok")] == 2
    assert by_labels[("Everything", "query", "partial")] == 1
    assert by_labels[("", "", "error")] == 1
    durations = _samples(families, "destgraph_graphql_request_seconds")
    assert any(
        s.name.endswith("_count") and s.labels == {"operation": "Everything", "type": "query"} and s.value == 3
        for s in durations
    )

    errors = {
        s.labels["code"]: s.value for s in _samples(families, "destgraph_graphql_errors") if s.name.endswith("_total")
    }
    assert errors["UNAUTHENTICATED"] == 1 and errors["UPSTREAM_UNAVAILABLE"] >= 1

    calls = [s for s in _samples(families, "destgraph_upstream_calls") if s.name.endswith("_total")]
    assert {s.labels["provider"] for s in calls} == {"segment", "ours", "zeotap", "nimriz"}
    assert all(set(s.labels) == {"provider", "workspace", "endpoint", "status"} for s in calls)
    assert any(
        s.labels["status"] == "503" or s.labels["status"] == "error" for s in calls if s.labels["provider"] == "ours"
    )
    latency = _samples(families, "destgraph_upstream_call_seconds")
    assert any(s.name.endswith("_bucket") and set(s.labels) == {"provider", "endpoint", "le"} for s in latency)

    cache = [s for s in _samples(families, "destgraph_read_cache") if s.name.endswith("_total")]
    results = {(s.labels["workspace"], s.labels["kind"], s.labels["result"]) for s in cache}
    assert (WORKSPACES["zeotap"], "destinations", "miss") in results
    assert (WORKSPACES["zeotap"], "destinations", "hit") in results

    # Segment and Zeotap document their budgets (Zeotap two: a second's and a minute's); Ours and Nimriz none
    budgeted = {(WORKSPACES["segment"], "600/60s"), (WORKSPACES["zeotap"], "20/1s"), (WORKSPACES["zeotap"], "100/60s")}
    gauges = {
        name: {(s.labels["workspace"], s.labels["budget"]): s.value for s in _samples(families, name)}
        for name in ("destgraph_budget_remaining", "destgraph_budget_limit", "destgraph_budget_wait_seconds")
    }
    remaining, limits, waits = gauges.values()
    assert set(remaining) == set(limits) == set(waits) == budgeted
    assert limits[(WORKSPACES["segment"], "600/60s")] == 600
    for labels, value in remaining.items():
        assert 0 <= value < limits[labels], "the requests above took from every budget"
        assert waits[labels] >= 0

    circuits = {s.labels["workspace"]: s.value for s in _samples(families, "destgraph_circuit_state")}
    assert set(circuits) == set(WORKSPACES.values()) and all(v in (0, 1, 2) for v in circuits.values())


async def test_stale_answers_are_counted_by_workspace_and_kind() -> None:
    options = {"cache_ttl_seconds": {"destinations": 0.05}, "cache_stale_while_revalidate_seconds": 0}
    stack = await build_stack(workspace_options=options)
    try:
        zeotap = "{ destinations(first: 5, filter: {providers: [ZEOTAP]}) { nodes { id } } }"
        await stack.data(zeotap)
        await asyncio.sleep(0.1)
        await stack.upstreams["zeotap"].faults(down=True)
        body = await stack.query(zeotap)
        assert body["extensions"]["stale"]
        families = _families((await stack.client.get("/metrics")).text)
    finally:
        await close_stack(stack)
    cache = {
        (s.labels["workspace"], s.labels["kind"], s.labels["result"]): s.value
        for s in _samples(families, "destgraph_read_cache")
        if s.name.endswith("_total")
    }
    assert cache[(WORKSPACES["zeotap"], "destinations", "stale_if_error")] == 1
    assert cache[(WORKSPACES["zeotap"], "destinations", "miss")] == 1


# -- websockets -------------------------------------------------------------------------------------

#: the gateway on a loopback socket, from the subscription tests
served = over_websockets.served


async def test_a_websocket_operation_has_its_line_and_the_connection_its_access_line(
    served: tuple[Stack, str], logs: Logs
) -> None:
    stack, url = served
    target = await over_websockets._zeotap(stack, "PENDING")
    messages = await over_websockets._transport_ws(url, {"input": {"id": target["id"]}}, auth_in_payload=True)
    assert messages[-1]["type"] == "complete"
    for _ in range(100):  # the server writes the connection's line once it has closed
        if any(line.get("method") == "WEBSOCKET" for line in logs.access()):
            break
        await asyncio.sleep(0.02)
    [operation] = [line for line in logs.lines() if line.get("event") == "operation"]
    assert operation["operation_type"] == "subscription" and operation["outcome"] == "ok"
    assert operation["key_name"] == "tests" and operation["cost_actual"] >= 1
    [connection] = [line for line in logs.access() if line["method"] == "WEBSOCKET"]
    assert connection["path"] == "/graphql" and connection["operations"] == 1
    assert connection["request_id"] == operation["request_id"] and connection["key_name"] == "tests"
    assert API_KEY not in logs.text()

    families = _families((await stack.client.get("/metrics")).text)
    requests = {
        (s.labels["type"], s.labels["outcome"]): s.value
        for s in _samples(families, "destgraph_graphql_requests")
        if s.name.endswith("_total")
    }
    assert requests[("subscription", "ok")] == 1
