"""Ours Privacy's routes, its API-key check, and the VendorSpec the core turns into an emulator."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from destgraph.emulators.core import VendorSpec, bearer_token, route_of
from destgraph.emulators.ours import handlers
from destgraph.emulators.ours.errors import forbidden, render_error, unauthorized
from destgraph.emulators.ours.openapi import openapi
from destgraph.emulators.ours.seed import new_state

DESTINATIONS = "/rest/v1/destinations"
OPENAPI_PATH = "/rest/v1/openapi.json"

#: A key ``<token>;scopes=a,b`` is the emulator's stand-in for a key with specific permissions.
SCOPED_KEY_MARKER = ";scopes="

#: The scope each operation needs (the OpenAPI document's "Requires scope: ..." lines).
SCOPES = {
    f"GET {DESTINATIONS}": "destination:list",
    f"POST {DESTINATIONS}": "destination:create",
    f"GET {DESTINATIONS}/types": "destination:list",
    f"GET {DESTINATIONS}/{{id}}": "destination:find",
    f"PATCH {DESTINATIONS}/{{id}}": "destination:update",
    f"DELETE {DESTINATIONS}/{{id}}": "destination:delete",
    f"GET {DESTINATIONS}/{{id}}/health": "destination:find",
}

Handler = Callable[[Request], Awaitable[Response]]


def authenticate(request: Request, token: str) -> None:
    """401 for a missing or unknown key, 403 for a key without the operation's scope (before any work)."""
    if request.url.path == OPENAPI_PATH:
        return  # "GET /rest/v1/openapi.json needs no authentication" (API Overview)
    presented = bearer_token(request)
    if presented is None:
        raise unauthorized("Missing API key: send Authorization: Bearer <your_api_key>")
    if presented == token:
        return
    head, marker, scopes = presented.partition(SCOPED_KEY_MARKER)
    if head != token or not marker:
        raise unauthorized("Invalid API key: it is malformed, revoked or expired")
    route = route_of(request) or ""
    needed = SCOPES.get(route.replace("HEAD ", "GET ", 1))
    granted = {s.strip() for s in scopes.split(",")}
    if needed is not None and "all" not in granted and needed not in granted:
        raise forbidden(needed)


def _by_method(handlers_by_method: dict[str, Handler]) -> Handler:
    """One endpoint per path, so a 405's Allow header names every method the path takes."""

    async def endpoint(request: Request) -> Response:
        # Starlette adds HEAD wherever GET is allowed; the GET handler answers it.
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers_by_method[method](request)

    return endpoint


def _route(path: str, handlers_by_method: dict[str, Handler]) -> Route:
    return Route(path, _by_method(handlers_by_method), methods=list(handlers_by_method))


ROUTES = [
    Route(OPENAPI_PATH, handlers.openapi_document, methods=["GET"]),
    _route(DESTINATIONS, {"GET": handlers.list_destinations, "POST": handlers.create_destination}),
    # Before {id}: "types" is not a destination id. PATCH/DELETE .../types do reach {id} and are 404s.
    Route(DESTINATIONS + "/types", handlers.destination_types, methods=["GET"]),
    _route(
        DESTINATIONS + "/{id}",
        {
            "GET": handlers.find_destination,
            "PATCH": handlers.update_destination,
            "DELETE": handlers.delete_destination,
        },
    ),
    Route(DESTINATIONS + "/{id}/health", handlers.destination_health, methods=["GET"]),
]

NOTES = (
    "REST API /rest/v1/destinations: list (cursor, limit 1..100, status/type filters), create, get, "
    "PATCH (settings merged key by key), DELETE (answers true), /types (76 creatable types), /{id}/health.",
    "Single objects are bare; lists are {entities, pagination: {nextCursor, hasMore}}.",
    'Errors: {"error", "details"}: 400, 401, 403, 404, 500 (405 for other methods).',
    "Secret settings read back as ******; sending ****** back keeps the stored secret.",
    "Auth: Authorization: Bearer <token>; '<token>;scopes=destination:list,...' is a key with only those scopes.",
    "GET /rest/v1/openapi.json needs no key. No rate limits are documented or enforced.",
    "Not emulated: sources, mappings, allowed events, versions/publishing, OAuth connections, event dispatch.",
)

SPEC = VendorSpec(
    name="ours",
    title="Ours Privacy REST API",
    port_offset=2,
    routes=ROUTES,
    new_state=new_state,
    authenticate=authenticate,
    render_error=render_error,
    openapi=openapi,
    rate_limits=lambda: [],
    rate_limit_headers=None,
    notes=NOTES,
)
