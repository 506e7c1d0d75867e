"""node(id:) and nodes(ids:): any object by its global id."""

from __future__ import annotations

import asyncio

import strawberry

from destgraph.domain.ids import GlobalId, MalformedId
from destgraph.domain.models import DestinationRef
from destgraph.errors import DestgraphError, InvalidInputError, NotFoundError
from destgraph.schema.context import Info
from destgraph.schema.cost import too_many_node_ids
from destgraph.schema.loaders import TypeKey
from destgraph.schema.types.catalog import DestinationType
from destgraph.schema.types.common import Node
from destgraph.schema.types.destination import Destination
from destgraph.schema.types.subscription import DestinationSubscription
from destgraph.schema.types.workspace import Workspace


def decode(raw: str, *, expect: str | None = None, field: tuple[str, ...] = ("id",)) -> GlobalId:
    try:
        return GlobalId.decode(raw, expect=expect)
    except MalformedId as exc:
        raise InvalidInputError(str(exc), field=field) from exc


async def resolve_node(info: Info, global_id: GlobalId) -> Node:
    """The object behind a decoded id; NotFoundError when it does not exist or is not visible."""
    session = info.context.session
    loaders = info.context.loaders
    if global_id.type_name == "Workspace":
        return Workspace.from_config(session.workspace(global_id.workspace))
    session.workspace(global_id.workspace)
    if global_id.type_name == "Destination":
        found = await loaders.destination.load(DestinationRef(global_id.workspace, global_id.native_id))
        if found is None:
            raise NotFoundError("no such destination")
        return Destination.from_domain(found)
    if global_id.type_name == "DestinationType":
        found_type = await loaders.destination_type.load(TypeKey(global_id.workspace, global_id.native_id))
        if found_type is None:
            raise NotFoundError("no such destination type")
        return DestinationType.from_domain(found_type, global_id.workspace)
    destination_id, _, subscription_id = global_id.native_id.rpartition(":")
    destination = await loaders.destination.load(DestinationRef(global_id.workspace, destination_id))
    if destination is not None:
        for subscription in await loaders.subscriptions.load(destination):
            if subscription.ref.native_id == subscription_id:
                return DestinationSubscription.from_domain(subscription)
    raise NotFoundError("no such subscription")


@strawberry.type
class NodeQueries:
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, decode(id))

    @strawberry.field
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        # The price of the operation refuses this before it runs (schema/cost.py); held here too.
        maximum = info.context.session.settings.gateway.max_node_ids
        if len(ids) > maximum:
            raise too_many_node_ids(len(ids), maximum)

        async def one(i: int, raw: str) -> Node | Exception:
            try:
                return await resolve_node(info, decode(raw, field=("ids", str(i))))
            except DestgraphError as exc:
                return exc

        # An exception in a list slot becomes null there plus an error at ["nodes", i]: one id
        # that is unknown, malformed or whose vendor failed never blanks the others.
        return await asyncio.gather(*(one(i, raw) for i, raw in enumerate(ids)))  # type: ignore[return-value]
