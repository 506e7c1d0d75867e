"""`destgraph serve --demo` as its own process on free loopback ports, as a user starts it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest


@dataclass(frozen=True)
class Demo:
    url: str
    #: what the command printed before it answered (GraphiQL's URL, the key, a curl command)
    banner: str
    #: the example frontend's URL (its own port, so another origin than the gateway's)
    frontend_url: str = ""
    #: the emulators listen on port_base + 1 (Segment) .. + 4 (Nimriz)
    port_base: int = 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def port_base() -> int:
    """A port P with P+1..P+4 free: the demo's emulators listen there."""
    for _ in range(50):
        base = free_port()
        if base + 4 >= 65535:
            continue
        free = True
        for offset in range(1, 5):
            with socket.socket() as probe:
                try:
                    probe.bind(("127.0.0.1", base + offset))
                except OSError:
                    free = False
        if free:
            return base
    raise RuntimeError("no free ports")


@contextlib.contextmanager
def serve_demo(demo_key: str) -> Iterator[Demo]:
    """The demo, answering /healthz; stopped (and killed if it must be) afterwards."""
    port, base = free_port(), port_base()
    frontend = free_port()
    while frontend == port or base <= frontend <= base + 4:
        frontend = free_port()
    command = ["serve", "--demo", "--port", str(port), "--port-base", str(base), "--log-level", "warning"]
    command += ["--frontend-port", str(frontend)]
    process = subprocess.Popen(
        [sys.executable, "-m", "destgraph", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "DESTGRAPH_DEMO_KEY": demo_key},
    )
    assert process.stdout is not None
    url = f"http://127.0.0.1:{port}"
    lines: list[str] = []
    try:
        while not any("curl" in line for line in lines):
            line = process.stdout.readline()
            if not line:
                pytest.fail("serve --demo exited: " + "".join(lines))
            lines.append(line)
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("serve --demo did not answer: " + "".join(lines))
            time.sleep(0.1)
        yield Demo(url=url, banner="".join(lines), frontend_url=f"http://127.0.0.1:{frontend}", port_base=base)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
