"""The port every vendor adapter implements, and what the rest of the gateway may ask of it.

An adapter knows one vendor and nothing of GraphQL: it turns unified requests into that vendor's
calls and the vendor's JSON into ``domain.models``. Adapters are built per GraphQL request over a
``RequestUpstream`` (cheap objects), so the same GET is never made twice in one request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Protocol

from destgraph.adapters.upstream import RequestUpstream
from destgraph.config import WorkspaceConfig
from destgraph.domain.models import (
    Capabilities,
    DeliveryMetrics,
    Destination,
    DestinationField,
    DestinationPage,
    DestinationSubscription,
    DestinationType,
    Granularity,
    JSONObject,
    Provider,
)
from destgraph.domain.writes import (
    CreatedDestination,
    DestinationDraft,
    DestinationPatch,
    SubscriptionDraft,
    SubscriptionPatch,
    TestOutcome,
    TestStep,
)
from destgraph.errors import UnsupportedError, UpstreamNotFound


@dataclass(frozen=True)
class ListFilter:
    """What the caller filters on; an adapter pushes down what its vendor can, the service the rest."""

    enabled: bool | None = None
    type_keys: tuple[str, ...] = ()
    search: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.enabled is None and not self.type_keys and not self.search

    def accepts(self, destination: Destination) -> bool:
        if self.enabled is not None and destination.enabled != self.enabled:
            return False
        if self.type_keys and destination.type_key not in self.type_keys:
            return False
        return not self.search or self.search.lower() in destination.name.lower()


@dataclass(frozen=True)
class MetricsWindow:
    source_id: str | None
    start_time: datetime | None
    end_time: datetime | None
    granularity: Granularity


class VendorAdapter(Protocol):
    """Read side of one vendor workspace."""

    provider: ClassVar[Provider]
    capabilities: ClassVar[Capabilities]

    @property
    def workspace(self) -> WorkspaceConfig: ...

    async def list_destinations(self, *, cursor: str | None, limit: int, filter: ListFilter) -> DestinationPage:
        """One upstream list call. Filters the vendor supports are pushed down; others may be ignored."""
        ...

    async def get_destinations(self, native_ids: Sequence[str]) -> list[Destination | None]:
        """The destinations with these ids, None for those that do not exist, in the order asked."""
        ...

    async def list_destination_types(self) -> list[DestinationType]: ...

    async def list_subscriptions(self, destination: Destination) -> list[DestinationSubscription]: ...

    async def get_delivery_metrics(self, destination: Destination, window: MetricsWindow) -> DeliveryMetrics: ...

    async def describe_fields(self, destination: Destination) -> list[DestinationField]: ...

    async def probe(self) -> None:
        """The cheapest authenticated call, for health checks; raises UpstreamError on failure."""
        ...


class VendorWriter(Protocol):
    """Write side of one vendor workspace. Inputs are validated and merged by the services first.

    Errors: vendor refusals raise UpstreamRejected (UpstreamConflict for 409); a write the vendor
    cannot express raises InvalidInputError naming the input field; missing capabilities raise
    UnsupportedError. Writes are never retried (the vendor may have applied them).
    """

    async def create_destination(self, draft: DestinationDraft) -> CreatedDestination: ...

    async def update_destination(self, current: Destination, patch: DestinationPatch) -> Destination: ...

    async def delete_destination(self, current: Destination) -> None: ...

    async def create_subscription(
        self, destination: Destination, draft: SubscriptionDraft
    ) -> DestinationSubscription: ...

    async def update_subscription(
        self, destination: Destination, current: DestinationSubscription, patch: SubscriptionPatch
    ) -> DestinationSubscription: ...

    async def delete_subscription(self, destination: Destination, current: DestinationSubscription) -> None: ...

    async def test_destination(
        self, destination: Destination, subscription: DestinationSubscription | None
    ) -> TestOutcome: ...

    async def test_settings(self, type_key: str, settings: JSONObject) -> TestOutcome: ...

    def stream_test(self, destination: Destination) -> AsyncIterator[TestStep]:
        """The steps of a connection test as the vendor reports them, then the destination is updated."""
        ...


class BaseAdapter:
    """Shared plumbing: the workspace, its upstream view, and 'unsupported' for missing capabilities."""

    provider: ClassVar[Provider]
    capabilities: ClassVar[Capabilities]

    def __init__(self, upstream: RequestUpstream) -> None:
        self.upstream = upstream

    @property
    def workspace(self) -> WorkspaceConfig:
        return self.upstream.workspace

    def _unsupported(self, what: str) -> UnsupportedError:
        return UnsupportedError(f"{self.provider.name.title()} has no {what}")

    async def list_subscriptions(self, destination: Destination) -> list[DestinationSubscription]:
        return []

    async def get_delivery_metrics(self, destination: Destination, window: MetricsWindow) -> DeliveryMetrics:
        raise self._unsupported("delivery metrics")

    async def describe_fields(self, destination: Destination) -> list[DestinationField]:
        raise self._unsupported("field descriptions")

    async def create_destination(self, draft: DestinationDraft) -> CreatedDestination:
        raise self._unsupported("destination creation through its API")

    async def update_destination(self, current: Destination, patch: DestinationPatch) -> Destination:
        raise self._unsupported("destination updates through its API")

    async def delete_destination(self, current: Destination) -> None:
        raise self._unsupported("destination deletion through its API")

    async def create_subscription(self, destination: Destination, draft: SubscriptionDraft) -> DestinationSubscription:
        raise self._unsupported("subscriptions")

    async def update_subscription(
        self, destination: Destination, current: DestinationSubscription, patch: SubscriptionPatch
    ) -> DestinationSubscription:
        raise self._unsupported("subscriptions")

    async def delete_subscription(self, destination: Destination, current: DestinationSubscription) -> None:
        raise self._unsupported("subscriptions")

    async def test_destination(
        self, destination: Destination, subscription: DestinationSubscription | None
    ) -> TestOutcome:
        raise self._unsupported("destination tests")

    async def test_settings(self, type_key: str, settings: JSONObject) -> TestOutcome:
        raise self._unsupported("tests of new connection settings")

    def stream_test(self, destination: Destination) -> AsyncIterator[TestStep]:
        raise self._unsupported("streamed connection tests")

    async def delete_blockers(self, destination: Destination) -> list[str]:
        """What the vendor would refuse a delete for (Zeotap: syncs using it); empty where nothing can."""
        return []

    async def get_destinations(self, native_ids: Sequence[str]) -> list[Destination | None]:
        """Default for vendors whose list answers everything: one list call answers every id."""
        page = await self.list_destinations(cursor=None, limit=0, filter=ListFilter())  # type: ignore[attr-defined]
        by_id = {d.native_id: d for d in page.destinations}
        return [by_id.get(i) for i in native_ids]


async def get_or_none(coro) -> object | None:  # type: ignore[no-untyped-def]
    """Await a vendor get; a vendor 404 becomes None (the key simply does not exist)."""
    try:
        return await coro
    except UpstreamNotFound:
        return None
