"""destinationTypes: the catalogs of every workspace, or of one."""

from __future__ import annotations

import strawberry

from destgraph.schema.context import Info
from destgraph.schema.queries.nodes import decode
from destgraph.schema.types.catalog import DestinationTypeConnection
from destgraph.schema.types.common import Provider


@strawberry.type
class CatalogQueries:
    @strawberry.field
    async def destination_types(
        self,
        info: Info,
        provider: Provider | None = None,
        workspace_id: strawberry.ID | None = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> DestinationTypeConnection:
        session = info.context.session
        if workspace_id is not None:
            keys = [session.workspace(decode(workspace_id, expect="Workspace", field=("workspaceId",)).workspace).key]
        else:
            keys = [ws.key for ws in session.visible_workspaces() if provider is None or ws.provider == provider]
        return await DestinationTypeConnection.resolve(
            info, workspace_keys=keys, search=search, first=first, after=after
        )
