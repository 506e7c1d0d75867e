"""The state ports on Redis behave as the in-process ones: the same tests run over both.

Each shared test gets ``store``, parametrized over the in-process ports and the Redis ports on the
real Redis of REDIS_URL (tests/replicas/redis_server.py: never mocked; each test under a prefix of
its own, its keys deleted afterwards; without Redis the Redis half fails under CI and is skipped
elsewhere). Budgets and breakers run on a fake clock in both (the Redis scripts take the clock's
readings); TTLs are Redis's own, so the tests of expiry wait a little real time in both.
Tests of what only a shared store has (two clients as two replicas, TTL'd locks, refusing values
that are not plain JSON, choosing the ports from the environment) run on Redis alone.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import redis.asyncio as aioredis

from destgraph.adapters.read_cache import ReadCache
from destgraph.config import Settings, WorkspaceConfig, settings_from_dict
from destgraph.domain.codec import CodecError, from_json, to_json
from destgraph.domain.models import (
    ActionDefinition,
    CircuitState,
    DestinationType,
    HealthStatus,
    Provider,
    SettingDefinition,
    SettingType,
    TypeStatus,
    WorkspaceHealth,
)
from destgraph.errors import ConfigError
from destgraph.services.caches import CatalogCache, HealthCache
from destgraph.services.gateway import Gateway
from destgraph.services.idempotency import Idempotency, Outcome
from destgraph.state import (
    BudgetExhausted,
    InMemoryBreakers,
    InMemoryBudgets,
    InMemoryCache,
    InMemoryIdempotency,
    InMemoryLocks,
    InMemoryPersistedQueries,
    LockTimeout,
    RateBudget,
    StatePorts,
)
from destgraph.state.memory import IN_FLIGHT_LIMIT_SECONDS
from destgraph.state.ports import BreakerPolicy
from destgraph.state.redis import (
    RedisBreakers,
    RedisBudgets,
    RedisCache,
    RedisIdempotency,
    RedisLocks,
    RedisPersistedQueries,
    redis_ports,
)
from tests.replicas.redis_server import delete_prefix, require_redis, unique_prefix

POLICY = BreakerPolicy(failures=3, reset_seconds=30)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Store:
    """One implementation of the ports as a test sees it."""

    kind: str
    clock: FakeClock
    #: the ports on the fake clock
    ports: StatePorts
    #: the ports on the real clock (Redis: the server's), for tests of expiry
    real: StatePorts
    client: aioredis.Redis | None = None
    prefix: str = ""
    others: list[aioredis.Redis] = field(default_factory=list)

    async def replica(self) -> StatePorts:
        """Redis only: the same ports over a client of their own, as another replica has."""
        assert self.client is not None
        other = await _client()
        self.others.append(other)
        return redis_ports(other, prefix=self.prefix, clock=self.clock)


async def _client() -> aioredis.Redis:
    return aioredis.Redis.from_url(require_redis(), decode_responses=True)


@pytest.fixture
async def redis_store() -> AsyncIterator[Store]:
    client = await _client()
    prefix = unique_prefix("unit")
    clock = FakeClock()
    built = Store(
        "redis",
        clock,
        ports=redis_ports(client, prefix=prefix, clock=clock),
        real=redis_ports(client, prefix=prefix),
        client=client,
        prefix=prefix,
    )
    try:
        yield built
    finally:
        await delete_prefix(client, prefix)
        for other in built.others:
            await other.aclose()
        await client.aclose()


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> Store:
    if request.param == "redis":
        # Requested by name, so the memory half never needs Redis; it has its own teardown.
        redis_half: Store = request.getfixturevalue("redis_store")
        return redis_half
    clock = FakeClock()
    return Store("memory", clock, ports=StatePorts.in_memory(clock=clock), real=StatePorts.in_memory())


async def eventually(check: Callable[[], Awaitable[bool]], *, within: float = 2.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.01)
    return await check()


# -- idempotency ------------------------------------------------------------------------------------


async def test_idempotency_claim_complete_wait_and_release(store: Store) -> None:
    records = store.real.idempotency
    assert await records.claim("s", "k", "f1", ttl_seconds=60) is None
    running = await records.claim("s", "k", "f1", ttl_seconds=60)
    assert running is not None and (running.fingerprint, running.status, running.result) == ("f1", "running", None)
    waiter = asyncio.ensure_future(records.wait("s", "k", patience=5))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    started = time.monotonic()
    await records.complete("s", "k", {"id": "d1", "changes": [], "problems": {}}, ttl_seconds=60)
    done = await waiter
    assert time.monotonic() - started < 1
    # Empty lists and objects come back as they went (no Lua JSON round trip turns [] into {}).
    assert done is not None and (done.status, done.result) == ("done", {"id": "d1", "changes": [], "problems": {}})
    repeat = await records.claim("s", "k", "f1", ttl_seconds=60)
    assert repeat is not None and repeat.status == "done"
    await records.release("s", "k")
    assert await records.wait("s", "k", patience=0) is None
    assert await records.claim("s", "k", "f2", ttl_seconds=60) is None


async def test_idempotency_records_expire(store: Store) -> None:
    records = store.real.idempotency
    assert await records.claim("s", "k", "f1", ttl_seconds=0.2) is None
    assert await records.claim("s", "k", "f1", ttl_seconds=0.2) is not None
    await asyncio.sleep(0.3)
    assert await records.claim("s", "k", "f3", ttl_seconds=60) is None  # expired: claimable again


async def test_idempotency_wait_answers_running_after_its_patience_and_none_after_a_release(store: Store) -> None:
    records = store.real.idempotency
    await records.claim("s", "k", "f", ttl_seconds=60)
    started = time.monotonic()
    still = await records.wait("s", "k", patience=0.15)
    assert still is not None and still.status == "running"
    assert 0.1 <= time.monotonic() - started < 1
    waiter = asyncio.ensure_future(records.wait("s", "k", patience=5))
    await asyncio.sleep(0.05)
    await records.release("s", "k")
    assert await waiter is None


async def test_idempotency_one_of_many_concurrent_claims_owns_the_key(store: Store) -> None:
    records = store.real.idempotency
    claims = await asyncio.gather(*(records.claim("s", "k", "f", ttl_seconds=60) for _ in range(20)))
    assert sum(1 for c in claims if c is None) == 1


async def test_idempotency_take_over_is_for_one_caller_and_only_of_an_unknown_record(store: Store) -> None:
    records = store.real.idempotency
    assert not await records.take_over("s", "k")  # nothing there
    await records.claim("s", "k", "f", ttl_seconds=60)
    assert not await records.take_over("s", "k")  # running
    await records.complete("s", "k", {"startedAt": 1.5}, ttl_seconds=60, status="unknown")
    taken = await asyncio.gather(*(records.take_over("s", "k") for _ in range(10)))
    assert taken.count(True) == 1
    record = await records.claim("s", "k", "f", ttl_seconds=60)
    assert record is not None and (record.status, record.result) == ("running", {"startedAt": 1.5})
    await records.complete("s", "k", {"done": True}, ttl_seconds=60)
    assert not await records.take_over("s", "k")


async def test_idempotency_complete_of_a_forgotten_key_stores_nothing(store: Store) -> None:
    records = store.real.idempotency
    await records.complete("s", "gone", {"x": 1}, ttl_seconds=60)
    assert await records.claim("s", "gone", "f", ttl_seconds=60) is None


async def test_concurrent_repeats_of_an_unknown_outcome_write_at_most_once(store: Store) -> None:
    """The idempotency service over the port: five repeats of an unknown create, one write."""
    refs = {"workspace": "ws", "destination": "d1"}
    writes = 0
    holds: dict[str, str] | None = None

    async def write_unknown() -> Outcome:
        nonlocal writes
        writes += 1
        return Outcome(refs=None, unknown=True, started_at=time.time())

    async def write_ok() -> Outcome:
        nonlocal writes, holds
        await asyncio.sleep(0.01)
        writes += 1
        holds = refs
        return Outcome(refs=refs, started_at=time.time())

    async def reconcile(prior: Outcome) -> Outcome | None:
        return Outcome(refs=holds, started_at=prior.started_at) if holds else None

    idempotency = Idempotency(store.real.idempotency, scope="s", ttl_seconds=60, settle_seconds=0)
    await idempotency.run("k", "m", write_unknown, reconcile)
    results = await asyncio.gather(*(idempotency.run("k", "m", write_ok, reconcile) for _ in range(5)))
    assert writes == 2
    assert all(outcome is not None and outcome.refs == refs for outcome, _ in results)


# -- locks ------------------------------------------------------------------------------------------


async def test_a_lock_excludes_every_other_holder(store: Store) -> None:
    locks = store.ports.locks
    events: list[tuple[str, int]] = []

    async def hold(tag: int) -> None:
        async with locks.hold("d1", patience=5):
            events.append(("in", tag))
            await asyncio.sleep(0.01)
            events.append(("out", tag))

    await asyncio.gather(*(hold(i) for i in range(6)))
    assert len(events) == 12
    for index in range(0, 12, 2):  # every entry is followed by its own exit
        assert events[index][0] == "in" and events[index + 1] == ("out", events[index][1])


async def test_a_lock_times_out_and_other_names_are_other_locks(store: Store) -> None:
    locks = store.ports.locks
    async with locks.hold("d1", patience=1):
        started = time.monotonic()
        with pytest.raises(LockTimeout):
            async with locks.hold("d1", patience=0.05):
                pass
        assert time.monotonic() - started < 1
        async with locks.hold("d2", patience=0.01):
            pass
    async with locks.hold("d1", patience=0):  # free again at once
        pass


async def test_a_lock_is_freed_when_its_block_raises_or_is_cancelled(store: Store) -> None:
    locks = store.ports.locks
    with pytest.raises(RuntimeError):
        async with locks.hold("d1", patience=1):
            raise RuntimeError("the write failed")
    async with locks.hold("d1", patience=0):
        pass

    entered = asyncio.Event()

    async def holder() -> None:
        async with locks.hold("d1", patience=1):
            entered.set()
            await asyncio.sleep(30)

    task = asyncio.ensure_future(holder())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with locks.hold("d1", patience=1):
        pass


async def test_redis_lock_is_released_only_by_its_holder(redis_store: Store) -> None:
    assert redis_store.client is not None
    locks = redis_store.ports.locks
    assert isinstance(locks, RedisLocks)
    key = locks.key("d1")
    async with locks.hold("d1", patience=1):
        # Its TTL ran out (say) and another replica took it: the first holder must not free it.
        await redis_store.client.set(key, "another-holder", px=10_000)
    assert await redis_store.client.get(key) == "another-holder"
    with pytest.raises(LockTimeout):
        async with locks.hold("d1", patience=0.05):
            pass


async def test_redis_lock_of_a_vanished_holder_expires(redis_store: Store) -> None:
    assert redis_store.client is not None
    locks = redis_store.ports.locks
    assert isinstance(locks, RedisLocks)
    # A holder whose process died: its token stays until the TTL.
    await redis_store.client.set(locks.key("d1"), "dead-holder", px=300)
    started = time.monotonic()
    async with locks.hold("d1", patience=3):
        waited = time.monotonic() - started
    assert 0.2 <= waited < 2


async def test_redis_lock_is_renewed_while_held(redis_store: Store) -> None:
    assert redis_store.client is not None
    short = RedisLocks(redis_store.client, prefix=redis_store.prefix, ttl_seconds=0.3)
    other = await redis_store.replica()
    async with short.hold("d1", patience=1):
        for _ in range(4):  # 1.2 s: four TTLs
            await asyncio.sleep(0.3)
            with pytest.raises(LockTimeout):
                async with other.locks.hold("d1", patience=0):
                    pass
    async with other.locks.hold("d1", patience=0):
        pass


async def test_redis_locks_exclude_across_replicas(redis_store: Store) -> None:
    replicas = [redis_store.ports, await redis_store.replica()]
    inside = 0
    most = 0

    async def hold(ports: StatePorts) -> None:
        nonlocal inside, most
        async with ports.locks.hold("d1", patience=10):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(hold(replicas[i % 2]) for i in range(10)))
    assert most == 1


# -- budgets ----------------------------------------------------------------------------------------


async def test_a_budget_admits_exactly_its_calls_in_any_window(store: Store) -> None:
    budgets, clock = store.ports.budgets, store.clock
    limit = RateBudget(calls=3, seconds=1)
    for _ in range(3):
        await budgets.acquire("w", limit, patience=0)
        await budgets.release("w", limit)
    with pytest.raises(BudgetExhausted) as refused:
        await budgets.acquire("w", limit, patience=0.5)
    assert refused.value.wait == pytest.approx(1.0)
    clock.now = 1000.999
    assert await budgets.wait("w", limit) == pytest.approx(0.001, abs=1e-4)
    clock.now = 1001.0  # exactly a window after they finished
    assert await budgets.wait("w", limit) == 0
    await budgets.acquire("w", limit, patience=0)


async def test_a_multi_step_write_takes_all_its_turns_or_none(store: Store) -> None:
    budgets = store.ports.budgets
    limit = RateBudget(calls=5, seconds=60)
    await budgets.acquire("w", limit, patience=0, count=3)
    await budgets.release("w", limit, count=3)
    with pytest.raises(BudgetExhausted):
        await budgets.acquire("w", limit, patience=0, count=3)  # only two turns left: take none
    await budgets.acquire("w", limit, patience=0, count=2)
    await budgets.release("w", limit, count=2)
    with pytest.raises(BudgetExhausted) as refused:
        await budgets.acquire("w", limit, patience=0)
    assert refused.value.wait == pytest.approx(60)
    with pytest.raises(BudgetExhausted) as never:
        await budgets.acquire("w", limit, patience=1000, count=6)  # more than the budget can ever hold
    assert never.value.wait == float("inf")


async def test_a_call_leaves_the_window_a_full_window_after_it_finished(store: Store) -> None:
    budgets, clock = store.ports.budgets, store.clock
    limit = RateBudget(calls=2, seconds=1)
    await budgets.acquire("w", limit, patience=0, count=2)
    clock.now += 0.3  # the two calls take 0.3 s
    await budgets.release("w", limit, count=2)
    clock.now += 0.8  # one second after they began, 0.8 s after they finished
    assert await budgets.wait("w", limit) == pytest.approx(0.2)
    clock.now += 0.2
    assert await budgets.wait("w", limit) == 0


async def test_calls_in_flight_hold_the_window_until_they_finish_or_the_in_flight_limit(store: Store) -> None:
    budgets, clock = store.ports.budgets, store.clock
    limit = RateBudget(calls=1, seconds=1)
    await budgets.acquire("w", limit, patience=0)
    clock.now += 5  # still in flight: it may arrive at the vendor any moment
    with pytest.raises(BudgetExhausted):
        await budgets.acquire("w", limit, patience=0)
    await budgets.release("w", limit)
    clock.now += 1
    await budgets.acquire("w", limit, patience=0)
    # Never released (its caller raised in between): taken as finished IN_FLIGHT_LIMIT_SECONDS after it began.
    clock.now += IN_FLIGHT_LIMIT_SECONDS
    assert await budgets.wait("w", limit) == pytest.approx(1.0)
    clock.now += 1
    assert await budgets.wait("w", limit) == 0


async def test_budgets_are_shared_by_name_and_separate_across_names(store: Store) -> None:
    budgets = store.ports.budgets
    limit = RateBudget(calls=2, seconds=60)
    await budgets.acquire("zeotap:ws:1", limit, patience=0, count=2)
    await budgets.release("zeotap:ws:1", limit, count=2)
    with pytest.raises(BudgetExhausted):
        await budgets.acquire("zeotap:ws:1", limit, patience=0)
    await budgets.acquire("zeotap:other:1", limit, patience=0)


async def test_wait_takes_nothing_and_spend_counts_calls_made_room_or_not(store: Store) -> None:
    budgets, clock = store.ports.budgets, store.clock
    limit = RateBudget(calls=3, seconds=60)
    for _ in range(5):
        assert await budgets.wait("k", limit) == 0
    await budgets.spend("k", limit, count=2)
    assert await budgets.wait("k", limit) == 0
    clock.now += 10
    await budgets.spend("k", limit, count=4)  # past the budget: counted all the same
    # Four must leave before one more fits: the two spent first, then two of the later four.
    assert await budgets.wait("k", limit) == pytest.approx(60)
    clock.now += 50
    assert await budgets.wait("k", limit) == pytest.approx(10)
    clock.now += 10
    assert await budgets.wait("k", limit) == 0


async def test_concurrent_acquisitions_never_share_the_last_turn(store: Store) -> None:
    budgets = store.ports.budgets
    limit = RateBudget(calls=5, seconds=60)
    results = await asyncio.gather(
        *(budgets.acquire("w", limit, patience=0) for _ in range(20)), return_exceptions=True
    )
    assert sum(1 for r in results if r is None) == 5
    assert all(isinstance(r, BudgetExhausted) for r in results if r is not None)


async def test_a_waiter_gets_the_turn_once_it_is_free(store: Store) -> None:
    budgets = store.real.budgets  # real time: the waiter sleeps until the turn is free
    limit = RateBudget(calls=1, seconds=0.3)
    await budgets.acquire("w", limit, patience=0)
    await budgets.release("w", limit)
    started = time.monotonic()
    await budgets.acquire("w", limit, patience=2)
    assert 0.2 <= time.monotonic() - started < 1.5


async def test_redis_budgets_are_shared_by_replicas(redis_store: Store) -> None:
    one, two = redis_store.ports.budgets, (await redis_store.replica()).budgets
    limit = RateBudget(calls=4, seconds=60)
    results = await asyncio.gather(
        *(budget.acquire("vendor", limit, patience=0) for budget in [one, two] * 6), return_exceptions=True
    )
    assert sum(1 for r in results if r is None) == 4
    await two.release("vendor", limit, count=4)
    with pytest.raises(BudgetExhausted) as refused:
        await one.acquire("vendor", limit, patience=0)
    assert refused.value.wait == pytest.approx(60)


# -- breakers ---------------------------------------------------------------------------------------


async def test_consecutive_failures_open_the_circuit_and_a_success_resets_the_count(store: Store) -> None:
    breakers = store.ports.breakers
    for outcome in ("failure", "failure", "success", "failure", "failure"):
        assert (await breakers.admit("c", POLICY)).allowed
        await breakers.settle("c", POLICY, outcome, probe=False)  # type: ignore[arg-type]
    assert (await breakers.view("c", POLICY)).state == "closed"
    assert (await breakers.admit("c", POLICY)).allowed
    view = await breakers.settle("c", POLICY, "failure", probe=False)
    assert (view.state, view.failures, view.probe_in) == ("open", 3, 30)


async def test_neutral_outcomes_count_for_nothing(store: Store) -> None:
    breakers = store.ports.breakers
    await breakers.settle("c", POLICY, "failure", probe=False)
    await breakers.settle("c", POLICY, "failure", probe=False)
    for _ in range(10):
        await breakers.settle("c", POLICY, "neutral", probe=False)
    view = await breakers.view("c", POLICY)
    assert (view.state, view.failures) == ("closed", 2)


async def test_an_open_circuit_refuses_until_the_reset_then_lets_exactly_one_probe_through(store: Store) -> None:
    breakers, clock = store.ports.breakers, store.clock
    for _ in range(3):
        await breakers.settle("c", POLICY, "failure", probe=False)
    clock.now += 10
    refused = await breakers.admit("c", POLICY)
    assert not refused.allowed and refused.view.probe_in == pytest.approx(20)
    clock.now += 20
    admissions = await asyncio.gather(*(breakers.admit("c", POLICY) for _ in range(20)))
    assert [a.probe for a in admissions if a.allowed] == [True]
    assert (await breakers.view("c", POLICY)).state == "half_open"
    closed = await breakers.settle("c", POLICY, "success", probe=True)
    assert (closed.state, closed.failures) == ("closed", 0)
    assert (await breakers.admit("c", POLICY)).allowed


async def test_a_failed_probe_opens_the_circuit_for_another_period(store: Store) -> None:
    breakers, clock = store.ports.breakers, store.clock
    for _ in range(3):
        await breakers.settle("c", POLICY, "failure", probe=False)
    clock.now += 30
    assert (await breakers.admit("c", POLICY)).probe
    reopened = await breakers.settle("c", POLICY, "failure", probe=True)
    assert (reopened.state, reopened.probe_in) == ("open", 30)
    clock.now += 29
    assert not (await breakers.admit("c", POLICY)).allowed


async def test_a_probe_that_learns_nothing_or_never_settles_gives_its_turn_up(store: Store) -> None:
    breakers, clock = store.ports.breakers, store.clock
    for _ in range(3):
        await breakers.settle("c", POLICY, "failure", probe=False)
    clock.now += 30
    assert (await breakers.admit("c", POLICY)).probe
    await breakers.settle("c", POLICY, "neutral", probe=True)  # cancelled, say
    assert (await breakers.admit("c", POLICY)).probe  # the next caller probes at once
    assert not (await breakers.admit("c", POLICY)).allowed
    clock.now += 30  # that probe's caller vanished without settling
    assert (await breakers.admit("c", POLICY)).probe


async def test_a_view_changes_nothing(store: Store) -> None:
    breakers = store.ports.breakers
    view = await breakers.view("never-seen", POLICY)
    assert (view.state, view.failures, view.probe_in) == ("closed", 0, 0)
    if store.client is not None:
        assert await store.client.exists(f"{store.prefix}breaker:never-seen") == 0


async def test_redis_breakers_open_probe_and_close_for_every_replica(redis_store: Store) -> None:
    one, two = redis_store.ports.breakers, (await redis_store.replica()).breakers
    await one.settle("c", POLICY, "failure", probe=False)
    await two.settle("c", POLICY, "failure", probe=False)
    opened = await one.settle("c", POLICY, "failure", probe=False)
    assert opened.state == "open"
    assert not (await two.admit("c", POLICY)).allowed
    redis_store.clock.now += 30
    admissions = await asyncio.gather(*(b.admit("c", POLICY) for b in [one, two] * 10))
    assert sum(1 for a in admissions if a.allowed) == 1 and sum(1 for a in admissions if a.probe) == 1
    await one.settle("c", POLICY, "success", probe=True)
    assert (await two.view("c", POLICY)).state == "closed"


# -- cache and documents ----------------------------------------------------------------------------


async def test_cache_entries_expire_and_can_be_deleted(store: Store) -> None:
    cache = store.real.cache
    await cache.set("a", {"x": [1, {"y": None}], "empty": [], "nothing": {}}, ttl_seconds=0.2)
    await cache.set("b", "text", ttl_seconds=60)
    assert await cache.get("a") == {"x": [1, {"y": None}], "empty": [], "nothing": {}}
    assert await cache.get("b") == "text"
    await cache.delete("b")
    assert await cache.get("b") is None
    await asyncio.sleep(0.3)
    assert await cache.get("a") is None
    await cache.set("c", 1, ttl_seconds=0)  # expired at once
    assert await cache.get("c") is None
    await cache.delete("never-there")


@pytest.mark.parametrize(
    "value",
    [object(), {1, 2}, b"bytes", {"when": datetime(2024, 1, 1, tzinfo=UTC)}, {1: "int key"}, [Provider.OURS]],
    ids=["object", "set", "bytes", "datetime", "int-key", "enum"],
)
async def test_redis_cache_refuses_what_is_not_plain_json(redis_store: Store, value: Any) -> None:
    cache = redis_store.ports.cache
    with pytest.raises(TypeError):
        await cache.set("k", value, ttl_seconds=60)
    assert await cache.get("k") is None


async def test_redis_cache_takes_a_value_that_is_not_json_as_missing(redis_store: Store) -> None:
    assert redis_store.client is not None
    await redis_store.client.set(f"{redis_store.prefix}cache:k", "<html>not json", px=60_000)
    assert await redis_store.ports.cache.get("k") is None


async def test_redis_idempotency_refuses_results_that_are_not_plain_json(redis_store: Store) -> None:
    records = redis_store.ports.idempotency
    await records.claim("s", "k", "f", ttl_seconds=60)
    with pytest.raises(TypeError):
        await records.complete("s", "k", {"outcome": Outcome(refs=None)}, ttl_seconds=60)
    record = await records.claim("s", "k", "f", ttl_seconds=60)
    assert record is not None and record.status == "running"


async def test_redis_keys_live_under_the_prefix_and_values_are_json_text(redis_store: Store) -> None:
    assert redis_store.client is not None
    await redis_store.ports.cache.set("a", {"x": 1}, ttl_seconds=60)
    await redis_store.ports.idempotency.claim("s", "k", "f", ttl_seconds=60)
    await redis_store.ports.budgets.spend("b", RateBudget(calls=1, seconds=1), count=1)
    await redis_store.ports.breakers.settle("c", POLICY, "failure", probe=False)
    await redis_store.ports.documents.put("abc", "{ a }")
    keys = [key async for key in redis_store.client.scan_iter(match=f"{redis_store.prefix}*")]
    assert len(keys) == 5
    assert json.loads(await redis_store.client.get(f"{redis_store.prefix}cache:a")) == {"x": 1}
    for key in keys:  # every key expires, but the documents
        ttl = await redis_store.client.pttl(key)
        assert (ttl == -1) if key.endswith("document:abc") else (ttl > 0), key


async def test_persisted_queries_are_kept_by_hash(store: Store) -> None:
    documents = store.ports.documents
    assert await documents.get("abc") is None
    await documents.put("abc", "{ destinations { nodes { id } } }")
    assert await documents.get("abc") == "{ destinations { nodes { id } } }"
    if store.kind == "redis":
        assert await (await store.replica()).documents.get("abc") == "{ destinations { nodes { id } } }"
        with pytest.raises(TypeError):
            await documents.put("def", {"query": "{ a }"})  # type: ignore[arg-type]


# -- what goes through the cache port: plain JSON -----------------------------------------------------

KLAVIYO = DestinationType(
    provider=Provider.OURS,
    key="Klaviyo",
    label="Klaviyo",
    status=TypeStatus.BETA,
    description="Email",
    categories=("Email", "Marketing"),
    creatable=False,
    settings=(
        SettingDefinition(
            key="projectAPIKey",
            label="Project API key",
            type=SettingType.SECRET,
            required=True,
            secret=True,
            default_value={"nested": [1, "two"]},
            description="the key",
            choices=("a", "b"),
            read_only=True,
        ),
        SettingDefinition(key="region", label="Region", type=SettingType.SELECT),
    ),
    actions=(
        ActionDefinition(
            key="track",
            name="Track",
            description="send",
            fields=(SettingDefinition(key="event", label="Event", type=SettingType.STRING, default_value=3),),
            slug="track-event",
        ),
    ),
    native_id="meta-1",
)
HEALTH = WorkspaceHealth(
    status=HealthStatus.DEGRADED,
    checked_at=datetime(2025, 3, 4, 5, 6, 7, 890000, tzinfo=UTC),
    latency_ms=12.5,
    message="slow",
    circuit=CircuitState.HALF_OPEN,
)


def test_the_codec_round_trips_types_and_health_through_json_text() -> None:
    for value in (KLAVIYO, HEALTH, DestinationType(provider=Provider.NIMRIZ, key="k", label="K")):
        text = json.dumps(to_json(value))
        assert from_json(type(value), json.loads(text)) == value
    encoded = to_json(HEALTH)
    assert encoded["status"] == "DEGRADED" and encoded["checked_at"] == "2025-03-04T05:06:07.890000+00:00"
    assert to_json(KLAVIYO)["categories"] == ["Email", "Marketing"]


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"key": "k", "label": "K"},  # no provider
        {"provider": "nobody", "key": "k", "label": "K"},
        {"provider": "ours", "key": 1, "label": "K"},
        {"provider": "ours", "key": "k", "label": "K", "settings": [{"key": "a"}]},
        {"provider": "ours", "key": "k", "label": "K", "categories": "Email"},
    ],
)
def test_the_codec_refuses_what_does_not_fit(data: Any) -> None:
    with pytest.raises(CodecError):
        from_json(DestinationType, data)


def test_the_codec_has_no_json_for_other_objects() -> None:
    with pytest.raises(TypeError):
        to_json({"a": {1, 2}})
    with pytest.raises(TypeError):
        to_json({1: "a"})


async def test_catalog_and_health_caches_store_json_and_rebuild_their_objects(store: Store) -> None:
    catalogs = CatalogCache(store.real.cache, ttl_seconds=0.3)
    calls = 0

    async def fetch() -> list[DestinationType]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return [KLAVIYO]

    results = await asyncio.gather(*(catalogs.all_types("ws", fetch) for _ in range(10)))
    assert calls == 1 and all(r == {"Klaviyo": KLAVIYO} for r in results)
    # Another replica (a cache of its own over the same store) decodes the stored listing.
    elsewhere = CatalogCache(store.real.cache, ttl_seconds=0.3)
    assert await elsewhere.get("ws", "Klaviyo", fetch) == KLAVIYO and calls == 1
    await asyncio.sleep(0.35)
    await catalogs.all_types("ws", fetch)
    assert calls == 2

    await catalogs.prime("ws", [DestinationType(provider=Provider.SEGMENT, key="amplitude", label="Amplitude")])
    primed = await elsewhere.get("ws", "amplitude", fetch)
    assert primed is not None and primed.label == "Amplitude" and calls == 2

    health = HealthCache(store.real.cache, ttl_seconds=60)

    async def probe() -> WorkspaceHealth:
        return HEALTH

    assert await health.get("ws", probe) == HEALTH
    assert await HealthCache(store.real.cache, ttl_seconds=60).get("ws", probe) == HEALTH

    if store.client is not None:  # what Redis holds is JSON text
        raw = await store.client.get(f"{store.prefix}cache:health:ws")
        assert json.loads(raw)["status"] == "DEGRADED"


async def test_a_foreign_cache_entry_is_a_miss_not_an_error(store: Store) -> None:
    cache = store.real.cache
    await cache.set("catalog:ws:all", {"types": [{"provider": "nobody"}]}, ttl_seconds=60)
    await cache.set("catalog:ws:type:x", ["not", "a", "type"], ttl_seconds=60)
    await cache.set("health:ws", "garbage", ttl_seconds=60)

    async def fetch() -> list[DestinationType]:
        return [KLAVIYO]

    async def probe() -> WorkspaceHealth:
        return HEALTH

    assert await CatalogCache(cache, ttl_seconds=60).get("ws", "Klaviyo", fetch) == KLAVIYO
    assert await CatalogCache(cache, ttl_seconds=60).get("ws", "x", fetch) is None
    assert await HealthCache(cache, ttl_seconds=60).get("ws", probe) == HEALTH


def _workspace() -> WorkspaceConfig:
    return WorkspaceConfig.model_validate(
        {"key": "ours-main", "provider": "ours", "base_url": "http://ours", "token_env": "UNUSED"}
    )


async def test_the_read_cache_keeps_json_entries_and_a_write_reaches_every_replica(store: Store) -> None:
    fetched = 0

    async def fetch() -> Any:
        nonlocal fetched
        fetched += 1
        return {"entities": [{"id": fetched}], "empty": []}

    one, two = ReadCache(store.real.cache, _workspace()), ReadCache(store.real.cache, _workspace())
    assert await one.read("/rest/v1/destinations", "list_destinations", fetch) == {
        "entities": [{"id": 1}],
        "empty": [],
    }
    assert await two.read("/rest/v1/destinations", "list_destinations", fetch) == {
        "entities": [{"id": 1}],
        "empty": [],
    }
    assert fetched == 1
    await one.invalidate()
    assert (await two.read("/rest/v1/destinations", "list_destinations", fetch))["entities"] == [{"id": 2}]
    await two.invalidate()
    await one.invalidate()
    assert (await one.read("/rest/v1/destinations", "list_destinations", fetch))["entities"] == [{"id": 3}]
    if store.client is not None:
        keys = [k async for k in store.client.scan_iter(match=f"{store.prefix}cache:read:*")]
        entries = [json.loads(await store.client.get(k)) for k in keys]
        assert entries and all(set(e) == {"body", "storedAt"} for e in entries)


# -- choosing the ports -----------------------------------------------------------------------------


def test_without_redis_url_the_ports_are_in_process() -> None:
    ports = StatePorts.from_environment({})
    assert isinstance(ports.idempotency, InMemoryIdempotency)
    assert isinstance(ports.locks, InMemoryLocks)
    assert isinstance(ports.budgets, InMemoryBudgets)
    assert isinstance(ports.cache, InMemoryCache)
    assert isinstance(ports.breakers, InMemoryBreakers)
    assert isinstance(ports.documents, InMemoryPersistedQueries)
    assert isinstance(StatePorts.from_environment({"REDIS_URL": "  "}).cache, InMemoryCache)


async def test_redis_url_puts_every_port_on_redis_under_the_prefix() -> None:
    url = require_redis()
    prefix = unique_prefix("select")
    ports = StatePorts.from_environment({"REDIS_URL": url, "REDIS_PREFIX": prefix})
    try:
        assert isinstance(ports.idempotency, RedisIdempotency)
        assert isinstance(ports.locks, RedisLocks)
        assert isinstance(ports.budgets, RedisBudgets)
        assert isinstance(ports.cache, RedisCache)
        assert isinstance(ports.breakers, RedisBreakers)
        assert isinstance(ports.documents, RedisPersistedQueries)
        await ports.cache.set("x", [1], ttl_seconds=60)
        client = await _client()
        try:
            assert await client.get(f"{prefix}cache:x") == "[1]"
            await delete_prefix(client, prefix)
        finally:
            await client.aclose()
    finally:
        await ports.aclose()


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_redis_url_that_does_not_answer_is_a_config_error_without_its_password() -> None:
    url = f"redis://admin:hunter2-secret@127.0.0.1:{_dead_port()}/0"
    with pytest.raises(ConfigError) as refused:
        StatePorts.from_environment({"REDIS_URL": url})
    message = refused.value.message
    assert "hunter2-secret" not in message
    assert "REDIS_URL redis://admin:***@127.0.0.1:" in message and "does not answer" in message
    with pytest.raises(ConfigError) as malformed:
        StatePorts.from_environment({"REDIS_URL": "http://:hunter2-secret@127.0.0.1/0"})
    assert "hunter2-secret" not in malformed.value.message


async def test_the_gateway_takes_its_ports_from_the_environment_and_closes_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = require_redis()
    prefix = unique_prefix("gateway")
    monkeypatch.setenv("REDIS_URL", url)
    monkeypatch.setenv("REDIS_PREFIX", prefix)
    gateway = Gateway(_settings())
    assert isinstance(gateway.state.cache, RedisCache)
    await gateway.state.cache.set("x", 1, ttl_seconds=60)
    await gateway.aclose()
    assert gateway.state.closer is None  # closed, once
    client = await _client()
    try:
        assert await delete_prefix(client, prefix) == 1
    finally:
        await client.aclose()
    monkeypatch.delenv("REDIS_URL")
    in_process = Gateway(_settings())
    assert isinstance(in_process.state.cache, InMemoryCache)
    await in_process.aclose()


def _settings() -> Settings:
    workspace = {"key": "ours-main", "provider": "ours", "base_url": "http://ours", "token_env": "TOKEN"}
    return settings_from_dict({"workspaces": [workspace]}, {"TOKEN": "t"})


async def test_a_redis_that_stops_answering_is_a_coded_retryable_error() -> None:
    """Every port turns a Redis fault into StateUnavailable (STATE_UNAVAILABLE), never INTERNAL."""
    from destgraph.errors import StateUnavailable
    from destgraph.state.redis import RedisBudgets, RedisCache, RedisIdempotency, RedisLocks

    client = aioredis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        with pytest.raises(StateUnavailable):
            await RedisCache(client).get("k")
        with pytest.raises(StateUnavailable):
            await RedisIdempotency(client).claim("s", "k", "f", ttl_seconds=1)
        with pytest.raises(StateUnavailable):
            await RedisBudgets(client).acquire("b", RateBudget(calls=1, seconds=1), patience=0)
        with pytest.raises(StateUnavailable):
            async with RedisLocks(client).hold("n", patience=0.1):
                pass
    finally:
        await client.aclose()


async def test_more_concurrent_commands_than_connections_wait_for_one() -> None:
    """A busy replica's commands queue for a pooled connection instead of failing: redis-py's own
    pool refuses every command past its 100th connection (MaxConnectionsError)."""
    from destgraph.state.redis import POOL_CONNECTIONS, connect_state

    prefix = unique_prefix("pool")
    ports = connect_state(require_redis(), prefix=prefix)
    try:
        await ports.cache.set("shared", {"n": 1}, ttl_seconds=30)
        many = POOL_CONNECTIONS * 8
        found = await asyncio.gather(*(ports.cache.get("shared") for _ in range(many)))
        assert found == [{"n": 1}] * many
    finally:
        await ports.aclose()
        client = await _client()
        await delete_prefix(client, prefix)
        await client.aclose()
