"""The ``corrupt`` fault: replies mangled after the vendor's handler produced them.

The emulators here are built without the conftest's contract checker: a corrupted reply is off
contract on purpose.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.emulators.conftest import EmulatorHandle, Opener

WS = "/api/v1/workspaces/ws-demo"
LIST_PATHS = {
    "zeotap": f"{WS}/destinations",
    "nimriz": "/api/integrations/destinations",
    "ours": "/rest/v1/destinations",
    "segment": "/destinations?pagination[count]=10",
}
BRAZE = {"rest_endpoint": "https://rest.iad-01.braze.com", "api_key": "braze-good-key"}


async def _list(vendor: EmulatorHandle) -> httpx.Response:
    return await vendor.client.get(LIST_PATHS[vendor.name])


def _rows(name: str, body: Any) -> list[dict[str, Any]]:
    if name == "zeotap":
        return list(body)
    if name == "nimriz":
        return list(body["destinations"])
    if name == "ours":
        return list(body["entities"])
    return list(body["data"]["destinations"])


def _assert_length_matches(response: httpx.Response) -> None:
    assert response.headers["content-length"] == str(len(response.content))


async def _last_logged(vendor: EmulatorHandle) -> dict[str, Any]:
    return (await vendor.requests())[-1]


# -- drop_field ---------------------------------------------------------------------------------


async def test_drop_field_with_limit_one_drops_it_from_the_first_row_only(emulator: Opener) -> None:
    zeotap = await emulator("zeotap")
    intact = (await _list(zeotap)).json()
    await zeotap.set_faults(corrupt={"kind": "drop_field", "field": "id", "limit": 1})
    response = await _list(zeotap)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    _assert_length_matches(response)
    rows = response.json()
    assert len(rows) == len(intact) > 1
    assert "id" not in rows[0]
    assert rows[0] == {k: v for k, v in intact[0].items() if k != "id"}
    assert rows[1:] == intact[1:]
    assert (await _last_logged(zeotap))["corrupted"] == "drop_field"


async def test_drop_field_without_a_limit_drops_it_everywhere(emulator: Opener) -> None:
    ours = await emulator("ours")
    intact = _rows("ours", (await _list(ours)).json())
    await ours.set_faults(corrupt={"kind": "drop_field", "field": "id"})
    response = await _list(ours)
    assert response.status_code == 200
    _assert_length_matches(response)
    rows = _rows("ours", response.json())
    assert len(rows) == len(intact)
    assert all("id" not in row for row in rows)
    assert [row["name"] for row in rows] == [row["name"] for row in intact]


async def test_drop_field_of_a_key_nobody_has_leaves_the_reply_and_the_log_unmarked(emulator: Opener) -> None:
    nimriz = await emulator("nimriz")
    intact = await _list(nimriz)
    await nimriz.set_faults(corrupt={"kind": "drop_field", "field": "no_such_key"})
    response = await _list(nimriz)
    assert response.content == intact.content
    assert (await _last_logged(nimriz))["corrupted"] is None


# -- wrong_type ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "field", "original_type", "replacement"),
    [
        ("nimriz", "id", str, 12345),
        ("nimriz", "enabled", bool, "yes"),
        ("nimriz", "actions", list, {"unexpected": True}),
        ("nimriz", "credentials", dict, "unexpected"),
        ("ours", "limitedToSourceIds", type(None), 0),
        ("segment", "totalEntries", int, "not-a-number"),
    ],
)
async def test_wrong_type_gives_the_field_a_value_of_another_type(
    emulator: Opener, name: str, field: str, original_type: type, replacement: Any
) -> None:
    vendor = await emulator(name)
    intact = (await _list(vendor)).json()
    await vendor.set_faults(corrupt={"kind": "wrong_type", "field": field, "limit": 1})
    response = await _list(vendor)
    assert response.status_code == 200
    _assert_length_matches(response)
    body = response.json()
    if field == "totalEntries":
        assert isinstance(intact["data"]["pagination"]["totalEntries"], original_type)
        assert body["data"]["pagination"]["totalEntries"] == replacement
        assert _rows(name, body) == _rows(name, intact)
    else:
        first, *rest = _rows(name, body)
        assert isinstance(_rows(name, intact)[0][field], original_type)
        assert first[field] == replacement
        assert rest == _rows(name, intact)[1:]
    assert (await _last_logged(vendor))["corrupted"] == "wrong_type"


async def test_wrong_type_walks_depth_first_in_document_order(emulator: Opener) -> None:
    # A Segment destination's own "id" comes first, then its metadata's "id", then the next row's.
    segment = await emulator("segment")
    intact = _rows("segment", (await _list(segment)).json())
    await segment.set_faults(corrupt={"kind": "wrong_type", "field": "id", "limit": 2})
    rows = _rows("segment", (await _list(segment)).json())
    assert rows[0]["id"] == 12345
    assert rows[0]["metadata"]["id"] == 12345
    assert rows[1] == intact[1]


# -- whole-body kinds ---------------------------------------------------------------------------


async def test_truncate_cuts_the_body_in_half_and_keeps_status_and_content_type(emulator: Opener) -> None:
    segment = await emulator("segment")
    intact = await _list(segment)
    await segment.set_faults(corrupt={"kind": "truncate"})
    response = await _list(segment)
    assert response.status_code == intact.status_code == 200
    assert response.headers["content-type"] == intact.headers["content-type"]
    assert response.content == intact.content[: len(intact.content) // 2]
    _assert_length_matches(response)
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert (await _last_logged(segment))["corrupted"] == "truncate"


async def test_html_replaces_the_body_with_a_proxy_error_page(emulator: Opener) -> None:
    nimriz = await emulator("nimriz")
    await nimriz.set_faults(corrupt={"kind": "html"})
    response = await _list(nimriz)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")
    assert "502 Bad Gateway" in response.text
    assert response.text.rstrip().endswith("</html>")
    _assert_length_matches(response)
    assert (await _last_logged(nimriz))["corrupted"] == "html"


async def test_html_keeps_the_status_of_a_vendor_error(emulator: Opener) -> None:
    zeotap = await emulator("zeotap")
    await zeotap.set_faults(corrupt={"kind": "html"})
    response = await zeotap.client.get(f"{WS}/destinations/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "502 Bad Gateway" in response.text


async def test_empty_answers_200_with_no_body(emulator: Opener) -> None:
    ours = await emulator("ours")
    await ours.set_faults(corrupt={"kind": "empty"})
    response = await _list(ours)
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == "0"
    assert (await _last_logged(ours))["corrupted"] == "empty"


@pytest.mark.parametrize("name", sorted(LIST_PATHS))
async def test_error_200_answers_the_vendors_own_500_body_with_status_200(emulator: Opener, name: str) -> None:
    vendor = await emulator(name)
    await vendor.set_faults(queue=[500])
    injected = await _list(vendor)
    assert injected.status_code == 500
    await vendor.set_faults(corrupt={"kind": "error_200"})
    response = await _list(vendor)
    assert response.status_code == 200
    assert response.headers["content-type"] == injected.headers["content-type"]
    _assert_length_matches(response)
    expected, body = injected.json(), response.json()
    if name == "nimriz":
        # unique per error answered
        assert body.pop("support_reference").startswith("ref_")
        expected.pop("support_reference")
    assert body == expected
    assert (await _last_logged(vendor))["corrupted"] == "error_200"


# -- what is corrupted and what is not ----------------------------------------------------------


async def test_path_pattern_leaves_other_paths_intact(emulator: Opener) -> None:
    zeotap = await emulator("zeotap")
    await zeotap.set_faults(corrupt={"kind": "html"}, path_pattern="/syncs$")
    destinations = await _list(zeotap)
    assert destinations.status_code == 200
    assert isinstance(destinations.json(), list)
    syncs = await zeotap.client.get(f"{WS}/syncs")
    assert syncs.headers["content-type"].startswith("text/html")
    logged = await zeotap.requests()
    assert [e["corrupted"] for e in logged] == [None, "html"]


async def test_methods_leave_other_methods_intact_and_a_corrupted_create_still_creates(emulator: Opener) -> None:
    zeotap = await emulator("zeotap")
    await zeotap.set_faults(corrupt={"kind": "empty"}, methods=["post"])
    assert (await _list(zeotap)).json()
    body = {"name": "Corrupted Braze", "destination_type": "braze", "config": BRAZE}
    created = await zeotap.client.post(f"{WS}/destinations", json=body)
    assert created.status_code == 200
    assert created.content == b""
    [row] = [r for r in (await _list(zeotap)).json() if r["name"] == "Corrupted Braze"]
    read_back = await zeotap.client.get(f"{WS}/destinations/{row['id']}")
    assert read_back.status_code == 200
    assert read_back.json()["destination_type"] == "braze"
    assert [(e["method"], e["corrupted"]) for e in await zeotap.requests()] == [
        ("GET", None),
        ("POST", "empty"),
        ("GET", None),
        ("GET", None),
    ]


async def test_a_create_with_a_dropped_id_is_stored_with_its_id(emulator: Opener) -> None:
    nimriz = await emulator("nimriz")
    before = {row["id"] for row in _rows("nimriz", (await _list(nimriz)).json())}
    await nimriz.set_faults(corrupt={"kind": "drop_field", "field": "id"}, methods=["POST"])
    body = {
        "name": "Corrupt Create",
        "type": "generic_http",
        "credentials": {"endpoint_url": "https://hooks.example.com/nimriz"},
        "enabled": True,
    }
    created = await nimriz.client.post(LIST_PATHS["nimriz"], json=body)
    assert created.status_code == 201, created.text
    _assert_length_matches(created)
    assert "id" not in created.json()["destination"]
    assert created.json()["destination"]["name"] == "Corrupt Create"
    assert (await _last_logged(nimriz))["corrupted"] == "drop_field"
    after = {row["id"]: row for row in _rows("nimriz", (await _list(nimriz)).json())}
    [new_id] = set(after) - before
    assert after[new_id]["name"] == "Corrupt Create"


async def test_server_sent_events_are_never_corrupted(emulator: Opener) -> None:
    zeotap = await emulator("zeotap")
    destination_id = (await _list(zeotap)).json()[0]["id"]
    for kind in ("truncate", "html", "empty", "error_200"):
        await zeotap.set_faults(corrupt={"kind": kind})
        response = await zeotap.client.post(f"{WS}/destinations/{destination_id}/test")
        assert response.status_code == 200, kind
        assert response.headers["content-type"].startswith("text/event-stream"), kind
        blocks = response.text.strip().split("\n\n")
        assert blocks[-1].startswith("event: done"), kind
        json.loads(blocks[-1].split("data:", 1)[1])
        assert (await _last_logged(zeotap))["corrupted"] is None, kind


async def test_injected_errors_and_auth_failures_are_not_corrupted(emulator: Opener) -> None:
    ours = await emulator("ours")
    await ours.set_faults(corrupt={"kind": "html"}, queue=[503])
    injected = await _list(ours)
    assert injected.status_code == 503
    assert injected.headers["content-type"].startswith("application/json")
    unauthenticated = await ours.control.get(LIST_PATHS["ours"])
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["content-type"].startswith("application/json")
    assert [e["corrupted"] for e in await ours.requests()] == [None, None]


async def test_uncorrupted_calls_log_corrupted_as_null(emulator: Opener) -> None:
    segment = await emulator("segment")
    assert (await _list(segment)).status_code == 200
    [entry] = await segment.requests()
    assert "corrupted" in entry
    assert entry["corrupted"] is None


# -- the control API ----------------------------------------------------------------------------


async def test_get_shows_the_corrupt_setting_and_delete_clears_it(emulator: Opener) -> None:
    ours = await emulator("ours")
    assert (await ours.control.get("/_emulator/faults")).json()["corrupt"] is None
    plan = {"corrupt": {"kind": "drop_field", "field": "name", "limit": 3}, "methods": ["GET"]}
    put = await ours.control.put("/_emulator/faults", json=plan)
    assert put.status_code == 200
    assert put.json()["corrupt"] == {"kind": "drop_field", "field": "name", "limit": 3}
    shown = (await ours.control.get("/_emulator/faults")).json()
    assert shown["corrupt"] == {"kind": "drop_field", "field": "name", "limit": 3}
    assert shown["methods"] == ["GET"]
    deleted = await ours.control.delete("/_emulator/faults")
    assert deleted.json()["corrupt"] is None
    assert "name" in _rows("ours", (await _list(ours)).json())[0]


async def test_reset_clears_corruption(emulator: Opener) -> None:
    segment = await emulator("segment")
    await segment.set_faults(corrupt={"kind": "truncate"})
    await segment.control.post("/_emulator/reset")
    assert (await segment.control.get("/_emulator/faults")).json()["corrupt"] is None
    response = await _list(segment)
    assert response.status_code == 200
    assert _rows("segment", response.json())
    assert (await _last_logged(segment))["corrupted"] is None


@pytest.mark.parametrize(
    ("corrupt", "words"),
    [
        ({"kind": "scramble"}, ["kind", "drop_field"]),
        ({}, ["kind"]),
        ({"kind": "drop_field"}, ["drop_field", "field"]),
        ({"kind": "wrong_type", "field": ""}, ["wrong_type", "field"]),
        ({"kind": "wrong_type", "field": 7}, ["wrong_type", "field"]),
        ({"kind": "html", "field": "id"}, ["html", "field"]),
        ({"kind": "empty", "field": "id"}, ["empty", "field"]),
        ({"kind": "truncate", "limit": 1}, ["truncate", "limit"]),
        ({"kind": "drop_field", "field": "id", "limit": 0}, ["limit"]),
        ({"kind": "drop_field", "field": "id", "limit": -2}, ["limit"]),
        ({"kind": "drop_field", "field": "id", "limit": "1"}, ["limit"]),
        ({"kind": "drop_field", "field": "id", "limit": 1.5}, ["limit"]),
        ({"kind": "drop_field", "field": "id", "limit": True}, ["limit"]),
        ({"kind": "html", "status": 500}, ["unknown", "status"]),
        ("html", ["corrupt"]),
        (["html"], ["corrupt"]),
    ],
)
async def test_bad_corrupt_settings_are_refused(emulator: Opener, corrupt: Any, words: list[str]) -> None:
    nimriz = await emulator("nimriz")
    await nimriz.set_faults(down=True)
    response = await nimriz.control.put("/_emulator/faults", json={"corrupt": corrupt})
    assert response.status_code == 400, response.text
    message = response.json()["error"]
    for word in words:
        assert word in message, message
    # the plan in force is untouched
    shown = (await nimriz.control.get("/_emulator/faults")).json()
    assert shown["down"] is True
    assert shown["corrupt"] is None
