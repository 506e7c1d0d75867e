"""Upstream faults become coded GraphQL errors; one workspace failing leaves the others' data."""

from __future__ import annotations

from tests.schema.conftest import WORKSPACES, Stack

WORKSPACE_DESTINATIONS = "{ workspaces { key destinations(first: 2) { nodes { name } } } }"


async def test_one_workspace_down_returns_the_others_and_an_error_with_its_path(stack: Stack) -> None:
    await stack.upstreams["zeotap"].faults(down=True)
    body = await stack.query(WORKSPACE_DESTINATIONS)
    workspaces = {w["key"]: w for w in body["data"]["workspaces"]}
    assert workspaces[WORKSPACES["zeotap"]]["destinations"]["nodes"] == []
    for name in ("segment", "ours", "nimriz"):
        assert len(workspaces[WORKSPACES[name]]["destinations"]["nodes"]) == 2
    [error] = body["errors"]
    assert error["path"] == ["workspaces", 2, "destinations"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert error["extensions"]["provider"] == "ZEOTAP"
    assert error["extensions"]["workspace"] == WORKSPACES["zeotap"]
    assert error["extensions"]["upstreamStatus"] == 503
    assert error["extensions"]["retryable"] is True


async def test_cross_workspace_listing_skips_a_failed_workspace_and_reports_it(stack: Stack) -> None:
    await stack.upstreams["segment"].faults(down=True)
    body = await stack.query("{ destinations(first: 50) { nodes { provider } } }")
    assert body["data"]["destinations"]["nodes"]
    assert all(n["provider"] != "SEGMENT" for n in body["data"]["destinations"]["nodes"])
    assert body["errors"][0]["path"] == ["destinations"]
    assert body["errors"][0]["extensions"]["provider"] == "SEGMENT"


async def test_transient_503_is_retried_and_answered(stack: Stack) -> None:
    await stack.upstreams["ours"].faults(queue=[503])
    body = await stack.query("{ destinations(first: 3, filter: {providers: [OURS]}) { nodes { name } } }")
    assert not body.get("errors")
    assert [c["status"] for c in await stack.upstreams["ours"].calls()] == [503, 200]


async def test_429_with_short_retry_after_is_waited_out(stack: Stack) -> None:
    await stack.upstreams["nimriz"].faults(queue=[429], retry_after=1)
    body = await stack.query("{ destinations(first: 3, filter: {providers: [NIMRIZ]}) { nodes { name } } }")
    assert not body.get("errors")
    assert [c["status"] for c in await stack.upstreams["nimriz"].calls()] == [429, 200]


async def test_429_with_long_retry_after_is_rate_limited_with_retry_after(stack: Stack) -> None:
    await stack.upstreams["nimriz"].faults(error_rates={"429": 1.0}, retry_after=30)
    body = await stack.query('{ workspace(key: "nimriz-main") { destinations(first: 3) { nodes { name } } } }')
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_RATE_LIMITED"
    assert error["extensions"]["retryAfter"] == 30
    assert error["extensions"]["retryable"] is True
    assert len(await stack.upstreams["nimriz"].calls()) == 1


async def test_persistent_500_is_upstream_unavailable_after_bounded_retries(stack: Stack) -> None:
    await stack.upstreams["ours"].faults(error_rates={"500": 1.0})
    body = await stack.query('{ workspace(key: "ours-main") { destinations(first: 3) { nodes { name } } } }')
    assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    # 500 is not one of the statuses worth retrying (429, 502, 503, 504).
    assert len(await stack.upstreams["ours"].calls()) == 1


async def test_workspace_health_reports_each_state(stack: Stack) -> None:
    await stack.upstreams["zeotap"].faults(down=True)
    data = await stack.data("{ workspaces { key health { status latencyMs checkedAt message } } }")
    health = {w["key"]: w["health"] for w in data["workspaces"]}
    assert health[WORKSPACES["zeotap"]]["status"] == "UNREACHABLE"
    assert health[WORKSPACES["segment"]]["status"] == "OK"
    assert health[WORKSPACES["segment"]]["latencyMs"] >= 0


async def test_error_messages_never_carry_a_stack_trace(stack: Stack) -> None:
    await stack.upstreams["zeotap"].faults(error_rates={"500": 1.0})
    body = await stack.query(WORKSPACE_DESTINATIONS)
    assert "Traceback" not in str(body) and 'File "' not in str(body)
