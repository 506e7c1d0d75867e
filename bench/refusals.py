"""Queries priced too high are refused before any upstream call; /healthz stays fast meanwhile.

One client sends the three queries that used to hold the gateway (the 173-byte nested query, 30
aliased pages with delivery metrics, nodes with 2000 forged ids) in a loop for ``--seconds``, while
another times ``GET /healthz``. The gateway serves over uvicorn on loopback, as ``serve`` does, in
this process; the emulators run as ``destgraph emulate``. Upstream calls come from their logs.

    .venv/bin/python bench/refusals.py [--seconds 10] [--record]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import socket
import statistics
import sys
import time
from pathlib import Path

import httpx
import uvicorn

from _loopback import emulate_on_loopback
from dashboard import API_KEY, settings
from destgraph.app import create_app

#: the 173-byte query: workspaces, then three more levels of workspace -> destinations -> nodes
_LEVELS = ["workspaces", "destinations", "nodes"] + ["workspace", "destinations", "nodes"] * 3
NESTED = "{ " + " ".join(f"{field} {{" for field in _LEVELS) + " name " + "} " * len(_LEVELS) + "}"
ALIASES = (
    "{ "
    + " ".join(f"a{i}: destinations(first: 100) {{ nodes {{ deliveryMetrics {{ successes }} }} }}" for i in range(30))
    + " }"
)
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
FORGED = [f"RGVzdGluYXRpb246c2VnbWVudDp{i:06d}" for i in range(2000)]


async def run(urls: dict[str, str], seconds: float) -> dict[str, object]:
    app = create_app(settings(urls))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
        await asyncio.sleep(0.01)
    base = f"http://127.0.0.1:{port}"
    control = {name: httpx.AsyncClient(base_url=url) for name, url in urls.items()}
    for client in control.values():
        await client.delete("/_emulator/requests")
    until = time.monotonic() + seconds
    codes: dict[str, int] = {}
    health_ms: list[float] = []

    async def flood() -> None:
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=30) as c:
            bodies = [{"query": NESTED}, {"query": ALIASES}, {"query": NODES, "variables": {"ids": FORGED}}]
            while time.monotonic() < until:
                for body in bodies:
                    answer = (await c.post("/graphql", json=body)).json()
                    for error in answer.get("errors") or ():
                        code = error["extensions"]["code"]
                        codes[code] = codes.get(code, 0) + 1

    async def probe_health() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            while time.monotonic() < until:
                started = time.perf_counter()
                assert (await c.get("/healthz")).status_code == 200
                health_ms.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0.05)

    await asyncio.gather(flood(), probe_health())
    calls = 0
    for c in control.values():
        calls += len((await c.get("/_emulator/requests")).json()["requests"])
    server.should_exit = True
    await serving
    await app.state.gateway.aclose()
    for client in control.values():
        await client.aclose()
    health_ms.sort()
    return {
        "codes": codes,
        "calls": calls,
        "health_p50": statistics.median(health_ms),
        "health_p99": health_ms[int(len(health_ms) * 0.99) - 1],
        "health_n": len(health_ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    with emulate_on_loopback() as urls:
        result = asyncio.run(run(urls, args.seconds))
    refused = sum(result["codes"].values())  # type: ignore[union-attr]
    text = (
        f"- refused: {refused} answers, by code {result['codes']}\n"
        f"- upstream calls while refusing: {result['calls']}\n"
        f"- /healthz meanwhile: p50 {result['health_p50']:.1f} ms, p99 {result['health_p99']:.1f} ms "
        f"over {result['health_n']} probes"
    )
    print(text)
    if args.record:
        machine = f"{os.cpu_count()} cores, Python {platform.python_version()}"
        section = (
            f"\n## Refusals: queries priced over the limits, in a loop for {args.seconds:g} s\n\n"
            f"`.venv/bin/python bench/refusals.py --seconds {args.seconds:g}` ({datetime.date.today().isoformat()}; {machine})\n\n{text}\n"
        )
        with (Path(__file__).parent / "RESULTS.md").open("a") as results:
            results.write(section)
    ok = result["calls"] == 0 and set(result["codes"]) <= {"QUERY_TOO_COMPLEX"}  # type: ignore[arg-type]
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
