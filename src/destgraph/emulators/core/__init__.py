"""The parts every emulator shares: app factory, middleware, control API, seeding, clock."""

from destgraph.emulators.core.app import DEFAULT_TOKEN, Emulator, create_emulator_app, rfc5322
from destgraph.emulators.core.clock import Clock, isoformat, parse_timestamp
from destgraph.emulators.core.context import emulator_of, state_of
from destgraph.emulators.core.errors import VendorError
from destgraph.emulators.core.faults import ReplyLost
from destgraph.emulators.core.http import bearer_token, read_json, read_json_object
from destgraph.emulators.core.middleware import route_of
from destgraph.emulators.core.ratelimit import RateDecision, RateLimitRule
from destgraph.emulators.core.seeding import SeededRandom, SeedOptions, destination_name
from destgraph.emulators.core.spec import VendorSpec, VendorState

__all__ = [
    "DEFAULT_TOKEN",
    "Clock",
    "Emulator",
    "RateDecision",
    "RateLimitRule",
    "ReplyLost",
    "SeedOptions",
    "SeededRandom",
    "VendorError",
    "VendorSpec",
    "VendorState",
    "bearer_token",
    "create_emulator_app",
    "destination_name",
    "emulator_of",
    "isoformat",
    "parse_timestamp",
    "read_json",
    "read_json_object",
    "rfc5322",
    "route_of",
    "state_of",
]
