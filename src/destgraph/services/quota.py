"""Each API key's share of the upstream calls the whole gateway may make in a minute.

The vendors' own budgets are shared per workspace by the upstream client (each key its share of
each); this is the gateway-wide one: ``upstream_calls_per_minute``, of which each key may cause its
``share`` in any sliding minute. An operation is admitted while its key has room, and charged the
upstream calls it actually made (a cached read costs nothing); a key past its share gets
RATE_LIMITED with retryAfter, and only that key.
"""

from __future__ import annotations

from destgraph.errors import QuotaExceeded
from destgraph.services.gateway import Session
from destgraph.state import RateBudget

WINDOW_SECONDS = 60.0


def _window(session: Session) -> tuple[str, RateBudget]:
    name = session.principal.name
    budget = RateBudget(calls=session.settings.call_quota(name), seconds=WINDOW_SECONDS)
    return f"gateway-calls:key:{name}", budget


async def admit(session: Session) -> None:
    """QuotaExceeded when the caller's key spent its share of the last minute's calls."""
    name, budget = _window(session)
    wait = await session.gateway.state.budgets.wait(name, budget)
    if wait > 0:
        raise QuotaExceeded(
            f"this API key caused its share of upstream calls ({budget.calls} a minute); retry later",
            retry_after=max(1.0, round(wait)),
        )


async def charge(session: Session, calls: int) -> None:
    """Count ``calls`` upstream calls made now against the caller's key."""
    if calls > 0:
        name, budget = _window(session)
        await session.gateway.state.budgets.spend(name, budget, count=calls)
