"""The Nimriz reference page's own requests, replayed with the real curl against ``destgraph emulate``."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import httpx
import pytest

DESTINATIONS = "/api/integrations/destinations"
KEY = "emulator-token"

#: the seed's "Create a Destination" request body, as the page writes it
CREATE_BODY = """{
"name": "Segment events",
"type": "segment",
"enabled": true,
"credentials": {
"write_key": "seg_..."
},
"actions": [
{
"name": "Send event",
"action_type": "send_event",
"enabled": true,
"property_mapping": {
"base": "default",
"overrides": []
},
"event_filter": {
"include": {
"event_types": ["link.clicked", "link.qr_scanned"]
},
"exclude": {
"bot_traffic": true
},
"conditions": []
}
}
]
}"""

#: the seed's "Send a Test Event" request body, placeholder id and all
TEST_SEND_BODY = """{
"action_id": "action_uuid"
}"""


@pytest.fixture
def nimriz_url(emulate_server: dict[str, str]) -> str:
    url = emulate_server["nimriz"]
    httpx.post(f"{url}/_emulator/reset", timeout=10).raise_for_status()
    return url


def curl(*args: str, key_header: str = f"Authorization: Bearer {KEY}") -> tuple[int, Any]:
    executable = shutil.which("curl")
    assert executable, "curl must be installed"
    command = [executable, "-sS", "-w", "\n%{http_code}"]
    if key_header:
        command += ["-H", key_header]
    result = subprocess.run([*command, *args], capture_output=True, text=True, timeout=20, check=True)
    text, _, status = result.stdout.rpartition("\n")
    return int(status), json.loads(text) if text else None


def create(url: str) -> dict[str, Any]:
    status, body = curl("-X", "POST", f"{url}{DESTINATIONS}", "-H", "Content-Type: application/json", "-d", CREATE_BODY)
    assert status == 201, body
    return body["destination"]


def test_curl_is_installed() -> None:
    assert shutil.which("curl")


def test_curl_create_destination_as_documented(nimriz_url: str) -> None:
    destination = create(nimriz_url)
    assert destination["name"] == "Segment events"
    assert destination["type"] == "segment"
    assert destination["credentials"] == {"write_key": "[REDACTED]"}
    [action] = destination["actions"]
    assert action["action_type"] == "send_event"
    assert action["event_filter"]["include"]["event_types"] == ["link.clicked", "link.qr_scanned"]
    stored = httpx.get(f"{nimriz_url}/_emulator/state/destinations/{destination['id']}", timeout=10).json()
    assert stored["credentials"] == {"write_key": "seg_..."}


def test_curl_list_destinations_as_documented(nimriz_url: str) -> None:
    status, body = curl(f"{nimriz_url}{DESTINATIONS}")
    assert status == 200
    assert len(body["destinations"]) == 40
    assert all(set(d) >= {"id", "name", "type", "credentials", "actions"} for d in body["destinations"])


def test_curl_update_destination_as_documented(nimriz_url: str) -> None:
    destination = create(nimriz_url)
    body = json.dumps({"name": "Segment events (EU)", "enabled": False, "actions": destination["actions"]})
    status, answer = curl(
        "-X",
        "PUT",
        f"{nimriz_url}{DESTINATIONS}/{destination['id']}",
        "-H",
        "Content-Type: application/json",
        "-d",
        body,
    )
    assert status == 200
    assert answer["destination"]["name"] == "Segment events (EU)"
    assert answer["destination"]["actions"] == destination["actions"]


def test_curl_delete_destination_as_documented(nimriz_url: str) -> None:
    destination = create(nimriz_url)
    status, body = curl("-X", "DELETE", f"{nimriz_url}{DESTINATIONS}/{destination['id']}")
    assert (status, body) == (200, {"deleted": True, "id": destination["id"]})
    status, body = curl("-X", "DELETE", f"{nimriz_url}{DESTINATIONS}/{destination['id']}")
    assert (status, body["code"]) == (404, "NOT_FOUND")


def test_curl_test_send_with_the_documented_placeholder_is_404(nimriz_url: str) -> None:
    destination = create(nimriz_url)
    path = f"{nimriz_url}{DESTINATIONS}/{destination['id']}/test-send"
    status, body = curl("-X", "POST", path, "-H", "Content-Type: application/json", "-d", TEST_SEND_BODY)
    assert status == 404
    assert body["code"] == "NOT_FOUND"
    assert body["support_reference"]


def test_curl_test_send_with_and_without_action_id(nimriz_url: str) -> None:
    destination = create(nimriz_url)
    path = f"{nimriz_url}{DESTINATIONS}/{destination['id']}/test-send"
    action_id = destination["actions"][0]["id"]
    body = TEST_SEND_BODY.replace("action_uuid", action_id)
    status, answer = curl("-X", "POST", path, "-H", "Content-Type: application/json", "-d", body)
    assert status == 202
    assert answer["test_event"]["action_id"] == action_id
    status, answer = curl("-X", "POST", path)
    assert (status, answer["test_event"]["action_id"]) == (202, action_id)


def test_curl_x_nim_api_key_header_and_whoami(nimriz_url: str) -> None:
    status, body = curl(f"{nimriz_url}/api/v1/whoami", key_header=f"X-Nim-Api-Key: {KEY}")
    assert status == 200
    assert set(body) == {"account_id", "workspace_name"}


def test_curl_without_a_key_is_401(nimriz_url: str) -> None:
    status, body = curl(f"{nimriz_url}{DESTINATIONS}", key_header="")
    assert status == 401
    assert body["code"] == "UNAUTHORIZED"


def test_curl_get_by_id_is_405(nimriz_url: str) -> None:
    destination = create(nimriz_url)
    status, body = curl(f"{nimriz_url}{DESTINATIONS}/{destination['id']}")
    assert (status, body["code"]) == (405, "METHOD_NOT_ALLOWED")
