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
from destgraph.schema.types.common import AFTER, FIRST, ID, CircuitState, HealthStatus, Node, Provider
from destgraph.services import workspaces

if TYPE_CHECKING:
    from destgraph.schema.types.catalog import DestinationTypeConnection
    from destgraph.schema.types.destination import DestinationConnection, DestinationFilter


@strawberry.type(
    description="What a provider can do. Fields that need a capability return null or an empty list where it is false."
)
class Capabilities:
    subscriptions: bool = strawberry.field(
        description="Whether destinations have subscriptions (Segment subscriptions, Nimriz actions). Where false, "
        "Destination.subscriptions is empty and the subscription mutations answer an UNSUPPORTED userError."
    )
    delivery_metrics: bool = strawberry.field(
        description="Whether Destination.deliveryMetrics has numbers (Segment); where false it is null."
    )
    connection_test: bool = strawberry.field(
        description="Whether the vendor tests a destination's connection (Zeotap): testDestination, "
        "testDestinationSettings and the destinationTestProgress subscription."
    )
    test_event: bool = strawberry.field(
        description="Whether testDestination can send a test event through one subscription (Nimriz's test-send)."
    )
    describe_fields: bool = strawberry.field(
        description="Whether Destination.fields lists the fields a destination can be mapped to (Zeotap); where false it is null."
    )
    server_side_pagination: bool = strawberry.field(
        description="Whether the vendor pages its destination list itself (Segment, Ours Privacy); where false one "
        "call answers the whole list and the gateway pages it."
    )
    live_catalog: bool = strawberry.field(
        description="Whether the destination-type catalog comes from the vendor's API (true) or is built into the gateway (false)."
    )
    settings_replaced_whole: bool = strawberry.field(
        description="Whether an updateDestination that changes any setting replaces them all (Nimriz stores "
        "credentials whole): then every secret setting must be given again, and each left out is a REQUIRED "
        "userError at its input.settings key, dryRun included."
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
            settings_replaced_whole=c.settings_replaced_whole,
        )


@strawberry.type(
    description="The last probe of a workspace (one cheap vendor call, kept health_ttl_seconds), with its circuit as it is now."
)
class WorkspaceHealth:
    status: HealthStatus = strawberry.field(description="How the last probe went.")
    latency_ms: float | None = strawberry.field(description="Round-trip of the last probe, in milliseconds.")
    checked_at: datetime = strawberry.field(
        description="When the status was found: the time of the last probe, or now while the circuit keeps the vendor from being probed."
    )
    message: str | None = strawberry.field(
        description="Why the status is not OK: the vendor's fault (secrets masked), how slow the probe was, or when "
        "the circuit will let the next probe through; null when OK."
    )
    circuit: CircuitState = strawberry.field(
        description="The workspace's circuit breaker now. While it is OPEN the vendor is not called: status is UNREACHABLE and message says when it will be probed."
    )


@strawberry.type(
    description="A vendor workspace (a Segment workspace, an Ours Privacy account, a Zeotap workspace, a Nimriz workspace) that the gateway is configured to reach."
)
class Workspace(Node):
    id: strawberry.ID = strawberry.field(description=ID)
    key: str = strawberry.field(
        description="The key this workspace has in the gateway's configuration, e.g. segment-prod."
    )
    provider: Provider = strawberry.field(description="The vendor this workspace belongs to.")
    label: str = strawberry.field(
        description="A name for people: the label in the gateway's configuration, or the key where it has none."
    )

    @classmethod
    def from_config(cls, config: WorkspaceConfig) -> Workspace:
        return cls(
            id=strawberry.ID(GlobalId("Workspace", config.key, config.key).encode()),
            key=config.key,
            provider=config.provider,
            label=config.display_label,
        )

    # strawberry.field() given only keywords is typed as returning Any, whatever it decorates.
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="What this workspace's vendor can do, and so which fields and mutations work here."
    )
    def capabilities(self, info: Info) -> Capabilities:
        return Capabilities.from_domain(workspaces.capabilities(info.context.session, self.key))

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="Whether the vendor answers: the last probe (made now if none is fresh) and the circuit breaker."
    )
    async def health(self, info: Info) -> WorkspaceHealth:
        health = await workspaces.health(info.context.session, self.key)
        return WorkspaceHealth(
            status=health.status,
            latency_ms=health.latency_ms,
            checked_at=health.checked_at,
            message=health.message,
            circuit=CircuitState.from_domain(health.circuit),
        )

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="This workspace's destinations, in the vendor's order. When the vendor fails, an empty page "
        "and an error at this path."
    )
    async def destinations(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        filter: Annotated[
            Annotated[DestinationFilter, strawberry.lazy("destgraph.schema.types.destination")] | None,
            strawberry.argument(
                description="Only the destinations that match every field given; a workspaceIds that leaves this "
                "workspace out gives an empty page."
            ),
        ] = None,
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

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="The destination types this workspace's vendor offers, in label order. When the catalog "
        "cannot be read, an empty page and an error at this path."
    )
    async def destination_types(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        search: Annotated[
            str | None, strawberry.argument(description="Case-insensitive substring of the type's key or label.")
        ] = None,
    ) -> Annotated[DestinationTypeConnection, strawberry.lazy("destgraph.schema.types.catalog")]:
        from destgraph.schema.types.catalog import DestinationTypeConnection

        try:
            return await DestinationTypeConnection.resolve(
                info, workspace_keys=[self.key], search=search, first=first, after=after
            )
        except UpstreamError as exc:
            info.context.report(exc, path_of(info))
            return DestinationTypeConnection.empty()
