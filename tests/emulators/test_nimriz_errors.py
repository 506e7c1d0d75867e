"""Nimriz errors: auth, the flat error body, bad input of every kind, unknown routes, and injected faults."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import httpx
import pytest

from destgraph.emulators.core import VendorError
from destgraph.emulators.nimriz.errors import render_error
from tests.emulators.conftest import EmulatorHandle

DESTINATIONS = "/api/integrations/destinations"
VALID = {"name": "Segment events", "type": "segment", "credentials": {"write_key": "seg_fake"}}


def assert_nimriz_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert re.fullmatch(r"[A-Z][A-Z0-9_]*", body["code"])
    assert isinstance(body["message"], str)
    assert body["message"]
    assert re.fullmatch(r"ref_[0-9a-f]{24}", body["support_reference"])
    assert "Traceback" not in response.text
    return body


async def send(nimriz: EmulatorHandle, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """A call without the fixture's Authorization header, with the headers given."""
    return await nimriz.control.request(method, path, **kwargs)


# --- auth -----------------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_missing_key_is_401_unauthorized(nimriz: EmulatorHandle) -> None:
    response = await send(nimriz, "GET", DESTINATIONS)
    assert_nimriz_error(response, 401, "UNAUTHORIZED")
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.loopback
async def test_wrong_bearer_key_is_401_unauthorized(nimriz: EmulatorHandle) -> None:
    response = await send(nimriz, "GET", DESTINATIONS, headers={"Authorization": "Bearer not-the-key"})
    assert_nimriz_error(response, 401, "UNAUTHORIZED")


@pytest.mark.loopback
async def test_x_nim_api_key_header_authenticates(nimriz: EmulatorHandle) -> None:
    response = await send(nimriz, "GET", "/api/v1/whoami", headers={"X-Nim-Api-Key": "emulator-token"})
    assert response.status_code == 200
    assert "account_id" in response.json()


@pytest.mark.loopback
async def test_wrong_x_nim_api_key_is_401_unauthorized(nimriz: EmulatorHandle) -> None:
    response = await send(nimriz, "GET", DESTINATIONS, headers={"X-Nim-Api-Key": "not-the-key"})
    assert_nimriz_error(response, 401, "UNAUTHORIZED")


@pytest.mark.parametrize("header", ["Basic ZW11bGF0b3ItdG9rZW46", "emulator-token", "Bearer ", "Token emulator-token"])
async def test_authorization_other_than_bearer_is_401(nimriz: EmulatorHandle, header: str) -> None:
    assert_nimriz_error(await send(nimriz, "GET", DESTINATIONS, headers={"Authorization": header}), 401, "UNAUTHORIZED")


async def test_bearer_key_wins_over_x_nim_api_key(nimriz: EmulatorHandle) -> None:
    headers = {"Authorization": "Bearer wrong", "X-Nim-Api-Key": "emulator-token"}
    assert_nimriz_error(await send(nimriz, "GET", DESTINATIONS, headers=headers), 401, "UNAUTHORIZED")
    headers = {"Authorization": "Basic abc", "X-Nim-Api-Key": "emulator-token"}
    assert (await send(nimriz, "GET", DESTINATIONS, headers=headers)).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", DESTINATIONS),
        ("PUT", f"{DESTINATIONS}/x"),
        ("DELETE", f"{DESTINATIONS}/x"),
        ("POST", f"{DESTINATIONS}/x/test-send"),
        ("GET", "/api/v1/whoami"),
    ],
)
async def test_every_operation_requires_a_key(nimriz: EmulatorHandle, method: str, path: str) -> None:
    assert_nimriz_error(await send(nimriz, method, path, json={}), 401, "UNAUTHORIZED")


async def test_unauthenticated_write_changes_nothing(nimriz: EmulatorHandle) -> None:
    await send(nimriz, "POST", DESTINATIONS, json=VALID)
    assert len((await nimriz.client.get(DESTINATIONS)).json()["destinations"]) == 40


