"""Emulator fixtures: one authenticated client per vendor, in process or over a loopback socket.

Every test that uses a vendor fixture runs in process (httpx over ASGITransport, fresh state per
test). A test marked ``loopback`` runs a second time against ``destgraph emulate`` served by
uvicorn on loopback ports, reset through the control API before each test. Segment and Ours
responses are validated against the vendors' published OpenAPI documents in both modes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from destgraph.emulators import VENDOR_NAMES, create_app, vendor_spec
from destgraph.emulators.core import DEFAULT_TOKEN, SeedOptions
from tests.emulators.contract import SPEC_FILES, ContractChecker
from tests.processes import answers, free_port_base, stop

ZEOTAP_WORKSPACE = "ws-demo"


@dataclass
class EmulatorHandle:
    """One vendor emulator as a test sees it: its authenticated API client and its control API."""

    name: str
    client: httpx.AsyncClient
    control: httpx.AsyncClient
    contract: ContractChecker | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    async def requests(self, **filters: Any) -> list[dict[str, Any]]:
        response = await self.control.get("/_emulator/requests", params=filters)
        response.raise_for_status()
        return response.json()["requests"]

    async def set_faults(self, **plan: Any) -> None:
        (await self.control.put("/_emulator/faults", json=plan)).raise_for_status()

    async def set_rate_limits(self, enabled: bool) -> None:
        (await self.control.put("/_emulator/rate-limits", json={"enabled": enabled})).raise_for_status()

    async def advance_clock(self, seconds: float) -> None:
        (await self.control.post("/_emulator/clock", json={"advance_seconds": seconds})).raise_for_status()

    async def reseed(self, *, seed: int = 1, destinations: int = 40) -> None:
        body = {"seed": seed, "destinations": destinations}
        (await self.control.post("/_emulator/seed", json=body)).raise_for_status()

    async def stored(self, destination_id: str) -> dict[str, Any]:
        response = await self.control.get(f"/_emulator/state/destinations/{destination_id}")
        response.raise_for_status()
        return response.json()


def auth_headers(name: str, token: str = DEFAULT_TOKEN) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if name == "zeotap":
        headers["X-Workspace-ID"] = ZEOTAP_WORKSPACE
    return headers


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "emulator_mode" in metafunc.fixturenames:
        modes = ["asgi", "loopback"] if metafunc.definition.get_closest_marker("loopback") else ["asgi"]
        metafunc.parametrize("emulator_mode", modes, scope="session")


@dataclass(frozen=True)
class EmulateProcess:
    """``destgraph emulate`` running on loopback: its URLs by vendor and the banner it printed."""

    urls: dict[str, str]
    banner: list[str]


@pytest.fixture(scope="session")
def emulate_process() -> Iterator[EmulateProcess]:
    """``destgraph emulate`` on loopback ports, started as a user would start it."""
    base = free_port_base()
    process = subprocess.Popen(
        [sys.executable, "-m", "destgraph", "emulate", "--port-base", str(base)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    urls = {name: f"http://127.0.0.1:{base + vendor_spec(name).port_offset}" for name in VENDOR_NAMES}
    banner: list[str] = []
    try:
        while not banner or "Ctrl-C" not in banner[-1]:
            line = process.stdout.readline()
            if not line:
                pytest.fail(f"destgraph emulate exited early: {''.join(banner)}")
            banner.append(line.rstrip("\n"))
        deadline = time.monotonic() + 30
        for url in urls.values():
            while not answers(url + "/"):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"destgraph emulate did not answer on {url}: {banner}")
                time.sleep(0.1)
        yield EmulateProcess(urls=urls, banner=banner)
    finally:
        stop(process, patience=10)
        process.stdout.close()


@pytest.fixture(scope="session")
def emulate_server(emulate_process: EmulateProcess) -> dict[str, str]:
    """Base URL by vendor name of ``destgraph emulate`` on loopback."""
    return emulate_process.urls


async def _handle(
    name: str, mode: str, request: pytest.FixtureRequest, vendor_specs_dir: Path
) -> AsyncIterator[EmulatorHandle]:
    contract = ContractChecker(name, vendor_specs_dir) if name in SPEC_FILES else None
    hooks = {"response": [contract.check]} if contract else {}
    if mode == "asgi":
        app = create_app(name, options=SeedOptions(seed=1, destinations=40))
        transport = httpx.ASGITransport(app=app)
        base_url = "http://testserver"
    else:
        base_url = request.getfixturevalue("emulate_server")[name]
        transport = httpx.AsyncHTTPTransport()
    control = httpx.AsyncClient(transport=transport, base_url=base_url, timeout=10)
    client = httpx.AsyncClient(
        transport=transport, base_url=base_url, headers=auth_headers(name), event_hooks=hooks, timeout=10
    )
    async with control, client:
        if mode == "loopback":
            (await control.post("/_emulator/reset")).raise_for_status()
        yield EmulatorHandle(name=name, client=client, control=control, contract=contract)


@pytest.fixture
def emulator_mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def segment(emulator_mode: str, request: pytest.FixtureRequest, vendor_specs_dir: Path):
    async for handle in _handle("segment", emulator_mode, request, vendor_specs_dir):
        yield handle


@pytest.fixture
async def ours(emulator_mode: str, request: pytest.FixtureRequest, vendor_specs_dir: Path):
    async for handle in _handle("ours", emulator_mode, request, vendor_specs_dir):
        yield handle


@pytest.fixture
async def zeotap(emulator_mode: str, request: pytest.FixtureRequest, vendor_specs_dir: Path):
    async for handle in _handle("zeotap", emulator_mode, request, vendor_specs_dir):
        yield handle


@pytest.fixture
async def nimriz(emulator_mode: str, request: pytest.FixtureRequest, vendor_specs_dir: Path):
    async for handle in _handle("nimriz", emulator_mode, request, vendor_specs_dir):
        yield handle


@pytest.fixture(params=VENDOR_NAMES)
async def any_vendor(
    request: pytest.FixtureRequest, emulator_mode: str, vendor_specs_dir: Path
) -> AsyncIterator[EmulatorHandle]:
    """Each of the four emulators in turn, for behaviours the core gives them all."""
    async for handle in _handle(request.param, emulator_mode, request, vendor_specs_dir):
        yield handle


Opener = Callable[[str], Awaitable[EmulatorHandle]]


@pytest.fixture
async def emulator() -> AsyncIterator[Opener]:
    """Opens a fresh in-process emulator of the vendor named, with an authenticated client."""
    async with AsyncExitStack() as stack:

        async def open_emulator(name: str) -> EmulatorHandle:
            app = create_app(name, options=SeedOptions(seed=1, destinations=40))
            transport = httpx.ASGITransport(app=app)
            control = httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=10)
            client = httpx.AsyncClient(
                transport=transport, base_url="http://testserver", headers=auth_headers(name), timeout=10
            )
            await stack.enter_async_context(control)
            await stack.enter_async_context(client)
            return EmulatorHandle(name=name, client=client, control=control)

        yield open_emulator
