"""The Ours Privacy Destinations page's own curl examples, replayed with the real curl against `destgraph emulate`.

The commands are read from the seed page itself and run by bash exactly as written; only the host
(``https://app.oursprivacy.com``) is pointed at the emulator, and ``$BASE``/``$TOKEN`` are set in the
environment. The page's generated examples carry no Authorization header although every operation
documents "Authorization: Bearer <token>", so each is replayed twice: as written (401), and with that
documented header added.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

HOST = "https://app.oursprivacy.com"
TOKEN = "emulator-token"
#: the entity fields of the page's example responses (GET, POST and PATCH bodies)
ENTITY_KEYS = {
    "id",
    "name",
    "type",
    "status",
    "createdAt",
    "updatedAt",
    "settings",
    "limitedToSourceIds",
    "hashingSalt",
}
TYPE_KEYS = {"id", "label", "status", "capabilities", "settings"}


def _seed_commands(seeds_dir: Path) -> list[str]:
    """Every curl command on the page, each whole (continuation lines and multi-line quotes joined)."""
    lines = (seeds_dir / "ours-privacy-destinations.txt").read_text().splitlines()
    commands = []
    index = 0
    while index < len(lines):
        if lines[index].startswith("curl "):
            command = lines[index]
            while not _complete(command):
                index += 1
                command += "\n" + lines[index]
            # The page's text flattens each generated example's line continuations to "\  -H"; restore them.
            commands.append(command.replace("\\  -", "\\\n  -"))
        index += 1
    return commands


def _complete(command: str) -> bool:
    if command.rstrip().endswith("\\"):
        return False
    try:
        shlex.split(command.replace("\\\n", " "))
    except ValueError:
        return False
    return True


def _curl(command: str, base: str, *, with_auth: bool = False) -> tuple[int, Any]:
    command = command.replace(HOST, base).rstrip()
    if with_auth and "Authorization:" not in command:
        command += ' -H "Authorization: Bearer $TOKEN"'
    command += " -sS -w '\\n%{http_code}'"
    env = {**os.environ, "BASE": base, "TOKEN": TOKEN}
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, timeout=30, check=True)
    body, _, status = done.stdout.rpartition("\n")
    return int(status), json.loads(body) if body else None


@pytest.fixture
def ours_url(emulate_server: dict[str, str]) -> str:
    assert shutil.which("curl"), "the curl binary is needed to replay the documented examples"
    url = emulate_server["ours"]
    httpx.post(f"{url}/_emulator/reset", timeout=10).raise_for_status()
    return url


@pytest.fixture
def commands(vendor_specs_dir: Path) -> list[str]:
    found = _seed_commands(vendor_specs_dir.parent / "seeds")
    assert len(found) == 7, found
    return found


def _one(commands: list[str], start: str) -> str:
    [command] = [c for c in commands if c.startswith(start)]
    return command


def test_klaviyo_create_example_answers_the_documented_entity(ours_url: str, commands: list[str]) -> None:
    command = _one(commands, 'curl -X POST "$BASE/rest/v1/destinations"')
    status, body = _curl(command, ours_url)
    assert status == 200
    assert set(body) == ENTITY_KEYS
    assert body["name"] == "My Klaviyo"
    assert body["type"] == "Klaviyo"
    assert body["status"] == "Enabled"
    assert body["settings"] == {"projectAPIKey": "******"}
    stored = httpx.get(f"{ours_url}/_emulator/state/destinations/{body['id']}", timeout=10).json()
    assert stored["settings"] == {"projectAPIKey": "pk_live_..."}


def test_generated_examples_as_written_have_no_key_and_get_401(ours_url: str, commands: list[str]) -> None:
    generated = [c for c in commands if HOST in c]
    assert len(generated) == 6
    for command in generated:
        status, body = _curl(command, ours_url)
        assert status == 401, command
        assert set(body) <= {"error", "details"}
        assert body["error"] == "Unauthorized"


def test_list_example_answers_entities_and_pagination(ours_url: str, commands: list[str]) -> None:
    status, body = _curl(_one(commands, f'curl -X GET "{HOST}/rest/v1/destinations"'), ours_url, with_auth=True)
    assert status == 200
    assert set(body) == {"entities", "pagination"}
    assert set(body["pagination"]) == {"nextCursor", "hasMore"}
    assert len(body["entities"]) == 25
    assert all(set(e) == ENTITY_KEYS for e in body["entities"])


def test_audiohook_create_example_answers_the_entity(ours_url: str, commands: list[str]) -> None:
    command = _one(commands, f'curl -X POST "{HOST}/rest/v1/destinations"')
    assert '"type": "Audiohook"' in command
    status, body = _curl(command, ours_url, with_auth=True)
    assert status == 200
    assert set(body) == ENTITY_KEYS
    assert (body["type"], body["status"], body["settings"]) == ("Audiohook", "Enabled", {})


def test_types_example_answers_the_creatable_types(ours_url: str, commands: list[str]) -> None:
    status, body = _curl(_one(commands, f'curl -X GET "{HOST}/rest/v1/destinations/types"'), ours_url, with_auth=True)
    assert status == 200
    assert set(body) == {"entities"}
    assert len(body["entities"]) == 76
    assert all(set(t) == TYPE_KEYS for t in body["entities"])
    assert set(body["entities"][0]["capabilities"]) == {"oauth", "listsAccounts", "supportsRenamedEvents"}


def test_single_destination_examples_with_the_literal_id_are_404(ours_url: str, commands: list[str]) -> None:
    single = [c for c in commands if "/rest/v1/destinations/string" in c]
    assert {shlex.split(c.replace("\\\n", " "))[2] for c in single} == {"GET", "PATCH", "DELETE"}
    for command in single:
        status, body = _curl(command, ours_url, with_auth=True)
        assert status == 404, command
        assert body["error"] == "Not Found"


def test_single_destination_examples_with_a_real_id(ours_url: str, commands: list[str]) -> None:
    status, created = _curl(_one(commands, 'curl -X POST "$BASE/rest/v1/destinations"'), ours_url)
    assert status == 200

    def replay(method: str) -> tuple[int, Any]:
        command = _one(commands, f'curl -X {method} "{HOST}/rest/v1/destinations/string"')
        return _curl(
            command.replace("/destinations/string", f"/destinations/{created['id']}"), ours_url, with_auth=True
        )

    status, body = replay("GET")
    assert (status, body) == (200, created)
    status, body = replay("PATCH")
    assert status == 200
    assert {k: v for k, v in body.items() if k != "updatedAt"} == {k: v for k, v in created.items() if k != "updatedAt"}
    assert replay("DELETE") == (200, True)
    assert replay("GET")[0] == 404


def test_openapi_json_needs_no_key(ours_url: str) -> None:
    status, body = _curl(f'curl -X GET "{HOST}/rest/v1/openapi.json"', ours_url)
    assert status == 200
    assert "/rest/v1/destinations" in body["paths"]