# --- the error body -------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_error_body_is_flat_code_message_support_reference(nimriz: EmulatorHandle) -> None:
    body = assert_nimriz_error(await nimriz.client.get("/api/v1/nothing-here"), 404, "NOT_FOUND")
    assert set(body) == {"code", "message", "support_reference"}


@pytest.mark.loopback
async def test_validation_error_adds_field_and_details(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.post(DESTINATIONS, json=VALID | {"type": "nope", "enabled": "x"})
    body = assert_nimriz_error(response, 400, "VALIDATION_ERROR")
    assert set(body) == {"code", "message", "support_reference", "field", "details"}
    assert body["field"] == "type"
    assert [d["field"] for d in body["details"]] == ["type", "enabled"]
    assert body["message"].startswith("type: ")


async def test_support_references_differ_between_errors(nimriz: EmulatorHandle) -> None:
    refs = {(await nimriz.client.get("/nope")).json()["support_reference"] for _ in range(5)}
    assert len(refs) == 5


# --- routes and methods ---------------------------------------------------------------------------


@pytest.mark.loopback
async def test_unknown_path_is_404_not_found(nimriz: EmulatorHandle) -> None:
    assert_nimriz_error(await nimriz.client.get("/api/v1/links"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", DESTINATIONS, {"GET", "HEAD", "POST"}),
        ("PATCH", DESTINATIONS, {"GET", "HEAD", "POST"}),
        ("GET", f"{DESTINATIONS}/x/test-send", {"POST"}),
        ("POST", "/api/v1/whoami", {"GET", "HEAD"}),
    ],
)
async def test_wrong_method_is_405_with_allow(
    nimriz: EmulatorHandle, method: str, path: str, allowed: set[str]
) -> None:
    response = await nimriz.client.request(method, path)
    assert_nimriz_error(response, 405, "METHOD_NOT_ALLOWED")
    assert set(response.headers["allow"].replace(" ", "").split(",")) == allowed


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [("PUT", "", {"name": "x"}), ("DELETE", "", None), ("POST", "/test-send", {})],
)
@pytest.mark.parametrize("destination_id", ["not-a-uuid", "0", "%2e%2e", "' OR 1=1 --", str(uuid.UUID(int=0))])
async def test_garbage_or_unknown_destination_id_is_404(
    nimriz: EmulatorHandle, method: str, suffix: str, body: Any, destination_id: str
) -> None:
    response = await nimriz.client.request(method, f"{DESTINATIONS}/{destination_id}{suffix}", json=body)
    assert_nimriz_error(response, 404, "NOT_FOUND")


