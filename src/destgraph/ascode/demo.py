"""``--demo``: the gateway over the four seeded emulators, in this process, as ``serve --demo`` runs it.

The same settings (destgraph.demo), seed and data as ``serve --demo``, reached through httpx's ASGI
transport instead of sockets: nothing listens, and everything is gone when the command ends, so
a demo apply changes nothing that a later command sees. For a demo that keeps its changes, run
``destgraph serve --demo`` and point ``--url`` at it. The only module of this package that starts
the emulators; it does so lazily, for ``--demo`` alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx

from destgraph.ascode.client import Connection

DEMO_URL = "http://gateway.demo/graphql"
VENDORS = ("segment", "ours", "zeotap", "nimriz")


@contextlib.asynccontextmanager
async def demo_connection() -> AsyncIterator[Connection]:
    from destgraph.app import create_app
    from destgraph.demo import demo_api_key, demo_settings
    from destgraph.emulators import create_app as create_emulator
    from destgraph.emulators.core import DEFAULT_TOKEN, SeedOptions
    from destgraph.emulators.segment import DEFAULT_SOURCE_ID

    options = SeedOptions(seed=1, destinations=40)
    urls = {name: f"http://{name}.demo" for name in VENDORS}
    api_key, _ = demo_api_key()
    settings = demo_settings(urls, api_key=api_key, vendor_token=DEFAULT_TOKEN, segment_source_id=DEFAULT_SOURCE_ID)
    transports: dict[str, httpx.AsyncBaseTransport] = {
        workspace.key: httpx.ASGITransport(app=create_emulator(workspace.provider.value, options=options))
        for workspace in settings.workspaces
    }
    app = create_app(settings, transports=transports)
    try:
        yield Connection(url=DEMO_URL, key=api_key, transport=httpx.ASGITransport(app=app))
    finally:
        await app.state.gateway.aclose()
