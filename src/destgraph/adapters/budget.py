"""Client-side rate budgets that match how vendors count: N calls in any sliding window.

A token bucket (aiolimiter's leaky bucket) admits a full bucket plus its refill within one window,
up to twice the vendor's limit, and the vendor then answers 429. A sliding log admits exactly what
the vendor admits, and says how long the next call must wait.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RateBudget:
    """``calls`` per ``seconds``, as the vendor documents it for one workspace."""

    calls: int
    seconds: float


class BudgetExhausted(Exception):
    """The call would have to wait longer than the caller allows."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"rate budget spent for {wait:.1f} s")
        self.wait = wait


@dataclass
class SlidingWindow:
    budget: RateBudget
    clock: Callable[[], float] = time.monotonic
    _sent: deque[float] = field(default_factory=deque)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def wait_needed(self, count: int = 1) -> float:
        """Seconds until ``count`` more calls fit in the window (inf when they never can)."""
        if count > self.budget.calls:
            return float("inf")
        now = self.clock()
        while self._sent and self._sent[0] <= now - self.budget.seconds:
            self._sent.popleft()
        room = self.budget.calls - len(self._sent)
        if room >= count:
            return 0.0
        # The (count - room)-th oldest call must leave the window first.
        return self._sent[count - room - 1] + self.budget.seconds - now

    async def acquire(self, patience: float, count: int = 1) -> None:
        """Take ``count`` calls from the budget at once, waiting up to ``patience`` seconds for room.

        Taking them together is what keeps a multi-step write from being half applied: either every
        step has its turn now (or within the patience), or none is taken.
        """
        async with self._lock:  # first come, first served
            wait = self.wait_needed(count)
            if wait > patience:
                raise BudgetExhausted(wait)
            if wait > 0:
                await asyncio.sleep(wait)
                self.wait_needed(count)
            now = self.clock()
            self._sent.extend([now] * count)
