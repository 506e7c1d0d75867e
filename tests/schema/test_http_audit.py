"""GraphQL over HTTP, audited: graphql-http's serverAudits against the gateway served by uvicorn.

The gateway runs over the in-process emulators, served by uvicorn on a loopback port in a thread,
with the request-head limit the app asks of its server (SERVER_MAX_HEAD_BYTES);
`node tests/http_audit/audit.mjs URL "Bearer KEY"` runs every audit (MUST, SHOULD and MAY) and must
report no failure. Without
tests/http_audit/node_modules it runs `npm ci --prefix tests/http_audit` first (the npm cache is
enough offline). With CI set, a missing node or npm fails the test instead of skipping it.

The URL limits need a real socket too: uvicorn (h11) reads the request head before the app sees it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
import uvicorn

from destgraph.app import create_app
from destgraph.emulators import create_app as create_emulator
from destgraph.emulators.core import SeedOptions
from destgraph.serving import uvicorn_options
from tests.conftest import REPO_ROOT
from tests.schema.conftest import API_KEY, WORKSPACES, stack_settings

AUDIT = REPO_ROOT / "tests" / "http_audit"
SUMMARY = re.compile(
    r"serverAudits: (?P<audits>\d+) audits, (?P<ok>\d+) ok, (?P<warnings>\d+) warnings, (?P<errors>\d+) errors,"
    r" (?P<notices>\d+) notices .*; (?P<failures>\d+) failures$"
)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _node() -> str:
    """node, with the audit's packages installed (npm ci from the lockfile when they are missing)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _unavailable("graphql-http's audit needs node and npm (Node 18 or later) on PATH")
    assert node is not None and npm is not None
    if not (AUDIT / "node_modules" / "graphql-http" / "package.json").is_file():
        installed = subprocess.run(
            [npm, "ci", "--prefix", str(AUDIT), "--prefer-offline", "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if installed.returncode != 0:
            _unavailable(f"npm ci --prefix tests/http_audit failed:\n{installed.stdout}\n{installed.stderr}")
    return node


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """The gateway's /graphql URL, served by uvicorn on loopback over the in-process emulators."""
    emulators = {name: create_emulator(name, options=SeedOptions(seed=1, destinations=10)) for name in WORKSPACES}
    transports = {WORKSPACES[name]: httpx.ASGITransport(app=app) for name, app in emulators.items()}
    app = create_app(stack_settings(), transports=transports)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    # as destgraph serve runs it (h11 with its head limit, the loop, no logging of uvicorn's own)
    config = uvicorn.Config(app, **uvicorn_options(host="127.0.0.1", port=port, log_level="warning"))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        listener.close()


def test_graphql_http_audit_passes_every_audit(served: str) -> None:
    node = _node()
    run = subprocess.run(
        [node, str(AUDIT / "audit.mjs"), served, f"Bearer {API_KEY}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = run.stdout + run.stderr
    lines = run.stdout.strip().splitlines()
    summary = SUMMARY.search(lines[-1]) if lines else None
    assert summary is not None, output
    print(lines[-1])
    assert int(summary["audits"]) >= 40, output
    assert (summary["failures"], summary["warnings"], summary["errors"], summary["notices"]) == ("0", "0", "0", "0"), (
        output
    )
    assert summary["ok"] == summary["audits"]
    assert run.returncode == 0, output


def _raw_get(url: str, target: str) -> tuple[int, dict[str, str], bytes]:
    """One GET over a plain socket (httpx refuses URLs over 64 KiB before sending them)."""
    host, port = url.removeprefix("http://").split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        head = f"GET {target} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {API_KEY}\r\nConnection: close\r\n\r\n"
        conn.sendall(head.encode())
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    status_line, _, rest = received.partition(b"\r\n")
    header_block, _, body = rest.partition(b"\r\n\r\n")
    headers = {}
    for line in header_block.decode().split("\r\n"):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def test_a_1_mb_get_url_is_414_in_the_graphql_error_shape(served: str) -> None:
    # uvicorn's own limit on a request head (h11's, 16 KiB) would answer a bare 400 and close the
    # connection while the client is still sending (a reset): the server is given SERVER_MAX_HEAD_BYTES.
    query = quote("{ __typename } #" + "a" * (1024 * 1024))
    status, headers, body = _raw_get(served, f"/graphql?query={query}")
    assert status == 414
    assert headers["content-type"] == "application/json"
    answer = json.loads(body)
    assert answer == {"errors": [{"message": answer["errors"][0]["message"], "extensions": {"code": "BAD_REQUEST"}}]}
    assert "POST" in answer["errors"][0]["message"]


def test_a_url_under_the_limit_runs(served: str) -> None:
    query = quote("{ __typename } #" + "a" * (60 * 1024))
    status, _, body = _raw_get(served, f"/graphql?query={query}")
    assert status == 200, body
    assert json.loads(body)["data"] == {"__typename": "Query"}


def test_put_is_405_with_allow_over_a_socket(served: str) -> None:
    response = httpx.put(
        served, json={"query": "{ __typename }"}, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=30
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
