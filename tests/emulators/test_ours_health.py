"""Ours Privacy GET /rest/v1/destinations/{id}/health: trailing-24-hour dispatch health from seeded history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from destgraph.emulators.core import SeedOptions, parse_timestamp
from destgraph.emulators.registry import create_app
from tests.emulators.conftest import EmulatorHandle, auth_headers

DESTINATIONS = "/rest/v1/destinations"
HEALTH_KEYS = {
    "status",
    "windowStart",
    "windowEnd",
    "totalDispatches",
    "successCount",
    "failureCount",
    "stoppedCount",
    "globalStopCount",
    "successRate",
    "lastDispatchedAt",
}


async def _all_health(ours: EmulatorHandle) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    destinations = (await ours.client.get(DESTINATIONS, params={"limit": 100})).json()["entities"]
    rows = []
    for destination in destinations:
        response = await ours.client.get(f"{DESTINATIONS}/{destination['id']}/health")
        assert response.status_code == 200
        rows.append((destination, response.json()))
    return rows


def _expected_status(health: dict[str, Any]) -> str:
    decisive = health["successCount"] + health["failureCount"]
    if not decisive:
        return "NO_DATA"
    rate = health["successCount"] / decisive
    return "HEALTHY" if rate >= 0.95 else "DEGRADED" if rate >= 0.5 else "UNHEALTHY"


@pytest.mark.loopback
async def test_health_covers_the_trailing_24_hours(ours: EmulatorHandle) -> None:
    [(_, health), *_] = await _all_health(ours)
    assert set(health) == HEALTH_KEYS
    start, end = parse_timestamp(health["windowStart"]), parse_timestamp(health["windowEnd"])
    assert end - start == timedelta(hours=24)


@pytest.mark.loopback
async def test_health_status_follows_the_documented_thresholds(ours: EmulatorHandle) -> None:
    rows = await _all_health(ours)
    for _, health in rows:
        assert health["status"] == _expected_status(health)
        decisive = health["successCount"] + health["failureCount"]
        if decisive:
            assert health["successRate"] == pytest.approx(health["successCount"] / decisive, abs=1e-4)
        else:
            assert health["successRate"] is None
        assert health["totalDispatches"] == decisive + health["stoppedCount"] + health["globalStopCount"]
    # The seed gives a realistic mix.
    assert {h["status"] for _, h in rows} >= {"HEALTHY", "DEGRADED", "NO_DATA"}


async def test_seeded_history_shows_every_status(ours: EmulatorHandle) -> None:
    await ours.reseed(destinations=200)
    statuses = {h["status"] for _, h in await _all_health(ours)}
    assert statuses == {"HEALTHY", "DEGRADED", "UNHEALTHY", "NO_DATA"}


async def test_disabled_destinations_have_no_dispatches_in_the_window(ours: EmulatorHandle) -> None:
    for destination, health in await _all_health(ours):
        if destination["status"] == "Disabled":
            assert health["status"] == "NO_DATA"
            assert health["totalDispatches"] == 0
            if health["lastDispatchedAt"]:
                assert parse_timestamp(health["lastDispatchedAt"]) < parse_timestamp(health["windowStart"])


async def test_stopped_only_dispatches_are_no_data_with_attempts(ours: EmulatorHandle) -> None:
    await ours.reseed(destinations=200)
    stopped_only = [h for _, h in await _all_health(ours) if h["status"] == "NO_DATA" and h["totalDispatches"]]
    assert stopped_only
    for health in stopped_only:
        assert health["successCount"] == health["failureCount"] == 0
        assert health["successRate"] is None
        assert health["lastDispatchedAt"] is not None


@pytest.mark.loopback
async def test_new_destination_has_no_data(ours: EmulatorHandle) -> None:
    created = (await ours.client.post(DESTINATIONS, json={"type": "Audiohook"})).json()
    health = (await ours.client.get(f"{DESTINATIONS}/{created['id']}/health")).json()
    assert health["status"] == "NO_DATA"
    assert health["totalDispatches"] == 0
    assert health["successRate"] is None
    assert health["lastDispatchedAt"] is None


async def test_last_dispatch_is_inside_the_window_when_there_is_data(ours: EmulatorHandle) -> None:
    for _, health in await _all_health(ours):
        if health["successCount"] + health["failureCount"]:
            last = parse_timestamp(health["lastDispatchedAt"])
            assert parse_timestamp(health["windowStart"]) < last <= parse_timestamp(health["windowEnd"])


async def test_window_moves_with_the_clock_and_empties_after_a_day(ours: EmulatorHandle) -> None:
    before = {d["id"]: h for d, h in await _all_health(ours)}
    await ours.advance_clock(25 * 3600)
    after = {d["id"]: h for d, h in await _all_health(ours)}
    for destination_id, health in after.items():
        assert health["status"] == "NO_DATA"
        assert health["totalDispatches"] == 0
        assert health["lastDispatchedAt"] == before[destination_id]["lastDispatchedAt"]
        moved = parse_timestamp(health["windowEnd"]) - parse_timestamp(before[destination_id]["windowEnd"])
        assert moved >= timedelta(hours=25)


async def test_half_a_day_later_the_window_holds_fewer_dispatches(ours: EmulatorHandle) -> None:
    before = {d["id"]: h for d, h in await _all_health(ours)}
    await ours.advance_clock(12 * 3600)
    after = {d["id"]: h for d, h in await _all_health(ours)}
    busy = [i for i, h in before.items() if h["totalDispatches"]]
    assert busy
    for destination_id in busy:
        assert 0 < after[destination_id]["totalDispatches"] < before[destination_id]["totalDispatches"]


async def test_health_is_deterministic_for_a_seed(ours: EmulatorHandle) -> None:
    """Another emulator seeded alike answers the same health, asked at the same moment. (The window
    trails the clock, so two answers minutes apart may differ: each is read from both at once.)"""
    twin = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app("ours", options=SeedOptions(seed=1, destinations=40))),
        base_url="http://testserver",
        headers=auth_headers("ours"),
    )
    async with twin:
        destinations = (await ours.client.get(DESTINATIONS, params={"limit": 100})).json()["entities"]
        assert destinations
        for destination in destinations:
            path = f"{DESTINATIONS}/{destination['id']}/health"
            mine, theirs = (await ours.client.get(path)).json(), (await twin.get(path)).json()
            assert {k: v for k, v in mine.items() if not k.startswith("window")} == {
                k: v for k, v in theirs.items() if not k.startswith("window")
            }


async def test_health_of_deleted_destination_is_404(ours: EmulatorHandle) -> None:
    destination_id = (await ours.client.get(DESTINATIONS, params={"limit": 1})).json()["entities"][0]["id"]
    await ours.client.delete(f"{DESTINATIONS}/{destination_id}")
    response = await ours.client.get(f"{DESTINATIONS}/{destination_id}/health")
    assert response.status_code == 404
    assert response.json()["error"] == "Not Found"
