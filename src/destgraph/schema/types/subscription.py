"""DestinationSubscription: the rules that send a destination some of its events, whatever the vendor calls them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from destgraph.domain import models
from destgraph.domain.event_filter import to_fql
from destgraph.domain.ids import GlobalId
from destgraph.domain.secrets import mask_settings
from destgraph.schema.context import Info
from destgraph.schema.types.common import (
    CURSOR,
    EDGES,
    ID,
    NATIVE_ID,
    NODES,
    PAGE_INFO,
    MappingOverrideKind,
    Node,
    PageInfo,
)
from destgraph.services.pagination import OffsetCursors

if TYPE_CHECKING:
    from destgraph.schema.types.destination import Destination


@strawberry.type(
    description="One side of a Nimriz event filter. Each non-empty list tests one attribute of an event (it must be "
    "one of the list's values); an empty list tests nothing."
)
class EventFilterClause:
    event_types: list[str] = strawberry.field(description="Nimriz event types, e.g. link.clicked or link.qr_scanned.")
    touch_types: list[str] = strawberry.field(description="How the link was reached (the event's touch_type).")
    domain_ids: list[str] = strawberry.field(description="Ids of the Nimriz domains the links belong to.")
    tag_ids: list[str] = strawberry.field(description="Ids of the Nimriz tags on the links.")
    space_ids: list[str] = strawberry.field(description="Ids of the Nimriz spaces the links belong to.")
    countries: list[str] = strawberry.field(description="Countries the events came from, as Nimriz codes them.")
    bot_traffic: bool | None = strawberry.field(
        description="In exclude, true leaves out traffic Nimriz flags as bots; null where the filter does not say."
    )

    @classmethod
    def from_domain(cls, c: models.FilterClause) -> EventFilterClause:
        return cls(
            event_types=list(c.event_types),
            touch_types=list(c.touch_types),
            domain_ids=list(c.domain_ids),
            tag_ids=list(c.tag_ids),
            space_ids=list(c.space_ids),
            countries=list(c.countries),
            bot_traffic=c.bot_traffic,
        )


@strawberry.type(
    description="Which events a Nimriz action sends: those matching include, none matching exclude, and every condition."
)
class EventFilter:
    include: EventFilterClause = strawberry.field(description="What an event must match to be sent.")
    exclude: EventFilterClause = strawberry.field(description="What keeps an event from being sent.")
    conditions: JSON = strawberry.field(
        description="Further tests, as Nimriz holds them: a list of objects {field, operator, value}; empty for none."
    )


@strawberry.type(description="One change a Nimriz property mapping makes to the properties its base sends.")
class MappingOverride:
    kind: MappingOverrideKind = strawberry.field(description="What the override does.")
    spec: JSON = strawberry.field(
        description="The override's own fields (source, target, value, template ...), as the vendor holds them."
    )


@strawberry.type(description="Which properties a Nimriz action sends, and under what names.")
class PropertyMapping:
    base: str = strawberry.field(description="The Nimriz mapping the action starts from, e.g. default.")
    overrides: list[MappingOverride] = strawberry.field(
        description="Changes to the base mapping, applied in order; empty for none."
    )


def subscription_id(ref: models.SubscriptionRef) -> str:
    return GlobalId(
        "DestinationSubscription", ref.destination.workspace, f"{ref.destination.native_id}:{ref.native_id}"
    ).encode()


@strawberry.type(
    description="A rule that sends a destination some of its events: a Segment destination subscription "
    "(an action with an FQL trigger) or a Nimriz action (an action type with an event filter and a property mapping)."
)
class DestinationSubscription(Node):
    id: strawberry.ID = strawberry.field(description=ID)
    native_id: str = strawberry.field(description=NATIVE_ID)
    name: str = strawberry.field(description="The name the subscription has at the vendor.")
    enabled: bool = strawberry.field(description="Whether the vendor sends events through it.")
    action_id: str | None = strawberry.field(
        description="Segment: the id of the destination action it runs (see DestinationType.actions); null for Nimriz."
    )
    action_slug: str | None = strawberry.field(
        description="Segment: the slug of that action, e.g. track_event; null for Nimriz or where Segment gives none."
    )
    action_type: str | None = strawberry.field(
        description="Nimriz action_type: send_event, send_conversion, send_webhook, interstitial_settings."
    )
    model_id: str | None = strawberry.field(
        description="Segment: the Reverse ETL model the subscription reads from; null for event subscriptions and Nimriz."
    )
    created_at: datetime | None = strawberry.field(
        description="When the subscription was created, as the vendor says; null where it keeps no time."
    )
    updated_at: datetime | None = strawberry.field(
        description="When the subscription last changed, as the vendor says; null where it keeps no time."
    )
    domain: strawberry.Private[models.DestinationSubscription]

    @classmethod
    def from_domain(cls, s: models.DestinationSubscription) -> DestinationSubscription:
        return cls(
            id=strawberry.ID(subscription_id(s.ref)),
            native_id=s.ref.native_id,
            name=s.name,
            enabled=s.enabled,
            action_id=s.action_id,
            action_slug=s.action_slug,
            action_type=s.action_type,
            model_id=s.model_id,
            created_at=s.created_at,
            updated_at=s.updated_at,
            domain=s,
        )

    # strawberry.field() given only keywords is typed as returning Any, whatever it decorates.
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The destination the subscription belongs to; NOT_FOUND if it was deleted meanwhile."
    )
    async def destination(
        self, info: Info
    ) -> Annotated[Destination, strawberry.lazy("destgraph.schema.types.destination")]:
        from destgraph.errors import NotFoundError
        from destgraph.schema.types.destination import Destination

        found = await info.context.loaders.destination.load(self.domain.ref.destination)
        if found is None:
            raise NotFoundError("the destination of this subscription no longer exists")
        return Destination.from_domain(found)

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="A token that changes whenever the subscription does: pass it as expectedVersion."
    )
    def version(self) -> str:
        return self.domain.version

    @strawberry.field(  # type: ignore[untyped-decorator]
        description='Segment FQL, e.g. type = "track". For Nimriz actions, an equivalent expression derived from eventFilter.'
    )
    def trigger(self) -> str | None:
        if self.domain.trigger is not None:
            return self.domain.trigger
        # Derived only when asked for: rendering the filter of every action in a list costs more than reading it.
        return to_fql(self.domain.event_filter) if self.domain.event_filter is not None else None

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="Nimriz: which events the action sends; null for Segment (see trigger)."
    )
    def event_filter(self) -> EventFilter | None:
        f = self.domain.event_filter
        if f is None:
            return None
        return EventFilter(
            include=EventFilterClause.from_domain(f.include),
            exclude=EventFilterClause.from_domain(f.exclude),
            conditions=JSON([dict(c) for c in f.conditions]),
        )

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="Nimriz: which properties the action sends; null for Segment."
    )
    def property_mapping(self) -> PropertyMapping | None:
        m = self.domain.property_mapping
        if m is None:
            return None
        return PropertyMapping(
            base=m.base, overrides=[MappingOverride(kind=o.kind, spec=JSON(dict(o.spec))) for o in m.overrides]
        )

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="Segment: the action's field values (its mapping), with every secret masked; empty for Nimriz."
    )
    def settings(self) -> JSON:
        return JSON(mask_settings(self.domain.settings))

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="The vendor's own representation of the subscription, masked like settings."
    )
    def raw(self) -> JSON:
        return JSON(mask_settings(self.domain.raw))


@strawberry.type(description="A subscription in a page, with its cursor.")
class DestinationSubscriptionEdge:
    node: DestinationSubscription = strawberry.field(description="The subscription.")
    page: strawberry.Private[OffsetCursors]
    position: strawberry.Private[int]

    @strawberry.field(description=CURSOR)  # type: ignore[untyped-decorator]  # typed as returning Any, as above
    def cursor(self) -> str:
        return self.page.at(self.position)


@strawberry.type(
    description="Subscriptions of one destination. When the vendor cannot list them, the connection is empty "
    "with totalCount null, and an error at its path says why."
)
class DestinationSubscriptionConnection:
    edges: list[DestinationSubscriptionEdge] = strawberry.field(description=EDGES)
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)
    total_count: int | None = strawberry.field(
        description="How many subscriptions the destination has, over every page; null when the vendor could not list them."
    )

    @strawberry.field(description=NODES)  # type: ignore[untyped-decorator]  # typed as returning Any, as above
    def nodes(self) -> list[DestinationSubscription]:
        return [edge.node for edge in self.edges]

    @classmethod
    def slice(
        cls,
        info: Info,
        found: list[models.DestinationSubscription],
        *,
        scope: str,
        first: int | None,
        after: str | None,
    ) -> DestinationSubscriptionConnection:
        from destgraph.schema.types.destination import offset_page

        chosen, cursors, page_info = offset_page(found, scope=scope, first=first, after=after, info=info)
        return cls(
            edges=[
                DestinationSubscriptionEdge(node=DestinationSubscription.from_domain(s), page=cursors, position=i)
                for i, s in enumerate(chosen)
            ],
            page_info=page_info,
            total_count=len(found),
        )

    @classmethod
    def unavailable(cls) -> DestinationSubscriptionConnection:
        """The vendor could not say: no edges, totalCount null (an error at the field's path says why)."""
        return cls(edges=[], page_info=PageInfo.of([], has_next=False, has_previous=False), total_count=None)
