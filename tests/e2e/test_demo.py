"""The README's main command, as a new user runs it: `destgraph serve --demo`, then a query."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from destgraph.schema.graphiql import DEFAULT_QUERY
from tests.e2e.demo_process import Demo, serve_demo

DEMO_KEY = "dg_demo_e2e_key_0123456789"


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    with serve_demo(DEMO_KEY) as running:
        yield running


def test_banner_names_graphiql_the_key_and_a_curl_command(demo: Demo) -> None:
    assert f"{demo.url}/graphql" in demo.banner
    assert DEMO_KEY in demo.banner
    assert "curl" in demo.banner


def test_graphiql_opens_with_the_demo_key_and_a_query_over_every_vendor(demo: Demo) -> None:
    page = httpx.get(demo.url + "/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert DEMO_KEY in page.text
    assert "destinations(first: 10)" in page.text


def test_graphiql_default_query_is_answered_with_all_four_vendors(demo: Demo) -> None:
    response = httpx.post(
        demo.url + "/graphql",
        json={"query": DEFAULT_QUERY},
        headers={"Authorization": f"Bearer {DEMO_KEY}"},
        timeout=30,
    )
    body = response.json()
    assert response.status_code == 200
    assert "errors" not in body, body.get("errors")
    assert {w["provider"] for w in body["data"]["workspaces"]} == {"SEGMENT", "OURS", "ZEOTAP", "NIMRIZ"}
    assert all(w["health"]["status"] == "OK" for w in body["data"]["workspaces"])
    assert body["data"]["destinations"]["nodes"]


def test_the_printed_curl_command_answers_with_all_four_vendors(demo: Demo) -> None:
    curl = shutil.which("curl")
    assert curl, "curl is needed to replay the banner's command"
    query = "{ workspaces { provider destinations(first: 2) { nodes { provider name } } } }"
    result = subprocess.run(
        [
            curl,
            "-s",
            f"{demo.url}/graphql",
            "-H",
            f"Authorization: Bearer {DEMO_KEY}",
            "-H",
            "Content-Type: application/json",
            "-d",
            json.dumps({"query": query}),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    body = json.loads(result.stdout)
    providers = {n["provider"] for w in body["data"]["workspaces"] for n in w["destinations"]["nodes"]}
    assert providers == {"SEGMENT", "OURS", "ZEOTAP", "NIMRIZ"}


def test_exploring_stays_inside_the_vendors_rate_limits(demo: Demo) -> None:
    query = "{ destinations(first: 50) { nodes { name type { label } subscriptions(first: 5) { nodes { name } } } } }"
    for _ in range(10):
        body = httpx.post(
            demo.url + "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {DEMO_KEY}"}, timeout=30
        ).json()
        assert "errors" not in body, body.get("errors")
    emulators = {
        url for url in re.findall(r"http://127\.0\.0\.1:\d+", demo.banner) if url not in (demo.url, demo.frontend_url)
    }
    assert len(emulators) == 4
    for url in emulators:
        counters = httpx.get(url + "/_emulator/counters").json()
        assert "429" not in counters["by_status"], (url, counters)


def test_the_automation_example_plans_then_applies_once(demo: Demo) -> None:
    script = [
        sys.executable,
        "examples/plan_and_apply.py",
        "--url",
        demo.url + "/graphql",
        "--key",
        DEMO_KEY,
        "--workspace",
        "ours-demo",
        "--type",
        "Klaviyo",
        "--name",
        "Planned Klaviyo",
        "--setting",
        "projectAPIKey=pk_test_example_000000001",
    ]
    planned = subprocess.run(script, capture_output=True, text=True, timeout=60, check=True)
    assert "settings.projectAPIKey" in planned.stdout
    assert "pk_test_example_000000001" not in planned.stdout
    assert "dry run only" in planned.stdout
    first = subprocess.run([*script, "--apply"], capture_output=True, text=True, timeout=60, check=True)
    again = subprocess.run([*script, "--apply"], capture_output=True, text=True, timeout=60, check=True)
    assert first.stdout.splitlines()[-1] == again.stdout.splitlines()[-1], "a rerun returns the first result"
    bad = subprocess.run([*script[:-2], "--setting", "nope=1"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1
    assert "settings.nope" in bad.stdout
