"""Zeotap Composable: the two connection tests, streamed as server-sent events.

Rule (emulator's, documented in the package): a missing required config field or an
"unreachable" value fails connectivity, a secret containing "invalid" or "expired" fails
authentication, a value containing "forbidden" fails permissions; later steps are skipped.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.emulators.conftest import EmulatorHandle

WS = "/api/v1/workspaces/ws-demo"
BRAZE = {"rest_endpoint": "https://rest.iad-01.braze.com", "api_key": "braze-good-key"}
STEPS = ["connectivity", "authentication", "permissions"]


def parse_sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    """The (event, data) pairs of a text/event-stream body."""
    events = []
    for block in text.replace("\r\n", "\n").strip().split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[len("event:") :].strip()
            elif line.startswith("data:"):
                data.append(line[len("data:") :].strip())
        events.append((name, json.loads("\n".join(data))))
    return events


async def _test_new(zeotap: EmulatorHandle, destination_type: str, config: dict[str, Any]) -> list[tuple[str, Any]]:
    body = {"destination_type": destination_type, "config": config}
    response = await zeotap.client.post(f"{WS}/destinations/test", json=body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    return parse_sse(response.text)


def _statuses(events: list[tuple[str, Any]]) -> list[str]:
    return [data["status"] for name, data in events if name == "step"]


def _assert_error(response: Any, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert set(response.json()) == {"error"}
    for word in words:
        assert word in response.json()["error"]


# -- new connection -----------------------------------------------------------------------------


@pytest.mark.loopback
async def test_new_connection_test_streams_step_events_then_done(zeotap: EmulatorHandle) -> None:
    events = await _test_new(zeotap, "braze", BRAZE)
    assert [name for name, _ in events] == ["step", "step", "step", "done"]
    steps = [data for name, data in events if name == "step"]
    assert [s["name"] for s in steps] == STEPS
    assert all(set(s) == {"name", "status", "message"} and s["status"] == "passed" for s in steps)
    assert steps[0]["message"] == "Successfully connected"
    done = events[-1][1]
    assert done == {"success": True, "steps": steps}


async def test_new_connection_oauth_type_reports_oauth_token_valid(zeotap: EmulatorHandle) -> None:
    config = {"instance_url": "https://mycompany.salesforce.com", "api_version": "58.0"}
    events = await _test_new(zeotap, "salesforce", config)
    assert events[1][1] == {"name": "authentication", "status": "passed", "message": "OAuth token valid"}


@pytest.mark.loopback
async def test_new_connection_missing_required_field_fails_connectivity(zeotap: EmulatorHandle) -> None:
    events = await _test_new(zeotap, "braze", {"api_key": "k"})
    assert _statuses(events) == ["failed", "skipped", "skipped"]
    assert "config.rest_endpoint" in events[0][1]["message"]
    assert events[-1] == ("done", {"success": False, "steps": [data for _, data in events[:3]]})


async def test_new_connection_unreachable_host_fails_connectivity(zeotap: EmulatorHandle) -> None:
    config = {"url": "https://unreachable.example.com/hook"}
    assert _statuses(await _test_new(zeotap, "webhook", config)) == ["failed", "skipped", "skipped"]


@pytest.mark.loopback
@pytest.mark.parametrize("marker", ["invalid", "expired", "EXPIRED"])
async def test_new_connection_secret_marked_invalid_or_expired_fails_authentication(
    zeotap: EmulatorHandle, marker: str
) -> None:
    events = await _test_new(zeotap, "braze", BRAZE | {"api_key": f"key-{marker}-1"})
    assert _statuses(events) == ["passed", "failed", "skipped"]
    assert events[1][1]["message"].startswith("Authentication failed")
    assert events[-1][1]["success"] is False


async def test_new_connection_invalid_in_a_non_secret_field_does_not_fail(zeotap: EmulatorHandle) -> None:
    events = await _test_new(zeotap, "braze", BRAZE | {"app_group_id": "invalid-looking-id"})
    assert _statuses(events) == ["passed", "passed", "passed"]


async def test_new_connection_forbidden_value_fails_permissions(zeotap: EmulatorHandle) -> None:
    config = {"project_id": "acme", "location": "US", "dataset": "forbidden_ds", "service_account_json": "{}"}
    events = await _test_new(zeotap, "bigquery", config)
    assert _statuses(events) == ["passed", "passed", "failed"]
    assert "permission" in events[2][1]["message"].lower()


async def test_new_connection_test_stores_nothing(zeotap: EmulatorHandle) -> None:
    await _test_new(zeotap, "braze", BRAZE)
    assert len((await zeotap.client.get(f"{WS}/destinations")).json()) == 40


async def test_new_connection_test_ignores_unknown_config_keys(zeotap: EmulatorHandle) -> None:
    assert _statuses(await _test_new(zeotap, "braze", BRAZE | {"extra": "x"})) == ["passed"] * 3


@pytest.mark.loopback
async def test_new_connection_test_with_malformed_json_is_400_not_a_stream(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.post(
        f"{WS}/destinations/test", content=b'{"destination_type": ', headers={"Content-Type": "application/json"}
    )
    _assert_error(response, 400, "JSON")


@pytest.mark.loopback
async def test_new_connection_test_with_unknown_type_is_400(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.post(f"{WS}/destinations/test", json={"destination_type": "x", "config": {}})
    _assert_error(response, 400, "destination_type")


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"config": {}}, "destination_type"),
        ({"destination_type": "braze"}, "config"),
        ({"destination_type": "braze", "config": "api_key=x"}, "config"),
        ([], "object"),
    ],
)
async def test_new_connection_test_with_a_bad_body_is_400(zeotap: EmulatorHandle, body: Any, word: str) -> None:
    _assert_error(await zeotap.client.post(f"{WS}/destinations/test", json=body), 400, word)


# -- existing connection ------------------------------------------------------------------------


@pytest.mark.loopback
async def test_existing_connection_test_marks_a_good_destination_connected(zeotap: EmulatorHandle) -> None:
    created = (
        await zeotap.client.post(f"{WS}/destinations", json={"name": "B", "destination_type": "braze", "config": BRAZE})
    ).json()
    response = await zeotap.client.post(f"{WS}/destinations/{created['id']}/test")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    assert [name for name, _ in events] == ["step", "step", "step", "done"]
    assert events[0][1] == {"name": "connectivity", "status": "passed", "message": "Connected successfully"}
    done = events[-1][1]
    assert set(done) == {"success", "destination", "steps"}
    assert done["success"] is True
    assert done["destination"]["id"] == created["id"]
    assert (done["destination"]["status"], done["destination"]["status_error"]) == ("connected", "")
    stored = (await zeotap.client.get(f"{WS}/destinations/{created['id']}")).json()
    assert stored == done["destination"]


@pytest.mark.loopback
async def test_existing_connection_test_failure_sets_error_and_status_error(zeotap: EmulatorHandle) -> None:
    config = BRAZE | {"api_key": "rotated-expired-key"}
    created = (
        await zeotap.client.post(
            f"{WS}/destinations", json={"name": "B", "destination_type": "braze", "config": config}
        )
    ).json()
    events = parse_sse((await zeotap.client.post(f"{WS}/destinations/{created['id']}/test")).text)
    done = events[-1][1]
    assert done["success"] is False
    failed = next(step for step in done["steps"] if step["status"] == "failed")
    assert done["destination"]["status"] == "error"
    assert done["destination"]["status_error"] == failed["message"]
    stored = await zeotap.stored(created["id"])
    assert (stored["status"], stored["status_error"]) == ("error", failed["message"])


async def test_existing_connection_test_after_a_fix_clears_the_error(zeotap: EmulatorHandle) -> None:
    rows = (await zeotap.client.get(f"{WS}/destinations")).json()
    broken = next(row for row in rows if row["status"] == "error" and "Authentication" in row["status_error"])
    fixed = {
        k: v.replace("-expired", "").replace("-invalid", "") for k, v in broken["config"].items() if isinstance(v, str)
    }
    config = broken["config"] | fixed
    path = f"{WS}/destinations/{broken['id']}"
    assert (await zeotap.client.put(path, json={"config": config})).json()["status"] == "pending"
    done = parse_sse((await zeotap.client.post(f"{path}/test")).text)[-1][1]
    assert done["success"] is True
    assert done["destination"]["status"] == "connected"


async def test_existing_connection_test_bumps_updated_at(zeotap: EmulatorHandle) -> None:
    created = (
        await zeotap.client.post(f"{WS}/destinations", json={"name": "B", "destination_type": "braze", "config": BRAZE})
    ).json()
    await zeotap.advance_clock(120)
    done = parse_sse((await zeotap.client.post(f"{WS}/destinations/{created['id']}/test")).text)[-1][1]
    assert done["destination"]["updated_at"] > created["updated_at"]


async def test_existing_connection_test_ignores_any_body(zeotap: EmulatorHandle) -> None:
    seeded = (await zeotap.client.get(f"{WS}/destinations")).json()[0]
    response = await zeotap.client.post(
        f"{WS}/destinations/{seeded['id']}/test", content=b"not json", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 200
    assert parse_sse(response.text)[-1][0] == "done"


@pytest.mark.loopback
async def test_existing_connection_test_of_unknown_destination_is_404(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.post(f"{WS}/destinations/00000000-0000-4000-8000-000000000000/test")
    _assert_error(response, 404)


@pytest.mark.loopback
async def test_slow_sse_fault_sleeps_before_each_event(zeotap: EmulatorHandle) -> None:
    await zeotap.set_faults(sse_step_delay_ms=40)
    events = await _test_new(zeotap, "braze", BRAZE)
    assert len(events) == 4
    logged = (await zeotap.requests(route="POST /api/v1/workspaces/{workspace_id}/destinations/test"))[-1]
    # Four events, each preceded by a 40 ms sleep: a lower bound only, never an upper one.
    assert logged["duration_ms"] >= 4 * 40


async def test_sse_step_delay_leaves_other_routes_alone(zeotap: EmulatorHandle) -> None:
    await zeotap.set_faults(sse_step_delay_ms=40)
    assert (await zeotap.client.get(f"{WS}/destinations")).status_code == 200
    assert (await zeotap.requests())[-1]["intervention"] is None
