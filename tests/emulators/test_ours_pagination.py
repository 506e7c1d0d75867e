"""Ours Privacy list: limit clamping, opaque cursors, status/type filters, newest-first order."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from destgraph.emulators.core import parse_timestamp
from tests.emulators.conftest import EmulatorHandle

DESTINATIONS = "/rest/v1/destinations"


async def _page(ours: EmulatorHandle, **params: Any) -> dict[str, Any]:
    response = await ours.client.get(DESTINATIONS, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def _walk(ours: EmulatorHandle, **params: Any) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        body = await _page(ours, **params, **({"cursor": cursor} if cursor else {}))
        seen.extend(body["entities"])
        if not body["pagination"]["hasMore"]:
            assert body["pagination"]["nextCursor"] is None
            return seen
        cursor = body["pagination"]["nextCursor"]
        assert isinstance(cursor, str)


def _assert_bad_request(response: Any, *words: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) <= {"error", "details"}
    text = f"{body['error']} {body.get('details', '')}"
    for word in words:
        assert word in text


@pytest.mark.loopback
async def test_list_envelope_is_entities_and_pagination(ours: EmulatorHandle) -> None:
    body = await _page(ours)
    assert set(body) == {"entities", "pagination"}
    assert set(body["pagination"]) == {"nextCursor", "hasMore"}
    assert body["pagination"]["hasMore"] is True


@pytest.mark.loopback
async def test_list_limit_defaults_to_25(ours: EmulatorHandle) -> None:
    assert len((await _page(ours))["entities"]) == 25


@pytest.mark.parametrize(("limit", "expected"), [("0", 1), ("-7", 1), ("1", 1), ("100", 40), ("1000", 40)])
async def test_list_limit_is_clamped_to_1_through_100(ours: EmulatorHandle, limit: str, expected: int) -> None:
    assert len((await _page(ours, limit=limit))["entities"]) == expected


async def test_list_limit_above_100_is_clamped_to_100(ours: EmulatorHandle) -> None:
    await ours.reseed(destinations=150)
    body = await _page(ours, limit=500)
    assert len(body["entities"]) == 100
    assert body["pagination"]["hasMore"] is True


@pytest.mark.parametrize("limit", ["abc", "2.5", "1e3", "ten"])
async def test_list_non_integer_limit_is_400(ours: EmulatorHandle, limit: str) -> None:
    _assert_bad_request(await ours.client.get(DESTINATIONS, params={"limit": limit}), "limit")


@pytest.mark.loopback
async def test_garbage_limit_cursor_and_filters_are_400_not_500(ours: EmulatorHandle) -> None:
    for params, name in [
        ({"limit": "abc"}, "limit"),
        ({"cursor": "garbage"}, "cursor"),
        ({"status": "Paused"}, "status"),
    ]:
        _assert_bad_request(await ours.client.get(DESTINATIONS, params=params), name)


async def test_list_empty_limit_means_default(ours: EmulatorHandle) -> None:
    assert len((await _page(ours, limit=""))["entities"]) == 25


@pytest.mark.loopback
async def test_list_is_newest_first(ours: EmulatorHandle) -> None:
    entities = await _walk(ours, limit=100)
    created = [parse_timestamp(e["createdAt"]) for e in entities]
    assert created == sorted(created, reverse=True)


@pytest.mark.loopback
async def test_cursor_walk_returns_each_destination_once(ours: EmulatorHandle) -> None:
    walked = await _walk(ours, limit=7)
    assert len(walked) == 40
    assert len({e["id"] for e in walked}) == 40
    assert [e["id"] for e in walked] == [e["id"] for e in (await _page(ours, limit=100))["entities"]]


async def test_last_page_has_null_next_cursor_and_no_more(ours: EmulatorHandle) -> None:
    body = await _page(ours, limit=40)
    assert body["pagination"] == {"nextCursor": None, "hasMore": False}


async def test_empty_account_lists_nothing(ours: EmulatorHandle) -> None:
    await ours.reseed(destinations=0)
    assert await _page(ours) == {"entities": [], "pagination": {"nextCursor": None, "hasMore": False}}


async def test_equal_created_at_ties_are_broken_stably_newest_insert_first(ours: EmulatorHandle) -> None:
    await ours.reseed(destinations=0)
    # The clock barely moves between these creates: several share a millisecond.
    ids = [(await ours.client.post(DESTINATIONS, json={"type": "Audiohook"})).json()["id"] for _ in range(12)]
    assert [e["id"] for e in await _walk(ours, limit=5)] == ids[::-1]


async def test_creates_and_deletes_between_pages_neither_repeat_nor_skip(ours: EmulatorHandle) -> None:
    first = await _page(ours, limit=10)
    listed = [e["id"] for e in first["entities"]]
    created = (await ours.client.post(DESTINATIONS, json={"type": "Audiohook"})).json()
    rest = (await _page(ours, limit=100, cursor=first["pagination"]["nextCursor"]))["entities"]
    await ours.client.delete(f"{DESTINATIONS}/{rest[0]['id']}")
    second = await _page(ours, limit=100, cursor=first["pagination"]["nextCursor"])
    remaining = [e["id"] for e in second["entities"]]
    assert created["id"] not in remaining
    assert rest[0]["id"] not in remaining
    assert not set(listed) & set(remaining)
    assert len(listed) + len(remaining) == 39


@pytest.mark.parametrize("cursor", ["garbage", "%%%", "eyJ4IjoxfQ", "WzEsMiwifCJd", "0" * 200])
async def test_malformed_cursor_is_400(ours: EmulatorHandle, cursor: str) -> None:
    _assert_bad_request(await ours.client.get(DESTINATIONS, params={"cursor": cursor}), "cursor")


async def test_modified_cursor_is_400(ours: EmulatorHandle) -> None:
    cursor = (await _page(ours, limit=5))["pagination"]["nextCursor"]
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    tampered = raw.replace(",", ",1", 1)
    edited = base64.urlsafe_b64encode(tampered.encode()).decode().rstrip("=")
    _assert_bad_request(await ours.client.get(DESTINATIONS, params={"cursor": edited}), "cursor")


@pytest.mark.loopback
async def test_cursor_from_another_filter_set_is_400(ours: EmulatorHandle) -> None:
    cursor = (await _page(ours, limit=5))["pagination"]["nextCursor"]
    response = await ours.client.get(DESTINATIONS, params={"cursor": cursor, "status": "Enabled"})
    _assert_bad_request(response, "cursor", "filters")


async def test_empty_cursor_means_first_page(ours: EmulatorHandle) -> None:
    assert await _page(ours, cursor="") == await _page(ours)


@pytest.mark.loopback
async def test_status_filter_returns_only_that_status(ours: EmulatorHandle) -> None:
    enabled = await _walk(ours, status="Enabled", limit=10)
    disabled = await _walk(ours, status="Disabled", limit=10)
    assert enabled
    assert disabled
    assert {e["status"] for e in enabled} == {"Enabled"}
    assert {e["status"] for e in disabled} == {"Disabled"}
    assert len(enabled) + len(disabled) == 40


@pytest.mark.loopback
async def test_type_filter_returns_only_that_type(ours: EmulatorHandle) -> None:
    everything = await _walk(ours, limit=100)
    common = max({e["type"] for e in everything}, key=lambda t: sum(e["type"] == t for e in everything))
    filtered = await _walk(ours, type=common, limit=1)
    assert [e["id"] for e in filtered] == [e["id"] for e in everything if e["type"] == common]


async def test_type_filter_accepts_read_only_types(ours: EmulatorHandle) -> None:
    everything = await _walk(ours, limit=100)
    warehouse = next(e["type"] for e in everything if e["type"] in {"AWSS3", "GoogleStorage", "AzureBlob",
                                                                     "GoogleBigQuery", "GoogleBigQueryWarehouse",
                                                                     "DatabricksWarehouse", "DomoWarehouse",
                                                                     "LiveRampWarehouse", "AWSEventBridge",
                                                                     "FacebookAudience", "GoogleAudience",
                                                                     "MNTNAudience", "VibeAudience"})  # fmt: skip
    assert {e["type"] for e in await _walk(ours, type=warehouse)} == {warehouse}


async def test_combined_filters_and_cursor_walk(ours: EmulatorHandle) -> None:
    everything = await _walk(ours, limit=100)
    expected = [e["id"] for e in everything if e["status"] == "Enabled" and e["type"] == everything[0]["type"]]
    walked = await _walk(ours, status="Enabled", type=everything[0]["type"], limit=1)
    assert [e["id"] for e in walked] == expected


async def test_type_filter_with_no_match_is_an_empty_page(ours: EmulatorHandle) -> None:
    body = await _page(ours, type="ZohoCRM", status="Disabled")
    assert all(e["type"] == "ZohoCRM" for e in body["entities"])
    assert body["pagination"]["hasMore"] is False


@pytest.mark.parametrize(
    ("name", "value"), [("status", "enabled"), ("status", "Paused"), ("type", "klaviyo"), ("type", "Segment")]
)
async def test_filter_value_outside_the_enum_is_400(ours: EmulatorHandle, name: str, value: str) -> None:
    _assert_bad_request(await ours.client.get(DESTINATIONS, params={name: value}), name)


async def test_unknown_query_parameters_are_ignored(ours: EmulatorHandle) -> None:
    assert await _page(ours, sort="name", page="2") == await _page(ours)
