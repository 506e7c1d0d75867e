"""What the suite measured, the targets it holds destgraph to, and the section of RESULTS.md it writes.

The section is headed by ``HEADING``; a rerun replaces that section and leaves every other one
alone. Every figure is the suite's own (the emulators' logs, /proc, the client's clocks); nothing
is taken from what a system reports about itself.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import statistics
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import _peer
from _clients import CACHED, DESTGRAPH, FLOOR, PEER, SYSTEMS
from _load import Tally
from _workloads import READS, Seed, minimum_calls

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "## Side by side: destgraph, a floor and the peer gateway"
FLAT = 1.25  # the last pages of the walk may cost at most this much more than the first


@dataclass
class Walk:
    """W6 for one system: (wall ms, CPU ms) of every page of every walk, and memory around them."""

    rss_before_mb: float
    rss_after_mb: float = 0.0
    walks: list[list[tuple[float, float]]] = field(default_factory=list)
    calls: int = 0
    errors: int = 0

    @property
    def pages(self) -> int:
        return sum(len(w) for w in self.walks)

    def window(self, part: int, index: int) -> float:
        """Mean of figure ``index`` (0 wall, 1 CPU) per page over fifth ``part`` (0, 2, 4) of each walk."""
        values = []
        for pages in self.walks:
            fifth = max(1, len(pages) // 5)
            values += [p[index] for p in pages[part * fifth : (part + 1) * fifth]]
        return statistics.mean(values) if values else math.nan


@dataclass
class QuotaRow:
    """The quota run for one system."""

    requests: int
    answered: int
    errors: int
    per_second: float
    calls: int
    rate_limited: int

    @classmethod
    def of(cls, tally: Tally) -> QuotaRow:
        return cls(
            requests=tally.units,
            answered=tally.units - tally.failed,
            errors=tally.errors,
            per_second=tally.per_second,
            calls=tally.calls.total,
            rate_limited=tally.calls.by_status.get("429", 0),
        )


@dataclass
class Results:
    tallies: dict[tuple[str, str, str], Tally] = field(default_factory=dict)
    latency: dict[tuple[str, str], Tally] = field(default_factory=dict)
    critical: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    walks: dict[str, Walk] = field(default_factory=dict)
    quota: dict[str, QuotaRow] = field(default_factory=dict)
    vm_hwm_mb: dict[str, float] = field(default_factory=dict)
    #: what the errors said, by (system, workload or phase)
    messages: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    seed: Seed | None = None
    seconds: float = 0.0
    #: the machine's 1-minute load average when the run started and when it ended
    load: tuple[str, str] = ("?", "?")

    def tally(self, system: str, workload: str, phase: str) -> Tally | None:
        return self.tallies.get((system, workload, phase))

    def ratio(self, system: str, workload: str) -> float:
        """Median over requests of wall time / critical path (20 ms a call)."""
        tally, critical = self.latency.get((system, workload)), self.critical.get((system, workload), [])
        pairs = [w / c for w, c in zip(tally.latencies_ms if tally else [], critical, strict=False) if c > 0]
        return statistics.median(pairs) if pairs else math.nan

    def minimum(self, workload: str) -> int:
        assert self.seed is not None
        return minimum_calls(workload, self.seed)


def _f(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}f}"


def _machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    peer = _peer.versions()
    return (
        f"nproc {len(os.sched_getaffinity(0))}, {model}, Python {platform.python_version()}, "
        f"Node {peer['node']}, Hive Gateway {peer['hive-gateway']}"
    )


# -- tables --------------------------------------------------------------------------------------------


def _main_table(r: Results) -> list[str]:
    lines = [
        "| system | workload | calls/req (min) | calls/req, 32 joined | p50 ms 1c | p99 ms 1c | p50 ms 32c "
        "| p99 ms 32c | req/s 32c joined | req/s 32c distinct | CPU ms/req 1c | CPU ms/req 32c | peak RSS MiB "
        "| errors/units |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for workload in ("W1", "W2", "W3", "W4", "W5"):
        for system in SYSTEMS:
            single = r.tally(system, workload, "single")
            if single is None:
                continue
            joined, distinct = r.tally(system, workload, "joined"), r.tally(system, workload, "distinct")
            phases = [t for t in (single, joined, distinct) if t is not None]
            errors, units = sum(t.errors for t in phases), sum(t.units for t in phases)
            lines.append(
                f"| {system} | {workload} | {_f(single.calls_per_unit)} ({r.minimum(workload)}) "
                f"| {_f(joined.calls_per_unit) if joined else 'n/a'} | {_f(single.p50)} | {_f(single.p99)} "
                f"| {_f(distinct.p50 if distinct else None)} | {_f(distinct.p99 if distinct else None)} "
                f"| {_f(joined.per_second if joined else None)} | {_f(distinct.per_second if distinct else None)} "
                f"| {_f(single.cpu_per_unit)} | {_f(distinct.cpu_per_unit if distinct else None)} "
                f"| {_f(max(t.peak_rss_mb for t in phases), 0)} | {errors}/{units} |"
            )
    return lines


def _latency_table(r: Results, latency_ms: float) -> list[str]:
    lines = [
        f"| system | workload | calls/req | p50 ms | critical path ms (median) | p50 / critical (median, {latency_ms:g} ms a call) |",
        "|---|---|---|---|---|---|",
    ]
    for workload in READS:
        for system in (DESTGRAPH, FLOOR, PEER):
            tally = r.latency.get((system, workload))
            if tally is None:
                continue
            critical = r.critical.get((system, workload), [])
            lines.append(
                f"| {system} | {workload} | {_f(tally.calls_per_unit)} | {_f(tally.p50)} "
                f"| {_f(statistics.median(critical) if critical else None)} | {_f(r.ratio(system, workload), 2)} |"
            )
    return lines


def _walk_table(r: Results) -> list[str]:
    lines = [
        "| system | pages | calls/page | CPU ms/page: first fifth / middle / last | wall ms/page: first / middle / last "
        "| CPU µs per destination, first → last | RSS MiB before → after | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for system in (DESTGRAPH, FLOOR, PEER):
        walk = r.walks.get(system)
        if walk is None:
            lines.append(f"| {system} | n/a | | | | | | |")
            continue
        cpu = [walk.window(part, 1) for part in (0, 2, 4)]
        wall = [walk.window(part, 0) for part in (0, 2, 4)]
        lines.append(
            f"| {system} | {walk.pages} | {_f(walk.calls / walk.pages if walk.pages else None, 2)} "
            f"| {' / '.join(_f(c) for c in cpu)} | {' / '.join(_f(w) for w in wall)} "
            f"| {_f(cpu[0] * 10, 0)} → {_f(cpu[2] * 10, 0)} "
            f"| {_f(walk.rss_before_mb, 0)} → {_f(walk.rss_after_mb, 0)} "
            f"({walk.rss_after_mb - walk.rss_before_mb:+.0f}) | {walk.errors} |"
        )
    return lines


def _quota_table(r: Results, args: argparse.Namespace) -> list[str]:
    lines = [
        f"W2 (joined) at {args.clients} clients for {args.quota_seconds:g} s per system, the vendors' rate limits "
        "on (each system met emptied windows); destgraph as shipped (the vendors' documented limits, its read cache):",
        "",
        "| system | requests | answered in full | errors | req/s | upstream calls | upstream 429s |",
        "|---|---|---|---|---|---|---|",
    ]
    for system, row in r.quota.items():
        label = "destgraph, no-cache" if system == DESTGRAPH else system
        lines.append(
            f"| {label} | {row.requests} | {row.answered} | {row.errors} | {_f(row.per_second)} "
            f"| {row.calls} | {row.rate_limited} |"
        )
    return lines


# -- targets and gaps -----------------------------------------------------------------------------------


def _met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**not met**")


def targets(r: Results) -> list[tuple[str, str, bool | None]]:
    rows: list[tuple[str, str, bool | None]] = []

    def t(system: str, workload: str, phase: str) -> Tally:
        return r.tallies.get((system, workload, phase)) or Tally()

    for w in ("W1", "W2", "W3"):
        mine, peer = t(DESTGRAPH, w, "distinct").cpu_per_unit, t(PEER, w, "distinct").cpu_per_unit
        rows.append((f"{w}: CPU/req at or below the peer (32c distinct)", f"{_f(mine)} vs {_f(peer)} ms", mine <= peer))
    mine, floor = t(DESTGRAPH, "W1", "distinct").cpu_per_unit, t(FLOOR, "W1", "distinct").cpu_per_unit
    rows.append(
        (
            "W1: CPU/req within 1.5x the floor",
            f"{_f(mine)} vs {_f(floor)} ms ({_f(mine / floor, 2)}x)",
            mine <= 1.5 * floor,
        )
    )
    for w in ("W1", "W2", "W3", "W4", "W5"):
        mine, peer, least = t(DESTGRAPH, w, "single").calls_per_unit, t(PEER, w, "single").calls_per_unit, r.minimum(w)
        rows.append((f"{w}: upstream calls at the minimum", f"{_f(mine)} vs {least}", mine <= least + 0.01))
        rows.append((f"{w}: upstream calls fewer than the peer", f"{_f(mine)} vs {_f(peer)}", mine < peer))
    for w in READS:
        ratio = r.ratio(DESTGRAPH, w)
        rows.append(
            (
                f"{w}: p50 at most 1.2x the critical path (20 ms a call)",
                _f(ratio, 2),
                None if math.isnan(ratio) else ratio <= 1.2,
            )
        )
    for w in ("W1", "W2", "W3", "W4", "W5"):
        single = t(DESTGRAPH, w, "single")
        rows.append(
            (
                f"{w}: 1-client p99 at most 2x p50",
                f"{_f(single.p99)} vs {_f(single.p50)} ms",
                single.p99 <= 2 * single.p50,
            )
        )
    for w in ("W1", "W2", "W3"):
        for phase in ("joined", "distinct"):
            mine, peer = t(DESTGRAPH, w, phase).per_second, t(PEER, w, phase).per_second
            rows.append(
                (f"{w}: req/s at 32 clients ({phase}) at or above the peer", f"{_f(mine)} vs {_f(peer)}", mine >= peer)
            )
    walk = r.walks.get(DESTGRAPH)
    if walk is not None:
        first, last = walk.window(0, 1), walk.window(4, 1)
        rows.append(
            (
                f"W6: CPU per destination flat along the walk (last fifth ≤ {FLAT}x first)",
                f"{_f(first * 10, 0)} → {_f(last * 10, 0)} µs",
                last <= FLAT * first,
            )
        )
        growth = walk.rss_after_mb - walk.rss_before_mb
        rows.append(("W6: RSS growth under 50 MB", f"{_f(growth)} MiB", growth < 50))
    return rows


def gaps(r: Results) -> list[str]:
    def calls(system: str, workload: str) -> str:
        tally = r.tallies.get((system, workload, "single"))
        return _f(tally.calls_per_unit) if tally else "n/a"

    peer_quota, mine_quota = r.quota.get(PEER), r.quota.get(CACHED)
    quota = (
        f"{peer_quota.rate_limited} upstream 429s in the quota run against destgraph's {mine_quota.rate_limited}"
        if peer_quota and mine_quota
        else "see the quota run"
    )
    return [
        "- **No unified model**: every answer is in its vendor's shape (`segment_query_listDestinations_oneOf_0_oneOf_0`, "
        "`ours_DestinationList`, a bare Zeotap array); typeKey, enabled and ids mean something else at each vendor.",
        f"- **No global ids** (W1): the client must know the vendor and its native id ({calls(PEER, 'W1')} call, as destgraph's {calls(DESTGRAPH, 'W1')}).",
        f"- **No cross-vendor list or cursor** (W2, W6): three root fields for three workspaces ({calls(PEER, 'W2')} calls, "
        f"destgraph {calls(DESTGRAPH, 'W2')}); Zeotap's list does not page, so the client cuts it; W6 walks one vendor's own cursor.",
        f"- **Subscriptions fetched per destination, by the client** (W3): two round trips, the second one aliased field per "
        f"destination whose type has actions ({calls(PEER, 'W3')} calls, destgraph {calls(DESTGRAPH, 'W3')}).",
        f"- **Half the catalogs** (W4): Zeotap and Nimriz have no catalog endpoint, so the peer answers Segment's and Ours' "
        f"only ({calls(PEER, 'W4')} calls, destgraph {calls(DESTGRAPH, 'W4')} with every catalog).",
        f"- **Writes unchecked** (W5): no catalog check, no change record, no read-back; the client looks up Segment's "
        f"metadataId itself, and a Nimriz rename that does not resend the actions drops them ({calls(PEER, 'W5')} calls, "
        f"destgraph {calls(DESTGRAPH, 'W5')}).",
        f"- **No rate budget or cache**: {quota}.",
    ]


def errors_seen(r: Results) -> list[str]:
    lines = []
    for (system, where), seen in r.messages.items():
        top = "; ".join(f"{message} ×{count}" for message, count in seen.most_common(3))
        lines.append(f"- {system}, {where}: {top}")
    return lines or ["- none"]


def observations(r: Results) -> list[str]:
    def ratio(workload: str, phase: str, attr: str) -> float:
        mine, floor = r.tallies.get((DESTGRAPH, workload, phase)), r.tallies.get((FLOOR, workload, phase))
        return getattr(mine, attr) / getattr(floor, attr) if mine and floor else math.nan

    cpu = {w: ratio(w, "distinct", "cpu_per_unit") for w in ("W1", "W2", "W3", "W4", "W5")}
    p50 = {w: ratio(w, "single", "p50") for w in ("W1", "W2", "W3", "W4", "W5")}
    worst = max(cpu, key=lambda w: cpu[w] if not math.isnan(cpu[w]) else -1)
    return [
        "- destgraph's CPU per request over the floor's (32 clients, distinct): "
        + ", ".join(f"{w} {_f(v)}x" for w, v in cpu.items())
        + f"; the farthest from the floor is {worst}.",
        "- destgraph's 1-client p50 over the floor's: " + ", ".join(f"{w} {_f(v)}x" for w, v in p50.items()) + ".",
        "- Peak resident memory (VmHWM) at the end: "
        + ", ".join(f"{s} {_f(v, 0)} MiB" for s, v in r.vm_hwm_mb.items())
        + ".",
    ]


# -- the section ------------------------------------------------------------------------------------------


def render(r: Results, args: argparse.Namespace) -> str:
    command = " ".join([".venv/bin/python bench/suite.py", *sys.argv[1:]])
    lines = [
        HEADING,
        "",
        f"`{command}` ({datetime.date.today().isoformat()}; {_machine()}; {r.seconds / 60:.1f} min in all; "
        f"load average {r.load[0]} at the start, {r.load[1]} at the end)",
        "",
        "Every part is its own process on loopback and they share the machine's cores: the emulators (one "
        "`destgraph emulate` process, 40 destinations a workspace, rate limits off), destgraph (`destgraph serve`, "
        "one uvicorn process each: serve has no workers option), the floor (bench/floor.py: the same upstream calls with "
        "httpx and asyncio.gather, nothing else) and the peer (Hive Gateway over a GraphQL Mesh supergraph composed "
        "from the emulators' OpenAPI documents, one process). The client is this script (httpx). Systems interleave "
        f"round by round ({args.rounds} rounds a phase); 1c: {args.single} requests one at a time; 32c: up to "
        f"{args.requests} at {args.clients} clients, joined (identical) or distinct (other ids and page sizes), a "
        f"chunk stopped at {args.chunk_seconds:g} s. A W5 request is its three GraphQL requests (create, rename, "
        "delete, four vendors each). CPU is the system's process tree (utime + stime); calls come from the "
        "emulators' request logs, cleared before each chunk (CPU comes in 10 ms ticks: a 1c figure of a "
        "fast request is coarse). destgraph runs as two servers, both told the emulators have no rate limits: "
        'the "destgraph" rows of W1-W4 and W6 ask one that keeps no catalogs across requests '
        '(catalog_ttl_seconds 0), with `Cache-Control: no-cache`, so they do all the upstream work; "destgraph, '
        "read cache on\" asks the other, as shipped, without the header, as users ask; destgraph's W5 goes to "
        "that one too (a create is checked against the catalog, which it keeps).",
        "",
        *_main_table(r),
        "",
        f"With {args.latency_ms:g} ms added to every emulator call, one client, {args.latency_requests} requests "
        "each (the critical path is the slowest vendor's chain of calls that could not overlap, from the logs' "
        "start and end times, as bench/gateway_read.py computes it):",
        "",
        *_latency_table(r, args.latency_ms),
        "",
        f"W6: every page of the 10,000-destination Ours workspace (a second emulator process), 100 a page, one "
        f"client, {args.walks} walk(s) per system; destgraph pages with its own cursor (`destinations(first: 100, "
        "after:)`), the floor and the peer with Ours' cursor:",
        "",
        *_walk_table(r),
        "",
        *_quota_table(r, args),
        "",
        "Targets (destgraph, no-cache rows):",
        "",
        "| target | measured | met |",
        "|---|---|---|",
        *(f"| {name} | {measured} | {_met(ok)} |" for name, measured, ok in targets(r)),
        "",
        "Errors seen (the most frequent three, by system and phase):",
        "",
        *errors_seen(r),
        "",
        "Peer gaps seen (calls per request at 1 client):",
        "",
        *gaps(r),
        "",
        "Reading it:",
        "",
        *observations(r),
        "",
    ]
    return "\n".join(lines)


def replace_section(text: str, section: str) -> str:
    """``text`` with the section under HEADING replaced by ``section`` (appended when there is none)."""
    lines = text.splitlines()
    if HEADING not in lines:
        return text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    start = lines.index(HEADING)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    following = ["", *lines[end:]] if end < len(lines) else []
    return "\n".join([*lines[:start], *section.rstrip("\n").splitlines(), *following]) + "\n"


def write_results(r: Results, args: argparse.Namespace, *, write: bool) -> None:
    section = render(r, args)
    print(section)
    if write:
        RESULTS.write_text(replace_section(RESULTS.read_text(), section))
