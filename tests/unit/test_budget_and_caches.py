"""The in-process state ports: sliding-window budgets, named locks, idempotency records, caches."""

from __future__ import annotations

import asyncio
import gc

import pytest

from destgraph.domain.models import DestinationType, Provider
from destgraph.services.caches import CatalogCache
from destgraph.state import (
    BudgetExhausted,
    InMemoryBudgets,
    InMemoryCache,
    InMemoryIdempotency,
    InMemoryLocks,
    LockTimeout,
    RateBudget,
)
from destgraph.state.memory import SlidingWindow


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_sliding_window_admits_exactly_the_budget_in_any_window() -> None:
    clock = FakeClock()
    window = SlidingWindow(RateBudget(calls=3, seconds=1), clock=clock)
    for _ in range(3):
        await window.acquire(patience=0)
        window.release()
    with pytest.raises(BudgetExhausted) as refused:
        await window.acquire(patience=0.5)
    assert refused.value.wait == pytest.approx(1.0)
    clock.now += 1.0
    await window.acquire(patience=0)


async def test_a_multi_step_write_takes_all_its_turns_or_none() -> None:
    clock = FakeClock()
    window = SlidingWindow(RateBudget(calls=5, seconds=60), clock=clock)
    await window.acquire(patience=0, count=3)
    window.release(3)
    with pytest.raises(BudgetExhausted):
        await window.acquire(patience=0, count=3)  # only two turns left: take none
    await window.acquire(patience=0, count=2)
    window.release(2)
    with pytest.raises(BudgetExhausted) as refused:
        await window.acquire(patience=0)
    assert refused.value.wait == pytest.approx(60)
    with pytest.raises(BudgetExhausted):
        await window.acquire(patience=1000, count=6)  # more than the budget can ever hold


async def test_a_call_leaves_the_window_a_full_window_after_it_finished_not_after_it_began() -> None:
    """The vendor counts a call when it arrives, after the gateway took its turn: counting from the
    end keeps the gateway's log a superset of the vendor's, also at the window's edge."""
    clock = FakeClock()
    window = SlidingWindow(RateBudget(calls=2, seconds=1), clock=clock)
    await window.acquire(patience=0, count=2)
    clock.now += 0.3  # the two calls take 0.3 s
    window.release(2)
    clock.now += 0.8  # one second after they began, 0.8 s after they finished
    assert window.wait_needed() == pytest.approx(0.2)
    clock.now += 0.2
    assert window.wait_needed() == 0


async def test_calls_in_flight_hold_the_window_until_they_finish() -> None:
    clock = FakeClock()
    window = SlidingWindow(RateBudget(calls=1, seconds=1), clock=clock)
    await window.acquire(patience=0)
    clock.now += 5  # still in flight: it may arrive at the vendor any moment
    with pytest.raises(BudgetExhausted):
        await window.acquire(patience=0)
    window.release()
    clock.now += 1
    await window.acquire(patience=0)


async def test_budgets_are_shared_by_name_and_separate_across_names() -> None:
    budgets = InMemoryBudgets(clock=FakeClock())
    limit = RateBudget(calls=2, seconds=60)
    await budgets.acquire("zeotap:ws:1", limit, patience=0, count=2)
    await budgets.release("zeotap:ws:1", limit, count=2)
    with pytest.raises(BudgetExhausted):
        await budgets.acquire("zeotap:ws:1", limit, patience=0)
    await budgets.acquire("zeotap:other:1", limit, patience=0)


async def test_a_lock_serializes_its_holders_and_times_out() -> None:
    locks = InMemoryLocks()
    order: list[str] = []

    async def hold(name: str, tag: str) -> None:
        async with locks.hold(name, patience=1):
            order.append(f"{tag} in")
            await asyncio.sleep(0.01)
            order.append(f"{tag} out")

    await asyncio.gather(hold("d1", "a"), hold("d1", "b"))
    assert order == ["a in", "a out", "b in", "b out"]
    async with locks.hold("d1", patience=1):
        with pytest.raises(LockTimeout):
            async with locks.hold("d1", patience=0.01):
                pass
        async with locks.hold("d2", patience=0.01):  # another name is another lock
            pass


