"""workspaces and workspace(key:)."""

from __future__ import annotations

import strawberry

from destgraph.errors import NotFoundError
from destgraph.schema.context import Info
from destgraph.schema.types.common import Provider
from destgraph.schema.types.workspace import Workspace


@strawberry.type
class WorkspaceQueries:
    @strawberry.field
    def workspaces(self, info: Info, provider: Provider | None = None) -> list[Workspace]:
        return [
            Workspace.from_config(ws)
            for ws in info.context.session.visible_workspaces()
            if provider is None or ws.provider == provider
        ]

    @strawberry.field
    def workspace(self, info: Info, key: str) -> Workspace | None:
        try:
            return Workspace.from_config(info.context.session.workspace(key))
        except NotFoundError:
            return None
