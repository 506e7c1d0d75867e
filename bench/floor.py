"""The floor: each workload of bench/suite.py as one fixed endpoint, and nothing else.

No GraphQL, no schema, no validation, no cache, no rate budget: a handler makes the upstream calls
destgraph makes for the same query (the same vendors, routes, page sizes and reads before writes),
concurrently with asyncio.gather (at most 16 in flight per vendor), and answers the JSON shape
destgraph answers. Whatever a
gateway costs above this is the price of being a gateway; nothing can cost less and make those calls.

    GET  /w1?id=GID        an Ours destination by destgraph's global id
    GET  /w2?first=N       Segment, Ours and Zeotap destinations, one list call each
    GET  /w3?first=N       Segment destinations, then the subscriptions of each that has actions
    GET  /w4?first=N       the four catalogs (Zeotap's and Nimriz's are built in, as in destgraph)
    POST /w5/create|update|delete   one write per vendor, reads first where destgraph reads first
    GET  /w6?after=CURSOR  a page of 100 from the 10,000-destination Ours workspace

    .venv/bin/python bench/floor.py --port 8300 --segment URL --ours URL --zeotap URL --nimriz URL [--big URL]

The vendor token comes from FLOOR_VENDOR_TOKEN, never from the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from destgraph.adapters.nimriz.catalog import CATALOG as NIMRIZ_TYPES
from destgraph.adapters.zeotap.catalog import CATALOG as ZEOTAP_TYPES
from destgraph.domain.ids import GlobalId
from destgraph.emulators.segment import DEFAULT_SOURCE_ID

ZEOTAP_WORKSPACE = "ws-demo"
ZEOTAP = f"/api/v1/workspaces/{ZEOTAP_WORKSPACE}"
SUBSCRIPTIONS_SHOWN = 25  # destgraph's default page size for Destination.subscriptions
#: what W5 creates at each vendor: a type and the settings it requires
CREATE_TYPES = {
    "segment": ("amplitude", {"apiKey": "sk_bench_amplitude_000001"}),
    "ours": ("HTTPDestination", {"url": "https://hooks.example.test/bench"}),
    "zeotap": ("webhook", {"url": "https://hooks.example.test/bench"}),
    "nimriz": ("ad_pixel_interstitial", {}),
}

#: calls in flight per vendor at once: W3's 16 subscription lists go in one round (destgraph's default
#: max_concurrency is 8), and 32 clients' fan-out does not flood the one emulator process
IN_FLIGHT = 16


class UpstreamFailed(Exception):
    """A vendor answered other than 2xx; the endpoint answers it as a GraphQL error."""


class Vendor:
    """One vendor's client, with at most IN_FLIGHT calls in flight (destgraph bounds its own too)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self._slots = asyncio.Semaphore(IN_FLIGHT)

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        async with self._slots:
            response = await self.client.request(method, path, **kwargs)
        if response.is_error:
            raise UpstreamFailed(f"{method} {path} answered {response.status_code}")
        return response.json()


Vendors = dict[str, Vendor]


def _gid(kind: str, workspace: str, native: str) -> str:
    return GlobalId(kind, workspace, native).encode()


def _endpoint(handler: Callable[[Vendors, Request], Awaitable[dict[str, Any]]]) -> Callable[..., Any]:
    async def endpoint(request: Request) -> JSONResponse:
        try:
            data = await handler(request.state.vendors, request)
        except (UpstreamFailed, httpx.TransportError) as exc:
            return JSONResponse({"data": None, "errors": [{"message": str(exc) or type(exc).__name__}]})
        return JSONResponse({"data": data})

    return endpoint


# -- reads -------------------------------------------------------------------------------------------


async def w1(vendors: Vendors, request: Request) -> dict[str, Any]:
    ref = GlobalId.decode(request.query_params["id"], expect="Destination")
    row = await vendors["ours"].call("GET", f"/rest/v1/destinations/{ref.native_id}")
    destination = {
        "id": ref.encode(),
        "nativeId": row["id"],
        "provider": "OURS",
        "name": row["name"],
        "typeKey": row["type"],
        "enabled": row["status"] == "Enabled",
    }
    return {"destination": destination}


