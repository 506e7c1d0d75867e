"""What the tests that start processes share: free loopback ports, waiting for an answer, stopping."""

from __future__ import annotations

import socket
import subprocess

import httpx


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(taken: set[int] | frozenset[int] = frozenset()) -> int:
    """A loopback port free now, and not one of ``taken``."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port not in taken:
            return port


def free_port_base() -> int:
    """A port P with P+1..P+4 free: the four emulators of `destgraph emulate --port-base P` listen there."""
    for _ in range(50):
        base = free_port() - 1
        if base + 4 < 65535 and all(port_free(base + offset) for offset in range(1, 5)):
            return base
    raise RuntimeError("no four free loopback ports in a row")


def answers(url: str) -> bool:
    """Whether ``url`` answers 200 now."""
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def stop(process: subprocess.Popen[bytes] | subprocess.Popen[str], *, patience: float = 15) -> None:
    """Terminate ``process`` and wait; killed when it does not end within ``patience`` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=patience)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
