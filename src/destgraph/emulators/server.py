"""Serve the four emulators with uvicorn, one loopback port each, in one event loop."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn

from destgraph.emulators.core import SeedOptions
from destgraph.emulators.registry import create_app, vendor_specs


@dataclass(frozen=True)
class EmulatorEndpoint:
    name: str
    title: str
    url: str


def endpoints(host: str, port_base: int) -> list[EmulatorEndpoint]:
    return [
        EmulatorEndpoint(spec.name, spec.title, f"http://{host}:{port_base + spec.port_offset}")
        for spec in vendor_specs()
    ]


class _Server(uvicorn.Server):
    # Several servers share one process: the caller owns the signal handlers and stops them all.
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def build_servers(
    *,
    host: str,
    port_base: int,
    options: SeedOptions,
    token: str,
    rate_limits: bool = True,
    log_level: str = "warning",
) -> list[uvicorn.Server]:
    servers: list[uvicorn.Server] = []
    for spec in vendor_specs():
        app = create_app(spec.name, options=options, token=token, rate_limits=rate_limits)
        config = uvicorn.Config(
            app,
            host=host,
            port=port_base + spec.port_offset,
            log_level=log_level,
            lifespan="off",
            access_log=False,
        )
        servers.append(_Server(config))
    return servers


async def serve_all(servers: list[uvicorn.Server]) -> None:
    """Run every server until SIGINT or SIGTERM, then stop them all."""
    loop = asyncio.get_running_loop()

    def stop() -> None:
        for server in servers:
            server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop)
    await asyncio.gather(*(server.serve() for server in servers))
