"""Drive one system with a workload for one chunk, and add what it cost to a running tally.

A chunk is ``count`` units with ``concurrency`` clients (each client starts its next unit when
the last one is answered), stopped early at ``seconds``. Around it the suite reads the system's
CPU and the emulators' call counters; while it runs, a sampler reads the system's resident
memory every 100 ms. Chunks of one phase are spread over rounds that interleave the systems, and
their tallies add up.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from _procstat import ProcessTree
from _upstream import CallCount, Emulators

Unit = Callable[[int], Awaitable[int]]


@dataclass
class Tally:
    """What one system spent on one phase of one workload, over every round."""

    latencies_ms: list[float] = field(default_factory=list)
    #: (start, end) epoch seconds of each unit, for matching the emulators' logs
    windows: list[tuple[float, float]] = field(default_factory=list)
    units: int = 0
    errors: int = 0
    #: units whose answers held at least one error
    failed: int = 0
    seconds: float = 0.0
    cpu_ms: float = 0.0
    calls: CallCount = field(default_factory=CallCount)
    peak_rss_mb: float = 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99(self) -> float:
        return self.percentile(0.99)

    @property
    def per_second(self) -> float:
        return self.units / self.seconds if self.seconds else float("nan")

    @property
    def cpu_per_unit(self) -> float:
        return self.cpu_ms / self.units if self.units else float("nan")

    @property
    def calls_per_unit(self) -> float:
        return self.calls.total / self.units if self.units else float("nan")


async def _sample_rss(tree: ProcessTree, tally: Tally, stop: asyncio.Event) -> None:
    while not stop.is_set():
        tally.peak_rss_mb = max(tally.peak_rss_mb, tree.rss_mb())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.1)


async def run_chunk(
    unit: Unit,
    tally: Tally,
    *,
    tree: ProcessTree,
    emulators: Emulators,
    start: int,
    count: int,
    concurrency: int,
    seconds: float,
) -> None:
    """Units ``start`` .. ``start + count - 1`` (or fewer, at ``seconds``), tallied into ``tally``."""
    await emulators.clear_log()
    tree.refresh()
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_rss(tree, tally, stop))
    next_index = start
    deadline = time.monotonic() + seconds

    async def client() -> None:
        nonlocal next_index
        while next_index < start + count and time.monotonic() < deadline:
            index, next_index = next_index, next_index + 1
            began_wall, began = time.time(), time.perf_counter()
            errors = await unit(index)
            tally.latencies_ms.append((time.perf_counter() - began) * 1000)
            tally.windows.append((began_wall, time.time()))
            tally.errors += errors
            tally.failed += errors > 0
            tally.units += 1

    cpu_before, began = tree.cpu_ms(), time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    tally.seconds += time.perf_counter() - began
    tally.cpu_ms += tree.cpu_ms() - cpu_before
    stop.set()
    await sampler
    tally.calls.add(await emulators.counts())
