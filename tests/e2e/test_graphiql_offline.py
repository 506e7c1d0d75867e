"""GraphiQL in a real browser with no network: `destgraph serve --demo`, then Debian's Chromium,
driven by playwright-core (tests/browser/graphiql_offline.mjs), with every request to another
origin aborted. It passes only when the default query's data shows in the result pane and the
page asked no other origin for anything.

Needs node (20 or later), npm (for ``npm ci --prefix tests/browser`` when node_modules is missing)
and Chromium at /usr/bin/chromium (``apt-get install -y chromium``; CHROMIUM_PATH names another).
With CI set, a missing piece fails the test; elsewhere it is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.demo_process import serve_demo

ROOT = Path(__file__).resolve().parents[2]
BROWSER = ROOT / "tests" / "browser"
SCRIPT = BROWSER / "graphiql_offline.mjs"
DEMO_KEY = "dg_demo_graphiql_offline_key"


def _missing(what: str) -> None:
    message = f"the GraphiQL browser test needs {what}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _chromium() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        _missing(f"Chromium at {path} (apt-get install -y chromium)")
    return path


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        _missing("node (Node.js 20 or later) on PATH")
    assert node is not None
    return node


def _playwright_core() -> None:
    if (BROWSER / "node_modules" / "playwright-core" / "package.json").is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        _missing("npm on PATH, to install tests/browser's playwright-core (npm ci --prefix tests/browser)")
    assert npm is not None
    result = subprocess.run(
        [npm, "ci", "--prefix", str(BROWSER), "--no-audit", "--no-fund"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        _missing(f"npm ci --prefix tests/browser to succeed:\n{result.stdout}\n{result.stderr}")


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    with serve_demo(DEMO_KEY) as running:
        yield running.url


def test_the_page_needs_no_key_and_loads_only_from_the_gateway(demo_url: str) -> None:
    page = httpx.get(demo_url + "/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    sources = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert sources
    assert all(s.startswith(("/graphiql/assets/", "data:")) for s in sources), sources  # no other origin
    script = httpx.get(demo_url + "/graphiql/assets/react@18.2.0/umd/react.production.min.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")


def test_graphiql_runs_its_query_in_chromium_with_no_network(demo_url: str, tmp_path: Path) -> None:
    chromium, node = _chromium(), _node()
    _playwright_core()
    screenshot = tmp_path / "graphiql.png"
    result = subprocess.run(
        [node, str(SCRIPT), "--url", demo_url + "/graphql", "--chromium", chromium, "--screenshot", str(screenshot)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=BROWSER,
    )
    output = result.stdout + result.stderr
    print(output)
    assert result.returncode == 0, output
    assert "blocked requests to other origins: 0" in result.stdout, output
    assert "OK: GraphiQL ran its query" in result.stdout, output
    assert screenshot.is_file()
