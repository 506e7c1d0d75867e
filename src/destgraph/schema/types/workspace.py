"""Workspace, its capabilities and health."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from destgraph.config import WorkspaceConfig
from destgraph.domain import models
from destgraph.domain.ids import GlobalId
from destgraph.errors import UpstreamError
from destgraph.schema.context import Info, path_of
from destgraph.schema.types.common import CircuitState, HealthStatus, Node, Provider
from destgraph.services import workspaces

if TYPE_CHECKING:
    from destgraph.schema.types.catalog import DestinationTypeConnection
    from destgraph.schema.types.destination import DestinationConnection, DestinationFilter


@strawberry.type(
    description="What a provider can do. Fields that need a capability return null or an empty list where it is false."
)
class Capabilities:
    subscriptions: bool
    delivery_metrics: bool
    connection_test: bool
    test_event: bool
    describe_fields: bool
    server_side_pagination: bool
    live_catalog: bool = strawberry.field(
        description="Whether the destination-type catalog comes from the vendor's API (true) or is built into the gateway (false)."
    )

    @classmethod
    def from_domain(cls, c: models.Capabilities) -> Capabilities:
        return cls(
            subscriptions=c.subscriptions,
            delivery_metrics=c.delivery_metrics,
            connection_test=c.connection_test,
            test_event=c.test_event,
            describe_fields=c.describe_fields,
            server_side_pagination=c.server_side_pagination,
            live_catalog=c.live_catalog,
        )


@strawberry.type
class WorkspaceHealth:
    status: HealthStatus
    latency_ms: float | None = strawberry.field(description="Round-trip of the last probe, in milliseconds.")
    checked_at: datetime
    message: str | None
    circuit: CircuitState = strawberry.field(
        description="The workspace's circuit breaker now. While it is OPEN the vendor is not called: status is UNREACHABLE and message says when it will be probed."
    )


@strawberry.type(
    description="A vendor workspace (a Segment workspace, an Ours Privacy account, a Zeotap workspace, a Nimriz workspace) that the gateway is configured to reach."
)
class Workspace(Node):
    id: strawberry.ID
    key: str = strawberry.field(
        description="The key this workspace has in the gateway's configuration, e.g. segment-prod."
    )
    provider: Provider
    label: str

    @classmethod
    def from_config(cls, config: WorkspaceConfig) -> Workspace:
        return cls(
            id=strawberry.ID(GlobalId("Workspace", config.key, config.key).encode()),
            key=config.key,
            provider=config.provider,
            label=config.display_label,
        )

    @strawberry.field
    def capabilities(self, info: Info) -> Capabilities:
        return Capabilities.from_domain(workspaces.capabilities(info.context.session, self.key))

    @strawberry.field
    async def health(self, info: Info) -> WorkspaceHealth:
        health = await workspaces.health(info.context.session, self.key)
        return WorkspaceHealth(
            status=health.status,
            latency_ms=health.latency_ms,
            checked_at=health.checked_at,
            message=health.message,
            circuit=CircuitState.from_domain(health.circuit),
        )

    @strawberry.field
    async def destinations(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: Annotated[DestinationFilter, strawberry.lazy("destgraph.schema.types.destination")] | None = None,
    ) -> Annotated[DestinationConnection, strawberry.lazy("destgraph.schema.types.destination")]:
        from destgraph.schema.types.destination import DestinationConnection

        try:
            return await DestinationConnection.resolve(
                info, first=first, after=after, filter=filter, workspace=self.key
            )
        except UpstreamError as exc:
            # One workspace failing must not blank the others: an empty page and an error at this path.
            info.context.report(exc, path_of(info))
            return DestinationConnection.empty()

    @strawberry.field
    async def destination_types(
        self, info: Info, first: int | None = None, after: str | None = None, search: str | None = None
    ) -> Annotated[DestinationTypeConnection, strawberry.lazy("destgraph.schema.types.catalog")]:
        from destgraph.schema.types.catalog import DestinationTypeConnection

        try:
            return await DestinationTypeConnection.resolve(
                info, workspace_keys=[self.key], search=search, first=first, after=after
            )
        except UpstreamError as exc:
            info.context.report(exc, path_of(info))
            return DestinationTypeConnection.empty()
