"""Zeotap Composable: the seeded data, its determinism and its volume."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.emulators.conftest import EmulatorHandle

WS = "/api/v1/workspaces/ws-demo"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TYPES = {
    "salesforce",
    "hubspot",
    "google_ads",
    "facebook_ads",
    "linkedin_ads",
    "the_trade_desk",
    "braze",
    "iterable",
    "klaviyo",
    "mailchimp",
    "snowflake",
    "bigquery",
    "databricks",
    "webhook",
    "s3",
    "gcs",
}
#: a secret (Password) config key of each type, always filled in by the seed
SECRET_KEYS = {
    "salesforce": "refresh_token",
    "hubspot": "access_token",
    "google_ads": "developer_token",
    "facebook_ads": "access_token",
    "linkedin_ads": "refresh_token",
    "the_trade_desk": "api_key",
    "braze": "api_key",
    "iterable": "api_key",
    "klaviyo": "private_api_key",
    "mailchimp": "api_key",
    "snowflake": "password",
    "bigquery": "service_account_json",
    "databricks": "access_token",
    "webhook": "authorization_header",
    "s3": "secret_access_key",
    "gcs": "service_account_json",
}
LIVE_KEY = re.compile(r"(sk|pk)_live_[A-Za-z0-9]{12,}")


async def _destinations(zeotap: EmulatorHandle) -> list[dict[str, Any]]:
    response = await zeotap.client.get(f"{WS}/destinations")
    assert response.status_code == 200
    rows: list[dict[str, Any]] = response.json()
    return rows


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


@pytest.mark.loopback
async def test_seed_covers_all_16_types_and_every_status(zeotap: EmulatorHandle) -> None:
    rows = await _destinations(zeotap)
    assert {row["destination_type"] for row in rows} == TYPES
    assert {row["status"] for row in rows} == {"pending", "connected", "error"}


async def test_only_error_destinations_have_a_status_error(zeotap: EmulatorHandle) -> None:
    for row in await _destinations(zeotap):
        if row["status"] == "error":
            assert row["status_error"]
            assert not row["status_error"].startswith(" ")
        else:
            assert row["status_error"] == ""


@pytest.mark.loopback
async def test_seeded_configs_hold_fake_secrets(zeotap: EmulatorHandle) -> None:
    for row in await _destinations(zeotap):
        secret = row["config"][SECRET_KEYS[row["destination_type"]]]
        assert isinstance(secret, str)
        assert len(secret) >= 16
        assert not LIVE_KEY.search(json.dumps(row["config"]))


async def test_seeded_records_carry_workspace_creator_and_timestamps_over_the_past_year(
    zeotap: EmulatorHandle,
) -> None:
    now = datetime.now(UTC)
    rows = await _destinations(zeotap)
    creators = set()
    for row in rows:
        assert row["workspace_id"] == "ws-demo"
        assert UUID.match(row["created_by"])
        created, updated = _parse(row["created_at"]), _parse(row["updated_at"])
        assert now - timedelta(days=366) <= created <= updated <= now + timedelta(minutes=1)
        creators.add(row["created_by"])
    assert len(creators) > 1
    assert max(_parse(r["created_at"]) for r in rows) - min(_parse(r["created_at"]) for r in rows) > timedelta(days=60)


async def test_seeded_names_are_realistic_and_mention_the_product(zeotap: EmulatorHandle) -> None:
    products = {"facebook_ads": "Meta Ads", "s3": "S3", "gcs": "GCS", "the_trade_desk": "Trade Desk"}
    for row in await _destinations(zeotap):
        word = products.get(row["destination_type"], row["destination_type"].split("_")[0])
        assert word.lower() in row["name"].lower()


async def test_seeded_destinations_are_referenced_by_syncs_and_audience_syncs(zeotap: EmulatorHandle) -> None:
    ids = {row["id"] for row in await _destinations(zeotap)}
    syncs = (await zeotap.client.get(f"{WS}/syncs")).json()
    audience = (await zeotap.client.get(f"{WS}/audience-syncs")).json()
    assert syncs
    assert audience
    referenced = {s["destination_id"] for s in syncs} | {s["destination_id"] for s in audience}
    assert referenced <= ids
    assert len(referenced) < len(ids), "some destinations must be free to delete"


async def test_seeded_status_agrees_with_the_connection_test(zeotap: EmulatorHandle) -> None:
    await zeotap.set_rate_limits(False)
    for row in await _destinations(zeotap):
        if row["status"] == "pending":
            continue
        response = await zeotap.client.post(f"{WS}/destinations/{row['id']}/test")
        done = json.loads(response.text.strip().split("\n\n")[-1].split("data: ", 1)[1])
        assert done["destination"]["status"] == row["status"], row["name"]
        assert done["destination"]["status_error"] == row["status_error"]


@pytest.mark.loopback
async def test_same_seed_gives_the_same_data(zeotap: EmulatorHandle) -> None:
    first = await _destinations(zeotap)
    await zeotap.reseed(seed=1, destinations=40)
    again = await _destinations(zeotap)
    strip = ("created_at", "updated_at")
    assert [{k: v for k, v in r.items() if k not in strip} for r in first] == [
        {k: v for k, v in r.items() if k not in strip} for r in again
    ]


async def test_a_different_seed_gives_different_data(zeotap: EmulatorHandle) -> None:
    first = {row["id"] for row in await _destinations(zeotap)}
    await zeotap.reseed(seed=2, destinations=40)
    assert first.isdisjoint({row["id"] for row in await _destinations(zeotap)})


async def test_created_ids_are_deterministic_after_a_reset(zeotap: EmulatorHandle) -> None:
    body = {"name": "B", "destination_type": "klaviyo", "config": {"private_api_key": "pk_x"}}
    first = (await zeotap.client.post(f"{WS}/destinations", json=body)).json()["id"]
    (await zeotap.control.post("/_emulator/reset")).raise_for_status()
    assert (await zeotap.client.post(f"{WS}/destinations", json=body)).json()["id"] == first


async def test_reset_restores_deleted_and_edited_destinations(zeotap: EmulatorHandle) -> None:
    before = await _destinations(zeotap)
    await zeotap.client.put(f"{WS}/destinations/{before[0]['id']}", json={"name": "changed"})
    (await zeotap.control.post("/_emulator/reset")).raise_for_status()
    assert (await _destinations(zeotap))[0]["name"] == before[0]["name"]


async def test_the_destination_count_is_per_workspace(zeotap: EmulatorHandle) -> None:
    await zeotap.reseed(seed=1, destinations=7)
    assert len(await _destinations(zeotap)) == 7
    sandbox = await zeotap.client.get(
        "/api/v1/workspaces/ws-sandbox/destinations", headers={"X-Workspace-ID": "ws-sandbox"}
    )
    assert len(sandbox.json()) == 7


async def test_a_thousand_destinations_serve_fifty_concurrent_lists(zeotap: EmulatorHandle) -> None:
    await zeotap.reseed(seed=3, destinations=1000)
    await zeotap.set_rate_limits(False)
    responses = await asyncio.gather(*(zeotap.client.get(f"{WS}/destinations") for _ in range(50)))
    assert {r.status_code for r in responses} == {200}
    assert {len(r.json()) for r in responses} == {1000}
    assert len({r.content for r in responses}) == 1


async def test_inspect_returns_the_stored_record(zeotap: EmulatorHandle) -> None:
    row = (await _destinations(zeotap))[5]
    assert await zeotap.stored(row["id"]) == row