async def w2(vendors: Vendors, request: Request) -> dict[str, Any]:
    first = int(request.query_params.get("first", 40))
    segment, ours, zeotap = await asyncio.gather(
        vendors["segment"].call("GET", "/destinations", params={"pagination[count]": first}),
        vendors["ours"].call("GET", "/rest/v1/destinations", params={"limit": first}),
        vendors["zeotap"].call("GET", f"{ZEOTAP}/destinations"),
    )
    return {
        "s": {
            "nodes": [
                {"name": r["name"] or "", "typeKey": r["metadata"]["slug"], "enabled": r["enabled"]}
                for r in segment["data"]["destinations"]
            ]
        },
        "o": {
            "nodes": [
                {"name": r["name"], "typeKey": r["type"], "enabled": r["status"] == "Enabled"} for r in ours["entities"]
            ]
        },
        "z": {
            "nodes": [{"name": r["name"], "typeKey": r["destination_type"], "enabled": True} for r in zeotap[:first]]
        },
    }


async def w3(vendors: Vendors, request: Request) -> dict[str, Any]:
    first = int(request.query_params.get("first", 40))
    segment = vendors["segment"]
    rows = (await segment.call("GET", "/destinations", params={"pagination[count]": first}))["data"]["destinations"]

    async def subscriptions(row: dict[str, Any]) -> list[dict[str, Any]]:
        # Like destgraph: a destination whose catalog entry has no actions has no subscriptions to list.
        if not row["metadata"].get("actions"):
            return []
        path = f"/destinations/{row['id']}/subscriptions"
        found = await segment.call("GET", path, params={"pagination[count]": 1000})
        return [
            {
                "id": _gid("DestinationSubscription", "segment", f"{row['id']}:{s['id']}"),
                "name": s["name"],
                "trigger": s["trigger"],
                "enabled": s["enabled"],
            }
            for s in found["data"]["subscriptions"][:SUBSCRIPTIONS_SHOWN]
        ]

    lists = await asyncio.gather(*(subscriptions(row) for row in rows))
    nodes = [
        {
            "id": _gid("Destination", "segment", row["id"]),
            "typeKey": row["metadata"]["slug"],
            "subscriptions": {"nodes": subs},
        }
        for row, subs in zip(rows, lists, strict=True)
    ]
    return {"destinations": {"nodes": nodes}}


def _catalog_page(types: list[tuple[str, str]], first: int) -> dict[str, Any]:
    ordered = sorted(types, key=lambda t: (t[1].lower(), t[0]))
    return {"totalCount": len(ordered), "nodes": [{"key": k, "label": label} for k, label in ordered[:first]]}


async def w4(vendors: Vendors, request: Request) -> dict[str, Any]:
    first = int(request.query_params.get("first", 100))
    segment, ours = await asyncio.gather(
        vendors["segment"].call("GET", "/catalog/destinations", params={"pagination[count]": 1000}),
        vendors["ours"].call("GET", "/rest/v1/destinations/types"),
    )
    return {
        "s": _catalog_page([(t["slug"], t["name"]) for t in segment["data"]["destinationsCatalog"]], first),
        "o": _catalog_page([(t["id"], t["label"]) for t in ours["entities"]], first),
        "z": _catalog_page([(t.key, t.label) for t in ZEOTAP_TYPES], first),
        "n": _catalog_page([(t.key, t.label) for t in NIMRIZ_TYPES], first),
    }


