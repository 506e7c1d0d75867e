"""Start the three systems under test, each as its own server process on a loopback port.

- destgraph: ``destgraph serve --config FILE`` with a workspace file written here (twice in the
  main run: without and with catalogs kept across requests; see bench/suite.py).
- the floor: ``bench/floor.py`` under uvicorn.
- the peer: Hive Gateway over a Mesh-composed supergraph (bench/_peer.py).

Each is stopped by its own pid when the suite leaves the ``ExitStack`` it was entered in.
``destgraph serve`` runs one uvicorn process and has no workers option, so every system runs as
one server process here (Hive Gateway without ``--fork``, the floor without workers).
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

import _peer
from destgraph.config import hash_api_key
from destgraph.emulators.segment import DEFAULT_SOURCE_ID

API_KEY = "dg_bench_suite_key"
#: a key that sees only the 10,000-destination workspace, for the page walk
WALK_KEY = "dg_bench_suite_walk"
TOKEN_ENV = "DESTGRAPH_BENCH_VENDOR_TOKEN"
VENDOR_TOKEN = "emulator-token"
FLOOR = Path(__file__).with_name("floor.py")


@dataclass
class Server:
    """A system's server process and where it answers."""

    name: str
    url: str
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid


def free_port() -> int:
    """A free port below the ephemeral range, where the suite's own connections cannot take it."""
    for _ in range(100):
        port = random.randrange(15000, 20000)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free loopback port")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no TOML for {value!r}")


def workspace_file(urls: dict[str, str], *, big_url: str | None, unlimited: bool, catalogs_cached: bool) -> str:
    """The workspace file: one workspace per emulator, and ``ours-big`` when ``big_url`` is given.

    ``unlimited``: the emulators enforce no rate limits, and the gateway is told so (a budget far
    above any load here, per workspace and in all); otherwise it keeps to the vendors' documented
    limits, as shipped. ``catalogs_cached`` off: catalogs are not kept across requests
    (catalog_ttl_seconds 0), so a ``Cache-Control: no-cache`` read does all its upstream work.
    """
    limits: dict[str, Any] = {"rate_limits": [{"calls": 1_000_000, "seconds": 1}]} if unlimited else {}
    workspaces: list[dict[str, Any]] = [
        {"key": "segment", "provider": "segment", "base_url": urls["segment"], "default_source_id": DEFAULT_SOURCE_ID},
        {"key": "ours", "provider": "ours", "base_url": urls["ours"]},
        {"key": "zeotap", "provider": "zeotap", "base_url": urls["zeotap"], "workspace_id": "ws-demo"},
        {"key": "nimriz", "provider": "nimriz", "base_url": urls["nimriz"]},
    ]
    keys = [
        {
            "name": "bench",
            "sha256": hash_api_key(API_KEY),
            "scopes": ["read", "write"],
            "workspaces": [w["key"] for w in workspaces],
        }
    ]
    if big_url is not None:
        workspaces.append({"key": "ours-big", "provider": "ours", "base_url": big_url})
        keys.append({"name": "walk", "sha256": hash_api_key(WALK_KEY), "scopes": ["read"], "workspaces": ["ours-big"]})
    lines = ["[gateway]"]
    if unlimited:
        lines.append("upstream_calls_per_minute = 100000000")
    if not catalogs_cached:
        lines.append("catalog_ttl_seconds = 0")
    for workspace in workspaces:
        lines += ["", "[[workspaces]]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in {**workspace, "token_env": TOKEN_ENV, **limits}.items()]
    for key in keys:
        lines += ["", "[[api_keys]]"] + [f"{k} = {_toml_value(v)}" for k, v in key.items()]
    return "\n".join(lines) + "\n"


def _ready(server: Server, probe: str) -> bool:
    """Whether the server answers ``probe``; False when it exited first (its port was taken)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(server.url + probe, timeout=2).status_code < 500:
                return True
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} did not answer on {server.url} within 60 s")


@contextlib.contextmanager
def _serving(
    name: str, command: Callable[[int], list[str]], *, probe: str, log: Path, **popen: Any
) -> Iterator[Server]:
    for _ in range(3):
        port = free_port()
        with log.open("w") as out:
            process = subprocess.Popen(command(port), stdout=out, stderr=subprocess.STDOUT, **popen)
        server = Server(name, f"http://127.0.0.1:{port}", process)
        try:
            if _ready(server, probe):
                break
        except BaseException:
            _stop(process)
            raise
    else:
        raise RuntimeError(f"{server.name} exited with {process.returncode} before answering; see {log}")
    try:
        yield server
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def destgraph(
    folder: Path,
    name: str,
    urls: dict[str, str],
    *,
    big_url: str | None = None,
    unlimited: bool = True,
    catalogs_cached: bool = True,
    environment: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """``destgraph serve`` over ``urls``; NAME names its workspace file and log in ``folder``;
    ``environment`` is added to its own (REDIS_URL, for replicas)."""
    config = folder / f"destgraph-{name}.toml"
    config.write_text(workspace_file(urls, big_url=big_url, unlimited=unlimited, catalogs_cached=catalogs_cached))

    def command(port: int) -> list[str]:
        serve = ["serve", "--config", str(config), "--port", str(port), "--log-level", "warning"]
        return [sys.executable, "-m", "destgraph", *serve]

    env = {**os.environ, TOKEN_ENV: VENDOR_TOKEN, **(environment or {})}
    with _serving("destgraph", command, probe="/healthz", log=config.with_suffix(".log"), env=env) as server:
        yield server


@contextlib.contextmanager
def floor(folder: Path, urls: dict[str, str], *, big_url: str | None = None) -> Iterator[Server]:
    vendors = [arg for vendor in ("segment", "ours", "zeotap", "nimriz") for arg in (f"--{vendor}", urls[vendor])]
    if big_url is not None:
        vendors += ["--big", big_url]

    def command(port: int) -> list[str]:
        return [sys.executable, str(FLOOR), "--port", str(port), *vendors]

    env = {**os.environ, "FLOOR_VENDOR_TOKEN": VENDOR_TOKEN}
    log = folder / ("floor.log" if big_url else "floor-limited.log")
    with _serving("floor", command, probe="/healthz", log=log, env=env) as server:
        yield server


@contextlib.contextmanager
def peer(name: str, urls: dict[str, str], *, big_url: str | None = None) -> Iterator[Server]:
    serve = _peer.compose(name, urls, big_url=big_url)
    log = serve.parent / "gateway.log"
    with _serving("peer", _peer.command, probe="/healthcheck", log=log, cwd=serve) as server:
        yield server
