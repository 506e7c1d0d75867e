"""Segment rate limits: 5 subscription writes a minute, 600 calls a minute, X-RateLimit-* on every success."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest

from destgraph.emulators.segment.catalog import DOCS_ACTION_ID
from destgraph.emulators.segment.seed import DOCS_DESTINATION_ID
from tests.emulators.conftest import EmulatorHandle

AUTH = {"Authorization": "Bearer emulator-token"}
SUBSCRIPTIONS = f"/destinations/{DOCS_DESTINATION_ID}/subscriptions"
NEW_SUBSCRIPTION = {"name": "Rate", "actionId": DOCS_ACTION_ID, "trigger": 'type = "track"', "enabled": True}


@pytest.mark.loopback
async def test_every_success_carries_x_ratelimit_headers(segment: EmulatorHandle) -> None:
    first = await segment.client.get(f"/destinations/{DOCS_DESTINATION_ID}")
    second = await segment.client.get(f"/destinations/{DOCS_DESTINATION_ID}")
    assert first.headers["x-ratelimit-consumed"] == "1"
    assert first.headers["x-ratelimit-remaining"] == "599"
    assert second.headers["x-ratelimit-consumed"] == "2"
    assert second.headers["x-ratelimit-remaining"] == "598"
    reset = parsedate_to_datetime(first.headers["x-ratelimit-reset"])
    assert reset.tzinfo is not None
    assert "x-ratelimit-limit" not in first.headers


async def test_errors_carry_no_x_ratelimit_headers(segment: EmulatorHandle) -> None:
    response = await segment.client.get("/destinations/noSuchDestination00000")
    assert response.status_code == 404
    assert "x-ratelimit-remaining" not in response.headers


@pytest.mark.loopback
async def test_sixth_subscription_write_in_a_minute_is_429(segment: EmulatorHandle) -> None:
    remaining = []
    for _ in range(5):
        response = await segment.client.post(SUBSCRIPTIONS, json=NEW_SUBSCRIPTION)
        assert response.status_code == 200
        remaining.append(response.headers["x-ratelimit-remaining"])
    assert remaining == ["4", "3", "2", "1", "0"]
    refused = await segment.client.post(SUBSCRIPTIONS, json=NEW_SUBSCRIPTION)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/json"
    retry_after = refused.headers["retry-after"]
    assert retry_after.isdigit() and 1 <= int(retry_after) <= 60
    [error] = refused.json()["errors"]
    assert error["type"] == "RequestError"
    assert error["message"] == "Too many requests"
    assert error["data"]["remainingPoints"] == 0
    assert error["data"]["consumedPoints"] == 5
    assert 0 < error["data"]["msBeforeNext"] <= 60_000


async def test_updates_and_removes_share_the_subscription_write_budget(segment: EmulatorHandle) -> None:
    created = []
    for _ in range(3):
        response = await segment.client.post(SUBSCRIPTIONS, json=NEW_SUBSCRIPTION)
        created.append(response.json()["data"]["destinationSubscription"]["id"])
    assert (
        await segment.client.patch(f"{SUBSCRIPTIONS}/{created[0]}", json={"input": {"name": "x"}})
    ).status_code == 200
    assert (await segment.client.delete(f"{SUBSCRIPTIONS}/{created[1]}")).status_code == 200
    assert (await segment.client.delete(f"{SUBSCRIPTIONS}/{created[2]}")).status_code == 429


async def test_reads_are_not_limited_by_the_subscription_write_budget(segment: EmulatorHandle) -> None:
    for _ in range(5):
        await segment.client.post(SUBSCRIPTIONS, json=NEW_SUBSCRIPTION)
    assert (await segment.client.post(SUBSCRIPTIONS, json=NEW_SUBSCRIPTION)).status_code == 429
    listed = await segment.client.get(SUBSCRIPTIONS, params={"pagination[count]": 20})
    assert listed.status_code == 200
    assert len(listed.json()["data"]["subscriptions"]) == 8


async def test_subscription_write_budget_frees_up_after_a_minute(segment: EmulatorHandle) -> None:
    for _ in range(5):
        await segment.client.post(SUBSCRIPTIONS, json=NEW_SUBSCRIPTION)
    refused = await segment.client.post(SUBSCRIPTIONS, json=NEW_SUBSCRIPTION)
    assert refused.status_code == 429
    await segment.advance_clock(int(refused.headers["retry-after"]))
    assert (await segment.client.post(SUBSCRIPTIONS, json=NEW_SUBSCRIPTION)).status_code == 200


async def test_refused_calls_do_not_consume_the_budget(segment: EmulatorHandle) -> None:
    for _ in range(5):
        await segment.client.post(SUBSCRIPTIONS, json=NEW_SUBSCRIPTION)
    for _ in range(3):
        assert (await segment.client.post(SUBSCRIPTIONS, json=NEW_SUBSCRIPTION)).status_code == 429
    await segment.advance_clock(61)
    for _ in range(5):
        assert (await segment.client.post(SUBSCRIPTIONS, json=NEW_SUBSCRIPTION)).status_code == 200


async def test_the_601st_call_in_a_minute_is_429(segment: EmulatorHandle) -> None:
    # The control client (no contract hook) keeps 600 calls fast; the 429 itself goes through the checked client.
    for _ in range(600):
        assert (await segment.control.get("/catalog/destinations/none", headers=AUTH)).status_code == 404
    refused = await segment.client.get(f"/destinations/{DOCS_DESTINATION_ID}")
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["data"]["consumedPoints"] == 600
    await segment.advance_clock(60)
    assert (await segment.client.get(f"/destinations/{DOCS_DESTINATION_ID}")).status_code == 200


async def test_with_rate_limits_off_nothing_is_refused_and_no_budget_is_reported(segment: EmulatorHandle) -> None:
    await segment.set_rate_limits(False)
    for _ in range(7):
        response = await segment.client.post(SUBSCRIPTIONS, json=NEW_SUBSCRIPTION)
        assert response.status_code == 200
    assert "x-ratelimit-remaining" not in response.headers


async def test_control_api_shows_both_rules_with_their_sources(segment: EmulatorHandle) -> None:
    rules = (await segment.control.get("/_emulator/rate-limits")).json()["rules"]
    assert {(r["name"], r["limit"], r["window_seconds"]) for r in rules} == {
        ("subscription-writes", 5, 60.0),
        ("requests", 600, 60.0),
    }
    assert all(r["source"] for r in rules)
