"""Profile the gateway's own CPU on one workload, with the emulators in their own process.

    .venv/bin/python bench/profile_gateway.py --workload w2 --requests 200 [--clients 32] [--html out.html]
    .venv/bin/python bench/profile_gateway.py --workload w2 --no-profile --gc 100000,10,10 --gc-stats

The gateway runs in this process over httpx's ASGI transport (so the profile holds only gateway
code, not a server's), reads fresh (Cache-Control: no-cache) so every request does its upstream
work, and pyinstrument samples it. It prints the CPU ms per request and the profile's top frames.
``--gc`` sets the collector's thresholds after the app is built (``off`` disables it; without it
the collector is tuned as ``destgraph serve`` tunes it), ``--gc-stats`` prints each generation's
collections, their time and what they freed.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import resource
import time
from typing import Any

import httpx
from pyinstrument import Profiler

from _loopback import emulate_on_loopback
from destgraph.app import create_app
from destgraph.serving import tune_collector
from gateway_read import API_KEY, _settings

WORKLOADS = {
    "w1": '{ destination(id: "%(ours_id)s") { id name typeKey enabled createdAt provider } }',
    "w2": """{ s: destinations(first: 40, filter: {providers: [SEGMENT]}) { nodes { name typeKey enabled } }
  o: destinations(first: 40, filter: {providers: [OURS]}) { nodes { name typeKey enabled } }
  z: destinations(first: 40, filter: {providers: [ZEOTAP]}) { nodes { name typeKey enabled } } }""",
    "w3": """{ destinations(first: 40, filter: {providers: [SEGMENT]}) {
  nodes { name subscriptions { nodes { id name trigger enabled } } } } }""",
    "w4": "{ "
    + " ".join(
        f"{p[0].lower()}: destinationTypes(provider: {p}, first: 100) {{ totalCount nodes {{ key label }} }}"
        for p in ("SEGMENT", "OURS", "ZEOTAP", "NIMRIZ")
    )
    + " }",
}


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _first_ours_id(client: httpx.AsyncClient) -> str:
    query = "{ destinations(first: 1, filter: {providers: [OURS]}) { nodes { id } } }"
    body = (await client.post("/graphql", json={"query": query})).json()
    return str(body["data"]["destinations"]["nodes"][0]["id"])


def _collector(setting: str | None) -> None:
    if setting is None:
        tune_collector()
    elif setting == "off":
        gc.disable()
    else:
        gc.collect()
        gc.freeze()
        young, middle, old = (int(part) for part in setting.split(","))
        gc.set_threshold(young, middle, old)


def _collections() -> dict[int, list[float]]:
    """Per generation: collections, seconds, objects freed (filled as the collector runs)."""
    stats: dict[int, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0])
    started: list[float] = [0.0]

    def observe(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        found = stats[info["generation"]]
        found[0] += 1
        found[1] += time.perf_counter() - started[0]
        found[2] += info["collected"]

    gc.callbacks.append(observe)
    return stats


async def run(urls: dict[str, str], args: argparse.Namespace) -> Profiler | None:
    settings = _settings(urls, unlimited=True)
    if args.no_catalog_cache:  # as the suite runs it: every catalog read goes upstream
        settings = settings.model_copy(
            update={"gateway": settings.gateway.model_copy(update={"catalog_ttl_seconds": 0})}
        )
    app = create_app(settings)
    _collector(args.gc)
    stats = _collections() if args.gc_stats else None
    headers = {"Authorization": f"Bearer {API_KEY}", "Cache-Control": "no-cache"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://gateway", headers=headers, timeout=120
    ) as client:
        query = WORKLOADS[args.workload] % {"ours_id": await _first_ours_id(client)}

        async def one() -> dict[str, Any]:
            response = await client.post("/graphql", json={"query": query})
            body: dict[str, Any] = response.json()
            if body.get("errors"):
                raise SystemExit(f"errors: {body['errors'][:2]}")
            return body

        for _ in range(5):  # warm: imports, catalogs, pools
            await one()
        profiler = Profiler(interval=0.0005, async_mode="disabled") if args.profile else None
        cpu, wall = _cpu_seconds(), time.perf_counter()
        if profiler:
            profiler.start()
        done = 0
        while done < args.requests:
            batch = min(args.clients, args.requests - done)
            await asyncio.gather(*(one() for _ in range(batch)))
            done += batch
        if profiler:
            profiler.stop()
        cpu, wall = _cpu_seconds() - cpu, time.perf_counter() - wall
        print(
            f"{args.workload}: {args.requests} requests, {args.clients} clients: "
            f"{1000 * cpu / args.requests:.2f} ms CPU a request, {args.requests / wall:.1f} requests/s"
        )
        for generation, (count, seconds, freed) in sorted((stats or {}).items()):
            print(f"  generation {generation}: {count:.0f} collections, {1000 * seconds:.0f} ms, {freed:.0f} freed")
    await app.state.gateway.aclose()
    return profiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="w2")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument("--html")
    parser.add_argument("--all", action="store_true", help="show library frames too")
    parser.add_argument("--no-catalog-cache", action="store_true", help="catalog_ttl_seconds = 0, as the suite")
    parser.add_argument("--flat", action="store_true", help="each function by its own time, not the call tree")
    parser.add_argument("--gc", help="the collector's thresholds (young,middle,old) or off; default: as serve tunes it")
    parser.add_argument("--gc-stats", action="store_true", help="print what the collector did")
    parser.add_argument("--chars", type=int, default=12000)
    args = parser.parse_args()
    with emulate_on_loopback("--no-rate-limits", "--destinations", "40") as urls:
        profiler = asyncio.run(run(urls, args))
    if profiler:
        if args.html:
            with open(args.html, "w") as out:
                out.write(profiler.output_html())
        print(profiler.output_text(unicode=False, color=False, show_all=args.all, flat=args.flat)[: args.chars])


if __name__ == "__main__":
    main()
