"""Throughput of the emulators: one list call of 1,000 seeded destinations, 50 concurrent clients.

Starts ``destgraph emulate`` on loopback (uvicorn, as a user runs it), reseeds each emulator with
``--destinations`` destinations, switches rate limits off (Zeotap's 20 a second would refuse the
burst by design), and has ``--clients`` concurrent clients make ``--calls`` list calls in all.
Later gateway benchmarks compare their upstream throughput with these figures to show the
emulators are not their bottleneck.

    .venv/bin/python bench/emulators.py [--destinations 1000] [--clients 50] [--calls 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx

from _loopback import emulate_on_loopback

LIST_CALLS = {
    "segment": "/destinations?pagination[count]={n}",
    "ours": "/rest/v1/destinations?limit=100",
    "zeotap": "/api/v1/workspaces/ws-demo/destinations",
    "nimriz": "/api/integrations/destinations",
}
TOKEN = "emulator-token"


def _headers(name: str) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if name == "zeotap":
        headers["X-Workspace-ID"] = "ws-demo"
    return headers


async def _bench_one(name: str, url: str, args: argparse.Namespace) -> dict[str, float]:
    path = LIST_CALLS[name].format(n=min(args.destinations, 1000))
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(base_url=url, headers=_headers(name), timeout=120, limits=limits) as client:
        await client.post("/_emulator/reset")
        await client.post("/_emulator/seed", json={"seed": 1, "destinations": args.destinations})
        await client.put("/_emulator/rate-limits", json={"enabled": False})
        await client.get(path)  # warm up
        latencies: list[float] = []
        errors = 0
        payload_bytes = 0
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(args.calls):
            queue.put_nowait(i)

        async def worker() -> None:
            nonlocal errors, payload_bytes
            while not queue.empty():
                queue.get_nowait()
                started = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - started)
                payload_bytes = len(response.content)
                if response.status_code != 200:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(args.clients)))
        elapsed = time.perf_counter() - started
        await client.post("/_emulator/reset")
    latencies.sort()
    return {
        "calls": args.calls,
        "errors": errors,
        "seconds": elapsed,
        "rps": args.calls / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "kib": payload_bytes / 1024,
    }


async def run(urls: dict[str, str], args: argparse.Namespace) -> None:
    print(f"{args.calls} list calls of {args.destinations} destinations, {args.clients} concurrent clients")
    print("| emulator | calls | errors | calls/s | p50 ms | p95 ms | body KiB |")
    print("|---|---|---|---|---|---|---|")
    for name, url in urls.items():
        r = await _bench_one(name, url, args)
        print(
            f"| {name} | {r['calls']:.0f} | {r['errors']:.0f} | {r['rps']:.1f} | {r['p50_ms']:.1f} "
            f"| {r['p95_ms']:.1f} | {r['kib']:.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--destinations", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    with emulate_on_loopback() as urls:
        asyncio.run(run(urls, args))


if __name__ == "__main__":
    main()
