"""The emulators' control API, as the suite uses it: count calls, read the log, add latency.

Calls are counted from the emulators' own request logs, never from what a system says it did:
the log is cleared before each measured chunk and its counters read after it. The control API
(``/_emulator/``) is not a vendor call and is never logged, so reading it does not disturb counts.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class CallCount:
    """Vendor calls the emulators answered during one chunk."""

    total: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_vendor: Counter[str] = field(default_factory=Counter)

    def add(self, other: CallCount) -> None:
        self.total += other.total
        self.by_status.update(other.by_status)
        self.by_vendor.update(other.by_vendor)


class Emulators:
    """The four emulators of one ``destgraph emulate`` process, reached over their control API."""

    def __init__(self, urls: dict[str, str]) -> None:
        self.urls = urls
        self._control = {name: httpx.AsyncClient(base_url=url, timeout=30) for name, url in urls.items()}

    async def aclose(self) -> None:
        await asyncio.gather(*(c.aclose() for c in self._control.values()))

    async def _each(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        async def one(client: httpx.AsyncClient) -> Any:
            response = await client.request(method, path, **kwargs)
            response.raise_for_status()
            return response.json()

        answers = await asyncio.gather(*(one(c) for c in self._control.values()))
        return dict(zip(self._control, answers, strict=True))

    async def clear_log(self) -> None:
        await self._each("DELETE", "/_emulator/requests")

    async def counts(self) -> CallCount:
        count = CallCount()
        for name, counters in (await self._each("GET", "/_emulator/counters")).items():
            count.total += counters["total"]
            count.by_status.update(counters["by_status"])
            count.by_vendor[name] += counters["total"]
        return count

    async def log(self) -> dict[str, list[dict[str, Any]]]:
        """Every logged vendor call, by emulator: started_at, ended_at (epoch s), duration_ms, route."""
        return {name: body["requests"] for name, body in (await self._each("GET", "/_emulator/requests")).items()}

    async def set_latency(self, latency_ms: float) -> None:
        if latency_ms:
            await self._each("PUT", "/_emulator/faults", json={"latency_ms": latency_ms})
        else:
            await self._each("DELETE", "/_emulator/faults")

    async def fresh_rate_windows(self) -> None:
        """Limits on, windows emptied: each system of the quota run meets the vendors' full budget."""
        await self._each("PUT", "/_emulator/rate-limits", json={"enabled": True, "reset_windows": True})

    async def get_json(self, vendor: str, path: str, **params: Any) -> Any:
        """A vendor call made by the suite itself (to learn the seeded data); cleared before measuring."""
        headers = {"Authorization": "Bearer emulator-token"}
        if vendor == "zeotap":
            headers["X-Workspace-ID"] = "ws-demo"
        response = await self._control[vendor].get(path, params=params, headers=headers)
        response.raise_for_status()
        return response.json()


def chain_ms(calls: list[dict[str, Any]]) -> float:
    """The longest chain of one vendor's calls that could not overlap.

    Calls that overlap in time are one round (made together); a call that starts after every call
    of the current round ended starts the next. The chain is the sum of each round's longest call.
    """
    rounds: list[float] = []
    round_end = float("-inf")
    for call in sorted(calls, key=lambda c: c["started_at"]):
        if call["started_at"] >= round_end:
            rounds.append(call["duration_ms"])
            round_end = call["ended_at"]
        else:
            rounds[-1] = max(rounds[-1], call["duration_ms"])
            round_end = max(round_end, call["ended_at"])
    return sum(rounds)


def critical_path_ms(log: dict[str, list[dict[str, Any]]], start: float, end: float) -> float:
    """The slowest vendor's chain among the calls that started within [start, end] (epoch seconds).

    Vendors are independent, so a gateway can overlap them: a request costs at least the longest
    chain of any one vendor, not their sum.
    """
    chains = [chain_ms([c for c in calls if start <= c["started_at"] <= end]) for calls in log.values()]
    return max(chains, default=0.0)
