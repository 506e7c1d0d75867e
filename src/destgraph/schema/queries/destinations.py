"""destinations (one cursor over every workspace) and destination(id:)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from destgraph.schema.context import Info
from destgraph.schema.queries.nodes import decode, resolve_node
from destgraph.schema.types.common import AFTER, FIRST
from destgraph.schema.types.destination import Destination, DestinationConnection, DestinationFilter


@strawberry.type
class DestinationQueries:
    # strawberry.field() given only keywords is typed as returning Any, whatever it decorates.
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Destinations across every workspace the caller may see, one cursor over all of them."
    )
    async def destinations(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        filter: Annotated[
            DestinationFilter | None,
            strawberry.argument(description="Only the destinations that match every field given."),
        ] = None,
    ) -> DestinationConnection:
        return await DestinationConnection.resolve(info, first=first, after=after, filter=filter)

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="A destination by its id (batched with the request's other lookups in its workspace); null "
        "with a NOT_FOUND error when it does not exist or the API key may not see it, BAD_REQUEST when the id is not "
        "a destination's."
    )
    async def destination(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The destination's id (Destination.id).")],
    ) -> Destination | None:
        found = await resolve_node(info, decode(id, expect="Destination"))
        assert isinstance(found, Destination)
        return found