async def test_head_on_the_list_answers_200_without_a_body(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.head(DESTINATIONS)
    assert response.status_code == 200
    assert response.content == b""


# --- malformed input ------------------------------------------------------------------------------

JSON = {"Content-Type": "application/json"}


@pytest.mark.loopback
async def test_malformed_json_is_400_invalid_json(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.post(DESTINATIONS, content=b'{"name": ', headers=JSON)
    assert_nimriz_error(response, 400, "INVALID_JSON")


@pytest.mark.parametrize(
    "raw",
    [b'{"name": NaN}', b'{"name": Infinity}', b'{"name": "\\ud800"}', b"\xff\xfe{}", b"[" * 100_000],
)
async def test_json_that_cannot_round_trip_is_400_invalid_json(nimriz: EmulatorHandle, raw: bytes) -> None:
    assert_nimriz_error(await nimriz.client.post(DESTINATIONS, content=raw, headers=JSON), 400, "INVALID_JSON")


async def test_malformed_json_on_put_and_test_send_is_400_invalid_json(nimriz: EmulatorHandle) -> None:
    seeded = (await nimriz.client.get(DESTINATIONS)).json()["destinations"][0]["id"]
    for method, path in (("PUT", f"{DESTINATIONS}/{seeded}"), ("POST", f"{DESTINATIONS}/{seeded}/test-send")):
        response = await nimriz.client.request(method, path, content=b"{oops", headers=JSON)
        assert_nimriz_error(response, 400, "INVALID_JSON")


@pytest.mark.parametrize("body", [[], "text", 3, None])
async def test_json_body_that_is_not_an_object_is_validation_error(nimriz: EmulatorHandle, body: Any) -> None:
    response = (
        await nimriz.client.post(DESTINATIONS, json=body)
        if body is not None
        else await nimriz.client.post(DESTINATIONS, content=b"null", headers=JSON)
    )
    assert assert_nimriz_error(response, 400, "VALIDATION_ERROR")["field"] == "body"


async def test_empty_body_on_create_and_put_is_validation_error(nimriz: EmulatorHandle) -> None:
    seeded = (await nimriz.client.get(DESTINATIONS)).json()["destinations"][0]["id"]
    for method, path in (("POST", DESTINATIONS), ("PUT", f"{DESTINATIONS}/{seeded}")):
        response = await nimriz.client.request(method, path, headers=JSON)
        assert assert_nimriz_error(response, 400, "VALIDATION_ERROR")["field"] == "body"


@pytest.mark.loopback
async def test_form_encoded_body_is_415_unsupported_media_type(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.post(DESTINATIONS, data={"name": "x", "type": "segment"})
    assert_nimriz_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/xml"])
async def test_json_sent_without_json_content_type_is_415(nimriz: EmulatorHandle, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = await nimriz.client.post(DESTINATIONS, content=b'{"name": "x"}', headers=headers)
    assert "content-type" not in response.request.headers or content_type
    assert_nimriz_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


async def test_json_content_type_with_charset_is_accepted(nimriz: EmulatorHandle) -> None:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    response = await nimriz.client.post(DESTINATIONS, content=json.dumps(VALID).encode(), headers=headers)
    assert response.status_code == 201


async def test_unicode_names_are_kept(nimriz: EmulatorHandle) -> None:
    response = await nimriz.client.post(DESTINATIONS, json=VALID | {"name": "Événements 📈 データ"})
    assert response.json()["destination"]["name"] == "Événements 📈 データ"


# --- rate limits and faults -----------------------------------------------------------------------


async def test_no_rate_limits_are_enforced_or_advertised(nimriz: EmulatorHandle) -> None:
    responses = [await nimriz.client.get(DESTINATIONS) for _ in range(60)]
    assert {r.status_code for r in responses} == {200}
    assert not any(h.lower().startswith("x-ratelimit") for h in responses[-1].headers)
    assert (await nimriz.control.get("/_emulator/rate-limits")).json()["rules"] == []


@pytest.mark.loopback
async def test_injected_429_is_rate_limited_with_retry_after(nimriz: EmulatorHandle) -> None:
    await nimriz.set_faults(queue=[429], retry_after=3)
    response = await nimriz.client.get(DESTINATIONS)
    body = assert_nimriz_error(response, 429, "RATE_LIMITED")
    assert response.headers["retry-after"] == "3"
    assert "ms_before_next" not in body
    assert (await nimriz.client.get(DESTINATIONS)).status_code == 200


@pytest.mark.parametrize(
    ("status", "code"),
    [(500, "INTERNAL_ERROR"), (502, "BAD_GATEWAY"), (503, "SERVICE_UNAVAILABLE"), (504, "GATEWAY_TIMEOUT")],
)
async def test_injected_server_errors_carry_codes_and_safe_messages(
    nimriz: EmulatorHandle, status: int, code: str
) -> None:
    await nimriz.set_faults(queue=[status])
    body = assert_nimriz_error(await nimriz.client.post(DESTINATIONS, json=VALID), status, code)
    assert "contact support" in body["message"]
    assert len((await nimriz.client.get(DESTINATIONS)).json()["destinations"]) == 40


@pytest.mark.loopback
async def test_down_switch_is_503_service_unavailable(nimriz: EmulatorHandle) -> None:
    await nimriz.set_faults(down=True)
    assert_nimriz_error(await nimriz.client.get("/api/v1/whoami"), 503, "SERVICE_UNAVAILABLE")


def test_unexpected_errors_render_without_internals() -> None:
    response = render_error(VendorError(500, "KeyError: 'secret' at state.py line 42"))
    assert response.status_code == 500
    assert b"state.py" not in response.body
    assert b"INTERNAL_ERROR" in response.body
