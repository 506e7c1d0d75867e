"""The whole stack in process: the gateway app over the four emulator apps, all through HTTP.

The gateway reaches each emulator through httpx's ASGITransport (a real HTTP exchange, no
socket), or with ``loopback=True`` over real sockets to each emulator served by uvicorn, through
the transport it uses in production; tests send GraphQL over HTTP to the gateway and read
upstream calls from the emulators' own request logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn

from destgraph.app import create_app
from destgraph.config import hash_api_key, settings_from_dict
from destgraph.emulators import create_app as create_emulator
from destgraph.emulators.core import DEFAULT_TOKEN, SeedOptions

API_KEY = "dg_test_0123456789abcdef"
TOKEN_ENV = "DESTGRAPH_TEST_VENDOR_TOKEN"
WORKSPACES = {"segment": "segment-main", "ours": "ours-main", "zeotap": "zeotap-main", "nimriz": "nimriz-main"}


@dataclass
class Upstream:
    """One emulator behind the gateway, as a test reads it: its control API."""

    name: str
    control: httpx.AsyncClient

    async def calls(self, route: str | None = None) -> list[dict[str, Any]]:
        params = {"route": route} if route else {}
        response = await self.control.get("/_emulator/requests", params=params)
        return response.json()["requests"]

    async def clear(self) -> None:
        await self.control.delete("/_emulator/requests")

    async def faults(self, **plan: Any) -> None:
        (await self.control.put("/_emulator/faults", json=plan)).raise_for_status()


@dataclass
class Stack:
    client: httpx.AsyncClient
    upstreams: dict[str, Upstream]
    app: Any
    #: the emulators' servers, with loopback=True
    servers: list[tuple[uvicorn.Server, asyncio.Task[None]]] = field(default_factory=list)

    async def query(
        self, query: str, variables: dict[str, Any] | None = None, *, key: str = API_KEY, fresh: bool = False
    ) -> dict[str, Any]:
        """POST a query; ``fresh`` asks for reads from the vendors, past the gateway's read cache."""
        headers = {"Authorization": f"Bearer {key}"}
        if fresh:
            headers["Cache-Control"] = "no-cache"
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None, *, fresh: bool = False) -> dict[str, Any]:
        body = await self.query(query, variables, fresh=fresh)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    async def workspace_id(self, provider: str) -> str:
        data = await self.data("query($p: Provider) { workspaces(provider: $p) { id } }", {"p": provider})
        return data["workspaces"][0]["id"]

    async def destinations_of(self, provider: str, fields: str = "id nativeId name typeKey") -> list[dict[str, Any]]:
        query = f"query($p: [Provider!]) {{ destinations(first: 100, filter: {{providers: $p}}) {{ nodes {{ {fields} }} }} }}"
        return (await self.data(query, {"p": [provider]}))["destinations"]["nodes"]

    async def writes(self, name: str) -> list[dict[str, Any]]:
        """The calls an emulator received that could have changed something."""
        return [c for c in await self.upstreams[name].calls() if c["method"] in ("POST", "PUT", "PATCH", "DELETE")]

    async def stored(self, name: str, native_id: str) -> dict[str, Any] | None:
        response = await self.upstreams[name].control.get(f"/_emulator/state/destinations/{native_id}")
        return response.json() if response.status_code == 200 else None

    async def clear_calls(self) -> None:
        for upstream in self.upstreams.values():
            await upstream.clear()

    async def total_calls(self) -> int:
        total = 0
        for upstream in self.upstreams.values():
            total += len(await upstream.calls())
        return total


def stack_settings(
    extra_keys: list[dict[str, Any]] | None = None,
    *,
    workspace_options: dict[str, Any] | None = None,
    urls: dict[str, str] | None = None,
    **gateway: Any,
) -> Any:
    """The stack's settings; ``workspace_options`` (e.g. breaker_failures) go to every workspace,
    ``urls`` (by vendor name) say where the emulators listen."""
    document = {
        "gateway": gateway,
        "workspaces": [
            {
                "key": WORKSPACES["segment"],
                "provider": "segment",
                "base_url": "http://segment",
                "token_env": TOKEN_ENV,
                "default_source_id": "rh5BDZp6QDHvXFCkibm1pR",
            },
            {"key": WORKSPACES["ours"], "provider": "ours", "base_url": "http://ours", "token_env": TOKEN_ENV},
            {
                "key": WORKSPACES["zeotap"],
                "provider": "zeotap",
                "base_url": "http://zeotap",
                "token_env": TOKEN_ENV,
                "workspace_id": "ws-demo",
            },
            {"key": WORKSPACES["nimriz"], "provider": "nimriz", "base_url": "http://nimriz", "token_env": TOKEN_ENV},
        ],
        "api_keys": [
            {"name": "tests", "sha256": hash_api_key(API_KEY), "scopes": ["read", "write"], "workspaces": ["*"]},
            *(extra_keys or []),
        ],
    }
    for workspace in document["workspaces"]:
        workspace.update(workspace_options or {})
        if urls:
            workspace["base_url"] = urls[workspace["provider"]]
    return settings_from_dict(document, {TOKEN_ENV: DEFAULT_TOKEN})


async def build_stack(
    *,
    destinations: int = 40,
    extra_keys: list[dict[str, Any]] | None = None,
    workspace_options: dict[str, Any] | None = None,
    loopback: bool = False,
    **gateway: Any,
) -> Stack:
    emulators = {
        name: create_emulator(name, options=SeedOptions(seed=1, destinations=destinations)) for name in WORKSPACES
    }
    if loopback:
        servers = {name: await _serve_on_loopback(emulator) for name, emulator in emulators.items()}
        urls = {name: url for name, (url, _) in servers.items()}
        settings = stack_settings(extra_keys, workspace_options=workspace_options, urls=urls, **gateway)
        app = create_app(settings)
        upstreams = {name: Upstream(name, httpx.AsyncClient(base_url=url)) for name, url in urls.items()}
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway", timeout=30)
        return Stack(client=client, upstreams=upstreams, app=app, servers=[served for _, served in servers.values()])
    transports = {WORKSPACES[name]: httpx.ASGITransport(app=app) for name, app in emulators.items()}
    app = create_app(stack_settings(extra_keys, workspace_options=workspace_options, **gateway), transports=transports)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway", timeout=30)
    upstreams = {
        name: Upstream(name, httpx.AsyncClient(transport=httpx.ASGITransport(app=emulator), base_url="http://emulator"))
        for name, emulator in emulators.items()
    }
    return Stack(client=client, upstreams=upstreams, app=app)


async def _serve_on_loopback(emulator: Any) -> tuple[str, tuple[uvicorn.Server, asyncio.Task[None]]]:
    """An emulator served by uvicorn on a free loopback port, in this event loop."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(emulator, log_config=None, access_log=False, lifespan="off"))
    server.capture_signals = _no_signals  # type: ignore[method-assign]
    task = asyncio.ensure_future(server.serve(sockets=[listener]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    return f"http://127.0.0.1:{port}", (server, task)


def _no_signals() -> Any:
    """The test owns the signals: a served emulator must not take Ctrl-C from pytest."""
    return contextlib.nullcontext()


async def close_stack(stack: Stack) -> None:
    await stack.client.aclose()
    for upstream in stack.upstreams.values():
        await upstream.control.aclose()
    await stack.app.state.gateway.aclose()
    for server, task in stack.servers:
        server.should_exit = True
        await task


@pytest.fixture
async def stack() -> AsyncIterator[Stack]:
    built = await build_stack()
    try:
        yield built
    finally:
        await close_stack(built)
