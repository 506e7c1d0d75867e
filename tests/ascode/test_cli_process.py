"""The real CLI against a real ``destgraph serve --demo`` process, as a user runs them.

The demo's own log (JSON lines, every request's access line) goes to a file, so the test can check
that no secret reached it either.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from tests.e2e.demo_process import Demo, serve_demo

KEY = "dg_demo_ascode_cli_0123456789"
NEW_SECRET = "pk_test_cli_klaviyo_0000000001"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    log = tmp_path_factory.mktemp("demo") / "serve.log"
    with serve_demo(KEY, log=log, log_level="info") as running:
        yield running


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "destgraph", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        check=False,
    )


def seeded_secrets(demo: Demo) -> set[str]:
    found: set[str] = set()
    for offset in range(1, 5):
        body = httpx.get(f"http://127.0.0.1:{demo.port_base + offset}/_emulator/secrets", timeout=10).json()
        found |= {s for s in body["secrets"] if isinstance(s, str) and len(s) >= 6}
    return found


def test_export_plan_apply_plan_through_the_real_cli(demo: Demo, tmp_path: Path) -> None:
    env = {"DESTGRAPH_URL": f"{demo.url}/graphql", "DESTGRAPH_KEY": KEY}
    file = tmp_path / "destinations.yaml"
    outputs: list[str] = []

    def run(*args: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        done = cli(*args, env={**env, **(extra or {})}, cwd=tmp_path)
        outputs.append(done.stdout + done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        return done

    exported = run("export", "-o", str(file))
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "destinations.yaml.state.json").is_file()
    document = yaml.safe_load(file.read_text())
    assert {w: len(b["destinations"]) for w, b in document["workspaces"].items()} == {
        "segment-demo": 40,
        "ours-demo": 40,
        "zeotap-demo": 40,
        "nimriz-demo": 40,
    }

    unchanged = run("plan", str(file))
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert "No changes." in unchanged.stdout

    document["workspaces"]["ours-demo"]["destinations"]["cli-klaviyo"] = {
        "name": "CLI Klaviyo",
        "service": "klaviyo",
        "settings": {"projectAPIKey": "${CLI_KLAVIYO_KEY}"},
    }
    file.write_text(yaml.safe_dump(document, sort_keys=False))
    secret = {"CLI_KLAVIYO_KEY": NEW_SECRET}
    planned = run("plan", str(file), "--json", extra=secret)
    assert planned.returncode == 2, planned.stdout + planned.stderr
    plan = json.loads(planned.stdout)
    assert [(s["action"], s["workspace"], s["key"], s["typeKey"]) for s in plan["steps"]] == [
        ("create", "ours-demo", "cli-klaviyo", "Klaviyo")
    ]
    refused = run("apply", str(file), extra=secret)  # no terminal, no --yes
    assert refused.returncode == 1 and "--yes" in refused.stderr

    applied = run("apply", str(file), "--yes", extra=secret)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    again = run("plan", str(file), extra=secret)
    assert again.returncode == 0, again.stdout + again.stderr

    file.with_name("bad.yaml").write_text("workspaces: {ours-demo: {destinations: {x: {name: X, typo: 1}}}}\n")
    bad = run("plan", "bad.yaml")
    assert bad.returncode == 1
    assert "workspaces.ours-demo.destinations.x.typo" in bad.stderr

    secrets = seeded_secrets(demo) | {NEW_SECRET}
    assert len(secrets) > 50
    texts = [*outputs, file.read_text(), (tmp_path / "destinations.yaml.state.json").read_text(), demo.log.read_text()]
    for text in texts:
        assert not [s for s in secrets if s in text]
    assert '"path": "/graphql"' in demo.log.read_text()  # the access lines were written


def test_demo_flag_plans_against_an_in_process_demo(tmp_path: Path) -> None:
    file = tmp_path / "demo.yaml"
    entry = {"name": "Demo Klaviyo", "service": "klaviyo", "settings": {"projectAPIKey": "${DEMO_KLAVIYO_KEY}"}}
    file.write_text(yaml.safe_dump({"version": 1, "workspaces": {"ours-demo": {"destinations": {"k": entry}}}}))
    planned = cli("plan", "--demo", "--json", str(file), cwd=tmp_path, env={"DEMO_KLAVIYO_KEY": NEW_SECRET})
    assert planned.returncode == 2, planned.stdout + planned.stderr
    assert [(s["action"], s["typeKey"]) for s in json.loads(planned.stdout)["steps"]] == [("create", "Klaviyo")]
    missing = cli("plan", str(file), cwd=tmp_path, env={"DESTGRAPH_URL": "", "DESTGRAPH_KEY": ""})
    assert missing.returncode == 2 and "--url" in missing.stderr
