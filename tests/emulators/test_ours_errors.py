"""Ours Privacy errors: always {error, details?}, in Ours's statuses, never a stack trace or a 500 on bad input."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from destgraph.emulators import create_app
from destgraph.emulators.ours.state import OursState
from tests.emulators.conftest import EmulatorHandle

DESTINATIONS = "/rest/v1/destinations"
AUTH = {"Authorization": "Bearer emulator-token"}
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def _assert_error(response: httpx.Response, status: int, *words: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("error"), str)
    assert set(body) <= {"error", "details"}
    assert "Traceback" not in response.text
    text = f"{body['error']} {body.get('details', '')}"
    for word in words:
        assert word in text, body
    return body


async def _some_id(ours: EmulatorHandle) -> str:
    return (await ours.client.get(DESTINATIONS, params={"limit": 1})).json()["entities"][0]["id"]


# -- authentication and scopes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", DESTINATIONS),
        ("POST", DESTINATIONS),
        ("GET", f"{DESTINATIONS}/types"),
        ("GET", f"{DESTINATIONS}/{UNKNOWN_ID}"),
        ("PATCH", f"{DESTINATIONS}/{UNKNOWN_ID}"),
        ("DELETE", f"{DESTINATIONS}/{UNKNOWN_ID}"),
        ("GET", f"{DESTINATIONS}/{UNKNOWN_ID}/health"),
    ],
)
async def test_missing_api_key_is_401(ours: EmulatorHandle, method: str, path: str) -> None:
    ours.client.headers.pop("Authorization")
    _assert_error(await ours.client.request(method, path), 401, "Unauthorized", "API key")


@pytest.mark.parametrize(
    "header", ["Bearer wrong-token", "Basic ZW11bGF0b3ItdG9rZW4=", "emulator-token", "Bearer", "Token emulator-token"]
)
async def test_invalid_api_key_is_401(ours: EmulatorHandle, header: str) -> None:
    _assert_error(await ours.client.get(DESTINATIONS, headers={"Authorization": header}), 401)


@pytest.mark.loopback
async def test_missing_or_wrong_key_is_401_on_every_route(ours: EmulatorHandle) -> None:
    destination_id = await _some_id(ours)
    for path in (DESTINATIONS, f"{DESTINATIONS}/types", f"{DESTINATIONS}/{destination_id}/health"):
        _assert_error(await ours.client.get(path, headers={"Authorization": "Bearer wrong-token"}), 401)
    ours.client.headers.pop("Authorization")
    _assert_error(await ours.client.patch(f"{DESTINATIONS}/{destination_id}", json={}), 401, "API key")


async def test_scoped_key_of_another_token_is_401(ours: EmulatorHandle) -> None:
    response = await ours.client.get(DESTINATIONS, headers={"Authorization": "Bearer other;scopes=all"})
    _assert_error(response, 401)


@pytest.mark.loopback
async def test_key_without_the_required_scope_is_403_before_anything_happens(ours: EmulatorHandle) -> None:
    read_only = {"Authorization": "Bearer emulator-token;scopes=destination:list,destination:find"}
    destination_id = await _some_id(ours)
    assert (await ours.client.get(DESTINATIONS, headers=read_only)).status_code == 200
    assert (await ours.client.get(f"{DESTINATIONS}/{destination_id}", headers=read_only)).status_code == 200
    assert (await ours.client.get(f"{DESTINATIONS}/{destination_id}/health", headers=read_only)).status_code == 200
    _assert_error(
        await ours.client.post(DESTINATIONS, json={"type": "Audiohook"}, headers=read_only),
        403,
        "destination:create",
    )
    _assert_error(
        await ours.client.patch(f"{DESTINATIONS}/{destination_id}", json={"name": "x"}, headers=read_only),
        403,
        "destination:update",
    )
    _assert_error(
        await ours.client.delete(f"{DESTINATIONS}/{destination_id}", headers=read_only), 403, "destination:delete"
    )
    # Refused before any operation: nothing was written, and even a malformed body is not read.
    _assert_error(
        await ours.client.post(DESTINATIONS, content=b"{", headers={**read_only, "Content-Type": "application/json"}),
        403,
    )
    assert (await ours.client.get(f"{DESTINATIONS}/{destination_id}")).json()["name"] != "x"
    assert len((await ours.client.get(DESTINATIONS, params={"limit": 100})).json()["entities"]) == 40


async def test_scope_all_key_may_do_everything(ours: EmulatorHandle) -> None:
    everything = {"Authorization": "Bearer emulator-token;scopes=all"}
    response = await ours.client.post(DESTINATIONS, json={"type": "Audiohook"}, headers=everything)
    assert response.status_code == 200


async def test_key_with_no_scopes_is_403_on_list(ours: EmulatorHandle) -> None:
    nothing = {"Authorization": "Bearer emulator-token;scopes="}
    _assert_error(await ours.client.get(DESTINATIONS, headers=nothing), 403, "destination:list")


# -- malformed requests -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"not json",
        b'{"type": "Klaviyo",}',
        b"\xff\xfe",
        b"{'type': 'Audiohook'}",
        b'{"type": "Audiohook"}{}',
        b"[" * 100_000,
        b'{"name": 1' + b"0" * 5000 + b"}",
    ],
    ids=["open-brace", "text", "trailing-comma", "not-utf8", "single-quotes", "extra-data", "too-deep", "huge-int"],
)
async def test_malformed_json_is_400(ours: EmulatorHandle, raw: bytes) -> None:
    headers = {"Content-Type": "application/json"}
    _assert_error(await ours.client.post(DESTINATIONS, content=raw, headers=headers), 400)
    destination_id = await _some_id(ours)
    _assert_error(await ours.client.patch(f"{DESTINATIONS}/{destination_id}", content=raw, headers=headers), 400)


@pytest.mark.parametrize("raw", [b"[]", b'"Klaviyo"', b"42", b"null", b"true"])
async def test_body_that_is_not_an_object_is_400(ours: EmulatorHandle, raw: bytes) -> None:
    headers = {"Content-Type": "application/json"}
    _assert_error(await ours.client.post(DESTINATIONS, content=raw, headers=headers), 400, "object")


async def test_missing_body_is_400(ours: EmulatorHandle) -> None:
    headers = {"Content-Type": "application/json"}
    _assert_error(await ours.client.post(DESTINATIONS, headers=headers), 400, "required")
    _assert_error(await ours.client.patch(f"{DESTINATIONS}/{await _some_id(ours)}", headers=headers), 400)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
async def test_wrong_content_type_is_400(ours: EmulatorHandle, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = await ours.client.post(DESTINATIONS, content=b'{"type": "Audiohook"}', headers=headers)
    _assert_error(response, 400, "Content-Type")


@pytest.mark.loopback
async def test_malformed_body_or_wrong_content_type_is_400_not_500(ours: EmulatorHandle) -> None:
    _assert_error(await ours.client.post(DESTINATIONS, content=b"{", headers={"Content-Type": "application/json"}), 400)
    _assert_error(
        await ours.client.post(DESTINATIONS, content=b"[]", headers={"Content-Type": "application/json"}), 400
    )
    response = await ours.client.post(
        DESTINATIONS, content=b'{"type": "Audiohook"}', headers={"Content-Type": "text/plain"}
    )
    _assert_error(response, 400, "Content-Type")


async def test_json_content_type_with_charset_is_accepted(ours: EmulatorHandle) -> None:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    response = await ours.client.post(DESTINATIONS, content=b'{"type": "Audiohook"}', headers=headers)
    assert response.status_code == 200


# -- unknown ids, routes and methods ------------------------------------------------------------


@pytest.mark.parametrize("destination_id", [UNKNOWN_ID, "string", "885d88b9", "%20", "types-x"])
async def test_unknown_destination_id_is_404(ours: EmulatorHandle, destination_id: str) -> None:
    _assert_error(await ours.client.get(f"{DESTINATIONS}/{destination_id}"), 404, "not found")
    _assert_error(await ours.client.patch(f"{DESTINATIONS}/{destination_id}", json={}), 404)
    _assert_error(await ours.client.delete(f"{DESTINATIONS}/{destination_id}"), 404)
    _assert_error(await ours.client.get(f"{DESTINATIONS}/{destination_id}/health"), 404)


@pytest.mark.loopback
async def test_unknown_uuid_is_404_on_every_operation(ours: EmulatorHandle) -> None:
    path = f"{DESTINATIONS}/{UNKNOWN_ID}"
    for response in (
        await ours.client.get(path),
        await ours.client.patch(path, json={"name": "x"}),
        await ours.client.delete(path),
        await ours.client.get(f"{path}/health"),
    ):
        _assert_error(response, 404, UNKNOWN_ID)


async def test_patch_with_bad_body_on_unknown_id_is_400_first(ours: EmulatorHandle) -> None:
    _assert_error(await ours.client.patch(f"{DESTINATIONS}/{UNKNOWN_ID}", json={"status": "On"}), 400, "status")


async def test_patch_and_delete_on_types_path_are_404(ours: EmulatorHandle) -> None:
    _assert_error(await ours.client.patch(f"{DESTINATIONS}/types", json={}), 404)
    _assert_error(await ours.client.delete(f"{DESTINATIONS}/types"), 404)


@pytest.mark.loopback
async def test_unknown_route_is_404_in_vendor_shape(ours: EmulatorHandle) -> None:
    # Not in the published document, so sent through the unvalidated control client.
    for path in ("/rest/v1/sources-nope", "/rest/v2/destinations", f"{DESTINATIONS}/{UNKNOWN_ID}/metrics"):
        _assert_error(await ours.control.get(path, headers=AUTH), 404, "No route")


async def test_unknown_route_without_key_is_401(ours: EmulatorHandle) -> None:
    _assert_error(await ours.control.get("/rest/v1/nothing-here"), 401)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", f"{DESTINATIONS}/{UNKNOWN_ID}", {"GET", "PATCH", "DELETE"}),
        ("DELETE", DESTINATIONS, {"GET", "POST"}),
        ("POST", f"{DESTINATIONS}/types", {"GET"}),
        ("POST", f"{DESTINATIONS}/{UNKNOWN_ID}/health", {"GET"}),
    ],
)
async def test_other_method_on_a_known_path_is_405_with_allow(
    ours: EmulatorHandle, method: str, path: str, allowed: set[str]
) -> None:
    response = await ours.client.request(method, path, json={})
    _assert_error(response, 405, "Method Not Allowed")
    assert allowed <= {m.strip() for m in response.headers["allow"].split(",")}


@pytest.mark.loopback
async def test_put_on_a_destination_is_405(ours: EmulatorHandle) -> None:
    response = await ours.client.put(f"{DESTINATIONS}/{UNKNOWN_ID}", json={})
    _assert_error(response, 405, "PUT")
    assert "PATCH" in response.headers["allow"]


# -- server errors ------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_injected_500_is_in_vendor_shape(ours: EmulatorHandle) -> None:
    await ours.set_faults(queue=[500])
    _assert_error(await ours.client.get(DESTINATIONS), 500, "Internal Server Error")
    assert (await ours.client.get(DESTINATIONS)).status_code == 200


async def test_injected_503_and_429_are_in_vendor_shape(ours: EmulatorHandle) -> None:
    await ours.set_faults(queue=[503, 429], retry_after=3)
    _assert_error(await ours.client.get(DESTINATIONS), 503)
    response = await ours.client.get(DESTINATIONS)
    _assert_error(response, 429, "Too Many Requests")
    assert response.headers["retry-after"] == "3"


async def test_crash_in_a_handler_is_a_500_without_stack_trace(monkeypatch: pytest.MonkeyPatch) -> None:
    # Starlette re-raises after answering; a transport that does not re-raise shows what a client gets.
    def explode(self: OursState, destination_id: str) -> None:
        raise RuntimeError("boom: internal detail")

    monkeypatch.setattr(OursState, "find_destination", explode)
    transport = httpx.ASGITransport(app=create_app("ours"), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=AUTH) as client:
        body = _assert_error(await client.get(f"{DESTINATIONS}/{UNKNOWN_ID}"), 500, "Internal Server Error")
    assert "boom" not in str(body)


# -- no rate limits -----------------------------------------------------------------------------


@pytest.mark.loopback
async def test_no_rate_limit_is_enforced_and_no_rate_limit_headers_are_sent(ours: EmulatorHandle) -> None:
    # Unvalidated client for the burst: the point is the count, not the (already checked) body.
    for _ in range(150):
        response = await ours.control.get(DESTINATIONS, params={"limit": 1}, headers=AUTH)
        assert response.status_code == 200
    assert not [h for h in response.headers if "ratelimit" in h.lower() or h.lower() == "retry-after"]
    assert (await ours.control.get("/_emulator/rate-limits")).json()["rules"] == []


# -- the API's own document ---------------------------------------------------------------------


@pytest.mark.loopback
async def test_openapi_json_needs_no_auth(ours: EmulatorHandle) -> None:
    response = await ours.control.get("/rest/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.0")
    assert "/rest/v1/destinations/{id}/health" in document["paths"]
    assert document == (await ours.control.get("/_emulator/openapi.json")).json()


async def test_openapi_json_with_a_wrong_key_still_answers(ours: EmulatorHandle) -> None:
    response = await ours.control.get("/rest/v1/openapi.json", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 200
