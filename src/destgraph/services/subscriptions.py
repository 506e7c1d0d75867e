"""Subscriptions of destinations, where the provider has them (capabilities.subscriptions)."""

from __future__ import annotations

from destgraph.domain.models import Destination, DestinationSubscription
from destgraph.services.gateway import Session


async def list_subscriptions(session: Session, destination: Destination) -> list[DestinationSubscription]:
    adapter = session.adapter(destination.workspace)
    if not adapter.capabilities.subscriptions:
        return []
    return await adapter.list_subscriptions(destination)
