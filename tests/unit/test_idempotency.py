"""Idempotency keys over the in-process port: repeats, unknown outcomes, reconciling, settling."""

from __future__ import annotations

import asyncio
import time

from destgraph.services.idempotency import Idempotency, Outcome
from destgraph.state import InMemoryIdempotency

REFS = {"workspace": "ws", "destination": "d1"}


class Vendor:
    """What a write does at the vendor, as the tests script it."""

    def __init__(self) -> None:
        self.writes = 0
        self.holds: dict[str, str] | None = None

    async def write_unknown(self) -> Outcome:
        self.writes += 1
        return Outcome(refs=None, unknown=True, started_at=time.time())

    async def write_ok(self) -> Outcome:
        self.writes += 1
        self.holds = REFS
        return Outcome(refs=REFS, started_at=time.time())

    async def reconcile(self, prior: Outcome) -> Outcome | None:
        return Outcome(refs=self.holds, started_at=prior.started_at) if self.holds else None


def keys(settle: float) -> Idempotency:
    return Idempotency(InMemoryIdempotency(), scope="s", ttl_seconds=60, settle_seconds=settle)


async def test_an_unknown_outcome_is_reconciled_by_the_repeat_and_not_written_again() -> None:
    vendor, idempotency = Vendor(), keys(settle=60)
    first, _ = await idempotency.run("k", "m", vendor.write_unknown, vendor.reconcile)
    assert first is not None and first.unknown
    vendor.holds = REFS  # the vendor did apply it
    repeat, _ = await idempotency.run("k", "m", vendor.write_ok, vendor.reconcile)
    assert repeat is not None and repeat.refs == REFS and not repeat.unknown
    assert vendor.writes == 1


async def test_within_the_settle_time_a_repeat_that_finds_nothing_stays_unknown_and_writes_nothing() -> None:
    vendor, idempotency = Vendor(), keys(settle=60)
    await idempotency.run("k", "m", vendor.write_unknown, vendor.reconcile)
    repeat, _ = await idempotency.run("k", "m", vendor.write_ok, vendor.reconcile)
    assert repeat is not None and repeat.unknown
    assert vendor.writes == 1


async def test_after_the_settle_time_a_repeat_that_finds_nothing_writes_again() -> None:
    vendor, idempotency = Vendor(), keys(settle=0)
    await idempotency.run("k", "m", vendor.write_unknown, vendor.reconcile)
    repeat, _ = await idempotency.run("k", "m", vendor.write_ok, vendor.reconcile)
    assert repeat is not None and repeat.refs == REFS
    assert vendor.writes == 2
    again, _ = await idempotency.run("k", "m", vendor.write_ok, vendor.reconcile)
    assert again is not None and again.refs == REFS and vendor.writes == 2


async def test_concurrent_repeats_of_an_unknown_outcome_write_at_most_once() -> None:
    vendor, idempotency = Vendor(), keys(settle=0)
    await idempotency.run("k", "m", vendor.write_unknown, vendor.reconcile)

    async def slow_write() -> Outcome:
        await asyncio.sleep(0.01)
        return await vendor.write_ok()

    results = await asyncio.gather(*(idempotency.run("k", "m", slow_write, vendor.reconcile) for _ in range(5)))
    assert vendor.writes == 2
    assert all(outcome is not None and outcome.refs == REFS for outcome, _ in results)


async def test_another_input_under_the_same_key_is_refused() -> None:
    vendor, idempotency = Vendor(), keys(settle=60)
    await idempotency.run("k", "m", vendor.write_ok, vendor.reconcile)
    outcome, refused = await idempotency.run("k", "other", vendor.write_ok, vendor.reconcile)
    assert outcome is None and refused == "this idempotencyKey was used with a different input"
