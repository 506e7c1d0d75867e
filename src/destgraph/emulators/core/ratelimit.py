"""Sliding-window rate limits, as the vendors document them.

A rule limits the calls that match it to ``limit`` per ``window`` seconds per key (a token, a
workspace). Rejected calls do not consume the budget. ``Retry-After`` is the whole number of
seconds until the oldest counted call leaves the window, at least 1.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.requests import Request

from destgraph.emulators.core.clock import Clock


@dataclass(frozen=True)
class RateLimitRule:
    name: str
    limit: int
    window: float
    #: which calls count against this rule
    matches: Callable[[Request], bool]
    #: the budget a call draws from (token, workspace ...)
    key: Callable[[Request], str]
    #: where the figure comes from, shown by the control API
    source: str = ""


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    rule: RateLimitRule | None = None
    consumed: int = 0
    remaining: int = 0
    #: epoch seconds when the window has room again
    reset_at: float = 0.0
    retry_after: int = 0


@dataclass
class RateLimiter:
    rules: list[RateLimitRule]
    clock: Clock
    enabled: bool = True
    _windows: dict[tuple[str, str], deque[float]] = field(default_factory=dict)

    def reset(self) -> None:
        self._windows.clear()

    def check(self, request: Request) -> RateDecision:
        """Count the call against every rule it matches, or refuse it if any budget is spent."""
        if not self.enabled:
            return RateDecision(allowed=True)
        now = self.clock.monotonic()
        matched: list[tuple[RateLimitRule, deque[float]]] = []
        for rule in self.rules:
            if not rule.matches(request):
                continue
            window = self._windows.setdefault((rule.name, rule.key(request)), deque())
            while window and window[0] <= now - rule.window:
                window.popleft()
            matched.append((rule, window))
        if not matched:
            return RateDecision(allowed=True)

        refused = [(rule, w) for rule, w in matched if len(w) >= rule.limit]
        if refused:
            rule, window = max(refused, key=lambda rw: rw[1][0] + rw[0].window)
            wait = window[0] + rule.window - now
            return RateDecision(
                allowed=False,
                rule=rule,
                consumed=len(window),
                remaining=0,
                reset_at=self.clock.time() + wait,
                retry_after=max(1, math.ceil(wait)),
            )

        for _, window in matched:
            window.append(now)
        # Report the tightest budget: the one with the fewest calls left.
        rule, window = min(matched, key=lambda rw: rw[0].limit - len(rw[1]))
        reset_in = window[0] + rule.window - now
        return RateDecision(
            allowed=True,
            rule=rule,
            consumed=len(window),
            remaining=rule.limit - len(window),
            reset_at=self.clock.time() + reset_in,
        )

    def usage(self) -> list[dict[str, object]]:
        now = self.clock.monotonic()
        rows = []
        for rule in self.rules:
            keys = {
                key: sum(1 for t in window if t > now - rule.window)
                for (name, key), window in self._windows.items()
                if name == rule.name
            }
            rows.append(
                {
                    "name": rule.name,
                    "limit": rule.limit,
                    "window_seconds": rule.window,
                    "source": rule.source,
                    "used": keys,
                }
            )
        return rows
