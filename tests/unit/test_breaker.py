"""The circuit breaker: what counts as a failure, and the upstream client's use of it and of the
request's deadline (over httpx.MockTransport, counting what reaches the network). The breaker port
itself is held to its behaviour over both implementations in tests/unit/test_redis_ports.py."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from destgraph.adapters.accounting import CallAccounting
from destgraph.adapters.breaker import CircuitBreaker, CircuitOpen, outcome_of
from destgraph.adapters.scope import CallScope, open_scope
from destgraph.adapters.upstream import RequestAnswered, RetryPolicy, UpstreamClient
from destgraph.config import WorkspaceConfig
from destgraph.errors import (
    UpstreamAuthFailed,
    UpstreamNotFound,
    UpstreamOutcomeUnknown,
    UpstreamProtocolError,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from destgraph.state.memory import InMemoryBreakers
from destgraph.state.ports import BreakerPolicy

POLICY = BreakerPolicy(failures=3, reset_seconds=30)
CONTEXT = {"provider": "ours", "workspace": "ours-main", "operation": "list"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- what counts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (None, "success"),
        (UpstreamUnavailable("503", **CONTEXT, status=503), "failure"),
        (UpstreamUnavailable("connect", **CONTEXT), "failure"),
        (UpstreamTimeout("slow", **CONTEXT), "failure"),
        (UpstreamOutcomeUnknown("lost reply", settled=False, **CONTEXT), "failure"),
        (UpstreamOutcomeUnknown("write 5xx", settled=True, **CONTEXT, status=500), "neutral"),
        (UpstreamRateLimited("429", **CONTEXT, status=429), "success"),
        (UpstreamAuthFailed("401", **CONTEXT, status=401), "success"),
        (UpstreamRejected("422", **CONTEXT, status=422), "success"),
        (UpstreamNotFound("404", **CONTEXT, status=404), "success"),
        (UpstreamProtocolError("html", **CONTEXT), "success"),
        (CircuitOpen("open", **CONTEXT), "neutral"),
        (asyncio.CancelledError(), "neutral"),
    ],
)
def test_only_a_vendor_unwell_is_a_failure(error: BaseException | None, outcome: str) -> None:
    assert outcome_of(error) == outcome


async def test_a_refusal_says_when_the_next_probe_is_and_is_counted() -> None:
    clock = FakeClock()
    accounting = CallAccounting()
    breaker = CircuitBreaker(
        InMemoryBreakers(clock=clock), provider="ours", workspace="ours-main", policy=POLICY, accounting=accounting
    )
    for _ in range(3):
        await breaker.settle(await breaker.admit("list"), "failure")
    assert _sample(accounting, "destgraph_circuit_state") == 2
    clock.now += 12.5
    with pytest.raises(CircuitOpen) as refused:
        await breaker.admit("list")
    assert refused.value.retryable and refused.value.retry_after == 18
    assert "circuit open after 3 consecutive failures" in refused.value.message
    assert "probed in 18 s" in refused.value.message
    assert _sample(accounting, "destgraph_circuit_refused_total") == 1
    clock.now += 18
    await breaker.admit("list")
    assert _sample(accounting, "destgraph_circuit_state") == 1


async def test_a_success_on_a_clean_circuit_asks_the_store_nothing_and_one_after_failures_resets_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = InMemoryBreakers(clock=FakeClock())
    settled: list[str] = []
    original = port.settle

    async def counted(name: str, policy: BreakerPolicy, outcome: Any, *, probe: bool) -> Any:
        settled.append(outcome)
        return await original(name, policy, outcome, probe=probe)

    monkeypatch.setattr(port, "settle", counted)
    breaker = CircuitBreaker(port, provider="ours", workspace="ours-main", policy=POLICY, accounting=CallAccounting())
    for outcome in ("success", "neutral", "success"):
        await breaker.settle(await breaker.admit("list"), outcome)
    assert settled == []
    for outcome in ("failure", "failure", "success", "failure", "failure"):
        await breaker.settle(await breaker.admit("list"), outcome)
    # the success after two failures reset them: two more do not open the circuit (three would)
    assert settled == ["failure", "failure", "success", "failure", "failure"]
    assert (await breaker.view()).state == "closed"


def _sample(accounting: CallAccounting, name: str) -> float | None:
    return accounting.registry.get_sample_value(name, {"provider": "ours", "workspace": "ours-main"})


# -- the upstream client ----------------------------------------------------------------------------


def _client(handler: Any, **workspace: Any) -> UpstreamClient:
    config = WorkspaceConfig.model_validate(
        {
            "key": "ours-main",
            "provider": "ours",
            "base_url": "http://ours",
            "token_env": "UNUSED",
            "breaker_failures": 3,
            "breaker_reset_seconds": 30,
            **workspace,
        }
    )
    return UpstreamClient(
        config,
        headers={},
        extract_message=lambda body: None,
        accounting=CallAccounting(),
        retry=RetryPolicy(initial_wait=0.01, max_wait=0.02),
        transport=httpx.MockTransport(handler),
    )


async def test_an_open_circuit_keeps_every_caller_off_the_network() -> None:
    seen: list[str] = []

    def down(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(503)

    client = _client(down)
    try:
        results = [
            await asyncio.gather(client.get_json(f"/d/{i}", operation="get", fresh=True), return_exceptions=True)
            for i in range(20)
        ]
        assert len(seen) == 3  # the first request's three attempts opened it
        errors = [r[0] for r in results]
        assert all(isinstance(e, UpstreamUnavailable) for e in errors)
        assert all(isinstance(e, CircuitOpen) for e in errors[1:])
    finally:
        await client.aclose()


async def test_nothing_starts_past_the_deadline_or_after_the_answer() -> None:
    seen: list[str] = []

    def ok(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return httpx.Response(200, json={})

    client = _client(ok)
    try:
        with open_scope(CallScope(deadline=time.monotonic() - 0.01)), pytest.raises(UpstreamTimeout) as late:
            await client.get_json("/d", operation="get", fresh=True)
        assert "deadline passed" in late.value.message and late.value.retryable
        with open_scope(CallScope(deadline=time.monotonic() - 0.01)), pytest.raises(UpstreamTimeout):
            await client.send_json("POST", "/d", operation="create", body={})
        answered = CallScope()
        answered.closed = True
        with open_scope(answered), pytest.raises(RequestAnswered):
            await client.get_json("/d", operation="get", fresh=True)
        assert seen == []
        # None of these is the vendor's fault: the circuit is as it was.
        assert (await client.breaker.view()).failures == 0
    finally:
        await client.aclose()


async def test_a_read_gets_the_time_left_as_its_timeout_and_is_cut_at_the_deadline() -> None:
    timeouts: list[Any] = []

    async def slow(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions["timeout"]["read"])
        await asyncio.sleep(5)
        return httpx.Response(200, json={})

    client = _client(slow)
    try:
        with open_scope(CallScope(deadline=time.monotonic() + 0.3)), pytest.raises(UpstreamTimeout):
            await client.get_json("/d", operation="get", fresh=True)
        [timeout] = timeouts  # one attempt: a retry could not finish before the deadline
        assert timeout <= 0.3
        assert (await client.breaker.view()).failures == 1
    finally:
        await client.aclose()


async def test_a_write_is_never_cut_by_the_deadline() -> None:
    timeouts: list[Any] = []

    async def slow(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions["timeout"]["read"])
        await asyncio.sleep(0.3)
        return httpx.Response(201, json={"id": "d1"})

    client = _client(slow, timeout_seconds=10)
    try:
        with open_scope(CallScope(deadline=time.monotonic() + 0.05)):
            assert await client.send_json("POST", "/d", operation="create", body={}) == {"id": "d1"}
        assert timeouts == [10]
    finally:
        await client.aclose()


async def test_retries_stop_once_the_request_was_answered() -> None:
    seen: list[str] = []
    scope = CallScope()

    def flaky(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        scope.closed = True  # the answer goes out while this attempt fails
        return httpx.Response(503)

    client = _client(flaky)
    try:
        with open_scope(scope), pytest.raises(UpstreamUnavailable) as failed:
            await client.get_json("/d", operation="get", fresh=True)
        assert failed.value.status == 503  # the attempt's own error, not a refusal
        assert seen == ["GET"]
    finally:
        await client.aclose()
