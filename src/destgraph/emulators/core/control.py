"""The control API under ``/_emulator/``: not part of any vendor's API, used by tests and benchmarks.

GET    /_emulator/                      this index
POST   /_emulator/reset                 seeded state as at start, empty log, no faults, limits on;
                                        ``{"empty": true}`` leaves no destinations
POST   /_emulator/seed                  ``{"seed": 1, "destinations": 40}``: replace the state
GET    /_emulator/requests              the request log (``?since=SEQ&method=GET&route=GET /path``)
DELETE /_emulator/requests              clear it
GET    /_emulator/counters              totals by route and by status
GET|PUT|DELETE /_emulator/faults        the fault plan (see faults.py)
GET|PUT /_emulator/rate-limits          ``{"enabled": bool}`` and the current usage of each rule
GET|POST /_emulator/clock               ``{"advance_seconds": 60}`` moves the emulator's clock
GET    /_emulator/openapi.json          an OpenAPI 3 document of the API as emulated
GET    /_emulator/state/destinations/{id}  a stored destination as held, secrets unmasked
GET    /_emulator/secrets               every secret value held (credentials, keys, tokens)
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from destgraph.emulators.core.context import emulator_of
from destgraph.emulators.core.faults import FaultPlan, FaultPlanError
from destgraph.emulators.core.seeding import SeedOptions

ENDPOINTS = [
    "POST /_emulator/reset",
    "POST /_emulator/seed",
    "GET|DELETE /_emulator/requests",
    "GET /_emulator/counters",
    "GET|PUT|DELETE /_emulator/faults",
    "GET|PUT /_emulator/rate-limits",
    "GET|POST /_emulator/clock",
    "GET /_emulator/openapi.json",
    "GET /_emulator/state/destinations/{id}",
    "GET /_emulator/secrets",
]


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    body = json.loads(raw)
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    return body


async def index(request: Request) -> Response:
    emulator = emulator_of(request)
    return JSONResponse(
        {
            "emulator": emulator.spec.name,
            "seed": emulator.options.seed,
            "destinations_per_workspace": emulator.options.destinations,
            "endpoints": ENDPOINTS,
        }
    )


async def reset(request: Request) -> Response:
    try:
        body = await _body(request)
    except ValueError as exc:
        return _problem(400, str(exc))
    emulator_of(request).reset(empty=bool(body.get("empty", False)))
    return JSONResponse({"status": "reset"})


async def seed(request: Request) -> Response:
    emulator = emulator_of(request)
    try:
        body = await _body(request)
        options = SeedOptions(
            seed=int(body.get("seed", emulator.options.seed)),
            destinations=int(body.get("destinations", emulator.options.destinations)),
        )
    except (ValueError, TypeError) as exc:
        return _problem(400, str(exc))
    emulator.reseed(options)
    return JSONResponse({"status": "seeded", "seed": options.seed, "destinations": options.destinations})


async def requests(request: Request) -> Response:
    log = emulator_of(request).log
    if request.method == "DELETE":
        log.clear()
        return JSONResponse({"status": "cleared"})
    try:
        since = int(request.query_params.get("since", "0"))
    except ValueError:
        return _problem(400, "since must be an integer")
    entries = log.entries(
        since=since, method=request.query_params.get("method"), route=request.query_params.get("route")
    )
    return JSONResponse({"requests": [e.to_json() for e in entries]})


async def counters(request: Request) -> Response:
    return JSONResponse(emulator_of(request).log.counters())


async def faults(request: Request) -> Response:
    emulator = emulator_of(request)
    if request.method == "PUT":
        try:
            emulator.faults = FaultPlan.from_json(await _body(request))
        except (ValueError, FaultPlanError) as exc:
            return _problem(400, str(exc))
    elif request.method == "DELETE":
        emulator.faults = FaultPlan()
    return JSONResponse(emulator.faults.to_json())


async def rate_limits(request: Request) -> Response:
    limiter = emulator_of(request).limiter
    if request.method == "PUT":
        try:
            body = await _body(request)
        except ValueError as exc:
            return _problem(400, str(exc))
        if not isinstance(body.get("enabled"), bool):
            return _problem(400, "enabled must be true or false")
        limiter.enabled = body["enabled"]
        if body.get("reset_windows", True):
            limiter.reset()
    return JSONResponse({"enabled": limiter.enabled, "rules": limiter.usage()})


async def clock(request: Request) -> Response:
    emulator = emulator_of(request)
    if request.method == "POST":
        try:
            emulator.clock.advance(float((await _body(request)).get("advance_seconds", 0)))
        except (ValueError, TypeError) as exc:
            return _problem(400, str(exc))
    return JSONResponse({"offset_seconds": emulator.clock.offset, "now": emulator.clock.now().isoformat()})


async def openapi(request: Request) -> Response:
    return JSONResponse(emulator_of(request).spec.openapi())


async def secrets(request: Request) -> Response:
    """Every secret value the emulator holds, for tests that prove none leaks through the gateway."""
    return JSONResponse({"secrets": sorted(emulator_of(request).state.secret_values())})


async def inspect_destination(request: Request) -> Response:
    record = emulator_of(request).state.inspect_destination(request.path_params["destination_id"])
    if record is None:
        return _problem(404, "no such destination")
    return JSONResponse(record)


def control_routes() -> list[Route]:
    return [
        Route("/", index, methods=["GET"]),
        Route("/reset", reset, methods=["POST"]),
        Route("/seed", seed, methods=["POST"]),
        Route("/requests", requests, methods=["GET", "DELETE"]),
        Route("/counters", counters, methods=["GET"]),
        Route("/faults", faults, methods=["GET", "PUT", "DELETE"]),
        Route("/rate-limits", rate_limits, methods=["GET", "PUT"]),
        Route("/clock", clock, methods=["GET", "POST"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/state/destinations/{destination_id}", inspect_destination, methods=["GET"]),
        Route("/secrets", secrets, methods=["GET"]),
    ]
