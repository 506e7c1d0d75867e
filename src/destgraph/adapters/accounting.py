"""Call accounting: how many upstream calls, to which endpoint, with what status and latency.

Kept in Prometheus collectors on a registry the app owns (so tests and several apps in one
process never share counters), plus a plain in-memory tally the tests and health checks read.
The same registry holds the gateway's other families (/metrics serves them all):

- ``destgraph_upstream_calls_total{provider,workspace,endpoint,status}`` and
  ``destgraph_upstream_call_seconds{provider,endpoint}``: every upstream exchange;
- ``destgraph_upstream_joined_total``, ``destgraph_circuit_state``, ``destgraph_circuit_refused_total``;
- ``destgraph_graphql_requests_total{operation,type,outcome}`` and
  ``destgraph_graphql_request_seconds{operation,type}``: each GraphQL request over HTTP (each
  operation over a websocket), outcome ``ok``, ``partial`` or ``error``;
- ``destgraph_graphql_errors_total{code}``: each error answered, by extensions.code;
- ``destgraph_read_cache_total{workspace,kind,result}``: read-cache lookups, result ``hit``,
  ``miss``, ``stale_while_revalidate`` or ``stale_if_error``;
- ``destgraph_budget_remaining{workspace,budget}``, ``destgraph_budget_limit``,
  ``destgraph_budget_wait_seconds``: each workspace's vendor budgets, read when /metrics is scraped.

Operation names come from clients: past ``MAX_OPERATION_NAMES`` distinct names, new ones are
counted as ``other``, so no client can grow the registry without bound.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Gauge, Histogram
from prometheus_client import Counter as PromCounter

#: the value of destgraph_circuit_state for each state of a circuit
CIRCUIT_GAUGE = {"closed": 0, "half_open": 1, "open": 2}
#: distinct operation names kept as label values; later ones are counted as OTHER_OPERATION
MAX_OPERATION_NAMES = 200
OTHER_OPERATION = "other"
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


@dataclass
class CallAccounting:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    tally: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._upstream_families()
        self._graphql_families()
        self._budget_families()
        self._operation_names: set[str] = set()

    def _upstream_families(self) -> None:
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

    def _graphql_families(self) -> None:
        self._requests = PromCounter(
            "destgraph_graphql_requests",
            "GraphQL requests (operations, over a websocket) by operation name, type and outcome (ok, partial, error).",
            ["operation", "type", "outcome"],
            registry=self.registry,
        )
        self._request_seconds = Histogram(
            "destgraph_graphql_request_seconds",
            "GraphQL request duration by operation name and type.",
            ["operation", "type"],
            registry=self.registry,
            buckets=REQUEST_BUCKETS,
        )
        self._errors = PromCounter(
            "destgraph_graphql_errors",
            "Errors in GraphQL answers by extensions.code.",
            ["code"],
            registry=self.registry,
        )
        self._cache = PromCounter(
            "destgraph_read_cache",
            "Read-cache lookups by workspace, kind and result (hit, miss, stale_while_revalidate, stale_if_error).",
            ["workspace", "kind", "result"],
            registry=self.registry,
        )

    def _budget_families(self) -> None:
        self._budget_remaining = Gauge(
            "destgraph_budget_remaining",
            "Calls left now in each vendor budget of a workspace (in-process budgets only), as of the last scrape.",
            ["workspace", "budget"],
            registry=self.registry,
        )
        self._budget_limit = Gauge(
            "destgraph_budget_limit",
            "Calls each vendor budget of a workspace allows in its window.",
            ["workspace", "budget"],
            registry=self.registry,
        )
        self._budget_wait = Gauge(
            "destgraph_budget_wait_seconds",
            "Seconds until one more call fits each vendor budget of a workspace (0: room now), as of the last scrape.",
            ["workspace", "budget"],
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

    def request(self, *, operation: str | None, operation_type: str | None, outcome: str, seconds: float) -> None:
        """One GraphQL request answered (``operation`` None: anonymous or none)."""
        name = self._operation_label(operation)
        kind = operation_type or ""
        self._requests.labels(name, kind, outcome).inc()
        self._request_seconds.labels(name, kind).observe(seconds)

    def graphql_errors(self, codes: list[str]) -> None:
        for code in codes:
            self._errors.labels(code).inc()

    def cache_read(self, *, workspace: str, kind: str, result: str) -> None:
        """One read-cache lookup: ``hit``, ``miss``, ``stale_while_revalidate`` or ``stale_if_error``."""
        self._cache.labels(workspace, kind, result).inc()

    def budget(self, *, workspace: str, budget: str, limit: int, wait: float, remaining: int | None) -> None:
        """A vendor budget as the budget port shows it now (``remaining`` None: the port cannot tell)."""
        self._budget_limit.labels(workspace, budget).set(limit)
        self._budget_wait.labels(workspace, budget).set(wait)
        if remaining is not None:
            self._budget_remaining.labels(workspace, budget).set(remaining)

    def _operation_label(self, operation: str | None) -> str:
        if not operation:
            return ""
        if operation in self._operation_names:
            return operation
        if len(self._operation_names) >= MAX_OPERATION_NAMES:
            return OTHER_OPERATION
        self._operation_names.add(operation)
        return operation

    def total(self, *, workspace: str | None = None) -> int:
        return sum(n for (_, ws, _, _), n in self.tally.items() if workspace in (None, ws))
