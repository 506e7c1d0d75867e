"""Pure logic of the emulator core: fault plans, rate-limit windows, the clock."""

from __future__ import annotations

import random

import pytest
from starlette.requests import Request

from destgraph.emulators.core import Clock, RateLimitRule
from destgraph.emulators.core.faults import FaultPlan, FaultPlanError
from destgraph.emulators.core.ratelimit import RateLimiter


def _request(path: str = "/x", method: str = "GET") -> Request:
    return Request({"type": "http", "method": method, "path": path, "headers": [], "query_string": b""})


def _limiter(limit: int, window: float, clock: Clock) -> RateLimiter:
    rule = RateLimitRule("r", limit, window, matches=lambda r: r.method == "POST", key=lambda r: "k")
    return RateLimiter([rule], clock)


def test_rate_limiter_refuses_past_the_limit_and_says_when_to_retry() -> None:
    clock = Clock()
    limiter = _limiter(2, 60, clock)
    assert limiter.check(_request(method="POST")).remaining == 1
    assert limiter.check(_request(method="POST")).remaining == 0
    refused = limiter.check(_request(method="POST"))
    assert not refused.allowed
    assert 59 <= refused.retry_after <= 60


def test_rate_limiter_window_slides_with_the_clock() -> None:
    clock = Clock()
    limiter = _limiter(1, 60, clock)
    assert limiter.check(_request(method="POST")).allowed
    assert not limiter.check(_request(method="POST")).allowed
    clock.advance(60.5)
    assert limiter.check(_request(method="POST")).allowed


def test_rate_limiter_ignores_calls_no_rule_matches_and_refusals_cost_nothing() -> None:
    clock = Clock()
    limiter = _limiter(1, 60, clock)
    for _ in range(5):
        assert limiter.check(_request(method="GET")).allowed
    limiter.check(_request(method="POST"))
    for _ in range(3):
        limiter.check(_request(method="POST"))
    assert limiter.usage()[0]["used"] == {"k": 1}


def test_disabled_rate_limiter_allows_everything() -> None:
    limiter = _limiter(1, 60, Clock())
    limiter.enabled = False
    assert all(limiter.check(_request(method="POST")).allowed for _ in range(5))


def test_fault_plan_draws_queued_statuses_before_rates() -> None:
    plan = FaultPlan.from_json({"queue": [503, 429], "error_rates": {"500": 1.0}})
    rng = random.Random(0)
    assert [plan.draw_error(rng) for _ in range(3)] == [503, 429, 500]


def test_fault_plan_queue_can_let_calls_through() -> None:
    plan = FaultPlan.from_json({"queue": [0, 500]})
    rng = random.Random(0)
    assert [plan.draw_error(rng) for _ in range(3)] == [None, 500, None]


def test_fault_plan_error_rates_follow_their_probabilities() -> None:
    plan = FaultPlan.from_json({"error_rates": {"500": 0.25, "503": 0.25}})
    rng = random.Random(42)
    draws = [plan.draw_error(rng) for _ in range(4000)]
    assert 800 < draws.count(500) < 1200
    assert 800 < draws.count(503) < 1200


@pytest.mark.parametrize(
    "plan",
    [
        {"error_rates": {"404": 0.1}},
        {"error_rates": {"500": 0.7, "503": 0.7}},
        {"jitter_ms": -5},
        {"path_pattern": "("},
        {"queue": ["x"]},
        {"unknown": True},
    ],
)
def test_fault_plan_rejects_what_it_cannot_apply(plan: dict) -> None:
    with pytest.raises((FaultPlanError, ValueError)):
        FaultPlan.from_json(plan)


def test_fault_plan_matches_methods_and_paths() -> None:
    plan = FaultPlan.from_json({"path_pattern": "^/destinations", "methods": ["post"]})
    assert plan.applies_to("POST", "/destinations/1")
    assert not plan.applies_to("GET", "/destinations/1")
    assert not plan.applies_to("POST", "/catalog")


def test_clock_only_moves_forward() -> None:
    clock = Clock()
    before = clock.time()
    clock.advance(3600)
    assert clock.time() - before >= 3600
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)


def test_seeding_sees_the_start_of_the_hour_so_a_seed_repeats_exactly() -> None:
    clock = Clock()
    with clock.pinned_for_seeding():
        first = clock.time()
    with clock.pinned_for_seeding():
        assert clock.time() == first
    assert first % 3600 == 0
    assert clock.time() >= first
