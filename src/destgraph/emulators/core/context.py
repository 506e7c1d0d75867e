"""Reach the running emulator (and its vendor state) from a request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request

if TYPE_CHECKING:
    from destgraph.emulators.core.app import Emulator


def emulator_of(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


def state_of(request: Request) -> Any:
    """The vendor state of the emulator answering ``request``; each vendor narrows the type."""
    return emulator_of(request).state
