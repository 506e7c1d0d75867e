"""Shared GraphQL pieces: Node, PageInfo, enums mirrored from the domain."""

from __future__ import annotations

import enum
from typing import TypeAlias

import strawberry

from destgraph.domain import models

# strawberry.enum() records the GraphQL definition on the domain enum itself and returns that same
# class, so each name below is an alias of the domain enum that mypy can use as a type.
Provider: TypeAlias = models.Provider
ConnectionStatus: TypeAlias = models.ConnectionStatus
HealthStatus: TypeAlias = models.HealthStatus
DestinationTypeStatus: TypeAlias = models.TypeStatus
SettingType: TypeAlias = models.SettingType
MetricsGranularity: TypeAlias = models.Granularity
MappingOverrideKind: TypeAlias = models.MappingOverrideKind

strawberry.enum(Provider, description="The four vendors whose destination APIs the gateway unifies.")
strawberry.enum(ConnectionStatus)
strawberry.enum(HealthStatus)
strawberry.enum(DestinationTypeStatus, name="DestinationTypeStatus")
strawberry.enum(SettingType)
strawberry.enum(MetricsGranularity, name="MetricsGranularity")
strawberry.enum(MappingOverrideKind)


@strawberry.enum(description="A workspace's circuit breaker, which keeps calls away from a vendor that keeps failing.")
class CircuitState(enum.Enum):
    CLOSED = strawberry.enum_value("CLOSED", description="Calls go to the vendor.")
    OPEN = strawberry.enum_value(
        "OPEN",
        description="The vendor failed breaker_failures times in a row: calls fail at once with UPSTREAM_UNAVAILABLE (retryAfter: seconds until the next probe), without calling it.",
    )
    HALF_OPEN = strawberry.enum_value(
        "HALF_OPEN",
        description="One call is out as a probe: its success closes the circuit, its failure opens it again; other calls are refused meanwhile.",
    )

    @classmethod
    def from_domain(cls, state: models.CircuitState) -> CircuitState:
        return cls(state.value)


@strawberry.interface(description="An object with an opaque global id, resolvable by node(id:).")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def of(cls, cursors: list[str], *, has_next: bool, has_previous: bool, end: str | None = None) -> PageInfo:
        return cls(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else end,
        )
