"""The adapter contract: everything a service may ask of one vendor workspace, as one typed port.

Services are typed against ``VendorAdapter`` and never against a vendor's class, so no service
branches on the vendor: what differs between vendors is answered here, by capabilities, page sizes,
checks and writes. ``BaseAdapter`` (adapters/base.py) implements the parts most vendors share and
answers UnsupportedError for capabilities a vendor lacks.

Errors: every vendor fault is an ``UpstreamError`` (errors.py); a vendor shape the adapter cannot
read is ``UpstreamProtocolError`` for that part alone; a write the vendor cannot express is
``InvalidInputError`` naming the input field; vendor refusals are ``UpstreamRejected``
(``UpstreamConflict`` for 409). Writes are never retried: the vendor may have applied them. A write
whose reply was lost is reconciled by reading the vendor: the adapter answers what the read shows,
a retryable fault when the read shows it was not applied, and ``UpstreamOutcomeUnknown`` when the
read cannot tell; never "not applied" without knowing.

Writes to an existing destination (its update, delete, and its subscriptions' writes) take the
destination as ``current``: the caller holds ``serialized(current.native_id)`` and read ``current``
fresh inside it, so a write that sends a whole object (a config, a credentials object, an action
list) built from ``current`` loses nothing written meanwhile through the gateway.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from destgraph.config import WorkspaceConfig
from destgraph.domain.models import (
    Capabilities,
    DeliveryMetrics,
    Destination,
    DestinationField,
    DestinationPage,
    DestinationRef,
    DestinationSubscription,
    DestinationType,
    JSONObject,
    Provider,
)
from destgraph.domain.problems import Problems
from destgraph.domain.queries import ListFilter, MetricsWindow
from destgraph.domain.writes import (
    CreatedDestination,
    DestinationDraft,
    DestinationPatch,
    SettingsChange,
    SubscriptionDraft,
    SubscriptionPatch,
    TestOutcome,
    TestStep,
)
from destgraph.errors import UpstreamError

Field = tuple[str, ...]


@dataclass(frozen=True)
class DestinationInput:
    """The vendor-specific parts of a create or update, as the caller gave them (None: not given)."""

    source_ids: tuple[str, ...] | None = None
    connection_ref: str | None = None


class VendorAdapter(Protocol):
    """One vendor workspace, in unified terms. Built per GraphQL request (cheap), over the
    workspace's long-lived upstream client, so the same GET is made at most once per request."""

    provider: ClassVar[Provider]
    #: what the vendor is, in a sentence, for clients
    description: ClassVar[str]
    capabilities: ClassVar[Capabilities]
    #: the largest page one list call returns; None: one call always answers the whole list
    page_size_maximum: ClassVar[int | None]
    #: whether a change of name or enabled alone can be written without reading the destination first
    updates_unread: ClassVar[bool]

    @property
    def workspace(self) -> WorkspaceConfig: ...

    def service_of(self, type_key: str) -> str:
        """The vendor-neutral slug of the service a type sends to (klaviyo, google-analytics-4, webhook):
        the same for the same product at every vendor, from the vendor package's services table."""
        ...

    def type_keys_of(self, services: Collection[str]) -> tuple[str, ...]:
        """Every type key of the vendor's table whose service is one of ``services``."""
        ...

    @property
    def name(self) -> str:
        """The vendor's name as people write it, for messages."""
        ...

    # -- reads ------------------------------------------------------------------------------------

    async def list_destinations(self, *, cursor: str | None, limit: int | None, filter: ListFilter) -> DestinationPage:
        """One upstream list call. ``limit`` None: the vendor's largest page. Filters the vendor
        supports are pushed down; the service applies the rest. Unreadable rows are left out of the
        page and listed in ``rejected``."""
        ...

    async def get_destinations(
        self, native_ids: Sequence[str], *, fresh: bool = False
    ) -> list[Destination | UpstreamError | None]:
        """The destinations with these ids in the order asked: None for those that do not exist, an
        error for one that could not be read. ``fresh``: read now, joining no call made earlier (a
        write plans on what the vendor holds, not on what this request saw)."""
        ...

    async def list_destination_types(self) -> list[DestinationType]: ...

    async def list_subscriptions(
        self, destination: Destination, *, fresh: bool = False
    ) -> list[DestinationSubscription]:
        """``fresh``: read now, joining no earlier call; where the vendor keeps subscriptions inside
        the destination, they are as ``destination`` was read."""
        ...

    async def get_delivery_metrics(self, destination: Destination, window: MetricsWindow) -> DeliveryMetrics: ...

    async def describe_fields(self, destination: Destination) -> list[DestinationField]: ...

    async def probe(self) -> None:
        """The cheapest authenticated call, for health checks; raises UpstreamError on failure."""
        ...

    async def delete_blockers(self, ref: DestinationRef) -> list[str]:
        """What the vendor would refuse a delete for (objects still using the destination)."""
        ...

    # -- checks: vendor rules a mutation's input must follow, before any write ------------------

    def default_source_ids(self) -> tuple[str, ...]:
        """The sources a new destination connects to when the caller names none."""
        ...

    def check_destination(self, given: DestinationInput, problems: Problems, *, creating: bool) -> None:
        """Add a problem for each vendor-specific field of a destination input the vendor cannot take."""
        ...

    def check_subscription(
        self,
        destination_type: DestinationType | None,
        given: Mapping[str, Any],
        problems: Problems,
        *,
        path: Field,
        creating: bool,
    ) -> None:
        """Add a problem for each field of a subscription input (GraphQL names) at fault."""
        ...

    def check_settings_change(self, change: SettingsChange, problems: Problems) -> None:
        """Add a problem for each way an update's settings, merged with what is stored, cannot be written."""
        ...

    # -- writes -----------------------------------------------------------------------------------

    def serialized(self, native_id: str, operation: str) -> AbstractAsyncContextManager[None]:
        """Hold the write lock of one destination (through the lock port: every replica sharing
        the port serializes too); a lock not free in time is a retryable fault."""
        ...

    async def find_created_destination(self, draft: DestinationDraft, since: float) -> Destination | None:
        """The destination a create of ``draft`` begun at ``since`` (epoch seconds) left, if the vendor
        shows it; UpstreamOutcomeUnknown when several could be it."""
        ...

    async def find_created_subscription(
        self, destination: Destination, draft: SubscriptionDraft, since: float
    ) -> DestinationSubscription | None:
        """The subscription a create of ``draft`` begun at ``since`` left on ``destination``, if shown."""
        ...

    async def create_destination(self, draft: DestinationDraft) -> CreatedDestination: ...

    async def update_destination(self, current: Destination, patch: DestinationPatch) -> Destination: ...

    async def update_unread(self, ref: DestinationRef, patch: DestinationPatch) -> Destination | None:
        """A change of name or enabled alone (where ``updates_unread``), written without the current state;
        None when there is nothing to write without knowing it. A destination the vendor does not have
        is UpstreamNotFound."""
        ...

    async def delete_destination(self, ref: DestinationRef) -> None:
        """The DELETE; a destination the vendor does not have is UpstreamNotFound."""
        ...

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
        """The steps of a connection test as the vendor reports them."""
        ...