async def w6(vendors: Vendors, request: Request) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": 100}
    if request.query_params.get("after"):
        params["cursor"] = request.query_params["after"]
    page = await vendors["big"].call("GET", "/rest/v1/destinations", params=params)
    nodes = [
        {
            "id": _gid("Destination", "ours-big", r["id"]),
            "name": r["name"],
            "typeKey": r["type"],
            "enabled": r["status"] == "Enabled",
        }
        for r in page["entities"]
    ]
    info = {"hasNextPage": page["pagination"]["hasMore"], "endCursor": page["pagination"].get("nextCursor")}
    return {"destinations": {"pageInfo": info, "nodes": nodes}}


# -- writes ------------------------------------------------------------------------------------------


def _made(vendor: str, native_id: str, name: str) -> dict[str, Any]:
    destination = {"id": _gid("Destination", vendor, native_id), "nativeId": native_id, "name": name}
    return {"destination": destination, "userErrors": []}


async def _zeotap_row(client: Vendor, native_id: str) -> dict[str, Any]:
    # destgraph reads Zeotap's list, which answers any id in one call; so does the floor.
    rows = await client.call("GET", f"{ZEOTAP}/destinations")
    return next(r for r in rows if r["id"] == native_id)


async def _nimriz_row(client: Vendor, native_id: str) -> dict[str, Any]:
    rows = (await client.call("GET", "/api/integrations/destinations"))["destinations"]
    return next(r for r in rows if r["id"] == native_id)


async def w5_create(vendors: Vendors, request: Request) -> dict[str, Any]:
    name = (await request.json())["name"]
    metadata_id = request.app.state.amplitude_id

    async def segment() -> dict[str, Any]:
        body = {
            "sourceId": DEFAULT_SOURCE_ID,
            "metadataId": metadata_id,
            "name": name,
            "enabled": True,
            "settings": CREATE_TYPES["segment"][1],
        }
        return (await vendors["segment"].call("POST", "/destinations", json=body))["data"]["destination"]

    async def ours() -> dict[str, Any]:
        type_key, settings = CREATE_TYPES["ours"]
        body = {"type": type_key, "name": name, "settings": settings}
        return await vendors["ours"].call("POST", "/rest/v1/destinations", json=body)

    async def zeotap() -> dict[str, Any]:
        type_key, settings = CREATE_TYPES["zeotap"]
        body = {"name": name, "destination_type": type_key, "config": settings}
        return await vendors["zeotap"].call("POST", f"{ZEOTAP}/destinations", json=body)

    async def nimriz() -> dict[str, Any]:
        type_key, settings = CREATE_TYPES["nimriz"]
        body = {"name": name, "type": type_key, "enabled": True, "credentials": settings, "actions": []}
        return (await vendors["nimriz"].call("POST", "/api/integrations/destinations", json=body))["destination"]

    rows = await asyncio.gather(segment(), ours(), zeotap(), nimriz())
    return {vendor: _made(vendor, row["id"], row["name"]) for vendor, row in zip(CREATE_TYPES, rows, strict=True)}


async def w5_update(vendors: Vendors, request: Request) -> dict[str, Any]:
    body = await request.json()
    ids = {vendor: GlobalId.decode(gid).native_id for vendor, gid in body["ids"].items()}
    name = body["name"]

    async def segment() -> dict[str, Any]:
        path = f"/destinations/{ids['segment']}"
        await vendors["segment"].call("GET", path)
        return (await vendors["segment"].call("PATCH", path, json={"name": name}))["data"]["destination"]

    async def ours() -> dict[str, Any]:
        path = f"/rest/v1/destinations/{ids['ours']}"
        await vendors["ours"].call("GET", path)
        return await vendors["ours"].call("PATCH", path, json={"name": name})

    async def zeotap() -> dict[str, Any]:
        await _zeotap_row(vendors["zeotap"], ids["zeotap"])
        return await vendors["zeotap"].call("PUT", f"{ZEOTAP}/destinations/{ids['zeotap']}", json={"name": name})

    async def nimriz() -> dict[str, Any]:
        # Nimriz's PUT replaces the action list: the current one must be read and sent back.
        current = await _nimriz_row(vendors["nimriz"], ids["nimriz"])
        path = f"/api/integrations/destinations/{ids['nimriz']}"
        answer = await vendors["nimriz"].call("PUT", path, json={"name": name, "actions": current["actions"]})
        return answer["destination"]

    rows = await asyncio.gather(segment(), ours(), zeotap(), nimriz())
    return {vendor: _made(vendor, row["id"], row["name"]) for vendor, row in zip(CREATE_TYPES, rows, strict=True)}


