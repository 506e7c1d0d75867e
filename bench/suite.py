"""Side by side: destgraph, a hand-written floor and the peer gateway, over the four vendors.

Every part runs as its own process on loopback: the emulators (``destgraph emulate``: one process
of 40 destinations a workspace, one of 10,000 for the page walk, and for the quota run one with
the vendors' rate limits on), destgraph (``destgraph serve``), the floor (bench/floor.py: the
same upstream calls, nothing else) and the peer (Hive Gateway over a supergraph GraphQL Mesh
composes from the emulators' own OpenAPI documents; bench/_peer.py installs and composes it).
The workloads are in bench/_workloads.py, each system's requests in bench/_clients.py.

Phases, each interleaving the systems round by round (A B C D, A B C D ...) so drift hits all:
1. W1-W5, 1 client, then 32 clients with joined (identical) and distinct requests: latency,
   throughput, CPU of the system's process tree, its resident memory, and upstream calls.
2. W1-W4 with 20 ms added to every emulator call: p50 over the critical path of the calls made.
3. W6: every page of 10,000 destinations, CPU per page along the walk and memory growth.
4. The quota run: W2 at 32 clients for a fixed time against the vendors' rate limits.

destgraph runs twice: one server keeps no catalogs across requests and is asked with
``Cache-Control: no-cache`` (its caches would hide the upstream work): the "destgraph" rows of
W1-W4, W6 and the latency phase. The other runs as shipped but for the rate budgets (the
emulators enforce none here): the "destgraph, read cache on" rows, asked without the header as
users ask, and destgraph's W5, whose creates are checked against the cached catalog.

    .venv/bin/python bench/suite.py            # full run (5 minutes or so on 2 cores), into RESULTS.md
    .venv/bin/python bench/suite.py --quick    # smoke run: prints the section, writes nothing
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

import _peer
import _systems
from _clients import CACHED, Destgraph, Floor, Peer, SystemClient
from _load import Tally, Unit, run_chunk
from _loopback import emulate_on_loopback
from _procstat import ProcessTree
from _report import QuotaRow, Results, Walk, write_results
from _upstream import Emulators, critical_path_ms
from _workloads import READS, learn_seed

WARMUP = 3
#: a system under test: how the workloads ask it, and the processes whose CPU and memory it costs
System = tuple[SystemClient, ProcessTree]


def _phases(workload: str) -> list[tuple[str, int, bool]]:
    """(name, clients, distinct) of each phase; a write is never the same twice, so W5 has no joined phase."""
    phases = [("single", 1, False), ("joined", 32, False), ("distinct", 32, True)]
    return [p for p in phases if not (workload == "W5" and p[0] == "joined")]


class Bench:
    """One measuring run over a started stack.

    ``readers`` answer W1-W4 (destgraph twice: no-cache, and read cache on), ``writers`` W5,
    ``walkers`` W6 and the latency phase. destgraph's writer is the server whose catalogs are cached
    as shipped: the other keeps none, so that a no-cache read does its catalog calls.
    """

    def __init__(self, args: argparse.Namespace, readers: list[System], writers: list[System]) -> None:
        self.args = args
        self.readers = readers
        self.writers = writers
        self.walkers = [s for s in readers if s[0].label != CACHED]
        self.results = Results()
        self._writes = 0

    def _unit(self, client: SystemClient, workload: str, distinct: bool) -> Unit:
        if workload == "W5":

            async def write(index: int) -> int:
                self._writes += 1  # every write names a destination of its own
                return await client.unit("W5", self._writes, True)

            return write
        return lambda index: client.unit(workload, index, distinct)

    async def workloads(self, emulators: Emulators) -> None:
        args = self.args
        for workload in ("W1", "W2", "W3", "W4", "W5"):
            systems = self.readers if workload in READS else self.writers
            for client, _ in systems:  # connections, parsed-document caches, the JIT: not measured
                for index in range(WARMUP):
                    await self._unit(client, workload, True)(10_000 + index)
            for phase, clients, distinct in _phases(workload):
                total = args.single if clients == 1 else args.requests
                chunk = max(1, total // args.rounds)
                for round_index in range(args.rounds):
                    for client, tree in systems:
                        tally = self.results.tallies.setdefault((client.label, workload, phase), Tally())
                        await run_chunk(
                            self._unit(client, workload, distinct),
                            tally,
                            tree=tree,
                            emulators=emulators,
                            start=round_index * chunk,
                            count=chunk,
                            concurrency=min(clients, args.clients),
                            seconds=args.chunk_seconds,
                        )
                print(f"  {workload} {phase}: done", file=sys.stderr)
            self._collect_errors(systems, workload)

    def _collect_errors(self, systems: list[System], phase: str) -> None:
        for client, _ in systems:
            if client.seen:
                self.results.messages.setdefault((client.label, phase), Counter()).update(client.seen)
                client.seen.clear()

    async def latency(self, emulators: Emulators) -> None:
        """W1-W4, one client, every emulator call slowed by --latency-ms; each request's calls from the log."""
        await emulators.set_latency(self.args.latency_ms)
        count = max(1, self.args.latency_requests // self.args.rounds)
        try:
            for workload in READS:
                for round_index in range(self.args.rounds):
                    for client, tree in self.walkers:
                        tally = self.results.latency.setdefault((client.label, workload), Tally())
                        seen = len(tally.windows)
                        await run_chunk(
                            self._unit(client, workload, False),
                            tally,
                            tree=tree,
                            emulators=emulators,
                            start=round_index * count,
                            count=count,
                            concurrency=1,
                            seconds=self.args.chunk_seconds * 4,
                        )
                        log = await emulators.log()
                        critical = self.results.critical.setdefault((client.label, workload), [])
                        critical += [critical_path_ms(log, start, end) for start, end in tally.windows[seen:]]
                print(f"  {workload} at {self.args.latency_ms:g} ms: done", file=sys.stderr)
                self._collect_errors(self.walkers, f"{workload} at {self.args.latency_ms:g} ms")
        finally:
            await emulators.set_latency(0)

    async def walk(self, big: Emulators) -> None:
        """W6: every page, one client; CPU and wall time of each page, memory before and after."""
        for client, _ in self.walkers:  # the first pages warm what any walk needs: not measured
            cursor = None
            for _ in range(WARMUP):
                cursor, _errors = await client.page(cursor)
        for walk_index in range(self.args.walks):
            for client, tree in self.walkers:
                tree.refresh()
                walk = self.results.walks.setdefault(client.label, Walk(rss_before_mb=tree.rss_mb()))
                await big.clear_log()
                after: str | None = None
                pages: list[tuple[float, float]] = []
                while True:
                    cpu, began = tree.cpu_ms(), time.perf_counter()
                    try:
                        after, errors = await client.page(after)
                    except httpx.HTTPError as exc:
                        client.seen[type(exc).__name__] += 1
                        after, errors = None, 1
                    pages.append(((time.perf_counter() - began) * 1000, tree.cpu_ms() - cpu))
                    walk.errors += errors
                    if after is None or errors:
                        break
                walk.walks.append(pages)
                walk.calls += (await big.counts()).total
                walk.rss_after_mb = tree.rss_mb()
            print(f"  W6 walk {walk_index + 1}: done", file=sys.stderr)
        self._collect_errors(self.walkers, "W6")


async def _measure(
    args: argparse.Namespace, servers: dict[str, _systems.Server], urls: dict[str, str], big_url: str
) -> Results:
    emulators, big = Emulators(urls), Emulators({"ours": big_url})
    seed = await learn_seed(emulators)
    trees = {name: ProcessTree(server.pid) for name, server in servers.items()}
    floor = (Floor(servers["floor"].url, seed), trees["floor"])
    peer = (Peer(servers["peer"].url, seed), trees["peer"])
    readers = [
        (Destgraph(servers["destgraph"].url, seed, fresh=True), trees["destgraph"]),
        (Destgraph(servers["destgraph-cached"].url, seed, fresh=False), trees["destgraph-cached"]),
        floor,
        peer,
    ]
    writers = [(Destgraph(servers["destgraph-cached"].url, seed, fresh=True), trees["destgraph-cached"]), floor, peer]
    bench = Bench(args, readers, writers)
    bench.results.seed = seed
    try:
        await bench.workloads(emulators)
        await bench.latency(emulators)
        await bench.walk(big)
        for name, tree in trees.items():
            tree.refresh()
            bench.results.vm_hwm_mb[name] = tree.peak_rss_mb()
    finally:
        for client, _ in [*readers, writers[0]]:
            await client.aclose()
        await emulators.aclose()
        await big.aclose()
    return bench.results


Messages = dict[tuple[str, str], Counter[str]]


async def _quota(
    args: argparse.Namespace, servers: dict[str, _systems.Server], urls: dict[str, str]
) -> tuple[dict[str, QuotaRow], Messages]:
    """W2 at 32 clients for --quota-seconds per system, the vendors' windows emptied before each."""
    emulators = Emulators(urls)
    seed = await learn_seed(emulators)
    destgraph = ProcessTree(servers["destgraph"].pid)
    runs: list[System] = [
        (Destgraph(servers["destgraph"].url, seed, fresh=False), destgraph),
        (Destgraph(servers["destgraph"].url, seed, fresh=True), destgraph),
        (Floor(servers["floor"].url, seed), ProcessTree(servers["floor"].pid)),
        (Peer(servers["peer"].url, seed), ProcessTree(servers["peer"].pid)),
    ]
    rows: dict[str, QuotaRow] = {}
    messages: Messages = {}
    try:
        for client, tree in runs:
            await emulators.fresh_rate_windows()
            tally = Tally()
            await run_chunk(
                lambda index, c=client: c.unit("W2", index, False),
                tally,
                tree=tree,
                emulators=emulators,
                start=0,
                count=10**9,
                concurrency=args.clients,
                seconds=args.quota_seconds,
            )
            rows[client.label] = QuotaRow.of(tally)
            if client.seen:
                messages[(client.label, "quota run")] = Counter(client.seen)
            print(f"  quota {client.label}: done", file=sys.stderr)
    finally:
        for client, _ in runs:
            await client.aclose()
        await emulators.aclose()
    return rows, messages


def _main_run(args: argparse.Namespace, folder: Path) -> Results:
    with contextlib.ExitStack() as stack:
        urls = stack.enter_context(emulate_on_loopback("--destinations", "40", "--no-rate-limits"))
        big = stack.enter_context(emulate_on_loopback("--destinations", "10000", "--no-rate-limits"))
        servers = {
            "destgraph": stack.enter_context(
                _systems.destgraph(folder, "fresh", urls, big_url=big["ours"], catalogs_cached=False)
            ),
            "destgraph-cached": stack.enter_context(_systems.destgraph(folder, "cached", urls)),
            "floor": stack.enter_context(_systems.floor(folder, urls, big_url=big["ours"])),
            "peer": stack.enter_context(_systems.peer("main", urls, big_url=big["ours"])),
        }
        print("measuring ...", file=sys.stderr)
        return asyncio.run(_measure(args, servers, urls, big["ours"]))


def _quota_run(args: argparse.Namespace, folder: Path) -> tuple[dict[str, QuotaRow], Messages]:
    with contextlib.ExitStack() as stack:
        urls = stack.enter_context(emulate_on_loopback("--destinations", "40", "--rate-limits"))
        servers = {
            "destgraph": stack.enter_context(_systems.destgraph(folder, "limited", urls, unlimited=False)),
            "floor": stack.enter_context(_systems.floor(folder, urls)),
            "peer": stack.enter_context(_systems.peer("quota", urls)),
        }
        print("quota run ...", file=sys.stderr)
        return asyncio.run(_quota(args, servers, urls))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few requests a phase; prints, writes nothing")
    parser.add_argument("--requests", type=int, help="units per 32-client phase and system (default 256)")
    parser.add_argument("--single", type=int, help="units per 1-client phase and system (default 40)")
    parser.add_argument("--rounds", type=int, help="rounds each phase is split into (default 4)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--chunk-seconds", type=float, help="longest one system's chunk may run (default 5)")
    parser.add_argument("--latency-ms", type=float, default=20, help="added to every emulator call (default 20)")
    parser.add_argument("--latency-requests", type=int, help="units per system for the latency phase (default 24)")
    parser.add_argument("--walks", type=int, help="walks over the 10,000 destinations per system (default 2)")
    parser.add_argument("--quota-seconds", type=float, help="seconds of the quota run per system (default 12)")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave RESULTS.md alone")
    args = parser.parse_args()
    quick = {"requests": 64, "single": 8, "rounds": 2, "chunk_seconds": 2.0, "latency_requests": 6, "walks": 1}
    full = {"requests": 256, "single": 40, "rounds": 4, "chunk_seconds": 5.0, "latency_requests": 24, "walks": 2}
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.quota_seconds is None:
        args.quota_seconds = 4.0 if args.quick else 12.0
    return args


def main() -> None:
    args = _arguments()
    started = time.monotonic()
    load_before = Path("/proc/loadavg").read_text().split()[0]
    print("installing and composing the peer ...", file=sys.stderr)
    _peer.ensure_installed()
    with tempfile.TemporaryDirectory(prefix="destgraph-suite-") as tmp:
        results = _main_run(args, Path(tmp))
        results.quota, messages = _quota_run(args, Path(tmp))
        results.messages.update(messages)
    results.seconds = time.monotonic() - started
    results.load = (load_before, Path("/proc/loadavg").read_text().split()[0])
    write_results(results, args, write=not (args.quick or args.no_write))


if __name__ == "__main__":
    main()
