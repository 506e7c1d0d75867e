"""What a vendor package hands the core to become an emulator."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from destgraph.emulators.core.clock import Clock
from destgraph.emulators.core.errors import VendorError
from destgraph.emulators.core.ratelimit import RateDecision, RateLimitRule
from destgraph.emulators.core.seeding import SeedOptions


class VendorState(Protocol):
    """A vendor's in-memory state. Seeded at construction; inspected by the control API."""

    def inspect_destination(self, destination_id: str) -> dict[str, Any] | None:
        """The stored record as held, secrets unmasked, for tests to check what was written."""
        ...

    def secret_values(self) -> set[str]:
        """Every secret value held, as the vendor would classify it, for leak tests."""
        ...


@dataclass(frozen=True)
class VendorSpec:
    #: short name: segment, ours, zeotap, nimriz
    name: str
    title: str
    #: ``destgraph emulate`` serves this vendor on port-base + port_offset
    port_offset: int
    routes: Sequence[BaseRoute]
    new_state: Callable[[SeedOptions, Clock], VendorState]
    #: raise VendorError (401/403) unless the request carries the vendor's credentials
    authenticate: Callable[[Request, str], None]
    render_error: Callable[[VendorError], Response]
    openapi: Callable[[], dict[str, Any]]
    rate_limits: Callable[[], list[RateLimitRule]] = field(default=lambda: [])
    #: headers a successful response carries about its rate budget (Segment's X-RateLimit-*)
    rate_limit_headers: Callable[[RateDecision], dict[str, str]] | None = None
    #: lines for the index page: what is emulated, what is not
    notes: Sequence[str] = ()
