"""Zeotap Composable's routes, rate limits and the VendorSpec the core turns into an app."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from destgraph.emulators.core import Clock, RateLimitRule, SeedOptions, VendorSpec, bearer_token
from destgraph.emulators.zeotap import handlers
from destgraph.emulators.zeotap.errors import WORKSPACE_HEADER, authenticate, render_error, workspace_in_path
from destgraph.emulators.zeotap.openapi import openapi
from destgraph.emulators.zeotap.seed import seed_state
from destgraph.emulators.zeotap.state import ZeotapState

WS = "/api/v1/workspaces/{workspace_id}"

ROUTES = [
    Route("/api/v1/workspaces", handlers.list_workspaces, methods=["GET"]),
    Route(f"{WS}/destinations", handlers.list_destinations, methods=["GET"]),
    Route(f"{WS}/destinations", handlers.create_destination, methods=["POST"]),
    # Before /destinations/{destination_id}: "test" is not a destination id.
    Route(f"{WS}/destinations/test", handlers.run_new_connection_test, methods=["POST"]),
    Route(f"{WS}/destinations/{{destination_id}}", handlers.get_destination, methods=["GET"]),
    Route(f"{WS}/destinations/{{destination_id}}", handlers.update_destination, methods=["PUT"]),
    Route(f"{WS}/destinations/{{destination_id}}", handlers.delete_destination, methods=["DELETE"]),
    Route(f"{WS}/destinations/{{destination_id}}/test", handlers.run_connection_test, methods=["POST"]),
    Route(f"{WS}/destinations/{{destination_id}}/fields", handlers.describe_fields, methods=["GET"]),
    Route(f"{WS}/syncs", handlers.list_syncs, methods=["GET"]),
    Route(f"{WS}/syncs/{{sync_id}}", handlers.get_sync, methods=["GET"]),
    Route(f"{WS}/syncs/{{sync_id}}", handlers.delete_sync, methods=["DELETE"]),
    Route(f"{WS}/audience-syncs", handlers.list_syncs, methods=["GET"]),
    Route(f"{WS}/audience-syncs/{{sync_id}}", handlers.get_sync, methods=["GET"]),
    Route(f"{WS}/audience-syncs/{{sync_id}}", handlers.delete_sync, methods=["DELETE"]),
]


def _workspace_key(request: Request) -> str:
    # "rate-limited per workspace": the path's workspace, else the header's (GET /workspaces).
    workspace = workspace_in_path(request.url.path) or request.headers.get(WORKSPACE_HEADER, "").strip()
    return workspace or f"token:{bearer_token(request) or ''}"


def _every_call(request: Request) -> bool:
    return True


def rate_limits() -> list[RateLimitRule]:
    source = "vendor-facts.md section 2, Rate limits [Z-OLD]"
    return [
        RateLimitRule(
            "100 requests per minute per workspace", 100, 60.0, _every_call, _workspace_key, f"{source}: standard"
        ),
        RateLimitRule("20 requests per second per workspace", 20, 1.0, _every_call, _workspace_key, f"{source}: burst"),
    ]


def new_state(options: SeedOptions, clock: Clock) -> ZeotapState:
    return seed_state(options, clock)


NOTES = (
    "Workspace-scoped calls need Authorization: Bearer <token> and X-Workspace-ID (ws-demo, ws-sandbox).",
    'Lists are bare arrays; errors are {"error": ...}; 100 calls a minute and 20 a second per workspace (429).',
    "Connection tests stream text/event-stream: a secret containing 'invalid' or 'expired' fails authentication.",
    "Not emulated: api-keys, models, sources, runs, triggers, connections, pagination envelopes.",
)


def build_spec() -> VendorSpec:
    return VendorSpec(
        name="zeotap",
        title="Zeotap Composable",
        port_offset=3,
        routes=ROUTES,
        new_state=new_state,
        authenticate=authenticate,
        render_error=render_error,
        openapi=openapi,
        rate_limits=rate_limits,
        # "No other rate-limit headers are mentioned": successes carry none.
        rate_limit_headers=None,
        notes=NOTES,
    )
