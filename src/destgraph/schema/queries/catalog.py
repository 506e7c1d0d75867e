"""destinationTypes: the catalogs of every workspace, or of one; services: their types by service."""

from __future__ import annotations

from typing import Annotated

import strawberry

from destgraph.schema.context import Info, path_of
from destgraph.schema.queries.nodes import decode
from destgraph.schema.types.catalog import DestinationTypeConnection, Service
from destgraph.schema.types.common import AFTER, FIRST, Provider
from destgraph.services import service_names


@strawberry.type
class CatalogQueries:
    # strawberry.field() given only keywords is typed as returning Any, whatever it decorates.
    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The destination types of every workspace the API key may see (or of one), one entry per provider "
        "and key, in label order. Catalogs are cached across requests (catalog_ttl_seconds)."
    )
    async def destination_types(
        self,
        info: Info,
        provider: Annotated[
            Provider | None,
            strawberry.argument(description="Only the catalogs of this vendor's workspaces; ignored with workspaceId."),
        ] = None,
        workspace_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Only the catalog of this workspace (Workspace.id); one the API key may not see is NOT_FOUND."
            ),
        ] = None,
        search: Annotated[
            str | None, strawberry.argument(description="Case-insensitive substring of the type's key or label.")
        ] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> DestinationTypeConnection:
        session = info.context.session
        if workspace_id is not None:
            keys = [session.workspace(decode(workspace_id, expect="Workspace", field=("workspaceId",)).workspace).key]
        else:
            keys = [ws.key for ws in session.visible_workspaces() if provider is None or ws.provider == provider]
        return await DestinationTypeConnection.resolve(
            info, workspace_keys=keys, search=search, first=first, after=after
        )

    @strawberry.field(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="The services (products such as Klaviyo or Amplitude, named the same across vendors) that the "
        "types of every workspace the API key may see send to, in slug order, each with the types that offer it. "
        "A workspace whose catalog cannot be read is left out and reported as an error at this field's path."
    )
    async def services(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Case-insensitive substring of the service's slug or label, or of an offered type's key "
                "or label."
            ),
        ] = None,
    ) -> list[Service]:
        session = info.context.session
        found = await service_names.list_services(
            session, [ws.key for ws in session.visible_workspaces()], search=search or None
        )
        for _, exc in found.failures:
            info.context.report(exc, path_of(info))
        return [Service.from_domain(service, info) for service in found.services]
