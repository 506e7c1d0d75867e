"""Nimriz's routes and the VendorSpec the core turns into an emulator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from destgraph.emulators.core import VendorSpec
from destgraph.emulators.nimriz import handlers
from destgraph.emulators.nimriz.errors import render_error
from destgraph.emulators.nimriz.openapi import openapi
from destgraph.emulators.nimriz.seed import build_state

DESTINATIONS = "/api/integrations/destinations"

Handler = Callable[[Request], Awaitable[Response]]


def _by_method(handlers_by_method: dict[str, Handler]) -> Handler:
    """One endpoint per path, so a 405's Allow header names every method the path takes."""

    async def endpoint(request: Request) -> Response:
        # Starlette adds HEAD wherever GET is allowed; it is answered by the GET handler.
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers_by_method[method](request)

    return endpoint


def _route(path: str, handlers_by_method: dict[str, Handler]) -> Route:
    return Route(path, _by_method(handlers_by_method), methods=list(handlers_by_method))


# No GET on a single destination: the seed documents none, so GET (and HEAD) on it answer 405
# METHOD_NOT_ALLOWED, with an Allow header, like any undocumented method on a known path.
ROUTES = [
    Route("/api/v1/whoami", handlers.whoami, methods=["GET"]),
    _route(DESTINATIONS, {"GET": handlers.list_destinations, "POST": handlers.create_destination}),
    _route(
        DESTINATIONS + "/{destination_id}",
        {"PUT": handlers.update_destination, "DELETE": handlers.delete_destination},
    ),
    Route(DESTINATIONS + "/{destination_id}/test-send", handlers.test_send, methods=["POST"]),
]

NOTES = (
    "Destinations API: list, create, PUT (replaces the action list), DELETE, test-send; whoami.",
    "No get-by-id: GET /api/integrations/destinations/{id} answers 405 METHOD_NOT_ALLOWED.",
    "Auth: Authorization: Bearer <key> or X-Nim-Api-Key: <key>.",
    'Errors: {"code", "message", "support_reference"} (+ field, details on VALIDATION_ERROR).',
    "Sensitive credentials read back as [REDACTED] in every response; a value sent back is stored as sent.",
    "A PUT without actions leaves the destination with no actions (the seed's literal reading).",
    "No rate limits are documented or enforced; 429 only through fault injection.",
    "Not emulated: links, domains, webhooks, OAuth, partner tokens, event delivery.",
)

SPEC = VendorSpec(
    name="nimriz",
    title="Nimriz Destinations API",
    port_offset=4,
    routes=ROUTES,
    new_state=build_state,
    authenticate=handlers.authenticate,
    render_error=render_error,
    openapi=openapi,
    notes=NOTES,
)
