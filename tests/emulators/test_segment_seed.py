"""Segment seed data: deterministic per seed, the docs' example ids first, realistic and valid everywhere else."""

from __future__ import annotations

import re
from typing import Any

import pytest

from destgraph.domain.fql import parse
from destgraph.emulators.segment import DEFAULT_SOURCE_ID, SPEC
from destgraph.emulators.segment.catalog import catalog_entry
from destgraph.emulators.segment.seed import (
    DOCS_DELETED_DESTINATION_ID,
    DOCS_DESTINATION_ID,
    SAMPLE_GA4_DESTINATION_ID,
    SAMPLE_KINESIS_DESTINATION_ID,
)
from tests.emulators.conftest import EmulatorHandle

FIXTURE_IDS = [
    DOCS_DESTINATION_ID,
    DOCS_DELETED_DESTINATION_ID,
    SAMPLE_GA4_DESTINATION_ID,
    SAMPLE_KINESIS_DESTINATION_ID,
]
LIVE_KEY = re.compile(r"(sk|pk|rk)_live_[A-Za-z0-9]{12,}")


async def everything(segment: EmulatorHandle) -> list[dict[str, Any]]:
    response = await segment.client.get("/destinations", params={"pagination[count]": 1000})
    return response.json()["data"]["destinations"]


@pytest.mark.loopback
async def test_seeded_workspace_starts_with_the_docs_example_destinations(segment: EmulatorHandle) -> None:
    destinations = await everything(segment)
    assert len(destinations) == 40
    assert [d["id"] for d in destinations[:4]] == FIXTURE_IDS
    assert all(d["sourceId"] == DEFAULT_SOURCE_ID for d in destinations[:4])


async def test_same_seed_gives_the_same_destinations_and_subscriptions(segment: EmulatorHandle) -> None:
    await segment.reseed(seed=5, destinations=30)
    first = await everything(segment)
    first_subs = [await segment.stored(d["id"]) for d in first]
    await segment.reseed(seed=5, destinations=30)
    assert await everything(segment) == first
    assert [await segment.stored(d["id"]) for d in first] == first_subs


async def test_different_seeds_give_different_destinations(segment: EmulatorHandle) -> None:
    await segment.reseed(seed=1, destinations=20)
    one = await everything(segment)
    await segment.reseed(seed=2, destinations=20)
    two = await everything(segment)
    assert [d["id"] for d in one[4:]] != [d["id"] for d in two[4:]]
    assert one[0] != two[0]  # same docs id, but its name and settings come from the seed


@pytest.mark.parametrize("count", [0, 2])
async def test_small_seeds_take_the_first_fixtures(segment: EmulatorHandle, count: int) -> None:
    await segment.reseed(seed=1, destinations=count)
    assert [d["id"] for d in await everything(segment)] == FIXTURE_IDS[:count]


async def test_seeded_destinations_spread_over_the_catalog_and_sources(segment: EmulatorHandle) -> None:
    destinations = await everything(segment)
    assert len({d["metadata"]["slug"] for d in destinations}) >= 8
    assert len({d["sourceId"] for d in destinations}) == 3
    names = [d["name"] for d in destinations[4:]]
    assert sum(1 for n in names if n) >= len(names) * 0.7
    assert {len(d["id"]) for d in destinations[4:]} == {22, 24}
    assert any(not d["enabled"] for d in destinations)


async def test_seeded_settings_satisfy_the_catalog_and_hold_masked_fake_secrets(segment: EmulatorHandle) -> None:
    masked_seen = 0
    for destination in await everything(segment):
        entry = catalog_entry(destination["metadata"]["id"])
        assert entry is not None
        stored = await segment.stored(destination["id"])
        for name in entry.required:
            assert stored["settings"].get(name) not in (None, ""), (destination["id"], name)
        for key, value in destination["settings"].items():
            raw = stored["settings"][key]
            assert not (isinstance(raw, str) and LIVE_KEY.search(raw))
            if entry.masks(key) and raw:
                assert value == "\u2022" * 10 + raw[-4:]
                masked_seen += 1
            else:
                assert value == raw
    assert masked_seen >= 10


async def test_seeded_subscription_triggers_are_valid_fql(segment: EmulatorHandle) -> None:
    triggers = []
    for destination in await everything(segment):
        triggers += [s["trigger"] for s in (await segment.stored(destination["id"]))["subscriptions"]]
    assert len(triggers) >= 5
    for trigger in triggers:
        parse(trigger)


async def test_a_thousand_destinations_list_in_one_page(segment: EmulatorHandle) -> None:
    await segment.reseed(seed=3, destinations=1000)
    response = await segment.client.get("/destinations", params={"pagination[count]": 1000})
    data = response.json()["data"]
    assert len(data["destinations"]) == 1000
    assert data["pagination"] == {"current": "MA==", "totalEntries": 1000}


@pytest.mark.loopback
async def test_index_page_names_the_default_source(segment: EmulatorHandle) -> None:
    index = (await segment.control.get("/")).json()
    assert index["emulator"] == "segment"
    assert any(DEFAULT_SOURCE_ID in note for note in index["notes"])
    assert list(SPEC.notes) == index["notes"]


async def test_inspect_shows_settings_unmasked_with_subscriptions(segment: EmulatorHandle) -> None:
    record = await segment.stored(DOCS_DESTINATION_ID)
    assert record["metadataId"] == "60ad61f9ff47a16b8fb7b5d9"
    assert [s["id"] for s in record["subscriptions"]] == [
        "kyMKN6LUgMvF8dwRMEz3cX",
        "zXCqmEMHJojkD45GcBAPt",
        "3ELMSracBm5MMikXBYfo1c",
    ]
    assert "\u2022" not in str(record["settings"])
