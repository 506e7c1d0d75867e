"""Segment's rate limits and the X-RateLimit-* headers every successful response carries.

- Subscription writes (create, update, remove): 5 a minute per token (API 73.2.0 operation descriptions,
  segment-public-api.md section 7).
- Every call: 600 a minute per token. The only figure found is a third-party page's (apis.io, "600/min
  per workspace"), unconfirmed by Segment; one token per workspace makes per token the same budget.

Successful responses carry ``X-RateLimit-Consumed``, ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset``
(RFC 5322 date) for the tightest budget the call drew from, and no ``X-RateLimit-Limit`` (docs' Rate
Limits page). When rate limits are switched off through the control API there is no budget to report,
so the headers are left out.
"""

from __future__ import annotations

from starlette.requests import Request

from destgraph.emulators.core import RateDecision, RateLimitRule, bearer_token, rfc5322, route_of

SUBSCRIPTION_WRITES = frozenset(
    {
        "POST /destinations/{destinationId}/subscriptions",
        "PATCH /destinations/{destinationId}/subscriptions/{id}",
        "DELETE /destinations/{destinationId}/subscriptions/{id}",
    }
)
SUBSCRIPTION_WRITES_PER_MINUTE = 5
REQUESTS_PER_MINUTE = 600


def _token(request: Request) -> str:
    return bearer_token(request) or "-"


def _is_subscription_write(request: Request) -> bool:
    return route_of(request) in SUBSCRIPTION_WRITES


def _any_call(request: Request) -> bool:
    return True


def rate_limits() -> list[RateLimitRule]:
    return [
        RateLimitRule(
            name="subscription-writes",
            limit=SUBSCRIPTION_WRITES_PER_MINUTE,
            window=60.0,
            matches=_is_subscription_write,
            key=_token,
            source="API 73.2.0: create/update/removeSubscription 'rate limit ... 5 requests per minute'",
        ),
        RateLimitRule(
            name="requests",
            limit=REQUESTS_PER_MINUTE,
            window=60.0,
            matches=_any_call,
            key=_token,
            source="unconfirmed: a third-party page (apis.io) claims 600/min; Segment publishes no figure",
        ),
    ]


def rate_limit_headers(decision: RateDecision) -> dict[str, str]:
    if decision.rule is None:
        return {}
    return {
        "X-RateLimit-Consumed": str(decision.consumed),
        "X-RateLimit-Remaining": str(decision.remaining),
        "X-RateLimit-Reset": rfc5322(decision.reset_at),
    }
