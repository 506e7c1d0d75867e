"""DestinationType and its settings and actions: the catalogs of the four vendors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from destgraph.domain import models
from destgraph.domain.ids import GlobalId
from destgraph.errors import UpstreamError
from destgraph.schema.context import Info, path_of
from destgraph.schema.types.common import (
    CURSOR,
    EDGES,
    ID,
    NODES,
    PAGE_INFO,
    DestinationTypeStatus,
    Node,
    PageInfo,
    Provider,
    SettingType,
)
from destgraph.services import catalog, service_names
from destgraph.services.pagination import OffsetCursors

if TYPE_CHECKING:
    from destgraph.schema.types.workspace import Workspace


@strawberry.type(
    description="One setting a destination type (or one of its actions) takes, as its vendor's catalog describes it."
)
class SettingDefinition:
    key: str = strawberry.field(description="The key of the setting in settings, e.g. apiKey.")
    label: str = strawberry.field(description="A name for people, as the vendor's console shows it.")
    type: SettingType = strawberry.field(description="The kind of value the setting takes.")
    required: bool = strawberry.field(
        description="Whether a create must give it (unless the vendor fills a default), and an update may not remove it."
    )
    secret: bool = strawberry.field(description="Whether the value is a credential: masked wherever it is read.")
    default_value: JSON | None = strawberry.field(
        description="The value the vendor uses when none is given; null where there is none, and always null for secrets."
    )
    description: str | None = strawberry.field(
        description="The vendor's help text for the setting (an ALERT's message); null where it has none."
    )
    choices: list[str] | None = strawberry.field(
        description="The values a SELECT setting accepts; null for every other type."
    )

    @classmethod
    def from_domain(cls, s: models.SettingDefinition) -> SettingDefinition:
        return cls(
            key=s.key,
            label=s.label,
            type=s.type,
            required=s.required,
            secret=s.secret,
            # A default is shown as the catalog has it, except for secrets.
            default_value=None if s.secret else s.default_value,
            description=s.description,
            choices=list(s.choices) if s.choices is not None else None,
        )


@strawberry.type(
    description="An action a subscription of this type can run: a Segment action, or a Nimriz action type."
)
class ActionDefinition:
    key: str = strawberry.field(description="Segment action id, or the Nimriz action_type.")
    name: str = strawberry.field(description="A name for people, as the vendor's console shows it.")
    description: str | None = strawberry.field(
        description="What the action does, as the vendor says; null where it says nothing."
    )
    fields: list[SettingDefinition] = strawberry.field(
        description="The settings a subscription running this action takes (Segment action fields); empty for Nimriz."
    )


@strawberry.type(
    description="A kind of destination a vendor offers (an entry of its catalog), with the settings a destination of it takes."
)
class DestinationType(Node):
    id: strawberry.ID = strawberry.field(description=ID)
    provider: Provider = strawberry.field(description="The vendor whose catalog lists the type.")
    key: str = strawberry.field(
        description="What Destination.typeKey and CreateDestinationInput.typeKey hold for this type, e.g. amplitude or Klaviyo."
    )
    label: str = strawberry.field(description="A name for people, as the vendor's console shows it.")
    description: str | None = strawberry.field(
        description="The vendor's description of the type; null where it has none."
    )
    status: DestinationTypeStatus = strawberry.field(
        description="Whether the vendor offers the type generally, in beta, or no longer."
    )
    categories: list[str] = strawberry.field(
        description="The vendor's categories for the type (e.g. Analytics, Email Marketing); empty where it has none."
    )
    creatable: bool = strawberry.field(
        description="False for types the vendor's API will not create (Ours warehouse and cloud-storage types)."
    )
    workspace_key: strawberry.Private[str]
    #: the catalog entry: settings and actions are built from it only when a query selects them
    domain: strawberry.Private[models.DestinationType]

    # strawberry.field() given only keywords is typed as returning Any, whatever it decorates.
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The settings a destination of this type takes, in the vendor's order."
    )
    def settings(self) -> list[SettingDefinition]:
        return [SettingDefinition.from_domain(s) for s in self.domain.settings]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The actions its subscriptions can run (Segment actions, Nimriz action types); empty where it has none."
    )
    def actions(self) -> list[ActionDefinition]:
        return [
            ActionDefinition(
                key=a.key,
                name=a.name,
                description=a.description,
                fields=[SettingDefinition.from_domain(f) for f in a.fields],
            )
            for a in self.domain.actions
        ]

    # strawberry.field() given only keywords is typed as returning Any, whatever it decorates.
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The vendor-neutral slug of the service the type sends to (e.g. klaviyo, google-analytics-4, "
        "webhook): the same for the same product at every vendor. See Query.services."
    )
    def service(self, info: Info) -> str:
        return info.context.session.adapter(self.workspace_key).service_of(self.key)

    @classmethod
    def from_domain(cls, t: models.DestinationType, workspace: str) -> DestinationType:
        return cls(
            workspace_key=workspace,
            id=strawberry.ID(GlobalId("DestinationType", workspace, t.key).encode()),
            provider=t.provider,
            key=t.key,
            label=t.label,
            description=t.description,
            status=t.status,
            categories=list(t.categories),
            creatable=t.creatable,
            domain=t,
        )


@strawberry.type(description="One vendor workspace's catalog type that sends to a service.")
class ServiceOffer:
    provider: Provider = strawberry.field(description="The vendor whose catalog lists the type.")
    workspace: Annotated[Workspace, strawberry.lazy("destgraph.schema.types.workspace")] = strawberry.field(
        description="The workspace whose catalog lists the type."
    )
    type_key: str = strawberry.field(description="The type's key at the vendor (DestinationType.key), e.g. Klaviyo.")
    type: DestinationType | None = strawberry.field(
        description="The catalog entry, with its settings; null where the vendor's catalog has no such type."
    )


@strawberry.type(
    description="A product destinations send data to (Klaviyo, Amplitude, a webhook), named the same across vendors, "
    "with the vendor types that send to it."
)
class Service:
    slug: str = strawberry.field(
        description="The vendor-neutral name of the service, e.g. klaviyo or google-analytics-4: what "
        "Destination.service and DestinationType.service hold, and DestinationFilter.services takes."
    )
    label: str = strawberry.field(description="A name for people, e.g. Klaviyo or Google Analytics 4.")
    offers: list[ServiceOffer] = strawberry.field(
        description="Every type of every workspace asked that sends to this service, in workspace order."
    )

    @classmethod
    def from_domain(cls, service: service_names.Service, info: Info) -> Service:
        from destgraph.schema.types.workspace import Workspace

        session = info.context.session
        return cls(
            slug=service.slug,
            label=service.label,
            offers=[
                ServiceOffer(
                    provider=offer.type.provider,
                    workspace=Workspace.from_config(session.workspace(offer.workspace)),
                    type_key=offer.type.key,
                    type=DestinationType.from_domain(offer.type, offer.workspace),
                )
                for offer in service.offers
            ],
        )


@strawberry.type(description="A destination type in a page, with its cursor.")
class DestinationTypeEdge:
    node: DestinationType = strawberry.field(description="The destination type.")
    page: strawberry.Private[OffsetCursors]
    position: strawberry.Private[int]

    @strawberry.field(description=CURSOR)  # type: ignore[untyped-decorator]  # typed as returning Any, as above
    def cursor(self) -> str:
        return self.page.at(self.position)


@strawberry.type(
    description="A page of destination types, one entry per provider and key, in label order. A workspace whose "
    "catalog cannot be read is left out and reported as an error at this connection's path."
)
class DestinationTypeConnection:
    edges: list[DestinationTypeEdge] = strawberry.field(description=EDGES)
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)
    total_count: int | None = strawberry.field(description="How many types match, over every page.")

    # strawberry.field() given only keywords is typed as returning Any, whatever it decorates.
    @strawberry.field(description=NODES)  # type: ignore[untyped-decorator]
    def nodes(self) -> list[DestinationType]:
        return [edge.node for edge in self.edges]

    @classmethod
    def empty(cls) -> DestinationTypeConnection:
        return cls(edges=[], page_info=PageInfo.of([], has_next=False, has_previous=False), total_count=0)

    @classmethod
    async def resolve(
        cls, info: Info, *, workspace_keys: list[str], search: str | None, first: int | None, after: str | None
    ) -> DestinationTypeConnection:
        """Types of these workspaces, one entry per provider and key, in label order."""
        import asyncio

        from destgraph.schema.types.destination import offset_page

        session = info.context.session

        async def of(key: str) -> list[tuple[str, models.DestinationType]]:
            try:
                return [(key, t) for t in await catalog.list_types(session, key)]
            except UpstreamError as exc:
                if len(workspace_keys) == 1:
                    raise
                info.context.report(exc, path_of(info))
                return []

        seen: set[tuple[models.Provider, str]] = set()
        found: list[tuple[str, models.DestinationType]] = []
        for rows in await asyncio.gather(*(of(k) for k in workspace_keys)):
            for key, t in rows:
                if (t.provider, t.key) not in seen and catalog.matches(t, search):
                    seen.add((t.provider, t.key))
                    found.append((key, t))
        found.sort(key=lambda kt: (kt[1].label.lower(), kt[1].provider.value, kt[1].key))
        scope = "types:" + ",".join(workspace_keys) + ":" + (search or "")
        chosen, cursors, page_info = offset_page(found, scope=scope, first=first, after=after, info=info)
        return cls(
            edges=[
                DestinationTypeEdge(node=DestinationType.from_domain(t, ws), page=cursors, position=i)
                for i, (ws, t) in enumerate(chosen)
            ],
            page_info=page_info,
            total_count=len(found),
        )
