"""The example frontend as a person opens it: `destgraph serve --demo` serves it on its own origin,
and Debian's Chromium (driven by playwright-core: tests/browser/example_frontend.mjs, with the
offline flags of the GraphiQL test) opens it with every request off loopback aborted. One vendor
is slowed by 2 s through its emulator's control API: every vendor's rows must be shown, the slowed
one's last, after its emulator answered, and the other vendors' before.

Needs node (20 or later), npm (for ``npm ci --prefix tests/browser`` when node_modules is missing)
and Chromium at /usr/bin/chromium (CHROMIUM_PATH names another). With CI set, a missing piece
fails the test; elsewhere it is skipped.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.demo_process import Demo, serve_demo
from tests.e2e.test_graphiql_offline import BROWSER, _chromium, _node, _playwright_core

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = BROWSER / "example_frontend.mjs"
DEMO_KEY = "dg_demo_example_frontend_key"
SLOW_MS = 2000


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    with serve_demo(DEMO_KEY) as running:
        deadline = time.monotonic() + 15  # the page's server starts beside the gateway
        while True:
            try:
                if httpx.get(running.frontend_url + "/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the example frontend did not answer: " + running.banner)
            time.sleep(0.1)
        yield running


def emulator(demo: Demo, offset: int) -> str:
    return f"http://127.0.0.1:{demo.port_base + offset}"


def test_the_demo_prints_the_frontend_on_its_own_port(demo: Demo) -> None:
    assert f"{demo.frontend_url}/" in demo.banner
    assert demo.frontend_url != demo.url


def test_the_page_loads_only_from_its_own_origin_and_names_the_gateway(demo: Demo) -> None:
    page = httpx.get(demo.frontend_url + "/")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert sources and all(not re.match(r"^[a-z]+://", s) and not s.startswith("//") for s in sources), sources
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and f"connect-src 'self' {demo.url}" in policy
    config = httpx.get(demo.frontend_url + "/config.js")
    assert config.headers["content-type"].startswith("text/javascript")
    assert config.headers["cache-control"] == "no-store"
    assert json.dumps(f"{demo.url}/graphql") in config.text
    assert DEMO_KEY in config.text  # the demo's key, which the demo prints anyway
    library = httpx.get(demo.frontend_url + "/vendor/meros-1.3.2/index.mjs")
    assert library.headers["content-type"].startswith("text/javascript")


def test_the_gateway_allows_the_pages_origin_and_no_other(demo: Demo) -> None:
    asked = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"}
    allowed = httpx.options(demo.url + "/graphql", headers={"Origin": demo.frontend_url, **asked})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == demo.frontend_url
    refused = httpx.options(demo.url + "/graphql", headers={"Origin": "https://example.com", **asked})
    assert refused.status_code == 403
    assert not [h for h in refused.headers if h.lower().startswith("access-control-")]


def test_the_shipped_library_matches_its_manifest() -> None:
    checked = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "vendor_frontend.py"), "--check"], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _result(output: str) -> dict[str, Any]:
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    found: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return found


def test_every_vendors_rows_show_in_chromium_the_slowed_one_last(demo: Demo, tmp_path: Path) -> None:
    chromium, node = _chromium(), _node()
    _playwright_core()
    segment = emulator(demo, 1)
    httpx.put(
        segment + "/_emulator/faults", json={"latency_ms": SLOW_MS, "path_pattern": "^/destinations"}
    ).raise_for_status()
    httpx.delete(segment + "/_emulator/requests").raise_for_status()
    try:
        run = subprocess.run(
            [
                node,
                str(SCRIPT),
                "--url",
                demo.frontend_url + "/",
                "--slow",
                "SEGMENT",
                "--chromium",
                chromium,
                "--screenshot",
                str(tmp_path / "frontend.png"),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            cwd=BROWSER,
        )
    finally:
        httpx.delete(segment + "/_emulator/faults")
    output = run.stdout + run.stderr
    print(output)
    assert run.returncode == 0, output
    assert "blocked requests off this machine: 0" in run.stdout, output
    result = _result(run.stdout)
    assert result["rows"] == {"SEGMENT": 40, "OURS": 40, "ZEOTAP": 40, "NIMRIZ": 40}
    assert result["pageOrigin"] != result["gatewayOrigin"]  # the calls went through CORS
    assert f"POST {demo.url}/graphql" in result["requested"]
    # Chromium's clock and the emulator's are this machine's: the fast vendors' rows were shown
    # while Segment's emulator still held its answer, and Segment's after it gave it
    calls = httpx.get(segment + "/_emulator/requests", params={"route": "GET /destinations"}).json()["requests"]
    slowest = max(call["ended_at"] for call in calls) * 1000
    vendors = {v["provider"]: v for v in result["vendors"]}
    assert all(vendors[p]["at"] < slowest for p in ("OURS", "ZEOTAP", "NIMRIZ")), (vendors, slowest)
    assert vendors["SEGMENT"]["at"] >= slowest - 1  # ms granularity
    assert vendors["SEGMENT"]["arrival"] == 4
    assert (tmp_path / "frontend.png").is_file()
