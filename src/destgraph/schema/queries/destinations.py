"""destinations (one cursor over every workspace) and destination(id:)."""

from __future__ import annotations

import strawberry

from destgraph.schema.context import Info
from destgraph.schema.queries.nodes import decode, resolve_node
from destgraph.schema.types.destination import Destination, DestinationConnection, DestinationFilter


@strawberry.type
class DestinationQueries:
    # strawberry.field() given only keywords is typed as returning Any, whatever it decorates.
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Destinations across every workspace the caller may see, one cursor over all of them."
    )
    async def destinations(
        self, info: Info, first: int | None = None, after: str | None = None, filter: DestinationFilter | None = None
    ) -> DestinationConnection:
        return await DestinationConnection.resolve(info, first=first, after=after, filter=filter)

    @strawberry.field
    async def destination(self, info: Info, id: strawberry.ID) -> Destination | None:
        found = await resolve_node(info, decode(id, expect="Destination"))
        assert isinstance(found, Destination)
        return found
