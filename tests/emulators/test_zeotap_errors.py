"""Zeotap Composable: authentication and bad input, always answered as ``{"error": "..."}``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulators.conftest import EmulatorHandle

WS = "/api/v1/workspaces/ws-demo"
BRAZE = {"rest_endpoint": "https://rest.iad-01.braze.com", "api_key": "k"}


def _assert_error(response: Any, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"], str)
    assert body["error"]
    assert "Traceback" not in body["error"]
    for word in words:
        assert word in body["error"]


# -- authentication -----------------------------------------------------------------------------


@pytest.mark.loopback
async def test_missing_authorization_is_401(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get(f"{WS}/destinations", headers={"Authorization": ""})
    _assert_error(response, 401, "Authorization")


@pytest.mark.loopback
async def test_wrong_token_is_401(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get(f"{WS}/destinations", headers={"Authorization": "Bearer not-the-token"})
    _assert_error(response, 401)


async def test_non_bearer_scheme_is_401(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get(f"{WS}/destinations", headers={"Authorization": "Basic ZW11bGF0b3I6dG9rZW4="})
    _assert_error(response, 401, "Bearer")


@pytest.mark.loopback
async def test_missing_workspace_header_is_400(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get(f"{WS}/destinations", headers={"X-Workspace-ID": ""})
    _assert_error(response, 400, "X-Workspace-ID")


@pytest.mark.loopback
async def test_workspace_header_disagreeing_with_the_path_is_403(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get(f"{WS}/destinations", headers={"X-Workspace-ID": "ws-sandbox"})
    _assert_error(response, 403, "ws-sandbox", "ws-demo")


@pytest.mark.loopback
async def test_unknown_workspace_is_404(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get("/api/v1/workspaces/ws-nope/destinations", headers={"X-Workspace-ID": "ws-nope"})
    _assert_error(response, 404, "ws-nope")


async def test_token_is_checked_before_the_workspace_header(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get(f"{WS}/destinations", headers={"Authorization": "", "X-Workspace-ID": ""})
    _assert_error(response, 401)


async def test_second_workspace_is_reachable_with_its_own_header(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get(
        "/api/v1/workspaces/ws-sandbox/destinations", headers={"X-Workspace-ID": "ws-sandbox"}
    )
    assert response.status_code == 200
    assert {row["workspace_id"] for row in response.json()} == {"ws-sandbox"}


@pytest.mark.loopback
async def test_list_workspaces_needs_no_workspace_header(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.get("/api/v1/workspaces", headers={"X-Workspace-ID": ""})
    assert response.status_code == 200
    workspaces = response.json()
    assert [w["id"] for w in workspaces] == ["ws-demo", "ws-sandbox"]
    assert all(set(w) == {"id", "name", "slug", "created_at", "updated_at"} for w in workspaces)


async def test_list_workspaces_without_a_token_is_401(zeotap: EmulatorHandle) -> None:
    _assert_error(await zeotap.client.get("/api/v1/workspaces", headers={"Authorization": ""}), 401)


# -- routing ------------------------------------------------------------------------------------


@pytest.mark.loopback
async def test_unknown_route_is_404_in_the_vendor_shape(zeotap: EmulatorHandle) -> None:
    _assert_error(await zeotap.client.get(f"{WS}/pipelines"), 404)


async def test_unknown_route_outside_the_api_is_404(zeotap: EmulatorHandle) -> None:
    _assert_error(await zeotap.client.get("/api/v2/destinations"), 404)


@pytest.mark.loopback
@pytest.mark.parametrize(
    ("method", "path"),
    [("PATCH", f"{WS}/destinations/x"), ("DELETE", f"{WS}/destinations"), ("GET", f"{WS}/destinations/x/test")],
)
async def test_wrong_method_is_405_in_the_vendor_shape(zeotap: EmulatorHandle, method: str, path: str) -> None:
    _assert_error(await zeotap.client.request(method, path, json={}), 405, method)


async def test_get_on_the_test_path_is_a_destination_lookup(zeotap: EmulatorHandle) -> None:
    # "test" is only special for POST: a GET asks for the destination whose id is "test".
    _assert_error(await zeotap.client.get(f"{WS}/destinations/test"), 404, "test")


@pytest.mark.parametrize("destination_id", ["not-a-uuid", "1", "%20", "x" * 300])
async def test_garbage_destination_ids_are_404(zeotap: EmulatorHandle, destination_id: str) -> None:
    _assert_error(await zeotap.client.get(f"{WS}/destinations/{destination_id}"), 404)


# -- request bodies -----------------------------------------------------------------------------


@pytest.mark.loopback
async def test_malformed_json_is_400(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.post(
        f"{WS}/destinations", content=b"{'name': 'x'}", headers={"Content-Type": "application/json"}
    )
    _assert_error(response, 400, "JSON")


async def test_malformed_json_on_put_is_400(zeotap: EmulatorHandle) -> None:
    seeded = (await zeotap.client.get(f"{WS}/destinations")).json()[0]
    response = await zeotap.client.put(
        f"{WS}/destinations/{seeded['id']}", content=b"{", headers={"Content-Type": "application/json"}
    )
    _assert_error(response, 400, "JSON")


async def test_non_utf8_body_is_400(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.post(
        f"{WS}/destinations", content=b"\xff\xfe{}", headers={"Content-Type": "application/json"}
    )
    _assert_error(response, 400)


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null"])
async def test_a_body_that_is_not_an_object_is_400(zeotap: EmulatorHandle, body: bytes) -> None:
    response = await zeotap.client.post(
        f"{WS}/destinations", content=body, headers={"Content-Type": "application/json"}
    )
    _assert_error(response, 400, "object")


async def test_empty_body_is_400(zeotap: EmulatorHandle) -> None:
    _assert_error(await zeotap.client.post(f"{WS}/destinations"), 400, "body")


@pytest.mark.loopback
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_a_content_type_other_than_json_is_400(zeotap: EmulatorHandle, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = await zeotap.client.post(
        f"{WS}/destinations", content=b'{"name":"x","destination_type":"braze","config":{}}', headers=headers
    )
    _assert_error(response, 400, "Content-Type")


async def test_json_content_type_with_charset_is_accepted(zeotap: EmulatorHandle) -> None:
    response = await zeotap.client.post(
        f"{WS}/destinations",
        content=b'{"name":"x","destination_type":"braze","config":{"rest_endpoint":"https://rest.iad-01.braze.com","api_key":"k"}}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", 5),
        ("name", ["x"]),
        ("name", "   "),
        ("destination_type", 3),
        ("destination_type", {"type": "braze"}),
        ("config", "api_key=k"),
        ("config", ["api_key"]),
        ("connection_id", 7),
    ],
)
async def test_wrong_types_are_400_naming_the_field(zeotap: EmulatorHandle, field: str, value: Any) -> None:
    body = {"name": "X", "destination_type": "braze", "config": BRAZE, field: value}
    _assert_error(await zeotap.client.post(f"{WS}/destinations", json=body), 400, field)


async def test_wrong_types_on_put_are_400(zeotap: EmulatorHandle) -> None:
    seeded = (await zeotap.client.get(f"{WS}/destinations")).json()[0]
    response = await zeotap.client.put(f"{WS}/destinations/{seeded['id']}", json={"config": "x"})
    _assert_error(response, 400, "config")


# -- faults -------------------------------------------------------------------------------------


@pytest.mark.loopback
@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_injected_server_errors_use_the_error_shape(zeotap: EmulatorHandle, status: int) -> None:
    await zeotap.set_faults(queue=[status])
    _assert_error(await zeotap.client.get(f"{WS}/destinations"), status)
    assert (await zeotap.client.get(f"{WS}/destinations")).status_code == 200


async def test_injected_429_carries_retry_after(zeotap: EmulatorHandle) -> None:
    await zeotap.set_faults(queue=[429], retry_after=7)
    response = await zeotap.client.get(f"{WS}/destinations")
    _assert_error(response, 429)
    assert response.headers["Retry-After"] == "7"


async def test_down_switch_answers_503_in_the_error_shape(zeotap: EmulatorHandle) -> None:
    await zeotap.set_faults(down=True)
    _assert_error(await zeotap.client.get("/api/v1/workspaces"), 503)
