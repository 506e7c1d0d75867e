"""Segment errors and media types: bad input of every kind gets Segment's errors envelope, never a 500."""

from __future__ import annotations

import json

import pytest

from destgraph.emulators.segment import DEFAULT_SOURCE_ID
from destgraph.emulators.segment.catalog import BLUESHIFT_ID
from destgraph.emulators.segment.seed import DOCS_DESTINATION_ID, DOCS_SUBSCRIPTION_IDS
from tests.emulators.conftest import EmulatorHandle

AUTH = {"Authorization": "Bearer emulator-token"}
V1 = "application/vnd.segment.v1+json"
CREATE = {"sourceId": DEFAULT_SOURCE_ID, "metadataId": BLUESHIFT_ID, "settings": {"apiKey": "k-0001"}}


def assert_envelope(body: dict[str, object]) -> None:
    assert set(body) == {"errors"}
    errors = body["errors"]
    assert isinstance(errors, list) and errors
    for error in errors:
        assert isinstance(error, dict)
        assert isinstance(error["type"], str) and isinstance(error["message"], str)
        assert "Traceback" not in error["message"]


@pytest.mark.loopback
async def test_missing_token_is_401_in_the_errors_envelope(segment: EmulatorHandle) -> None:
    response = await segment.control.get("/destinations", params={"pagination[count]": 1})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json()["errors"][0]["type"] == "unauthorized"


@pytest.mark.loopback
@pytest.mark.parametrize("header", ["Bearer wrong-token", "Basic ZW11bGF0b3ItdG9rZW46", "Bearer", "emulator-token"])
async def test_wrong_token_is_401(segment: EmulatorHandle, header: str) -> None:
    response = await segment.control.get(f"/destinations/{DOCS_DESTINATION_ID}", headers={"Authorization": header})
    assert response.status_code == 401
    assert_envelope(response.json())


async def test_401_is_not_counted_against_the_rate_limit(segment: EmulatorHandle) -> None:
    await segment.control.get(f"/destinations/{DOCS_DESTINATION_ID}")
    response = await segment.client.get(f"/destinations/{DOCS_DESTINATION_ID}")
    assert response.headers["x-ratelimit-consumed"] == "1"


@pytest.mark.loopback
async def test_malformed_json_is_422_not_500(segment: EmulatorHandle) -> None:
    response = await segment.client.post(
        "/destinations", content=b'{"sourceId": "x",', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    assert_envelope(response.json())


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"42", b"null", b"", b"\xff\xfe"])
async def test_non_object_or_empty_body_is_422(segment: EmulatorHandle, raw: bytes) -> None:
    response = await segment.client.patch(
        f"/destinations/{DOCS_DESTINATION_ID}", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert_envelope(response.json())


@pytest.mark.loopback
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
async def test_unsupported_content_type_is_422_naming_content_type(segment: EmulatorHandle, content_type: str) -> None:
    response = await segment.client.post(
        "/destinations", content=json.dumps(CREATE), headers={"Content-Type": content_type}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Content-Type"


async def test_missing_content_type_is_422(segment: EmulatorHandle) -> None:
    response = await segment.client.post("/destinations", content=json.dumps(CREATE).encode())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Content-Type"


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/vnd.segment.v1+json",
        "application/vnd.segment.v1beta+json",
        "application/vnd.segment.v1alpha+json",
    ],
)
async def test_vendor_and_json_content_types_are_accepted(segment: EmulatorHandle, content_type: str) -> None:
    response = await segment.client.post(
        "/destinations", content=json.dumps(CREATE), headers={"Content-Type": content_type}
    )
    assert response.status_code == 200


@pytest.mark.loopback
@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, V1),
        ("*/*", V1),
        ("application/json", "application/json"),
        ("application/vnd.segment.v1beta+json", "application/vnd.segment.v1beta+json"),
        ("application/vnd.segment.v1alpha+json", "application/vnd.segment.v1alpha+json"),
        ("text/html", V1),
        ("application/json;q=0.5, application/vnd.segment.v1beta+json", "application/vnd.segment.v1beta+json"),
        # What the Go SDK sends (segment-public-api.md section 1): the first listed wins.
        (
            "application/vnd.segment.v1+json, application/json, application/vnd.segment.v1beta+json",
            V1,
        ),
    ],
)
async def test_accept_selects_a_documented_media_type(
    segment: EmulatorHandle, accept: str | None, expected: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    if accept is None:
        segment.client.headers.pop("accept", None)
    response = await segment.client.get(f"/destinations/{DOCS_DESTINATION_ID}", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == expected


async def test_errors_are_json_whatever_the_accept(segment: EmulatorHandle) -> None:
    response = await segment.client.get("/destinations/noSuchDestination00000", headers={"Accept": V1})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"


@pytest.mark.loopback
async def test_unknown_route_is_404_in_the_errors_envelope(segment: EmulatorHandle) -> None:
    # The control client skips the contract check: the published document has no such path.
    response = await segment.control.get("/sources", headers=AUTH)
    assert response.status_code == 404
    assert response.json()["errors"][0]["type"] == "NotFound"


async def test_wrong_method_is_405_in_the_errors_envelope(segment: EmulatorHandle) -> None:
    response = await segment.client.put(f"/destinations/{DOCS_DESTINATION_ID}", json={"enabled": False})
    assert response.status_code == 405
    assert_envelope(response.json())
    assert "PATCH" in response.headers["allow"]


@pytest.mark.loopback
@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_injected_server_errors_are_in_the_errors_envelope(segment: EmulatorHandle, status: int) -> None:
    await segment.set_faults(queue=[status])
    response = await segment.client.get(f"/destinations/{DOCS_DESTINATION_ID}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["type"] == "server-error"


async def test_injected_429_carries_retry_after_and_rate_data(segment: EmulatorHandle) -> None:
    await segment.set_faults(queue=[429], retry_after=3)
    response = await segment.client.get(f"/destinations/{DOCS_DESTINATION_ID}")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"
    [error] = response.json()["errors"]
    assert error["type"] == "RequestError"
    assert error["data"]["msBeforeNext"] == 3000


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/destinations", {"sourceId": [], "metadataId": {}, "settings": 1}),
        ("PATCH", f"/destinations/{DOCS_DESTINATION_ID}", {"settings": {"apiSecret": {"nested": [1, 2]}}}),
        ("POST", f"/destinations/{DOCS_DESTINATION_ID}/subscriptions", {"name": 1, "trigger": None}),
        ("PATCH", f"/destinations/{DOCS_DESTINATION_ID}/subscriptions/{DOCS_SUBSCRIPTION_IDS[0]}", {"input": []}),
        ("GET", f"/destinations/{'x' * 300}", None),
        ("GET", "/destinations/%00%ff", None),
        ("GET", f"/destinations/{DOCS_DESTINATION_ID}/delivery-metrics?sourceId=&startTime=%00", None),
    ],
)
async def test_odd_input_never_gets_a_500(segment: EmulatorHandle, method: str, path: str, body: object) -> None:
    response = await segment.control.request(method, path, json=body, headers=AUTH)
    assert response.status_code < 500
    assert_envelope(response.json()) if response.status_code >= 400 else None
