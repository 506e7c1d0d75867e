"""Zeotap Composable: the seed's own curl examples, replayed with the real curl binary.

Each command is the Destinations page's text with its placeholders filled in: the host becomes the
emulator started by ``destgraph emulate``, ``{id}`` and ``<workspace-id>`` the seeded workspace,
``<token>`` the emulator's token. Delete and the new-connection test have no curl example on the
page; theirs are written the same way from the page's request tables.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from typing import Any

import pytest

from destgraph.emulators.core import DEFAULT_TOKEN

HOST = "https://composable.zeotap.com"
AUTH = '-H "Authorization: Bearer <token>" -H "X-Workspace-ID: <workspace-id>"'

LIST = f"curl -X GET {HOST}/api/v1/workspaces/{{id}}/destinations \\ {AUTH}"
CREATE = (
    f"curl -X POST {HOST}/api/v1/workspaces/{{id}}/destinations \\ {AUTH} "
    '-H "Content-Type: application/json" \\ -d \'{ "name": "Salesforce Production", "destination_type": '
    '"salesforce", "config": { "instance_url": "https://mycompany.salesforce.com", "api_version": "58.0" } }\''
)
GET = f"curl -X GET {HOST}/api/v1/workspaces/{{id}}/destinations/{{destId}} \\ {AUTH}"
UPDATE = (
    f"curl -X PUT {HOST}/api/v1/workspaces/{{id}}/destinations/{{destId}} \\ {AUTH} "
    '-H "Content-Type: application/json" \\ -d \'{ "name": "Salesforce Production (Updated)" }\''
)
FIELDS = f"curl -X GET {HOST}/api/v1/workspaces/{{id}}/destinations/{{destId}}/fields \\ {AUTH}"
DELETE = f"curl -X DELETE {HOST}/api/v1/workspaces/{{id}}/destinations/{{destId}} \\ {AUTH}"
TEST_NEW = (
    f"curl -X POST {HOST}/api/v1/workspaces/{{id}}/destinations/test \\ {AUTH} "
    '-H "Content-Type: application/json" \\ -d \'{ "destination_type": "salesforce", "config": '
    '{ "instance_url": "https://mycompany.salesforce.com", "api_version": "58.0" } }\''
)
TEST_EXISTING = f"curl -X POST {HOST}/api/v1/workspaces/{{id}}/destinations/{{destId}}/test \\ {AUTH}"


def _curl(command: str, base_url: str, destination_id: str = "") -> tuple[int, str, str]:
    """Run a documented command against the emulator; (status, content type, body)."""
    binary = shutil.which("curl")
    assert binary is not None, "the curl binary is required"
    filled = (
        command.replace(HOST, base_url)
        .replace("{id}", "ws-demo")
        .replace("{destId}", destination_id)
        .replace("<token>", DEFAULT_TOKEN)
        .replace("<workspace-id>", "ws-demo")
    )
    # The docs break lines with "\ "; in one shell line that is just a space.
    argv = [arg for arg in shlex.split(filled.replace("\\ ", " ")) if arg]
    assert argv[0] == "curl"
    marker = "\n--curl-status--"
    result = subprocess.run(
        [binary, "-sS", "-w", f"{marker}%{{http_code}} %{{content_type}}", *argv[1:]],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    body, _, tail = result.stdout.rpartition(marker)
    status, _, content_type = tail.partition(" ")
    return int(status), content_type, body


def _reset(base_url: str) -> None:
    binary = shutil.which("curl")
    assert binary is not None
    subprocess.run([binary, "-sS", "-f", "-X", "POST", f"{base_url}/_emulator/reset"], check=True, capture_output=True)


@pytest.fixture
def zeotap_url(emulate_server: dict[str, str]) -> str:
    url = emulate_server["zeotap"]
    _reset(url)
    return url


def _events(body: str) -> list[tuple[str, Any]]:
    events = []
    for block in body.replace("\r\n", "\n").strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n"))
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_curl_list_destinations_example(zeotap_url: str) -> None:
    status, content_type, body = _curl(LIST, zeotap_url)
    assert status == 200
    assert content_type.startswith("application/json")
    rows = json.loads(body)
    assert isinstance(rows, list)
    assert len(rows) == 40
    assert {"id", "workspace_id", "connection_id", "name", "destination_type", "config", "status"} <= set(rows[0])


def test_curl_create_get_update_fields_delete_examples(zeotap_url: str) -> None:
    status, _, body = _curl(CREATE, zeotap_url)
    assert status == 201
    created = json.loads(body)
    assert created["name"] == "Salesforce Production"
    assert created["status"] == "pending"
    assert created["config"] == {"instance_url": "https://mycompany.salesforce.com", "api_version": "58.0"}

    status, _, body = _curl(GET, zeotap_url, created["id"])
    assert status == 200
    assert json.loads(body) == created

    status, _, body = _curl(UPDATE, zeotap_url, created["id"])
    assert status == 200
    updated = json.loads(body)
    assert updated["name"] == "Salesforce Production (Updated)"
    assert updated["config"] == created["config"]

    status, _, body = _curl(FIELDS, zeotap_url, created["id"])
    assert status == 200
    assert {"Email", "LastName"} <= {field["name"] for field in json.loads(body)}

    status, _, body = _curl(DELETE, zeotap_url, created["id"])
    assert (status, json.loads(body)) == (200, {"status": "deleted"})
    status, _, body = _curl(GET, zeotap_url, created["id"])
    assert status == 404
    assert set(json.loads(body)) == {"error"}


def test_curl_connection_test_examples_stream_events(zeotap_url: str) -> None:
    status, content_type, body = _curl(TEST_NEW, zeotap_url)
    assert status == 200
    assert content_type.startswith("text/event-stream")
    events = _events(body)
    assert [name for name, _ in events] == ["step", "step", "step", "done"]
    assert events[1][1] == {"name": "authentication", "status": "passed", "message": "OAuth token valid"}
    assert events[-1][1]["success"] is True

    status, _, body = _curl(CREATE, zeotap_url)
    destination_id = json.loads(body)["id"]
    status, content_type, body = _curl(TEST_EXISTING, zeotap_url, destination_id)
    assert status == 200
    assert content_type.startswith("text/event-stream")
    done = _events(body)[-1]
    assert done[0] == "done"
    assert done[1]["destination"]["status"] == "connected"


def test_curl_without_the_workspace_header_gets_the_vendor_error(zeotap_url: str) -> None:
    status, content_type, body = _curl(LIST.replace(' -H "X-Workspace-ID: <workspace-id>"', ""), zeotap_url)
    assert status == 400
    assert content_type.startswith("application/json")
    assert "X-Workspace-ID" in json.loads(body)["error"]
