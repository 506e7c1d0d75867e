"""The control API and middleware every emulator shares, exercised on each of the four."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from tests.emulators.conftest import EmulatorHandle

pytestmark = pytest.mark.loopback


async def _vendor_call(vendor: EmulatorHandle):
    """One cheap, authenticated, successful vendor call."""
    paths = {
        "segment": "/destinations?pagination[count]=1",
        "ours": "/rest/v1/destinations?limit=1",
        "zeotap": "/api/v1/workspaces/ws-demo/destinations",
        "nimriz": "/api/integrations/destinations",
    }
    return await vendor.client.get(paths[vendor.name])


async def test_root_answers_200_without_auth(any_vendor: EmulatorHandle) -> None:
    response = await any_vendor.control.get("/")
    assert response.status_code == 200
    assert response.json()["emulator"] == any_vendor.name


async def test_control_index_lists_endpoints(any_vendor: EmulatorHandle) -> None:
    body = (await any_vendor.control.get("/_emulator/")).json()
    assert body["emulator"] == any_vendor.name
    assert "POST /_emulator/reset" in body["endpoints"]


async def test_request_log_records_method_path_route_status_and_times(any_vendor: EmulatorHandle) -> None:
    response = await _vendor_call(any_vendor)
    assert response.status_code == 200
    [entry] = await any_vendor.requests()
    assert entry["method"] == "GET"
    assert entry["path"] == response.request.url.path
    assert entry["route"].startswith("GET /")
    assert entry["status"] == 200
    assert entry["ended_at"] >= entry["started_at"]


async def test_control_and_root_calls_are_not_logged(any_vendor: EmulatorHandle) -> None:
    await any_vendor.control.get("/")
    await any_vendor.control.get("/_emulator/counters")
    assert await any_vendor.requests() == []


async def test_request_log_filters_by_sequence_and_clears(any_vendor: EmulatorHandle) -> None:
    await _vendor_call(any_vendor)
    [first] = await any_vendor.requests()
    await _vendor_call(any_vendor)
    later = await any_vendor.requests(since=first["seq"])
    assert [e["seq"] for e in later] == [first["seq"] + 1]
    await any_vendor.control.delete("/_emulator/requests")
    assert await any_vendor.requests() == []


async def test_counters_count_by_route_and_status(any_vendor: EmulatorHandle) -> None:
    await _vendor_call(any_vendor)
    await _vendor_call(any_vendor)
    counters = (await any_vendor.control.get("/_emulator/counters")).json()
    assert counters["total"] == 2
    assert counters["by_status"] == {"200": 2}
    assert sum(counters["by_route"].values()) == 2


async def test_missing_token_gets_401_in_vendor_shape(any_vendor: EmulatorHandle) -> None:
    response = await any_vendor.control.request("GET", (await _vendor_call(any_vendor)).request.url.path)
    assert response.status_code == 401
    assert "Traceback" not in response.text
    assert response.headers["content-type"].startswith("application/json")


async def test_down_switch_answers_503_to_every_vendor_call(any_vendor: EmulatorHandle) -> None:
    await any_vendor.set_faults(down=True)
    response = await _vendor_call(any_vendor)
    assert response.status_code == 503
    [entry] = await any_vendor.requests()
    assert entry["intervention"] == "down"


async def test_queued_faults_answer_the_next_calls_in_order(any_vendor: EmulatorHandle) -> None:
    await any_vendor.set_faults(queue=[429, 500], retry_after=7)
    first, second, third = [await _vendor_call(any_vendor) for _ in range(3)]
    assert first.status_code == 429
    assert first.headers["retry-after"] == "7"
    assert second.status_code == 500
    assert third.status_code == 200


async def test_error_rate_of_one_fails_every_call(any_vendor: EmulatorHandle) -> None:
    await any_vendor.set_faults(error_rates={"503": 1.0})
    statuses = {(await _vendor_call(any_vendor)).status_code for _ in range(3)}
    assert statuses == {503}


async def test_injected_latency_is_visible_in_the_request_log(any_vendor: EmulatorHandle) -> None:
    await any_vendor.set_faults(latency_ms=30, jitter_ms=5)
    assert (await _vendor_call(any_vendor)).status_code == 200
    [entry] = await any_vendor.requests()
    assert entry["intervention"] == "latency"
    assert entry["duration_ms"] >= 30


async def test_faults_can_target_a_path_pattern(any_vendor: EmulatorHandle) -> None:
    await any_vendor.set_faults(down=True, path_pattern="^/no-such-prefix")
    assert (await _vendor_call(any_vendor)).status_code == 200


async def test_malformed_fault_plan_is_refused(any_vendor: EmulatorHandle) -> None:
    for plan in ({"error_rates": {"418": 0.5}}, {"latency_ms": -1}, {"nonsense": 1}, {"error_rates": {"500": 2}}):
        response = await any_vendor.control.put("/_emulator/faults", json=plan)
        assert response.status_code == 400, plan
    assert (await any_vendor.control.get("/_emulator/faults")).json()["down"] is False


async def test_reset_clears_faults_and_the_log(any_vendor: EmulatorHandle) -> None:
    await any_vendor.set_faults(down=True)
    await _vendor_call(any_vendor)
    await any_vendor.control.post("/_emulator/reset")
    assert await any_vendor.requests() == []
    assert (await _vendor_call(any_vendor)).status_code == 200


async def test_rate_limits_can_be_switched_off_and_on(any_vendor: EmulatorHandle) -> None:
    await any_vendor.set_rate_limits(False)
    assert (await any_vendor.control.get("/_emulator/rate-limits")).json()["enabled"] is False
    await any_vendor.set_rate_limits(True)
    assert (await any_vendor.control.get("/_emulator/rate-limits")).json()["enabled"] is True
    bad = await any_vendor.control.put("/_emulator/rate-limits", json={"enabled": "yes"})
    assert bad.status_code == 400


async def test_clock_moves_forward_only(any_vendor: EmulatorHandle) -> None:
    await any_vendor.control.post("/_emulator/reset")
    moved = await any_vendor.control.post("/_emulator/clock", json={"advance_seconds": 90})
    assert moved.json()["offset_seconds"] == 90
    backwards = await any_vendor.control.post("/_emulator/clock", json={"advance_seconds": -1})
    assert backwards.status_code == 400


async def test_openapi_document_is_valid_openapi_3(any_vendor: EmulatorHandle) -> None:
    document = (await any_vendor.control.get("/_emulator/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    validate(document)
    assert document["paths"]


async def test_inspecting_an_unknown_destination_is_404(any_vendor: EmulatorHandle) -> None:
    response = await any_vendor.control.get("/_emulator/state/destinations/no-such-id")
    assert response.status_code == 404


@pytest.mark.parametrize("seed", [1, 7])
async def test_same_seed_gives_the_same_data(any_vendor: EmulatorHandle, seed: int) -> None:
    await any_vendor.reseed(seed=seed, destinations=5)
    first = (await _vendor_call(any_vendor)).json()
    await any_vendor.reseed(seed=seed, destinations=5)
    assert (await _vendor_call(any_vendor)).json() == first


async def test_different_seeds_give_different_data(any_vendor: EmulatorHandle) -> None:
    await any_vendor.reseed(seed=1, destinations=5)
    first = (await _vendor_call(any_vendor)).json()
    await any_vendor.reseed(seed=2, destinations=5)
    assert (await _vendor_call(any_vendor)).json() != first


async def test_seed_rejects_bad_options(any_vendor: EmulatorHandle) -> None:
    response = await any_vendor.control.post("/_emulator/seed", json={"destinations": -3})
    assert response.status_code == 400
