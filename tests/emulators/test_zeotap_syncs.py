"""Zeotap Composable: the minimal reverse-ETL syncs and audience syncs (list, get, delete)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulators.conftest import EmulatorHandle

WS = "/api/v1/workspaces/ws-demo"
COMMON = {
    "id",
    "workspace_id",
    "destination_id",
    "name",
    "description",
    "field_mapping",
    "sync_mode",
    "schedule",
    "config",
    "status",
    "status_error",
    "created_by",
    "created_at",
    "updated_at",
    "last_synced_at",
    "last_run_id",
}
#: vendor-facts.md section 2: Reverse ETL has model_id and primary_key; audience syncs audience_id (+ split_group_id)
SYNC_FIELDS = COMMON | {"model_id", "primary_key"}
AUDIENCE_SYNC_FIELDS = COMMON | {"audience_id", "split_group_id"}


def _assert_error(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"}


@pytest.mark.loopback
async def test_list_syncs_is_a_bare_array_of_sync_objects(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get(f"{WS}/syncs")
    assert response.status_code == 200
    syncs = response.json()
    assert isinstance(syncs, list)
    assert syncs
    for sync in syncs:
        assert set(sync) == SYNC_FIELDS
        assert sync["sync_mode"] in {"upsert", "mirror", "append"}
        assert sync["status"] in {"active", "paused", "error"}
        assert all(set(m) == {"source_column", "destination_field"} for m in sync["field_mapping"])


@pytest.mark.loopback
async def test_list_audience_syncs_is_a_bare_array_of_audience_sync_objects(zeotap: EmulatorHandle) -> None:
    syncs = (await zeotap.client.get(f"{WS}/audience-syncs")).json()
    assert syncs
    for sync in syncs:
        assert set(sync) == AUDIENCE_SYNC_FIELDS
        assert sync["sync_mode"] in {"mirror", "additive", "subtractive"}


async def test_syncs_of_error_destinations_report_the_destination_error(zeotap: EmulatorHandle) -> None:
    destinations = {d["id"]: d for d in (await zeotap.client.get(f"{WS}/destinations")).json()}
    for sync in (await zeotap.client.get(f"{WS}/syncs")).json():
        if sync["status"] == "error":
            assert destinations[sync["destination_id"]]["status"] == "error"
            assert destinations[sync["destination_id"]]["status_error"] in sync["status_error"]
        else:
            assert sync["status_error"] == ""


@pytest.mark.loopback
async def test_get_sync_returns_it(zeotap: EmulatorHandle) -> None:
    sync = (await zeotap.client.get(f"{WS}/syncs")).json()[0]
    response = await zeotap.client.get(f"{WS}/syncs/{sync['id']}")
    assert response.status_code == 200
    assert response.json() == sync


async def test_get_audience_sync_returns_it(zeotap: EmulatorHandle) -> None:
    sync = (await zeotap.client.get(f"{WS}/audience-syncs")).json()[0]
    assert (await zeotap.client.get(f"{WS}/audience-syncs/{sync['id']}")).json() == sync


async def test_an_audience_sync_is_not_found_under_syncs(zeotap: EmulatorHandle) -> None:
    sync = (await zeotap.client.get(f"{WS}/audience-syncs")).json()[0]
    _assert_error(await zeotap.client.get(f"{WS}/syncs/{sync['id']}"), 404)


@pytest.mark.loopback
async def test_get_unknown_sync_is_404(zeotap: EmulatorHandle) -> None:
    _assert_error(await zeotap.client.get(f"{WS}/syncs/00000000-0000-4000-8000-000000000000"), 404)
    _assert_error(await zeotap.client.get(f"{WS}/audience-syncs/nope"), 404)


@pytest.mark.loopback
async def test_delete_sync_returns_status_deleted_and_removes_it(zeotap: EmulatorHandle) -> None:
    sync = (await zeotap.client.get(f"{WS}/syncs")).json()[0]
    response = await zeotap.client.delete(f"{WS}/syncs/{sync['id']}")
    assert response.status_code == 200
    assert response.json() == {"status": "deleted"}
    _assert_error(await zeotap.client.get(f"{WS}/syncs/{sync['id']}"), 404)
    assert sync["id"] not in {s["id"] for s in (await zeotap.client.get(f"{WS}/syncs")).json()}


async def test_delete_audience_sync_removes_it(zeotap: EmulatorHandle) -> None:
    sync = (await zeotap.client.get(f"{WS}/audience-syncs")).json()[0]
    assert (await zeotap.client.delete(f"{WS}/audience-syncs/{sync['id']}")).json() == {"status": "deleted"}
    _assert_error(await zeotap.client.delete(f"{WS}/audience-syncs/{sync['id']}"), 404)


@pytest.mark.loopback
async def test_a_destination_can_be_deleted_once_its_syncs_are_gone(zeotap: EmulatorHandle) -> None:
    destination_id = (await zeotap.client.get(f"{WS}/syncs")).json()[0]["destination_id"]
    assert (await zeotap.client.delete(f"{WS}/destinations/{destination_id}")).status_code == 409
    for kind in ("syncs", "audience-syncs"):
        for sync in (await zeotap.client.get(f"{WS}/{kind}")).json():
            if sync["destination_id"] == destination_id:
                assert (await zeotap.client.delete(f"{WS}/{kind}/{sync['id']}")).status_code == 200
    response = await zeotap.client.delete(f"{WS}/destinations/{destination_id}")
    assert response.status_code == 200
    assert response.json() == {"status": "deleted"}


async def test_paused_syncs_still_block_deletion(zeotap: EmulatorHandle) -> None:
    await zeotap.reseed(seed=1, destinations=200)
    await zeotap.set_rate_limits(False)
    paused = next(s for s in (await zeotap.client.get(f"{WS}/syncs")).json() if s["status"] == "paused")
    _assert_error(await zeotap.client.delete(f"{WS}/destinations/{paused['destination_id']}"), 409)


async def test_syncs_are_scoped_to_their_workspace(zeotap: EmulatorHandle) -> None:
    sync = (await zeotap.client.get(f"{WS}/syncs")).json()[0]
    response = await zeotap.client.get(
        f"/api/v1/workspaces/ws-sandbox/syncs/{sync['id']}", headers={"X-Workspace-ID": "ws-sandbox"}
    )
    _assert_error(response, 404)
