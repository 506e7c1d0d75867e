"""Vendor quotas spent wisely: a read cache, fair shares per API key, pacing exact at window edges.

Calls are counted from the emulators' own request logs, which also record every 429 the vendors'
documented limits (on in these emulators) answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from destgraph.config import hash_api_key
from tests.schema.conftest import WORKSPACES, Stack, build_stack, close_stack

OTHER_KEY = "dg_test_other_key_000000000"
OTHER = {"name": "other", "sha256": hash_api_key(OTHER_KEY), "scopes": ["read", "write"], "workspaces": ["*"]}
DASHBOARD = """
{ workspaces { key destinations(first: 10) { nodes { id name type { label } subscriptions(first: 5) { nodes { name } } } } } }
"""
ZEOTAP_LIST = "{ destinations(first: 100, filter: {providers: [ZEOTAP]}) { nodes { id name } } }"
RENAME = "mutation($input: UpdateDestinationInput!) { updateDestination(input: $input) { userErrors { code } } }"


@pytest.fixture
async def two_keys() -> AsyncIterator[Stack]:
    built = await build_stack(extra_keys=[OTHER])
    try:
        yield built
    finally:
        await close_stack(built)


async def vendor_429s(stack: Stack) -> int:
    total = 0
    for upstream in stack.upstreams.values():
        total += sum(1 for call in await upstream.calls() if call["status"] == 429)
    return total


# -- the read cache ---------------------------------------------------------------------------------


async def test_a_repeated_dashboard_costs_the_vendors_nothing_while_fresh(stack: Stack) -> None:
    await stack.data(DASHBOARD)
    first = await stack.total_calls()
    for _ in range(5):
        body = await stack.query(DASHBOARD)
        assert body["extensions"]["cost"]["actualQueryCost"] == 0
    assert first > 0 and await stack.total_calls() == first


async def test_a_write_through_the_gateway_is_seen_by_the_next_read_of_every_key(two_keys: Stack) -> None:
    stack = two_keys
    before = (await stack.query(ZEOTAP_LIST, key=OTHER_KEY))["data"]["destinations"]["nodes"]
    await stack.data(ZEOTAP_LIST)  # both keys' reads are now cached
    target = before[0]

    await stack.data(RENAME, {"input": {"id": target["id"], "name": "Renamed for everyone"}})

    for key in (OTHER_KEY, None):
        body = await (stack.query(ZEOTAP_LIST, key=key) if key else stack.query(ZEOTAP_LIST))
        names = {n["id"]: n["name"] for n in body["data"]["destinations"]["nodes"]}
        assert names[target["id"]] == "Renamed for everyone"


async def test_cache_control_no_cache_reads_from_the_vendor(stack: Stack) -> None:
    await stack.data(ZEOTAP_LIST)
    await stack.clear_calls()
    await stack.data(ZEOTAP_LIST)
    assert await stack.total_calls() == 0
    await stack.data(ZEOTAP_LIST, fresh=True)
    assert len(await stack.upstreams["zeotap"].calls()) == 1


async def test_past_its_ttl_an_entry_answers_while_one_refresh_runs() -> None:
    stack = await build_stack(workspace_options={"cache_ttl_seconds": {"destinations": 0.05}})
    try:
        await stack.data(ZEOTAP_LIST)
        await asyncio.sleep(0.1)
        await stack.clear_calls()
        answers = await asyncio.gather(*(stack.query(ZEOTAP_LIST) for _ in range(5)))
        assert all("errors" not in a and "stale" not in a["extensions"] for a in answers)
        for _ in range(50):  # the refresh runs in the background; bounded wait for it
            if await stack.upstreams["zeotap"].calls():
                break
            await asyncio.sleep(0.01)
        assert len(await stack.upstreams["zeotap"].calls()) == 1
    finally:
        await close_stack(stack)


async def test_a_vendor_down_is_answered_from_the_cache_marked_stale_with_its_age() -> None:
    options = {"cache_ttl_seconds": {"destinations": 0.05}, "cache_stale_while_revalidate_seconds": 0}
    stack = await build_stack(workspace_options=options)
    try:
        first = (await stack.data(ZEOTAP_LIST))["destinations"]["nodes"]
        await asyncio.sleep(0.1)
        await stack.upstreams["zeotap"].faults(down=True)

        body = await stack.query(ZEOTAP_LIST)

        assert "errors" not in body
        assert body["data"]["destinations"]["nodes"] == first
        [stale] = body["extensions"]["stale"]
        assert stale["workspace"] == WORKSPACES["zeotap"] and stale["ageSeconds"] >= 0.05
        # Asked for a fresh read, the caller learns the vendor is down.
        fresh = await stack.query(ZEOTAP_LIST, fresh=True)
        assert [e["extensions"]["code"] for e in fresh["errors"]] == ["UPSTREAM_UNAVAILABLE"]
    finally:
        await close_stack(stack)


# -- fair shares ------------------------------------------------------------------------------------


async def test_while_one_key_floods_a_vendor_the_other_keys_reads_all_succeed(two_keys: Stack) -> None:
    stack = two_keys
    # Key A asks for fresh reads (no cache) as fast as it can; Zeotap allows 20 a second, 100 a minute.
    flood = [stack.query(ZEOTAP_LIST, fresh=True) for _ in range(40)]
    results = await asyncio.gather(*flood)
    refused = [r for r in results if r.get("errors")]
    assert refused, "the flood stayed within its share: the test proves nothing"
    assert {e["extensions"]["code"] for r in refused for e in r["errors"]} == {"UPSTREAM_RATE_LIMITED"}
    assert all("share" in e["message"] for r in refused for e in r["errors"])

    for _ in range(10):
        body = await stack.query(ZEOTAP_LIST, key=OTHER_KEY, fresh=True)
        assert "errors" not in body, body["errors"]
    assert await vendor_429s(stack) == 0


async def test_a_key_past_its_share_of_the_gateways_calls_is_refused_alone() -> None:
    stack = await build_stack(extra_keys=[OTHER], upstream_calls_per_minute=8)
    try:
        first = await stack.query(DASHBOARD, fresh=True)  # the tests key may cause 4 calls a minute
        assert first["extensions"]["cost"]["actualQueryCost"] >= 4
        refused = await stack.query(DASHBOARD, fresh=True)
        [error] = refused["errors"]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert error["extensions"]["retryAfter"] >= 1
        assert "data" not in refused  # refused before execution: no data entry
        other = await stack.query(ZEOTAP_LIST, key=OTHER_KEY, fresh=True)
        assert "errors" not in other
    finally:
        await close_stack(stack)


# -- pacing -----------------------------------------------------------------------------------------


async def test_a_burst_past_zeotaps_twenty_a_second_draws_no_vendor_429() -> None:
    stack = await build_stack(rate_wait_seconds=10, request_deadline_seconds=30)
    try:
        query = "{ destinations(first: 40, filter: {providers: [ZEOTAP]}) { nodes { fields { name } } } }"
        body: dict[str, Any] = await stack.query(query, fresh=True)
        # Zeotap refuses to describe a few connectors' fields (its quirk, coded UPSTREAM_ERROR): never a 429.
        assert {e["extensions"]["code"] for e in body.get("errors") or ()} <= {"UPSTREAM_ERROR"}
        zeotap = await stack.upstreams["zeotap"].calls()
        assert len(zeotap) == 41  # the list and forty field lists: over two windows of a second
        assert [c for c in zeotap if c["status"] == 429] == []
    finally:
        await close_stack(stack)


# -- the quota's store failing ---------------------------------------------------------------------


def _unreachable_budgets() -> Any:
    """Budgets on a Redis nothing listens at: every command is StateUnavailable."""
    import redis.asyncio as aioredis

    from destgraph.state.redis import RedisBudgets

    return RedisBudgets(aioredis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2))


class _ChargeLost:
    """The gateway's budgets, but the store is gone by the time an operation's calls are charged."""

    def __init__(self, kept: Any) -> None:
        self._kept, self._lost = kept, _unreachable_budgets()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kept, name)

    async def spend(self, *args: Any, **kwargs: Any) -> None:
        await self._lost.spend(*args, **kwargs)


async def test_a_quota_that_cannot_be_read_refuses_the_operation_with_its_code(stack: Stack) -> None:
    stack.app.state.gateway.state.budgets = _unreachable_budgets()
    await stack.clear_calls()
    body = await stack.query(ZEOTAP_LIST, fresh=True)
    assert body.get("data") is None  # a request error: nothing ran (as RATE_LIMITED)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["STATE_UNAVAILABLE"]
    assert await stack.total_calls() == 0  # refused before anything ran


async def test_a_quota_that_cannot_be_charged_keeps_the_answer_it_paid_for(stack: Stack) -> None:
    state = stack.app.state.gateway.state
    state.budgets = _ChargeLost(state.budgets)
    body = await stack.query(ZEOTAP_LIST, fresh=True)
    assert "errors" not in body
    assert len(body["data"]["destinations"]["nodes"]) == 40
