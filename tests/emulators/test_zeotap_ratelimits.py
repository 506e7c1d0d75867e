"""Zeotap Composable: 100 requests a minute and 20 a second per workspace, 429 + Retry-After.

Windows are moved with the control clock (``advance_clock``), never with sleeps.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulators.conftest import EmulatorHandle

WS = "/api/v1/workspaces/ws-demo"
SANDBOX = "/api/v1/workspaces/ws-sandbox"


async def _burst(zeotap: EmulatorHandle, count: int, path: str = f"{WS}/syncs", **kwargs: Any) -> list[int]:
    return [(await zeotap.client.get(path, **kwargs)).status_code for _ in range(count)]


def _assert_rate_limited(response: Any) -> int:
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("application/json")
    assert set(response.json()) == {"error"}
    assert "rate limit" in response.json()["error"]
    retry_after = response.headers["Retry-After"]
    assert retry_after.isdigit()
    assert int(retry_after) >= 1
    return int(retry_after)


@pytest.mark.loopback
async def test_21_quick_calls_trip_the_20_per_second_limit(zeotap: EmulatorHandle) -> None:
    assert await _burst(zeotap, 20) == [200] * 20
    response = await zeotap.client.get(f"{WS}/destinations")
    assert _assert_rate_limited(response) == 1
    assert "20 requests per second" in response.json()["error"]


async def test_the_per_second_window_reopens_after_a_second(zeotap: EmulatorHandle) -> None:
    await _burst(zeotap, 20)
    assert (await zeotap.client.get(f"{WS}/syncs")).status_code == 429
    await zeotap.advance_clock(1.0)
    assert (await zeotap.client.get(f"{WS}/syncs")).status_code == 200


async def test_the_101st_call_in_a_minute_is_429(zeotap: EmulatorHandle) -> None:
    statuses = []
    for _ in range(5):
        statuses += await _burst(zeotap, 20)
        await zeotap.advance_clock(1.0)
    assert statuses == [200] * 100
    response = await zeotap.client.get(f"{WS}/syncs")
    retry_after = _assert_rate_limited(response)
    assert "100 requests per minute" in response.json()["error"]
    # The first call of the minute leaves the window 60 s after it was made; 5 s have passed.
    assert 50 <= retry_after <= 56
    await zeotap.advance_clock(retry_after)
    assert (await zeotap.client.get(f"{WS}/syncs")).status_code == 200


async def test_rejected_calls_do_not_use_up_the_budget(zeotap: EmulatorHandle) -> None:
    await _burst(zeotap, 20)
    assert await _burst(zeotap, 5) == [429] * 5
    await zeotap.advance_clock(1.0)
    assert await _burst(zeotap, 20) == [200] * 20


async def test_limits_are_kept_per_workspace(zeotap: EmulatorHandle) -> None:
    await _burst(zeotap, 20)
    assert (await zeotap.client.get(f"{WS}/syncs")).status_code == 429
    sandbox = await _burst(zeotap, 20, f"{SANDBOX}/syncs", headers={"X-Workspace-ID": "ws-sandbox"})
    assert sandbox == [200] * 20


async def test_every_endpoint_counts_against_the_workspace(zeotap: EmulatorHandle) -> None:
    destination = (await zeotap.client.get(f"{WS}/destinations")).json()[0]
    for _ in range(6):
        await zeotap.client.get(f"{WS}/destinations/{destination['id']}")
        await zeotap.client.get(f"{WS}/destinations/{destination['id']}/fields")
        await zeotap.client.get(f"{WS}/audience-syncs")
    # GET /workspaces has no workspace in its path: it counts against the X-Workspace-ID sent.
    assert (await zeotap.client.get("/api/v1/workspaces")).status_code == 200
    _assert_rate_limited(await zeotap.client.post(f"{WS}/destinations/test", json={}))


@pytest.mark.loopback
async def test_successes_carry_no_rate_limit_headers(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get(f"{WS}/destinations")
    assert response.status_code == 200
    assert not [h for h in response.headers if "ratelimit" in h.lower() or h.lower() == "retry-after"]


async def test_429_carries_only_retry_after(zeotap: EmulatorHandle) -> None:
    await _burst(zeotap, 20)
    response = await zeotap.client.get(f"{WS}/syncs")
    assert response.status_code == 429
    assert not [h for h in response.headers if "ratelimit" in h.lower()]


async def test_rate_limits_can_be_switched_off(zeotap: EmulatorHandle) -> None:
    await zeotap.set_rate_limits(False)
    assert await _burst(zeotap, 30) == [200] * 30


async def test_the_control_api_reports_both_rules(zeotap: EmulatorHandle) -> None:
    await _burst(zeotap, 3)
    rules = (await zeotap.control.get("/_emulator/rate-limits")).json()["rules"]
    assert {(r["limit"], r["window_seconds"]) for r in rules} == {(100, 60.0), (20, 1.0)}
    assert all(r["used"] == {"ws-demo": 3} for r in rules)
