"""Delivery metrics and field descriptions, where the provider has them."""

from __future__ import annotations

from destgraph.domain.models import DeliveryMetrics, Destination, DestinationField
from destgraph.domain.queries import MetricsWindow
from destgraph.errors import InvalidInputError
from destgraph.services.gateway import Session


async def delivery_metrics(session: Session, destination: Destination, window: MetricsWindow) -> DeliveryMetrics | None:
    adapter = session.adapter(destination.workspace)
    if not adapter.capabilities.delivery_metrics:
        return None
    source_id = window.source_id or (destination.source_ids[0] if destination.source_ids else None)
    if source_id is None:
        raise InvalidInputError("this destination has no source; name one", field=("input", "sourceId"))
    if window.start_time and window.end_time and window.start_time >= window.end_time:
        raise InvalidInputError("startTime must be before endTime", field=("input", "startTime"))
    return await adapter.get_delivery_metrics(
        destination, MetricsWindow(source_id, window.start_time, window.end_time, window.granularity)
    )


async def describe_fields(session: Session, destination: Destination) -> list[DestinationField] | None:
    adapter = session.adapter(destination.workspace)
    if not adapter.capabilities.describe_fields:
        return None
    return await adapter.describe_fields(destination)
