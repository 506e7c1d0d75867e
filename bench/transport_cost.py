"""CPU per upstream call: httpx's own transport (httpcore) against the one the gateway uses
(httpx over aiohttp, destgraph.adapters.transport), on the same emulator, one after the other.

    .venv/bin/python bench/transport_cost.py [--calls 400]
"""

from __future__ import annotations

import argparse
import asyncio
import resource

import httpx

from _loopback import emulate_on_loopback
from destgraph.adapters.transport import VendorTransport


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run(base_url: str, calls: int) -> None:
    transports: dict[str, httpx.AsyncBaseTransport] = {
        "httpx (httpcore)": httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=50)),
        "httpx over aiohttp": VendorTransport(max_connections=50),
    }
    headers = {"Authorization": "Bearer emulator-token"}
    print(f"{'transport':<20} {'in flight':>9} {'CPU ms a call':>14}")
    for name, transport in transports.items():
        async with httpx.AsyncClient(transport=transport, base_url=base_url, headers=headers) as client:
            for _ in range(20):
                await client.get("/rest/v1/destinations?limit=1")
            for concurrency in (1, 8, 16):
                started = _cpu_seconds()
                for _ in range(calls // concurrency):
                    await asyncio.gather(*(client.get("/rest/v1/destinations?limit=1") for _ in range(concurrency)))
                spent = _cpu_seconds() - started
                print(f"{name:<20} {concurrency:>9} {1000 * spent / calls:>14.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=400)
    args = parser.parse_args()
    with emulate_on_loopback("--no-rate-limits", "--destinations", "40") as urls:
        asyncio.run(run(urls["ours"], args.calls))


if __name__ == "__main__":
    main()
