"""The docs' own example requests, replayed with the real curl binary against ``destgraph emulate``.

Each example is the request the seed's Destinations page (or the published document, where the page
collapses a body) shows: method, path, query, headers and body as written there, with the media type
the document lists for the operation. The emulator is reset first, so the docs' ids are seeded.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest

TOKEN = "emulator-token"
V1 = "application/vnd.segment.v1+json"
ALPHA = "application/vnd.segment.v1alpha+json"
BETA = "application/vnd.segment.v1beta+json"


@dataclass(frozen=True)
class Example:
    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    content_type: str | None = None
    accept: str = V1
    data_key: str = ""
    media: str = V1


EXAMPLES = [
    Example(
        "create destination (document example)",
        "POST",
        "/destinations",
        {
            "sourceId": "rh5BDZp6QDHvXFCkibm1pR",
            "metadataId": "547610a5db31d978f14a5c4e",
            "name": "my destination v1",
            "settings": {"apiKey": "XYZ", "retarget": True},
        },
        content_type=V1,
        data_key="destination",
    ),
    Example(
        "create destination (seed sample)",
        "POST",
        "/destinations",
        {
            "sourceId": "rh5BDZp6QDHvXFCkibm1pR",
            "metadataId": "54521fd525e721e32a72ee91",
            "name": "my destination v1",
            "settings": {"apiKey": "3cb9b589437d3904f19b2b791c2cdada", "retarget": True},
        },
        content_type="application/json",
        data_key="destination",
    ),
    Example("list destinations", "GET", "/destinations?pagination[count]=1", data_key="destinations"),
    Example("get destination", "GET", "/destinations/fP7qoQw2HTWt9WdMr718gn", data_key="destination"),
    Example("get destination (seed sample)", "GET", "/destinations/qtiZHLLqqsHmpvLXNtP5du", data_key="destination"),
    Example(
        "update destination",
        "PATCH",
        "/destinations/fP7qoQw2HTWt9WdMr718gn",
        {"enabled": False},
        content_type=V1,
        data_key="destination",
    ),
    Example(
        "update destination (document example)",
        "PATCH",
        "/destinations/fP7qoQw2HTWt9WdMr718gn",
        {"destinationId": "fP7qoQw2HTWt9WdMr718gn", "enabled": False},
        content_type=V1,
        data_key="destination",
    ),
    Example("delete destination", "DELETE", "/destinations/65c2bdbede6f2d8297f943db", data_key="status"),
    Example(
        "create destination subscription",
        "POST",
        "/destinations/fP7qoQw2HTWt9WdMr718gn/subscriptions",
        {
            "name": "Example Subscription",
            "actionId": "jiMz7MfHNeHmUckzRnUGkU",
            "trigger": 'type = "track"',
            "enabled": False,
        },
        content_type=ALPHA,
        accept=ALPHA,
        data_key="destinationSubscription",
        media=ALPHA,
    ),
    Example(
        "list subscriptions from destination",
        "GET",
        "/destinations/fP7qoQw2HTWt9WdMr718gn/subscriptions?pagination[count]=3",
        accept=ALPHA,
        data_key="subscriptions",
        media=ALPHA,
    ),
    Example(
        "get subscription from destination",
        "GET",
        "/destinations/fP7qoQw2HTWt9WdMr718gn/subscriptions/kyMKN6LUgMvF8dwRMEz3cX",
        accept=ALPHA,
        data_key="subscription",
        media=ALPHA,
    ),
    Example(
        "update subscription for destination",
        "PATCH",
        "/destinations/fP7qoQw2HTWt9WdMr718gn/subscriptions/3ELMSracBm5MMikXBYfo1c",
        {"input": {"name": "Updated name"}},
        content_type=ALPHA,
        accept=ALPHA,
        data_key="subscription",
        media=ALPHA,
    ),
    Example(
        "remove subscription from destination",
        "DELETE",
        "/destinations/fP7qoQw2HTWt9WdMr718gn/subscriptions/zXCqmEMHJojkD45GcBAPt",
        accept=ALPHA,
        data_key="status",
        media=ALPHA,
    ),
    Example(
        "list delivery metrics summary",
        "GET",
        "/destinations/fP7qoQw2HTWt9WdMr718gn/delivery-metrics?sourceId=rh5BDZp6QDHvXFCkibm1pR",
        accept=BETA,
        data_key="deliveryMetricsSummary",
        media=BETA,
    ),
    Example(
        "get destinations catalog", "GET", "/catalog/destinations?pagination[count]=2", data_key="destinationsCatalog"
    ),
    Example(
        "get destination metadata",
        "GET",
        "/catalog/destinations/54521fd525e721e32a72ee91",
        data_key="destinationMetadata",
    ),
]


def curl(method: str, url: str, *, headers: dict[str, str], body: str | None = None) -> tuple[int, str, Any]:
    binary = shutil.which("curl")
    assert binary, "curl must be installed: these tests replay the docs' requests with it"
    # -g: the docs' pagination[count] brackets are literal, not curl URL globbing.
    command = [binary, "-sS", "-g", "-X", method, "-o", "-", "-w", "\n%{http_code} %{content_type}"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if body is not None:
        command += ["--data-binary", body]
    completed = subprocess.run([*command, url], capture_output=True, text=True, timeout=30, check=True)
    payload, _, trailer = completed.stdout.rpartition("\n")
    status, _, content_type = trailer.partition(" ")
    return int(status), content_type, json.loads(payload) if payload else None


@pytest.fixture
def segment_url(emulate_server: dict[str, str]) -> str:
    url = emulate_server["segment"]
    status, _, _ = curl("POST", f"{url}/_emulator/reset", headers={})
    assert status == 200
    return url


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_docs_example_request_succeeds(segment_url: str, example: Example) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": example.accept}
    if example.content_type:
        headers["Content-Type"] = example.content_type
    body = json.dumps(example.body) if example.body is not None else None
    status, content_type, payload = curl(example.method, segment_url + example.path, headers=headers, body=body)
    assert status == 200, payload
    assert content_type == example.media
    assert set(payload) == {"data"}
    assert example.data_key in payload["data"]
    if example.data_key == "status":
        assert payload["data"] == {"status": "SUCCESS"}


def test_docs_create_masks_the_api_key_as_the_sample_shows(segment_url: str) -> None:
    body = json.dumps(EXAMPLES[1].body)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    _, _, payload = curl("POST", f"{segment_url}/destinations", headers=headers, body=body)
    assert payload["data"]["destination"]["settings"]["apiKey"] == "••••••••••dada"


def test_curl_without_a_token_gets_401_in_the_errors_envelope(segment_url: str) -> None:
    status, content_type, payload = curl("GET", f"{segment_url}/destinations?pagination[count]=1", headers={})
    assert status == 401
    assert content_type == "application/json"
    assert payload["errors"][0]["type"] == "unauthorized"


def test_curl_form_post_gets_422_not_500(segment_url: str) -> None:
    # curl -d without -H sends application/x-www-form-urlencoded.
    headers = {"Authorization": f"Bearer {TOKEN}"}
    status, _, payload = curl("POST", f"{segment_url}/destinations", headers=headers, body="sourceId=x")
    assert status == 422
    assert payload["errors"][0]["field"] == "Content-Type"
