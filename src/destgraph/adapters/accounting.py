"""Call accounting: how many upstream calls, to which endpoint, with what status and latency.

Kept in Prometheus collectors on a registry the app owns (so tests and several apps in one
process never share counters), plus a plain in-memory tally the tests and health checks read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Gauge, Histogram
from prometheus_client import Counter as PromCounter

#: the value of destgraph_circuit_state for each state of a circuit
CIRCUIT_GAUGE = {"closed": 0, "half_open": 1, "open": 2}


@dataclass
class CallAccounting:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    tally: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._calls = PromCounter(
            "destgraph_upstream_calls",
            "Upstream calls by provider, workspace, endpoint and status.",
            ["provider", "workspace", "endpoint", "status"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "destgraph_upstream_call_seconds",
            "Upstream call latency by provider and endpoint.",
            ["provider", "endpoint"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self._joined = PromCounter(
            "destgraph_upstream_joined",
            "Upstream GETs answered by joining an identical call already in flight.",
            ["provider", "workspace"],
            registry=self.registry,
        )
        self._circuit = Gauge(
            "destgraph_circuit_state",
            "Circuit breaker of each workspace: 0 closed, 1 half-open (a probe is out), 2 open.",
            ["provider", "workspace"],
            registry=self.registry,
        )
        self._refused = PromCounter(
            "destgraph_circuit_refused",
            "Upstream calls refused by an open circuit, without touching the network.",
            ["provider", "workspace"],
            registry=self.registry,
        )

    def record(self, *, provider: str, workspace: str, endpoint: str, status: str, seconds: float) -> None:
        self._calls.labels(provider, workspace, endpoint, status).inc()
        self._latency.labels(provider, endpoint).observe(seconds)
        self.tally[(provider, workspace, endpoint, status)] += 1

    def joined(self, *, provider: str, workspace: str) -> None:
        self._joined.labels(provider, workspace).inc()

    def circuit(self, *, provider: str, workspace: str, state: str) -> None:
        """The workspace's circuit as last seen: ``closed``, ``half_open`` or ``open``."""
        self._circuit.labels(provider, workspace).set(CIRCUIT_GAUGE[state])

    def refused(self, *, provider: str, workspace: str) -> None:
        self._refused.labels(provider, workspace).inc()

    def total(self, *, workspace: str | None = None) -> int:
        return sum(n for (_, ws, _, _), n in self.tally.items() if workspace in (None, ws))
