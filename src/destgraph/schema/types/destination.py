"""Destination, its connection, filter, delivery metrics and fields."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, TypeVar

import strawberry
from strawberry.scalars import JSON

from destgraph.domain import models
from destgraph.domain.ids import GlobalId, MalformedId
from destgraph.domain.queries import ListFilter, MetricsWindow
from destgraph.domain.secrets import mask_settings, secret_keys_of
from destgraph.errors import UpstreamError
from destgraph.schema.context import Info, path_of
from destgraph.schema.types.common import (
    AFTER,
    CURSOR,
    EDGES,
    FIRST,
    ID,
    NODES,
    PAGE_INFO,
    ConnectionStatus,
    MetricsGranularity,
    Node,
    PageInfo,
    Provider,
    invalid_id,
)
from destgraph.services import destinations as destination_service
from destgraph.services import metrics as metrics_service
from destgraph.services.pagination import OffsetCursor, OffsetCursors, page_size

if TYPE_CHECKING:
    from destgraph.schema.types.catalog import DestinationType
    from destgraph.schema.types.subscription import DestinationSubscriptionConnection
    from destgraph.schema.types.workspace import Workspace

T = TypeVar("T")


@strawberry.input(
    description="Which destinations to list: each field given narrows the list (all must match); a field left out "
    "or null does not filter. The vendor applies what it can (Ours Privacy status and type), the gateway the rest."
)
class DestinationFilter:
    providers: list[Provider] | None = strawberry.field(default=None, description="Only destinations of these vendors.")
    workspace_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Only destinations of these workspaces (Workspace.id); an id that is not one is BAD_REQUEST.",
    )
    enabled: bool | None = strawberry.field(
        default=None, description="Only enabled (true) or only disabled (false) destinations."
    )
    type_keys: list[str] | None = strawberry.field(
        default=None, description="Only destinations whose typeKey is one of these, compared exactly."
    )
    search: str | None = strawberry.field(default=None, description="Case-insensitive substring of the name.")
    services: list[str] | None = strawberry.field(
        default=None,
        description="Only destinations whose service (Destination.service, e.g. klaviyo) is one of these, compared "
        "exactly; the gateway maps each type to its service, and the vendor filters on its types of them where it can.",
    )

    def scope(self, *, workspace: str | None = None) -> destination_service.DestinationScope:
        keys: set[str] | None = None
        if self.workspace_ids is not None:
            keys = set()
            for i, raw in enumerate(self.workspace_ids):
                try:
                    keys.add(GlobalId.decode(raw, expect="Workspace").workspace)
                except MalformedId as exc:
                    raise invalid_id(raw, expect="Workspace", field=("filter", "workspaceIds", str(i))) from exc
        if workspace is not None:
            # Workspace.destinations: this workspace, unless the filter leaves it out.
            keys = {workspace} if keys is None else keys & {workspace}
        return destination_service.DestinationScope(
            providers=tuple(self.providers or ()),
            workspace_keys=frozenset(keys) if keys is not None else None,
            filter=ListFilter(
                enabled=self.enabled,
                type_keys=tuple(self.type_keys or ()),
                search=self.search or None,
                services=tuple(self.services or ()),
            ),
        )


@strawberry.input(description="The window and source of delivery metrics; every field may be left out.")
class DeliveryMetricsInput:
    source_id: str | None = strawberry.field(default=None, description="Defaults to the destination's own source.")
    start_time: datetime | None = strawberry.field(
        default=None,
        description="Start of the window, before endTime; left out, a window ending at endTime whose length "
        "depends on granularity (see MetricsGranularity).",
    )
    end_time: datetime | None = strawberry.field(default=None, description="End of the window; left out, now.")
    granularity: MetricsGranularity | None = strawberry.field(
        default=models.Granularity.MINUTE, description="Size of the buckets the vendor counts in; null means MINUTE."
    )


@strawberry.type(description="How long deliveries took, as Segment reports it, over the metrics window.")
class LatencySummary:
    average: float | None = strawberry.field(
        description="The mean, as Segment reports it (its API does not state the unit); null where Segment gave none."
    )
    p95: float | None = strawberry.field(
        description="The 95th percentile, in the same unit as average; null where Segment gave none."
    )


@strawberry.type(
    description="What Segment delivered to a destination from one source over a window: counts of events, and latencies."
)
class DeliveryMetrics:
    source_id: str = strawberry.field(description="The source the events came from.")
    granularity: MetricsGranularity = strawberry.field(description="The size of the buckets Segment counted in.")
    start_time: datetime = strawberry.field(description="Start of the window the numbers cover.")
    end_time: datetime = strawberry.field(description="End of the window the numbers cover.")
    successes: int = strawberry.field(description="Events the destination accepted.")
    successes_on_first_attempt: int | None = strawberry.field(
        description="Of successes, those accepted on the first attempt; null where Segment gave no breakdown."
    )
    successes_after_retry: int | None = strawberry.field(
        description="Of successes, those accepted after one or more retries; null where Segment gave no breakdown."
    )
    expired: int = strawberry.field(description="Events Segment gave up on because its retry window ran out.")
    discarded: int = strawberry.field(
        description="Events Segment dropped without delivering them (e.g. ones the destination refused as invalid)."
    )
    retried: int = strawberry.field(description="Events Segment retried after a failed delivery attempt.")
    time_to_success: LatencySummary | None = strawberry.field(
        description="From Segment receiving an event to its successful delivery; null where Segment reported none."
    )
    time_to_first_attempt: LatencySummary | None = strawberry.field(
        description="From Segment receiving an event to its first delivery attempt; null where Segment reported none."
    )

    @classmethod
    def from_domain(cls, m: models.DeliveryMetrics) -> DeliveryMetrics:
        def latency(s: models.LatencySummary | None) -> LatencySummary | None:
            return LatencySummary(average=s.average, p95=s.p95) if s else None

        return cls(
            source_id=m.source_id,
            granularity=m.granularity,
            start_time=m.start_time,
            end_time=m.end_time,
            successes=m.successes,
            successes_on_first_attempt=m.successes_on_first_attempt,
            successes_after_retry=m.successes_after_retry,
            expired=m.expired,
            discarded=m.discarded,
            retried=m.retried,
            time_to_success=latency(m.time_to_success),
            time_to_first_attempt=latency(m.time_to_first_attempt),
        )


@strawberry.type(description="A field of the system a Zeotap destination sends to, that a sync can map a column to.")
class DestinationField:
    name: str = strawberry.field(description="The field's name at the destination, as a mapping names it.")
    label: str | None = strawberry.field(description="A name for people; null where Zeotap gives none.")
    type: str | None = strawberry.field(
        description="The field's data type in Zeotap's words (e.g. string, number); null where Zeotap gives none."
    )
    required: bool = strawberry.field(description="Whether a mapping must fill this field.")


@strawberry.type(
    description="A place a vendor sends data to, with its configuration: a Segment destination, an Ours Privacy "
    "destination, a Zeotap destination or a Nimriz destination."
)
class Destination(Node):
    id: strawberry.ID = strawberry.field(description=ID)
    native_id: str = strawberry.field(description="The vendor's own id of this destination.")
    provider: Provider = strawberry.field(description="The vendor that holds this destination.")
    name: str = strawberry.field(description="The name the destination has at the vendor.")
    type_key: str = strawberry.field(
        description="The vendor's type key: an Ours type (Klaviyo), a Segment catalog slug (amplitude), "
        "a Zeotap destination_type (salesforce), a Nimriz type (segment)."
    )
    enabled: bool = strawberry.field(
        description="Whether the vendor sends data to it. Zeotap destinations cannot be switched off: always true."
    )
    connection_status: ConnectionStatus = strawberry.field(
        description="Connection health as the vendor reports it (Zeotap); UNKNOWN where the vendor reports none."
    )
    connection_error: str | None = strawberry.field(
        description="Why the connection failed, as the vendor says (Zeotap); null unless connectionStatus is ERROR."
    )
    source_ids: list[str] = strawberry.field(
        description="Sources feeding this destination: Segment's sourceId, Ours' limitedToSourceIds."
    )
    created_at: datetime | None = strawberry.field(
        description="When the destination was created, as the vendor says; null where it keeps no time (Segment)."
    )
    updated_at: datetime | None = strawberry.field(
        description="When the destination last changed, as the vendor says; null where it keeps no time (Segment)."
    )
    domain: strawberry.Private[models.Destination]

    @classmethod
    def from_domain(cls, d: models.Destination) -> Destination:
        return cls(
            id=strawberry.ID(GlobalId("Destination", d.workspace, d.native_id).encode()),
            native_id=d.native_id,
            provider=d.provider,
            name=d.name,
            type_key=d.type_key,
            enabled=d.enabled,
            connection_status=d.connection_status,
            connection_error=d.connection_error,
            source_ids=list(d.source_ids),
            created_at=d.created_at,
            updated_at=d.updated_at,
            domain=d,
        )

    # strawberry.field() given only keywords is typed as returning Any, whatever it decorates.
    @strawberry.field(description="The workspace the destination belongs to.")  # type: ignore[untyped-decorator]
    def workspace(self, info: Info) -> Annotated[Workspace, strawberry.lazy("destgraph.schema.types.workspace")]:
        from destgraph.schema.types.workspace import Workspace

        return Workspace.from_config(info.context.session.workspace(self.domain.workspace))

    @strawberry.field(  # type: ignore[untyped-decorator]  # Strawberry types keyword-only field() as Any
        description="The vendor-neutral slug of the service typeKey sends to (e.g. klaviyo, google-analytics-4, "
        "webhook): the same for the same product at every vendor. See Query.services."
    )
    def service(self, info: Info) -> str:
        return info.context.session.adapter(self.domain.workspace).service_of(self.type_key)

    @strawberry.field(  # type: ignore[untyped-decorator]  # Strawberry types keyword-only field() as Any
        description="A token that changes whenever the destination does, through destgraph or directly at the "
        "vendor: pass it as expectedVersion to update only what you read."
    )
    def version(self) -> str:
        return self.domain.version

    @strawberry.field(description="Per-type configuration, with every secret masked.")  # type: ignore[untyped-decorator]
    def settings(self) -> JSON:
        return JSON(mask_settings(self.domain.settings, self.domain.secret_keys))

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="Keys of settings that hold secrets; their values in settings and raw are masked."
    )
    def secret_setting_keys(self) -> list[str]:
        return secret_keys_of(self.domain.settings, self.domain.secret_keys)

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="The vendor's own representation of the destination, masked like settings."
    )
    def raw(self) -> JSON:
        return JSON(mask_settings(self.domain.raw, self.domain.secret_keys))

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="The catalog entry of typeKey, with its settings; null where the vendor's catalog has no such type."
    )
    async def type(
        self, info: Info
    ) -> Annotated[DestinationType, strawberry.lazy("destgraph.schema.types.catalog")] | None:
        from destgraph.schema.loaders import TypeKey
        from destgraph.schema.types.catalog import DestinationType

        found = await info.context.loaders.destination_type.load(TypeKey(self.domain.workspace, self.type_key))
        return DestinationType.from_domain(found, self.domain.workspace) if found else None

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="The rules that send this destination its events (Segment subscriptions, Nimriz actions), in the "
        "vendor's order; empty where the vendor has none (capabilities.subscriptions)."
    )
    async def subscriptions(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> Annotated[DestinationSubscriptionConnection, strawberry.lazy("destgraph.schema.types.subscription")]:
        from destgraph.schema.types.subscription import DestinationSubscriptionConnection

        try:
            found = await info.context.loaders.subscriptions.load(self.domain)
        except UpstreamError as exc:
            # Non-null in the contract: a vendor failure here answers an empty connection, with
            # totalCount null and an error at this path, rather than nulling the whole answer.
            info.context.report(exc, path_of(info))
            return DestinationSubscriptionConnection.unavailable()
        return DestinationSubscriptionConnection.slice(info, found, scope=self.id, first=first, after=after)

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="Delivery metrics; null where the provider has none (capabilities.deliveryMetrics)."
    )
    async def delivery_metrics(
        self,
        info: Info,
        input: Annotated[
            DeliveryMetricsInput | None,
            strawberry.argument(
                description="The window, granularity and source; left out, the last hour by the minute from the "
                "destination's own source."
            ),
        ] = None,
    ) -> DeliveryMetrics | None:
        window = input or DeliveryMetricsInput()
        found = await metrics_service.delivery_metrics(
            info.context.session,
            self.domain,
            MetricsWindow(
                window.source_id, window.start_time, window.end_time, window.granularity or models.Granularity.MINUTE
            ),
        )
        return DeliveryMetrics.from_domain(found) if found else None

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="Fields that can be mapped to in this destination (Zeotap describe fields); null where unsupported."
    )
    async def fields(self, info: Info) -> list[DestinationField] | None:
        found = await metrics_service.describe_fields(info.context.session, self.domain)
        if found is None:
            return None
        return [DestinationField(name=f.name, label=f.label, type=f.type, required=f.required) for f in found]


@strawberry.type(description="A destination in a page, with its cursor.")
class DestinationEdge:
    node: Destination = strawberry.field(description="The destination.")
    edge: strawberry.Private[destination_service.Edge]

    @strawberry.field(description=CURSOR)  # type: ignore[untyped-decorator]  # typed as returning Any, as above
    def cursor(self) -> str:
        return self.edge.cursor


@strawberry.type(
    description="A page of destinations. A workspace that fails, or a row a vendor answered in a shape the "
    "gateway cannot read, is left out of the page and reported as an error at this connection's path."
)
class DestinationConnection:
    edges: list[DestinationEdge] = strawberry.field(description=EDGES)
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)
    total_count_resolver: strawberry.Private[Callable[[], Awaitable[int | None]] | None] = None

    @strawberry.field(description=NODES)  # type: ignore[untyped-decorator]  # typed as returning Any, as above
    def nodes(self) -> list[Destination]:
        return [edge.node for edge in self.edges]

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="Null where a vendor does not report totals without reading every page."
    )
    async def total_count(self) -> int | None:
        if self.total_count_resolver is None:
            return None
        return await self.total_count_resolver()

    @classmethod
    def empty(cls) -> DestinationConnection:
        return cls(edges=[], page_info=PageInfo.of([], has_next=False, has_previous=False))

    @classmethod
    async def resolve(
        cls,
        info: Info,
        *,
        first: int | None,
        after: str | None,
        filter: DestinationFilter | None,
        workspace: str | None = None,
    ) -> DestinationConnection:
        session = info.context.session
        scope = (filter or DestinationFilter()).scope(workspace=workspace)
        page = await destination_service.list_destinations(session, scope, first=first, after=after)
        found = [edge.destination for edge in page.edges]
        await info.context.loaders.destination.remember(found)
        for _workspace, error in page.failures:
            info.context.report(error, path_of(info))
        edges = [DestinationEdge(node=Destination.from_domain(e.destination), edge=e) for e in page.edges]

        async def total() -> int | None:
            return await destination_service.count_destinations(session, scope, first=first)

        return cls(
            edges=edges,
            page_info=PageInfo.of(
                [page.edges[0].cursor, page.edges[-1].cursor] if page.edges else [],
                has_next=page.has_next_page,
                has_previous=page.has_previous_page,
                end=page.end_cursor,
            ),
            total_count_resolver=total,
        )


def offset_page(
    items: list[T], *, scope: str, first: int | None, after: str | None, info: Info
) -> tuple[list[T], OffsetCursors, PageInfo]:
    """Slice a list the gateway holds whole: the items, their cursors (encoded when read), and
    the page's PageInfo."""
    options = info.context.session.settings.gateway
    cursor = OffsetCursor(scope)
    start = cursor.decode(after)
    limit = page_size(first, default=options.default_page_size, maximum=options.max_page_size)
    chosen = items[start : start + limit]
    cursors = OffsetCursors(cursor, start, len(chosen))
    info_of_page = PageInfo(
        has_next_page=start + limit < len(items),
        has_previous_page=start > 0,
        start_cursor=cursors.first,
        end_cursor=cursors.last,
    )
    return chosen, cursors, info_of_page
