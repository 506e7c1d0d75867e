"""State the gateway shares across requests, behind small ports.

``ports`` declares what the gateway asks of shared state (idempotency records, named locks, rate
budgets, circuit breakers, a key-value cache, persisted queries); ``memory`` implements it for one
process, the default; ``redis`` on a Redis that replicas share, chosen by ``REDIS_URL``
(``select.from_environment``, which alone imports it). Values crossing a port are plain data
(strings, numbers, JSON: the cache holds JSON, see ``domain.codec``), never futures, locks or
pickles, so an implementation in another process satisfies the same ports.
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
