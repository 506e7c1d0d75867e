"""Sliding-window rate budgets and the cross-request caches."""

from __future__ import annotations

import asyncio

import pytest

from destgraph.adapters.budget import BudgetExhausted, RateBudget, SlidingWindow
from destgraph.domain.models import DestinationType, Provider
from destgraph.services.caches import CatalogCache


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
    with pytest.raises(BudgetExhausted) as refused:
        await window.acquire(patience=0.5)
    assert refused.value.wait == pytest.approx(1.0)
    clock.now += 1.0
    await window.acquire(patience=0)


async def test_catalog_cache_lists_once_within_its_ttl_and_joins_concurrent_refreshes() -> None:
    clock = FakeClock()
    cache = CatalogCache(ttl_seconds=60, clock=clock)
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
    cache = CatalogCache(ttl_seconds=60)
    cache.prime("ws", DestinationType(provider=Provider.SEGMENT, key="amplitude", label="Amplitude"))

    async def fetch() -> list[DestinationType]:
        raise AssertionError("must not list")

    found = await cache.get("ws", "amplitude", fetch)
    assert found is not None and found.label == "Amplitude"


async def test_a_multi_step_write_takes_all_its_turns_or_none() -> None:
    clock = FakeClock()
    window = SlidingWindow(RateBudget(calls=5, seconds=60), clock=clock)
    await window.acquire(patience=0, count=3)
    with pytest.raises(BudgetExhausted):
        await window.acquire(patience=0, count=3)  # only two turns left: take none
    await window.acquire(patience=0, count=2)
    with pytest.raises(BudgetExhausted) as refused:
        await window.acquire(patience=0)
    assert refused.value.wait == pytest.approx(60)
    with pytest.raises(BudgetExhausted):
        await window.acquire(patience=1000, count=6)  # more than the budget can ever hold
