"""Routes of the Segment Public API emulator, its authentication, and the VendorSpec that assembles them."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from destgraph.emulators.core import SeedOptions, VendorError, VendorSpec, bearer_token
from destgraph.emulators.core.clock import Clock
from destgraph.emulators.segment import handlers as h
from destgraph.emulators.segment.errors import render_error
from destgraph.emulators.segment.limits import rate_limit_headers, rate_limits
from destgraph.emulators.segment.openapi import openapi
from destgraph.emulators.segment.seed import (
    DEFAULT_SOURCE_ID,
    DOCS_DELETED_DESTINATION_ID,
    DOCS_DESTINATION_ID,
    DOCS_SUBSCRIPTION_IDS,
    SAMPLE_GA4_DESTINATION_ID,
    SAMPLE_KINESIS_DESTINATION_ID,
)
from destgraph.emulators.segment.state import SegmentState

Endpoint = Callable[[Request], Awaitable[Response]]


def _route(path: str, **by_method: Endpoint) -> Route:
    """One route per path, so a wrong method gets a 405 whose Allow header lists every method of the path."""

    async def endpoint(request: Request) -> Response:
        handler = by_method.get(request.method) or by_method["GET"]  # HEAD is answered as GET
        return await handler(request)

    return Route(path, endpoint, methods=list(by_method))


ROUTES = [
    _route("/destinations", GET=h.list_destinations, POST=h.create_destination),
    _route(
        "/destinations/{destinationId}",
        GET=h.get_destination,
        PATCH=h.update_destination,
        DELETE=h.delete_destination,
    ),
    _route(
        "/destinations/{destinationId}/subscriptions",
        GET=h.list_subscriptions_from_destination,
        POST=h.create_destination_subscription,
    ),
    _route(
        "/destinations/{destinationId}/subscriptions/{id}",
        GET=h.get_subscription_from_destination,
        PATCH=h.update_subscription_for_destination,
        DELETE=h.remove_subscription_from_destination,
    ),
    _route("/destinations/{destinationId}/delivery-metrics", GET=h.list_delivery_metrics_summary_from_destination),
    _route("/catalog/destinations", GET=h.get_destinations_catalog),
    _route("/catalog/destinations/{destinationMetadataId}", GET=h.get_destination_metadata),
]


def authenticate(request: Request, token: str) -> None:
    """``Authorization: Bearer <token>``; a missing or wrong token is a 401 (docs' Error Handling table)."""
    presented = bearer_token(request)
    if presented is None:
        raise VendorError(401, "Missing API token: send Authorization: Bearer <token>", kind="unauthorized")
    if not hmac.compare_digest(presented.encode(), token.encode()):
        raise VendorError(401, "Invalid API token", kind="unauthorized")


def new_state(options: SeedOptions, clock: Clock) -> SegmentState:
    return SegmentState(options, clock)


SPEC = VendorSpec(
    name="segment",
    title="Segment Public API",
    port_offset=1,
    routes=ROUTES,
    new_state=new_state,
    authenticate=authenticate,
    render_error=render_error,
    openapi=openapi,
    rate_limits=rate_limits,
    rate_limit_headers=rate_limit_headers,
    notes=(
        "Destinations CRUD, subscriptions (alpha), delivery metrics (beta), destination catalog; {data} envelopes.",
        f"Default source (every seed): {DEFAULT_SOURCE_ID}; two more sources are drawn from the seed.",
        f"Docs example destination {DOCS_DESTINATION_ID} (GA4, subscriptions {', '.join(DOCS_SUBSCRIPTION_IDS)}), "
        f"{DOCS_DELETED_DESTINATION_ID} (Amplitude), seed samples {SAMPLE_GA4_DESTINATION_ID} (GA4) and "
        f"{SAMPLE_KINESIS_DESTINATION_ID} (Kinesis) are the first four seeded destinations.",
        "pagination[count] 1..1000 required on lists; cursors are opaque.",
        "Rate limits per token: subscription writes 5/min (documented), all calls 600/min (unconfirmed figure).",
        "Secrets read back as ten bullets plus the last four characters, except read-only options and the "
        "non-password secrets of actions-* destinations, which come back in clear (seed samples).",
        "Not emulated: sources, warehouses, filters, other Public API resources; audit trail; 409/413; "
        "workspace feature flags; real delivery.",
    ),
)
