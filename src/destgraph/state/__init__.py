"""State the gateway shares across requests, behind small ports.

``ports`` declares what the gateway asks of shared state (idempotency records, named locks, rate
budgets, a key-value cache); ``memory`` implements it for one process, the default. Values crossing
a port are plain data (strings, numbers, JSON-like dicts, frozen dataclasses of those), never
futures or locks, so an implementation in another process (Redis) can satisfy the same ports.
"""

from destgraph.state.memory import InMemoryBudgets, InMemoryCache, InMemoryIdempotency, InMemoryLocks, StatePorts
from destgraph.state.ports import (
    BudgetExhausted,
    BudgetPort,
    CachePort,
    IdempotencyPort,
    IdempotencyRecord,
    LockPort,
    LockTimeout,
    RateBudget,
)

__all__ = [
    "BudgetExhausted",
    "BudgetPort",
    "CachePort",
    "IdempotencyPort",
    "IdempotencyRecord",
    "InMemoryBudgets",
    "InMemoryCache",
    "InMemoryIdempotency",
    "InMemoryLocks",
    "LockPort",
    "LockTimeout",
    "RateBudget",
    "StatePorts",
]