async def w5_delete(vendors: Vendors, request: Request) -> dict[str, Any]:
    gids = (await request.json())["ids"]
    ids = {vendor: GlobalId.decode(gid).native_id for vendor, gid in gids.items()}

    async def segment() -> None:
        path = f"/destinations/{ids['segment']}"
        await vendors["segment"].call("GET", path)
        await vendors["segment"].call("DELETE", path)

    async def ours() -> None:
        path = f"/rest/v1/destinations/{ids['ours']}"
        await vendors["ours"].call("GET", path)
        await vendors["ours"].call("DELETE", path)

    async def zeotap() -> None:
        # destgraph refuses a delete while a sync uses the destination, before asking Zeotap.
        client = vendors["zeotap"]
        await _zeotap_row(client, ids["zeotap"])
        await asyncio.gather(client.call("GET", f"{ZEOTAP}/syncs"), client.call("GET", f"{ZEOTAP}/audience-syncs"))
        await client.call("DELETE", f"{ZEOTAP}/destinations/{ids['zeotap']}")

    async def nimriz() -> None:
        await _nimriz_row(vendors["nimriz"], ids["nimriz"])
        await vendors["nimriz"].call("DELETE", f"/api/integrations/destinations/{ids['nimriz']}")

    await asyncio.gather(segment(), ours(), zeotap(), nimriz())
    return {vendor: {"deletedId": gid, "userErrors": []} for vendor, gid in gids.items()}


# -- the app -----------------------------------------------------------------------------------------


async def _healthz(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


def create_app(urls: dict[str, str], token: str) -> Starlette:
    """The floor over the emulators at ``urls``: segment, ours, zeotap, nimriz, and big (Ours at 10,000) for W6."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
        headers = {"Authorization": f"Bearer {token}", "X-Workspace-ID": ZEOTAP_WORKSPACE}
        vendors = {
            name: Vendor(httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=30))
            for name, url in urls.items()
        }
        # Segment creates name a catalog id; destgraph keeps its catalog cached, so the floor looks it up once.
        catalog = await vendors["segment"].call("GET", "/catalog/destinations", params={"pagination[count]": 1000})
        app.state.amplitude_id = next(
            t["id"] for t in catalog["data"]["destinationsCatalog"] if t["slug"] == CREATE_TYPES["segment"][0]
        )
        yield {"vendors": vendors}
        await asyncio.gather(*(v.client.aclose() for v in vendors.values()))

    routes = [
        Route("/w1", _endpoint(w1)),
        Route("/w2", _endpoint(w2)),
        Route("/w3", _endpoint(w3)),
        Route("/w4", _endpoint(w4)),
        Route("/w5/create", _endpoint(w5_create), methods=["POST"]),
        Route("/w5/update", _endpoint(w5_update), methods=["POST"]),
        Route("/w5/delete", _endpoint(w5_delete), methods=["POST"]),
        Route("/w6", _endpoint(w6)),
        Route("/healthz", _healthz),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    for vendor in ("segment", "ours", "zeotap", "nimriz"):
        parser.add_argument(f"--{vendor}", required=True, help=f"base URL of the {vendor} emulator")
    parser.add_argument("--big", help="base URL of the Ours emulator of 10,000 destinations (W6)")
    args = parser.parse_args()
    urls = {vendor: getattr(args, vendor) for vendor in ("segment", "ours", "zeotap", "nimriz")}
    if args.big:
        urls["big"] = args.big
    app = create_app(urls, os.environ["FLOOR_VENDOR_TOKEN"])
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
