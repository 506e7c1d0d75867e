"""Segment pagination: required count 1..1000, both query spellings, opaque cursors, PaginationOutput."""

from __future__ import annotations

import base64

import pytest

from destgraph.emulators.segment.seed import DOCS_DESTINATION_ID
from tests.emulators.conftest import EmulatorHandle

LISTS = ["/destinations", "/catalog/destinations", f"/destinations/{DOCS_DESTINATION_ID}/subscriptions"]


@pytest.mark.loopback
@pytest.mark.parametrize("path", LISTS)
async def test_list_without_pagination_count_is_422(segment: EmulatorHandle, path: str) -> None:
    response = await segment.client.get(path)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "pagination"
    assert error["type"] == "input-validation"


async def test_cursor_without_count_is_422_naming_count(segment: EmulatorHandle) -> None:
    response = await segment.client.get("/destinations", params={"pagination[cursor]": "MA=="})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "pagination.count"


@pytest.mark.parametrize("count", ["0", "1001", "-1", "2.5", "ten", "", "1e2"])
async def test_count_outside_1_to_1000_or_not_an_integer_is_422(segment: EmulatorHandle, count: str) -> None:
    response = await segment.client.get("/destinations", params={"pagination[count]": count})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "pagination.count"


@pytest.mark.parametrize("count", ["1", "1000"])
async def test_count_bounds_are_accepted(segment: EmulatorHandle, count: str) -> None:
    response = await segment.client.get("/destinations", params={"pagination[count]": count})
    assert response.status_code == 200


@pytest.mark.loopback
async def test_dot_notation_parses_like_brackets(segment: EmulatorHandle) -> None:
    brackets = await segment.client.get("/destinations", params={"pagination[count]": 2, "pagination[cursor]": "Mg=="})
    dots = await segment.client.get("/destinations", params={"pagination.count": 2, "pagination.cursor": "Mg=="})
    assert brackets.status_code == dots.status_code == 200
    assert brackets.json() == dots.json()


@pytest.mark.parametrize("cursor", ["garbage!", "@@@", "bm90LWEtbnVtYmVy", "LTE=", "%%", "MA"])
async def test_garbage_cursor_is_422_never_500(segment: EmulatorHandle, cursor: str) -> None:
    response = await segment.client.get("/destinations", params={"pagination[count]": 2, "pagination[cursor]": cursor})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "pagination.cursor"


async def test_first_page_has_no_previous_and_last_page_has_no_next(segment: EmulatorHandle) -> None:
    first = (await segment.client.get("/destinations", params={"pagination[count]": 15})).json()["data"]["pagination"]
    assert first == {"current": "MA==", "next": "MTU=", "totalEntries": 40}
    middle = (
        await segment.client.get("/destinations", params={"pagination[count]": 15, "pagination[cursor]": first["next"]})
    ).json()["data"]["pagination"]
    assert middle == {"current": "MTU=", "next": "MzA=", "previous": "MA==", "totalEntries": 40}
    last_response = await segment.client.get(
        "/destinations", params={"pagination[count]": 15, "pagination[cursor]": middle["next"]}
    )
    last = last_response.json()["data"]
    assert len(last["destinations"]) == 10
    assert last["pagination"] == {"current": "MzA=", "previous": "MTU=", "totalEntries": 40}


@pytest.mark.loopback
async def test_walking_next_returns_each_destination_once_in_creation_order(segment: EmulatorHandle) -> None:
    everything = (await segment.client.get("/destinations", params={"pagination[count]": 1000})).json()["data"]
    expected = [d["id"] for d in everything["destinations"]]
    seen: list[str] = []
    params = {"pagination[count]": 7}
    while True:
        data = (await segment.client.get("/destinations", params=params)).json()["data"]
        seen += [d["id"] for d in data["destinations"]]
        if "next" not in data["pagination"]:
            break
        params = {"pagination[count]": 7, "pagination[cursor]": data["pagination"]["next"]}
    assert seen == expected
    assert len(seen) == 40


async def test_cursor_past_the_end_is_an_empty_page(segment: EmulatorHandle) -> None:
    cursor = base64.b64encode(b"500").decode()
    response = await segment.client.get("/destinations", params={"pagination[count]": 10, "pagination[cursor]": cursor})
    data = response.json()["data"]
    assert data["destinations"] == []
    assert "next" not in data["pagination"]


async def test_catalog_pages_like_the_published_example(segment: EmulatorHandle) -> None:
    data = (await segment.client.get("/catalog/destinations", params={"pagination[count]": 2})).json()["data"]
    assert [entry["name"] for entry in data["destinationsCatalog"]] == ["AdRoll", "Amazon Kinesis"]
    assert data["pagination"]["current"] == "MA=="
    assert data["pagination"]["next"] == "Mg=="
    assert data["pagination"]["totalEntries"] >= 15


async def test_subscription_list_pages(segment: EmulatorHandle) -> None:
    path = f"/destinations/{DOCS_DESTINATION_ID}/subscriptions"
    first = (await segment.client.get(path, params={"pagination[count]": 2})).json()["data"]
    assert len(first["subscriptions"]) == 2
    assert first["pagination"] == {"current": "MA==", "next": "Mg==", "totalEntries": 3}
    rest = (
        await segment.client.get(
            path, params={"pagination[count]": 2, "pagination[cursor]": first["pagination"]["next"]}
        )
    ).json()["data"]
    assert len(rest["subscriptions"]) == 1
    assert "next" not in rest["pagination"]
