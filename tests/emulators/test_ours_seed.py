"""Ours Privacy seed data: deterministic, realistic, with secrets, sources, salts and a year of history."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from destgraph.emulators.core import parse_timestamp
from tests.emulators.conftest import EmulatorHandle

MASK = "******"
DESTINATIONS = "/rest/v1/destinations"
READ_ONLY = {
    "AWSEventBridge",
    "AWSS3",
    "AzureBlob",
    "DatabricksWarehouse",
    "DomoWarehouse",
    "FacebookAudience",
    "GoogleAudience",
    "GoogleBigQuery",
    "GoogleBigQueryWarehouse",
    "GoogleStorage",
    "LiveRampWarehouse",
    "MNTNAudience",
    "VibeAudience",
}
LIVE_KEY = re.compile(r"(sk|pk|rk)_live_[A-Za-z0-9]{12,}")


async def _everything(ours: EmulatorHandle) -> list[dict[str, Any]]:
    entities: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        body = (await ours.client.get(DESTINATIONS, params=params)).json()
        entities.extend(body["entities"])
        cursor = body["pagination"]["nextCursor"]
        if cursor is None:
            return entities


def _identity(entity: dict[str, Any]) -> tuple[Any, ...]:
    # Timestamps are relative to the clock at seeding, so they are left out.
    return (entity["id"], entity["name"], entity["type"], entity["status"], entity["settings"],
            entity["limitedToSourceIds"], entity["hashingSalt"])  # fmt: skip


@pytest.mark.loopback
async def test_seed_holds_the_requested_number_of_destinations(ours: EmulatorHandle) -> None:
    assert len(await _everything(ours)) == 40


@pytest.mark.parametrize("count", [0, 1, 7, 250])
async def test_reseed_holds_any_number_of_destinations(ours: EmulatorHandle, count: int) -> None:
    await ours.reseed(destinations=count)
    assert len(await _everything(ours)) == count


async def test_same_seed_gives_the_same_destinations(ours: EmulatorHandle) -> None:
    first = [_identity(e) for e in await _everything(ours)]
    secrets = [(await ours.stored(e[0]))["settings"] for e in first]
    await ours.reseed(seed=1, destinations=40)
    assert [_identity(e) for e in await _everything(ours)] == first
    assert [(await ours.stored(e[0]))["settings"] for e in first] == secrets


async def test_another_seed_gives_other_destinations(ours: EmulatorHandle) -> None:
    first = {e["id"] for e in await _everything(ours)}
    await ours.reseed(seed=2, destinations=40)
    assert not first & {e["id"] for e in await _everything(ours)}


async def test_creates_after_seeding_are_deterministic_too(ours: EmulatorHandle) -> None:
    first = (await ours.client.post(DESTINATIONS, json={"type": "Audiohook"})).json()["id"]
    await ours.reseed(seed=1, destinations=40)
    assert (await ours.client.post(DESTINATIONS, json={"type": "Audiohook"})).json()["id"] == first


@pytest.mark.loopback
async def test_seed_spans_many_types_including_read_only_ones(ours: EmulatorHandle) -> None:
    types = Counter(e["type"] for e in await _everything(ours))
    assert len(types) >= 15
    assert 3 <= sum(n for t, n in types.items() if t in READ_ONLY) <= 8
    assert {"Facebook", "GA4MeasurementProtocol", "Klaviyo", "TikTok"} & set(types)


async def test_seed_mixes_statuses(ours: EmulatorHandle) -> None:
    statuses = Counter(e["status"] for e in await _everything(ours))
    assert statuses["Enabled"] > statuses["Disabled"] > 0


async def test_seeded_names_are_realistic(ours: EmulatorHandle) -> None:
    names = [e["name"] for e in await _everything(ours)]
    assert all(isinstance(n, str) and len(n.split()) >= 2 for n in names)
    assert len(set(names)) >= 30


@pytest.mark.loopback
async def test_seeded_secrets_are_stored_in_clear_and_masked_on_read(ours: EmulatorHandle) -> None:
    secrets = 0
    for entity in await _everything(ours):
        stored = await ours.stored(entity["id"])
        assert stored["settings"].keys() == entity["settings"].keys()
        for key, value in entity["settings"].items():
            if value == MASK:
                secrets += 1
                assert isinstance(stored["settings"][key], str)
                assert len(stored["settings"][key]) >= 20
                assert not LIVE_KEY.search(stored["settings"][key])
            else:
                assert stored["settings"][key] == value
    assert secrets >= 20


async def test_seeded_settings_satisfy_the_types_required_keys(ours: EmulatorHandle) -> None:
    types = {t["id"]: t for t in (await ours.client.get(f"{DESTINATIONS}/types")).json()["entities"]}
    for entity in await _everything(ours):
        kind = types.get(entity["type"])
        if kind is None:
            continue  # read-only types are not described by /types
        descriptors = {d["key"]: d for d in kind["settings"]}
        assert set(entity["settings"]) <= {
            k for k, d in descriptors.items() if d["type"] not in ("Alert", "GenericOauth")
        }
        for key, descriptor in descriptors.items():
            if descriptor.get("required") and descriptor["type"] != "GenericOauth":
                assert entity["settings"].get(key), (entity["type"], key)


async def test_seeded_destinations_survive_a_get_patch_round_trip(ours: EmulatorHandle) -> None:
    for entity in (await _everything(ours))[:15]:
        response = await ours.client.patch(f"{DESTINATIONS}/{entity['id']}", json=entity)
        assert response.status_code == 200, response.text


async def test_some_destinations_are_limited_to_sources_and_some_are_salted(ours: EmulatorHandle) -> None:
    entities = await _everything(ours)
    limited = [e["limitedToSourceIds"] for e in entities if e["limitedToSourceIds"]]
    salted = [e["hashingSalt"] for e in entities if e["hashingSalt"]]
    assert 0 < len(limited) < len(entities)
    assert 0 < len(salted) < len(entities)
    assert len({s for ids in limited for s in ids}) <= 6
    assert all(isinstance(s, str) and len(s) >= 16 for s in salted)


async def test_created_at_spreads_over_the_past_year(ours: EmulatorHandle) -> None:
    entities = await _everything(ours)
    now = datetime.now(UTC)
    created = [parse_timestamp(e["createdAt"]) for e in entities]
    assert all(now - timedelta(days=366) < c <= now for c in created)
    assert max(created) - min(created) > timedelta(days=180)
    for entity in entities:
        assert parse_timestamp(entity["createdAt"]) <= parse_timestamp(entity["updatedAt"]) <= now


async def test_a_thousand_destinations_serve_fifty_concurrent_clients(ours: EmulatorHandle) -> None:
    await ours.reseed(destinations=1000)
    # The load goes through the unvalidated client: list responses are held to the document elsewhere,
    # and validating 500 pages of 100 would time the validator, not the emulator.
    auth = {"Authorization": ours.client.headers["Authorization"]}

    async def walk() -> list[str]:
        ids: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            body = (await ours.control.get(DESTINATIONS, params=params, headers=auth)).json()
            ids.extend(e["id"] for e in body["entities"])
            cursor = body["pagination"]["nextCursor"]
            if cursor is None:
                return ids

    walks = await asyncio.gather(*(walk() for _ in range(50)))
    assert all(w == walks[0] for w in walks)
    assert len(set(walks[0])) == 1000


@pytest.mark.loopback
async def test_control_secrets_lists_every_stored_secret_and_salt(ours: EmulatorHandle) -> None:
    created = await ours.client.post(DESTINATIONS, json={"type": "Klaviyo", "settings": {"projectAPIKey": "pk_leaky"}})
    held = set((await ours.control.get("/_emulator/secrets")).json()["secrets"])
    entities = await _everything(ours)
    expected = {"pk_leaky"}
    for entity in entities:
        stored = await ours.stored(entity["id"])
        expected |= {stored["settings"][k] for k, v in entity["settings"].items() if v == MASK}
        if stored["hashingSalt"]:
            expected.add(stored["hashingSalt"])
    assert held == expected
    # The vendor masks every Secret-kind value on reads; only hashingSalt comes back as stored.
    salts = {e["hashingSalt"] for e in entities if e["hashingSalt"]}
    text = created.text + "".join(str(e) for e in entities)
    assert [s for s in held - salts if s in text] == []
