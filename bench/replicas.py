"""One destgraph process with its state in process, against two replicas sharing Redis.

    .venv/bin/python bench/replicas.py [--seconds 8] [--rounds 2]

Each system is ``destgraph serve`` as shipped, over one ``destgraph emulate`` process (40
destinations a workspace, rate limits off), reading fresh (``Cache-Control: no-cache``) so every
request does its upstream work. The replicas get ``REDIS_URL`` (default redis://127.0.0.1:6379/0)
and a key prefix of their own; the client sends 32 requests at a time, alternating between them
as a load balancer would. The systems take turns round by round on W2 and W3 (bench/_clients.py).
For each: requests a second, CPU per request of the gateway processes (from /proc), errors, and
the Redis commands per request (INFO commandstats; commands inside scripts count too). It prints
a table to paste into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis

import _systems
from _clients import W2, W3
from _loopback import emulate_on_loopback
from _procstat import ProcessTree

CLIENTS = 32
QUERIES = {"W2": W2, "W3": W3}


@dataclass
class Tally:
    requests: int = 0
    seconds: float = 0.0
    cpu_ms: float = 0.0
    errors: int = 0
    redis_commands: int = 0
    codes: set[str] = field(default_factory=set)

    def row(self, system: str, workload: str) -> str:
        rate = self.requests / self.seconds if self.seconds else 0.0
        per = self.requests or 1
        return (
            f"| {system} | {workload} | {rate:.1f} | {self.cpu_ms / per:.1f} | {self.redis_commands / per:.0f} "
            f"| {self.errors}/{self.requests} {' '.join(sorted(self.codes))} |"
        )


def _redis_commands(client: redis.Redis) -> int:
    stats = client.info("commandstats")
    return sum(int(entry["calls"]) for entry in stats.values())


async def _load(urls: list[str], query: str, seconds: float, tally: Tally) -> None:
    headers = {"Authorization": f"Bearer {_systems.API_KEY}", "Cache-Control": "no-cache"}
    limits = httpx.Limits(max_connections=CLIENTS * 2, max_keepalive_connections=CLIENTS * 2)
    clients = [httpx.AsyncClient(base_url=u, headers=headers, timeout=60, limits=limits) for u in urls]
    turns = itertools.cycle(clients)
    end = time.monotonic() + seconds

    async def one_client(index: int) -> None:
        n = index
        while time.monotonic() < end:
            n += CLIENTS
            # distinct page sizes, so no two requests in flight are joined
            response = await next(turns).post("/graphql", json={"query": query, "variables": {"first": 33 + n % 8}})
            tally.requests += 1
            errors = (
                response.json().get("errors") if response.status_code == 200 else [{"status": response.status_code}]
            )
            if errors:
                tally.errors += 1
                tally.codes.update(str((e.get("extensions") or {}).get("code", e.get("status"))) for e in errors)

    started = time.monotonic()
    try:
        await asyncio.gather(*(one_client(i) for i in range(CLIENTS)))
    finally:
        tally.seconds += time.monotonic() - started
        for client in clients:
            await client.aclose()


async def _measure(args: argparse.Namespace, systems: dict[str, list[_systems.Server]], store: redis.Redis) -> None:
    tallies = {(s, w): Tally() for s in systems for w in QUERIES}
    trees = {s: [ProcessTree(server.pid) for server in servers] for s, servers in systems.items()}
    for workload, query in QUERIES.items():
        for _ in range(args.rounds):
            for system, servers in systems.items():
                tally = tallies[system, workload]
                cpu, commands = sum(t.cpu_ms() for t in trees[system]), _redis_commands(store)
                await _load([s.url for s in servers], query, args.seconds, tally)
                tally.cpu_ms += sum(t.cpu_ms() for t in trees[system]) - cpu
                tally.redis_commands += _redis_commands(store) - commands
    print(f"`.venv/bin/python bench/replicas.py --seconds {args.seconds:g} --rounds {args.rounds}`")
    print(f"(nproc {os.cpu_count()}; {CLIENTS} clients, distinct requests, fresh reads)\n")
    print("| system | workload | req/s | CPU ms/req (all processes) | Redis commands/req | errors |")
    print("|---|---|---|---|---|---|")
    for (system, workload), tally in tallies.items():
        print(tally.row(system, workload))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8.0, help="each system's turn, per round and workload")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    store = redis.Redis.from_url(redis_url)
    store.ping()
    prefix = f"destgraph-bench-replicas:{uuid.uuid4().hex[:8]}:"
    shared = {"REDIS_URL": redis_url, "REDIS_PREFIX": prefix}
    with tempfile.TemporaryDirectory(prefix="destgraph-replicas-") as tmp, contextlib.ExitStack() as stack:
        folder = Path(tmp)
        urls = stack.enter_context(emulate_on_loopback("--destinations", "40", "--no-rate-limits"))
        alone = stack.enter_context(_systems.destgraph(folder, "alone", urls, catalogs_cached=False))
        replicas = [
            stack.enter_context(
                _systems.destgraph(folder, f"replica-{i}", urls, catalogs_cached=False, environment=shared)
            )
            for i in range(2)
        ]
        try:
            asyncio.run(
                _measure(args, {"one process, state in process": [alone], "two replicas on Redis": replicas}, store)
            )
        finally:
            keys = list(store.scan_iter(match=f"{prefix}*", count=500))
            if keys:
                store.delete(*keys)


if __name__ == "__main__":
    main()
