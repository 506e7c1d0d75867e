"""workspaces and workspace(key:)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from destgraph.errors import NotFoundError
from destgraph.schema.context import Info
from destgraph.schema.types.common import Provider
from destgraph.schema.types.workspace import Workspace


@strawberry.type
class WorkspaceQueries:
    # strawberry.field() given only keywords is typed as returning Any, whatever it decorates.
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The workspaces the API key may see, in the order of the gateway's configuration."
    )
    def workspaces(
        self,
        info: Info,
        provider: Annotated[
            Provider | None, strawberry.argument(description="Only the workspaces of this vendor.")
        ] = None,
    ) -> list[Workspace]:
        return [
            Workspace.from_config(ws)
            for ws in info.context.session.visible_workspaces()
            if provider is None or ws.provider == provider
        ]

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="A workspace by its key; null when there is none the API key may see."
    )
    def workspace(
        self,
        info: Info,
        key: Annotated[
            str,
            strawberry.argument(
                description="The key the workspace has in the gateway's configuration, e.g. segment-prod."
            ),
        ],
    ) -> Workspace | None:
        try:
            return Workspace.from_config(info.context.session.workspace(key))
        except NotFoundError:
            return None
