"""Shared GraphQL pieces: Node, PageInfo, enums mirrored from the domain."""

from __future__ import annotations

import strawberry

from destgraph.domain import models

Provider = strawberry.enum(models.Provider, description="The four vendors whose destination APIs the gateway unifies.")
ConnectionStatus = strawberry.enum(models.ConnectionStatus)
HealthStatus = strawberry.enum(models.HealthStatus)
DestinationTypeStatus = strawberry.enum(models.TypeStatus, name="DestinationTypeStatus")
SettingType = strawberry.enum(models.SettingType)
MetricsGranularity = strawberry.enum(models.Granularity, name="MetricsGranularity")
MappingOverrideKind = strawberry.enum(models.MappingOverrideKind)


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