async def test_unused_locks_are_not_kept() -> None:
    locks = InMemoryLocks()
    async with locks.hold("d1", patience=1):
        pass
    gc.collect()
    async with locks.hold("d2", patience=1):
        assert len(locks._locks) == 1


async def test_idempotency_records_claim_complete_wait_and_release() -> None:
    clock = FakeClock()
    records = InMemoryIdempotency(clock=clock)
    assert await records.claim("s", "k", "f1", ttl_seconds=60) is None
    running = await records.claim("s", "k", "f1", ttl_seconds=60)
    assert running is not None and running.status == "running"
    waiter = asyncio.ensure_future(records.wait("s", "k", patience=5))
    await records.complete("s", "k", {"id": "d1"}, ttl_seconds=60)
    done = await waiter
    assert done is not None and (done.status, done.result) == ("done", {"id": "d1"})
    await records.release("s", "k")
    assert await records.claim("s", "k", "f2", ttl_seconds=60) is None
    clock.now += 61
    assert await records.claim("s", "k", "f3", ttl_seconds=60) is None  # expired: claimable again


async def test_cache_entries_expire() -> None:
    clock = FakeClock()
    cache = InMemoryCache(clock=clock)
    await cache.set("a", {"x": 1}, ttl_seconds=10)
    assert await cache.get("a") == {"x": 1}
    clock.now += 10
    assert await cache.get("a") is None


async def test_cache_entries_never_read_again_do_not_stay() -> None:
    clock = FakeClock()
    cache = InMemoryCache(clock=clock, max_entries=1000)
    # an older generation's keys: set once, never read again, expired
    for index in range(InMemoryCache.SWEEP_EVERY - 1):
        await cache.set(f"old-{index}", {"x": index}, ttl_seconds=10)
    clock.now += 11
    await cache.set("new", {"x": "kept"}, ttl_seconds=10)
    assert len(cache) == 1
    assert await cache.get("new") == {"x": "kept"}


async def test_cache_holds_at_most_its_entries_least_recently_used_first() -> None:
    cache = InMemoryCache(max_entries=3)
    for key in ("a", "b", "c"):
        await cache.set(key, key, ttl_seconds=60)
    assert await cache.get("a") == "a"  # now the most recently used
    await cache.set("d", "d", ttl_seconds=60)
    assert len(cache) == 3
    assert [await cache.get(key) for key in ("a", "b", "c", "d")] == ["a", None, "c", "d"]


async def test_catalog_cache_lists_once_within_its_ttl_and_joins_concurrent_refreshes() -> None:
    clock = FakeClock()
    cache = CatalogCache(InMemoryCache(clock=clock), ttl_seconds=60)
    calls = 0

    async def fetch() -> list[DestinationType]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return [DestinationType(provider=Provider.OURS, key="Klaviyo", label="Klaviyo")]

    results = await asyncio.gather(*(cache.all_types("ws", fetch) for _ in range(10)))
    assert calls == 1 and all("Klaviyo" in r for r in results)
    await cache.get("ws", "Klaviyo", fetch)
    assert calls == 1
    clock.now += 61
    await cache.all_types("ws", fetch)
    assert calls == 2


async def test_primed_types_answer_without_a_listing() -> None:
    cache = CatalogCache(InMemoryCache(), ttl_seconds=60)
    await cache.prime("ws", [DestinationType(provider=Provider.SEGMENT, key="amplitude", label="Amplitude")])

    async def fetch() -> list[DestinationType]:
        raise AssertionError("must not list")

    found = await cache.get("ws", "amplitude", fetch)
    assert found is not None and found.label == "Amplitude"
