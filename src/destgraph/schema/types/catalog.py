"""DestinationType and its settings and actions: the catalogs of the four vendors."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from destgraph.domain import models
from destgraph.domain.ids import GlobalId
from destgraph.errors import UpstreamError
from destgraph.schema.context import Info, path_of
from destgraph.schema.types.common import DestinationTypeStatus, Node, PageInfo, Provider, SettingType
from destgraph.services import catalog


@strawberry.type
class SettingDefinition:
    key: str
    label: str
    type: SettingType
    required: bool
    secret: bool
    default_value: JSON | None
    description: str | None
    choices: list[str] | None

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


@strawberry.type
class ActionDefinition:
    key: str = strawberry.field(description="Segment action id, or the Nimriz action_type.")
    name: str
    description: str | None
    fields: list[SettingDefinition]


@strawberry.type
class DestinationType(Node):
    id: strawberry.ID
    provider: Provider
    key: str
    label: str
    description: str | None
    status: DestinationTypeStatus
    categories: list[str]
    creatable: bool = strawberry.field(
        description="False for types the vendor's API will not create (Ours warehouse and cloud-storage types)."
    )
    settings: list[SettingDefinition]
    actions: list[ActionDefinition]

    @classmethod
    def from_domain(cls, t: models.DestinationType, workspace: str) -> DestinationType:
        return cls(
            id=strawberry.ID(GlobalId("DestinationType", workspace, t.key).encode()),
            provider=t.provider,
            key=t.key,
            label=t.label,
            description=t.description,
            status=t.status,
            categories=list(t.categories),
            creatable=t.creatable,
            settings=[SettingDefinition.from_domain(s) for s in t.settings],
            actions=[
                ActionDefinition(
                    key=a.key,
                    name=a.name,
                    description=a.description,
                    fields=[SettingDefinition.from_domain(f) for f in a.fields],
                )
                for a in t.actions
            ],
        )


@strawberry.type
class DestinationTypeEdge:
    cursor: str
    node: DestinationType


@strawberry.type
class DestinationTypeConnection:
    edges: list[DestinationTypeEdge]
    page_info: PageInfo
    total_count: int | None

    @strawberry.field
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
        chosen, cursors, has_next, has_previous = offset_page(found, scope=scope, first=first, after=after, info=info)
        return cls(
            edges=[
                DestinationTypeEdge(cursor=c, node=DestinationType.from_domain(t, ws))
                for c, (ws, t) in zip(cursors, chosen, strict=True)
            ],
            page_info=PageInfo.of(cursors, has_next=has_next, has_previous=has_previous),
            total_count=len(found),
        )
