"""Nimriz seed data: deterministic, covering every type and override kind, and fast to list at volume."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from typing import Any

import pytest

from destgraph.emulators.nimriz import catalog
from tests.emulators.conftest import EmulatorHandle

DESTINATIONS = "/api/integrations/destinations"


async def listed(nimriz: EmulatorHandle) -> list[dict[str, Any]]:
    response = await nimriz.client.get(DESTINATIONS)
    assert response.status_code == 200
    return response.json()["destinations"]


def identity(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What a seed fixes: everything but the timestamps (set back from the clock's now)."""
    return [(d["id"], d["name"], d["type"], d["enabled"], d["credentials"], d["actions"]) for d in items]


async def test_same_seed_gives_the_same_destinations(nimriz: EmulatorHandle) -> None:
    first = await listed(nimriz)
    await nimriz.reseed(seed=1, destinations=40)
    assert identity(await listed(nimriz)) == identity(first)


async def test_same_seed_gives_the_same_stored_secrets_and_account(nimriz: EmulatorHandle) -> None:
    seeded = (await listed(nimriz))[0]["id"]
    secrets = (await nimriz.stored(seeded))["credentials"]
    account = (await nimriz.client.get("/api/v1/whoami")).json()
    await nimriz.reseed(seed=1, destinations=40)
    assert (await nimriz.stored(seeded))["credentials"] == secrets
    assert (await nimriz.client.get("/api/v1/whoami")).json() == account


async def test_another_seed_gives_other_ids_and_account(nimriz: EmulatorHandle) -> None:
    first = {d["id"] for d in await listed(nimriz)}
    account = (await nimriz.client.get("/api/v1/whoami")).json()["account_id"]
    await nimriz.reseed(seed=2, destinations=40)
    assert first.isdisjoint({d["id"] for d in await listed(nimriz)})
    assert (await nimriz.client.get("/api/v1/whoami")).json()["account_id"] != account


@pytest.mark.parametrize("count", [0, 1, 5, 100])
async def test_seed_count_follows_the_destinations_option(nimriz: EmulatorHandle, count: int) -> None:
    await nimriz.reseed(destinations=count)
    assert len(await listed(nimriz)) == count


@pytest.mark.loopback
async def test_seed_covers_every_destination_type(nimriz: EmulatorHandle) -> None:
    types = Counter(d["type"] for d in await listed(nimriz))
    assert set(types) == set(catalog.DESTINATION_TYPES)


@pytest.mark.loopback
async def test_seed_uses_every_override_kind(nimriz: EmulatorHandle) -> None:
    kinds = {o["type"] for d in await listed(nimriz) for a in d["actions"] for o in a["property_mapping"]["overrides"]}
    assert kinds == set(catalog.OVERRIDE_FIELDS)


async def test_seed_has_one_to_three_actions_each_some_disabled(nimriz: EmulatorHandle) -> None:
    items = await listed(nimriz)
    actions = [a for d in items for a in d["actions"]]
    assert all(1 <= len(d["actions"]) <= 3 for d in items)
    assert any(not a["enabled"] for a in actions)
    assert sum(a["enabled"] for a in actions) > len(actions) / 2
    assert any(not d["enabled"] for d in items)


async def test_seed_actions_match_their_destination_type(nimriz: EmulatorHandle) -> None:
    for item in await listed(nimriz):
        allowed = catalog.DESTINATION_TYPES[item["type"]].action_types
        assert {a["action_type"] for a in item["actions"]} <= allowed


async def test_seed_filters_use_realistic_keys_and_events(nimriz: EmulatorHandle) -> None:
    filters = [a["event_filter"] for d in await listed(nimriz) for a in d["actions"]]
    assert all(set(f) == {"include", "exclude", "conditions"} for f in filters)
    events = {e for f in filters for e in f["include"].get("event_types", [])}
    assert {"link.clicked", "link.qr_scanned"} <= events <= set(catalog.EVENT_TYPES)
    assert any(f["exclude"].get("bot_traffic") is True for f in filters)
    assert any(f["conditions"] for f in filters)


async def test_seed_generic_http_uses_both_url_spellings(nimriz: EmulatorHandle) -> None:
    await nimriz.reseed(destinations=120)
    keys = {k for d in await listed(nimriz) if d["type"] == "generic_http" for k in d["credentials"]}
    assert {"url", "endpoint_url"} <= keys


async def test_seed_names_are_realistic_and_secrets_fake(nimriz: EmulatorHandle) -> None:
    items = await listed(nimriz)
    labels = {t.label for t in catalog.DESTINATION_TYPES.values()}
    assert all(any(label in d["name"] for label in labels) for d in items)
    for item in items[:12]:
        for value in (await nimriz.stored(item["id"]))["credentials"].values():
            assert not re.search(r"(sk|pk|rk)_live_[A-Za-z0-9]{12,}", value)
            assert value != catalog.REDACTED


@pytest.mark.loopback
async def test_reset_restores_the_seeded_state(nimriz: EmulatorHandle) -> None:
    before = identity(await listed(nimriz))
    created = await nimriz.client.post(
        DESTINATIONS, json={"name": "Temp", "type": "segment", "credentials": {"write_key": "seg_x"}}
    )
    await nimriz.client.delete(f"{DESTINATIONS}/{before[0][0]}")
    assert created.status_code == 201
    (await nimriz.control.post("/_emulator/reset")).raise_for_status()
    assert identity(await listed(nimriz)) == before


@pytest.mark.loopback
async def test_inspect_destination_shows_the_unredacted_record(nimriz: EmulatorHandle) -> None:
    item = next(d for d in await listed(nimriz) if d["type"] == "segment")
    stored = await nimriz.stored(item["id"])
    assert stored["test_events"] == []
    assert {k: v for k, v in stored.items() if k not in ("credentials", "test_events")} == {
        k: v for k, v in item.items() if k != "credentials"
    }
    assert stored["credentials"]["write_key"] != item["credentials"]["write_key"]


async def test_a_thousand_destinations_serve_fifty_concurrent_lists(nimriz: EmulatorHandle) -> None:
    await nimriz.reseed(destinations=1000)
    responses = await asyncio.gather(*(nimriz.client.get(DESTINATIONS) for _ in range(50)))
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert len(responses[0].json()["destinations"]) == 1000


async def test_the_list_reflects_each_write_at_volume(nimriz: EmulatorHandle) -> None:
    await nimriz.reseed(destinations=1000)
    first = (await listed(nimriz))[0]
    await nimriz.client.put(f"{DESTINATIONS}/{first['id']}", json={"name": "Renamed", "actions": first["actions"]})
    assert (await listed(nimriz))[0]["name"] == "Renamed"
