"""Metrics read when /metrics is scraped: each workspace's vendor budgets, from the budget port.

The upstream client names the windows of its vendor budgets (``_windows``); the budget port knows
how long until one more call fits (``wait``), which any port answers. How many calls are left is
known exactly for the in-process port (its sliding windows); a shared port (Redis) does not say,
and ``destgraph_budget_remaining`` is then left out for it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from destgraph.state import BudgetPort, InMemoryBudgets, RateBudget

if TYPE_CHECKING:
    from destgraph.services.gateway import Gateway

logger = logging.getLogger("destgraph.metrics")


def budget_label(budget: RateBudget) -> str:
    """``60/60s``: calls per window, the budget's label."""
    return f"{budget.calls}/{budget.seconds:g}s"


async def observe_budgets(gateway: Gateway) -> None:
    """Set the budget gauges of every workspace from the budget port, as they stand now."""
    port = gateway.state.budgets
    for key, client in gateway.clients.items():
        # The client's own names for its shared windows (no caller: not a key's share of them).
        for name, budget, _own in client._windows(None):
            try:
                wait = await port.wait(name, budget)
            except Exception as exc:  # a shared store that does not answer leaves the gauges as they were
                logger.debug("budget %s not read: %s", name, type(exc).__name__)
                continue
            gateway.accounting.budget(
                workspace=key,
                budget=budget_label(budget),
                limit=budget.calls,
                wait=max(0.0, wait),
                remaining=remaining_calls(port, name, budget),
            )


def remaining_calls(port: BudgetPort, name: str, budget: RateBudget) -> int | None:
    """Calls that fit the window now, for the in-process port; None for a port that cannot tell."""
    if not isinstance(port, InMemoryBudgets):
        return None
    window = port._window(name, budget)
    low, high = 0, budget.calls
    while low < high:  # the most calls that fit at once: wait_needed(n) is 0 exactly while n fit
        middle = (low + high + 1) // 2
        if window.wait_needed(middle) <= 0:
            low = middle
        else:
            high = middle - 1
    return low
