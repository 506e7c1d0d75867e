"""Fault injection: what the control API can make an emulator do to the requests it receives.

A fault plan applies to vendor calls only. In order: the down switch answers 503 to everything;
queued statuses answer the next calls one each (deterministic, for retry tests; 0 lets one call
through, so ``[0, 500]`` fails the second); otherwise the
latency (fixed plus uniform jitter) is slept, and an error status may be drawn from the error rates.
``sse_step_delay_ms`` slows each event of a server-sent-event stream.
"""

from __future__ import annotations

import random
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

INJECTABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class FaultPlanError(ValueError):
    """A fault plan sent to the control API that cannot be applied."""


@dataclass
class FaultPlan:
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    #: status -> probability in [0, 1]; the sum may not exceed 1
    error_rates: dict[int, float] = field(default_factory=dict)
    #: seconds sent in Retry-After with injected 429s (and 503s, where > 0)
    retry_after: int = 1
    down: bool = False
    #: statuses answered to the next calls, one each, before anything else
    queue: deque[int] = field(default_factory=deque)
    sse_step_delay_ms: float = 0.0
    #: only requests whose path matches this regular expression (and method, if set) are affected
    path_pattern: str | None = None
    methods: frozenset[str] | None = None

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> FaultPlan:
        known = {
            "latency_ms",
            "jitter_ms",
            "error_rates",
            "retry_after",
            "down",
            "queue",
            "sse_step_delay_ms",
            "path_pattern",
            "methods",
        }
        unknown = set(body) - known
        if unknown:
            raise FaultPlanError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        try:
            plan = cls(
                latency_ms=_non_negative(body.get("latency_ms", 0), "latency_ms"),
                jitter_ms=_non_negative(body.get("jitter_ms", 0), "jitter_ms"),
                error_rates={_status(k): _probability(v) for k, v in (body.get("error_rates") or {}).items()},
                retry_after=int(_non_negative(body.get("retry_after", 1), "retry_after")),
                down=bool(body.get("down", False)),
                queue=deque(0 if s == 0 else _status(s) for s in body.get("queue") or []),
                sse_step_delay_ms=_non_negative(body.get("sse_step_delay_ms", 0), "sse_step_delay_ms"),
                path_pattern=body.get("path_pattern"),
                methods=frozenset(m.upper() for m in body["methods"]) if body.get("methods") else None,
            )
        except (TypeError, AttributeError) as exc:
            raise FaultPlanError(f"malformed fault plan: {exc}") from exc
        if sum(plan.error_rates.values()) > 1:
            raise FaultPlanError("error_rates add up to more than 1")
        if plan.path_pattern is not None:
            try:
                re.compile(plan.path_pattern)
            except re.error as exc:
                raise FaultPlanError(f"path_pattern is not a regular expression: {exc}") from exc
        return plan

    def to_json(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "jitter_ms": self.jitter_ms,
            "error_rates": {str(k): v for k, v in self.error_rates.items()},
            "retry_after": self.retry_after,
            "down": self.down,
            "queue": list(self.queue),
            "sse_step_delay_ms": self.sse_step_delay_ms,
            "path_pattern": self.path_pattern,
            "methods": sorted(self.methods) if self.methods else None,
        }

    def applies_to(self, method: str, path: str) -> bool:
        if self.methods is not None and method.upper() not in self.methods:
            return False
        return self.path_pattern is None or re.search(self.path_pattern, path) is not None

    def delay_seconds(self, rng: random.Random) -> float:
        jitter = rng.uniform(0, self.jitter_ms) if self.jitter_ms else 0.0
        return (self.latency_ms + jitter) / 1000

    def draw_error(self, rng: random.Random) -> int | None:
        """The status to inject for this call, or None to let it through."""
        if self.queue:
            status = self.queue.popleft()
            return status or None
        if not self.error_rates:
            return None
        roll = rng.random()
        for status, rate in sorted(self.error_rates.items()):
            if roll < rate:
                return status
            roll -= rate
        return None


def _status(value: Any) -> int:
    status = int(value)
    if status not in INJECTABLE_STATUSES:
        raise FaultPlanError(f"cannot inject status {status}; choose from {sorted(INJECTABLE_STATUSES)}")
    return status


def _probability(value: Any) -> float:
    rate = float(value)
    if not 0 <= rate <= 1:
        raise FaultPlanError(f"error rate {rate} is not between 0 and 1")
    return rate


def _non_negative(value: Any, name: str) -> float:
    number = float(value)
    if number < 0:
        raise FaultPlanError(f"{name} must not be negative")
    return number
