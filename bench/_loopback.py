"""Start ``destgraph emulate`` on free loopback ports for a benchmark, and stop it afterwards."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx

PORT_OFFSETS = {"segment": 1, "ours": 2, "zeotap": 3, "nimriz": 4}


def _free_port_base() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1] + 10


@contextlib.contextmanager
def emulate_on_loopback(*extra_args: str) -> Iterator[dict[str, str]]:
    """Base URL of each emulator by name, served by uvicorn as ``destgraph emulate`` serves it."""
    base = _free_port_base()
    process = subprocess.Popen(
        [sys.executable, "-m", "destgraph", "emulate", "--port-base", str(base), *extra_args],
        stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        urls = {name: f"http://127.0.0.1:{base + offset}" for name, offset in PORT_OFFSETS.items()}
        for url in urls.values():
            for _ in range(300):
                try:
                    httpx.get(url + "/", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                raise RuntimeError(f"destgraph emulate did not answer on {url}")
        yield urls
    finally:
        process.terminate()
        process.wait(timeout=10)
