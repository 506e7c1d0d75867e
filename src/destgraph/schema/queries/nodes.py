"""node(id:) and nodes(ids:): any object by its global id."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from destgraph.domain.ids import GlobalId, MalformedId
from destgraph.domain.models import DestinationRef
from destgraph.errors import DestgraphError, NotFoundError
from destgraph.schema.context import Info
from destgraph.schema.cost import too_many_node_ids
from destgraph.schema.loaders import TypeKey
from destgraph.schema.types.catalog import DestinationType
from destgraph.schema.types.common import Node, invalid_id
from destgraph.schema.types.destination import Destination
from destgraph.schema.types.subscription import DestinationSubscription
from destgraph.schema.types.workspace import Workspace


def decode(raw: str, *, expect: str | None = None, field: tuple[str, ...] = ("id",)) -> GlobalId:
    try:
        return GlobalId.decode(raw, expect=expect)
    except MalformedId as exc:
        raise invalid_id(raw, expect=expect, field=field) from exc


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
    # strawberry.field() given only keywords is typed as returning Any, whatever it decorates.
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Any object by its id (a Workspace, Destination, DestinationSubscription or DestinationType); "
        "null with a NOT_FOUND error when it does not exist or the API key may not see it, BAD_REQUEST when the id is "
        "not one of ours."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The object's id, as its id field gives it.")],
    ) -> Node | None:
        return await resolve_node(info, decode(id))

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="Objects by their ids, in the order asked, batched per workspace. An id that is malformed, "
        'unknown or whose vendor failed is null in its slot, with an error at ["nodes", i]; the others stand.'
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description="At most max_node_ids (100) ids; more is QUERY_TOO_COMPLEX, before any call."
            ),
        ],
    ) -> list[Node | None]:
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
