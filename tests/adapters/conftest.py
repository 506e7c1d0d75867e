"""Adapters against the real emulators, in process: the adapter-tier tests' fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from destgraph.adapters.accounting import CallAccounting
from destgraph.adapters.contract import VendorAdapter
from destgraph.adapters.registry import build_adapter, build_client
from destgraph.adapters.upstream import RequestUpstream, UpstreamClient
from destgraph.config import WorkspaceConfig
from destgraph.emulators import create_app
from destgraph.emulators.core import DEFAULT_TOKEN, SeedOptions
from destgraph.state import InMemoryLocks

WORKSPACE_KEYS = {"segment": "segment-main", "ours": "ours-main", "zeotap": "zeotap-main", "nimriz": "nimriz-main"}


@dataclass
class VendorUnderTest:
    """An adapter wired to its vendor's emulator, and the emulator's control API."""

    name: str
    client: UpstreamClient
    control: httpx.AsyncClient
    #: the locks every adapter of this vendor shares, as the adapters of one app do
    locks: InMemoryLocks

    def adapter(self) -> VendorAdapter:
        """A fresh adapter, as each GraphQL request gets one (its own GET memo)."""
        return build_adapter(RequestUpstream(self.client), self.locks)

    async def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        params = {"method": method} if method else {}
        return (await self.control.get("/_emulator/requests", params=params)).json()["requests"]

    async def clear_calls(self) -> None:
        await self.control.delete("/_emulator/requests")

    async def stored(self, destination_id: str) -> dict[str, Any] | None:
        response = await self.control.get(f"/_emulator/state/destinations/{destination_id}")
        return response.json() if response.status_code == 200 else None

    async def faults(self, **plan: Any) -> None:
        (await self.control.put("/_emulator/faults", json=plan)).raise_for_status()


def workspace(name: str) -> WorkspaceConfig:
    extra: dict[str, Any] = {"workspace_id": "ws-demo"} if name == "zeotap" else {}
    if name == "segment":
        extra["default_source_id"] = "rh5BDZp6QDHvXFCkibm1pR"
    return WorkspaceConfig.model_validate(
        {
            "key": WORKSPACE_KEYS[name],
            "provider": name,
            "base_url": f"http://{name}",
            "token_env": "UNUSED",
            "token": DEFAULT_TOKEN,
            **extra,
        }
    )


async def vendor_under_test(name: str, *, destinations: int = 40) -> AsyncIterator[VendorUnderTest]:
    app = create_app(name, options=SeedOptions(seed=1, destinations=destinations))
    transport = httpx.ASGITransport(app=app)
    client = build_client(workspace(name), accounting=CallAccounting(), rate_wait_seconds=0.5, transport=transport)
    control = httpx.AsyncClient(transport=transport, base_url="http://emulator")
    try:
        yield VendorUnderTest(name=name, client=client, control=control, locks=InMemoryLocks())
    finally:
        await client.aclose()
        await control.aclose()


@pytest.fixture
async def segment() -> AsyncIterator[VendorUnderTest]:
    async for vendor in vendor_under_test("segment"):
        yield vendor


@pytest.fixture
async def ours() -> AsyncIterator[VendorUnderTest]:
    async for vendor in vendor_under_test("ours"):
        yield vendor


@pytest.fixture
async def zeotap() -> AsyncIterator[VendorUnderTest]:
    async for vendor in vendor_under_test("zeotap"):
        yield vendor


@pytest.fixture
async def nimriz() -> AsyncIterator[VendorUnderTest]:
    async for vendor in vendor_under_test("nimriz"):
        yield vendor
