"""Start ``destgraph emulate`` on free loopback ports for a benchmark, and stop it afterwards."""

from __future__ import annotations

import contextlib
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx

PORT_OFFSETS = {"segment": 1, "ours": 2, "zeotap": 3, "nimriz": 4}
#: port bases are drawn below the kernel's ephemeral range (32768 and up by default), where the
#: many outgoing connections of a benchmark take their ports and could take an emulator's
PORT_BASES = range(20000, 32000, 10)
ATTEMPTS = 5


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port_base() -> int:
    """A base whose four emulator ports (base+1 .. base+4) are free now."""
    for _ in range(100):
        base = random.choice(PORT_BASES)
        if all(_bindable(base + offset) for offset in PORT_OFFSETS.values()):
            return base
    raise RuntimeError("no free loopback ports for the emulators")


def _answering(process: subprocess.Popen[bytes], urls: dict[str, str]) -> bool:
    """Whether every emulator answers; False as soon as the process has exited (a port was taken)."""
    for url in urls.values():
        for _ in range(300):
            if process.poll() is not None:
                return False
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"destgraph emulate did not answer on {url}")
    return True


@contextlib.contextmanager
def emulate_on_loopback(*extra_args: str) -> Iterator[dict[str, str]]:
    """Base URL of each emulator by name, served by uvicorn as ``destgraph emulate`` serves it."""
    for _ in range(ATTEMPTS):
        base = _free_port_base()
        process = subprocess.Popen(
            [sys.executable, "-m", "destgraph", "emulate", "--port-base", str(base), *extra_args],
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        urls = {name: f"http://127.0.0.1:{base + offset}" for name, offset in PORT_OFFSETS.items()}
        try:
            if _answering(process, urls):
                break
        except BaseException:
            process.terminate()
            process.wait(timeout=10)
            raise
    else:
        raise RuntimeError(f"destgraph emulate exited {ATTEMPTS} times before answering")
    try:
        yield urls
    finally:
        process.terminate()
        process.wait(timeout=10)
