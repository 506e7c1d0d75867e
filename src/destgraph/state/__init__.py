"""State the gateway shares across requests, behind small ports.

``ports`` declares what the gateway asks of shared state (idempotency records, named locks, rate
budgets, circuit breakers, a key-value cache); ``memory`` implements it for one process, the
default. Values crossing a port are plain data (strings, numbers, JSON-like dicts, frozen
dataclasses of those), never futures or locks, so an implementation in another process (Redis) can
satisfy the same ports.
"""

from destgraph.state.memory import (
    InMemoryBreakers,
    InMemoryBudgets,
    InMemoryCache,
    InMemoryIdempotency,
    InMemoryLocks,
    InMemoryPersistedQueries,
    StatePorts,
)
from destgraph.state.ports import (
    BreakerAdmission,
    BreakerPolicy,
    BreakerPort,
    BreakerView,
    BudgetExhausted,
    BudgetPort,
    CachePort,
    IdempotencyPort,
    IdempotencyRecord,
    LockPort,
    LockTimeout,
    PersistedQueryPort,
    RateBudget,
    RecordStatus,
)

__all__ = [
    "BreakerAdmission",
    "BreakerPolicy",
    "BreakerPort",
    "BreakerView",
    "BudgetExhausted",
    "BudgetPort",
    "CachePort",
    "IdempotencyPort",
    "IdempotencyRecord",
    "InMemoryBreakers",
    "InMemoryBudgets",
    "InMemoryCache",
    "InMemoryIdempotency",
    "InMemoryLocks",
    "InMemoryPersistedQueries",
    "LockPort",
    "LockTimeout",
    "PersistedQueryPort",
    "RateBudget",
    "RecordStatus",
    "StatePorts",
]
