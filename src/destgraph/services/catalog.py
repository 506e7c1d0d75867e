"""Destination types: per workspace, cached across requests, primed by what vendors embed."""

from __future__ import annotations

from destgraph.domain.models import Destination, DestinationType
from destgraph.services.gateway import Session


async def list_types(session: Session, workspace_key: str) -> list[DestinationType]:
    adapter = session.adapter(workspace_key)
    types = await session.gateway.catalogs.all_types(workspace_key, adapter.list_destination_types)
    return sorted(types.values(), key=lambda t: (t.label.lower(), t.key))


async def get_type(session: Session, workspace_key: str, type_key: str) -> DestinationType | None:
    adapter = session.adapter(workspace_key)
    return await session.gateway.catalogs.get(workspace_key, type_key, adapter.list_destination_types)


async def prime_from(session: Session, destinations: list[Destination]) -> None:
    """Keep the catalog entries vendors embed in destinations: later type lookups need no call."""
    by_workspace: dict[str, list[DestinationType]] = {}
    for destination in destinations:
        if destination.embedded_type is not None:
            by_workspace.setdefault(destination.workspace, []).append(destination.embedded_type)
    for workspace, types in by_workspace.items():
        await session.gateway.catalogs.prime(workspace, types)


def matches(destination_type: DestinationType, search: str | None) -> bool:
    if not search:
        return True
    needle = search.lower()
    return needle in destination_type.key.lower() or needle in destination_type.label.lower()
