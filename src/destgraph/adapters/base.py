"""What most vendor adapters share: the workspace's upstream view, locks, and 'unsupported'.

``BaseAdapter`` satisfies ``VendorAdapter`` (adapters/contract.py) for everything a vendor may
lack: a capability it does not have answers UnsupportedError, a check it does not need finds
nothing, a vendor-specific input field it has no place for is a problem naming that field.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, ClassVar, TypeVar

from destgraph.adapters.contract import DestinationInput, Field
from destgraph.adapters.errors import CallContext
from destgraph.adapters.upstream import RequestUpstream
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
from destgraph.domain.problems import ProblemCode, Problems
from destgraph.domain.queries import ListFilter, MetricsWindow
from destgraph.domain.secrets import settings_could_be
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
from destgraph.errors import (
    UnsupportedError,
    UpstreamError,
    UpstreamNotFound,
    UpstreamOutcomeUnknown,
    UpstreamProtocolError,
    UpstreamUnavailable,
)
from destgraph.state import LockPort, LockTimeout

#: how long a read-modify-write waits for another one on the same object before giving up
LOCK_TIMEOUT_SECONDS = 30.0
#: how far a vendor's creation timestamp may lag the gateway's clock and still be this write's
CLOCK_SKEW_SECONDS = 120.0

T = TypeVar("T")


class BaseAdapter:
    """Shared plumbing and the defaults of the contract."""

    provider: ClassVar[Provider]
    #: what the vendor is, in a sentence, for clients (the Provider enum's descriptions)
    description: ClassVar[str]
    capabilities: ClassVar[Capabilities]
    page_size_maximum: ClassVar[int | None] = None
    #: type key -> vendor-neutral service slug, for every type of the vendor (adapters/<vendor>/services.py)
    services: ClassVar[Mapping[str, str]] = {}
    #: whether a change of name or enabled alone can be written without reading the destination
    #: first: the vendor's update merges the fields it is given (update_unread)
    updates_unread: ClassVar[bool] = False

    def __init__(self, upstream: RequestUpstream, locks: LockPort) -> None:
        self.upstream = upstream
        self.locks = locks

    @property
    def workspace(self) -> WorkspaceConfig:
        return self.upstream.workspace

    @property
    def name(self) -> str:
        """The vendor's name as people write it, for messages."""
        return self.provider.name.title()

    def service_of(self, type_key: str) -> str:
        """The service slug the vendor's table gives ``type_key``; a key the table lacks (a type the
        vendor added since) is its own service, named after the key."""
        found = self.services.get(type_key)
        if found is not None:
            return found
        return re.sub(r"[^a-z0-9]+", "-", type_key.lower()).strip("-") or type_key

    def type_keys_of(self, services: Collection[str]) -> tuple[str, ...]:
        return tuple(key for key, slug in self.services.items() if slug in services)

    def context(self, operation: str) -> CallContext:
        return CallContext(self.provider.value, self.workspace.key, operation)

    def protocol_error(self, what: str, operation: str = "parse") -> UpstreamProtocolError:
        return UpstreamProtocolError(f"{self.provider.value} {what}", **self.context(operation).as_kwargs())

    def not_found(self, what: str, operation: str) -> UpstreamNotFound:
        return UpstreamNotFound(f"{self.provider.value} has no {what}", **self.context(operation).as_kwargs())

    @asynccontextmanager
    async def serialized(self, native_id: str, operation: str) -> AsyncIterator[None]:
        """Hold the write lock of one destination (through the lock port, so replicas sharing a
        store serialize too); a lock not free in time is a retryable fault."""
        name = f"{self.provider.value}:{self.workspace.key}:{native_id}"
        try:
            async with self.locks.hold(name, patience=LOCK_TIMEOUT_SECONDS):
                yield
        except LockTimeout:
            raise UpstreamUnavailable(
                f"another write to this {self.name} object is still running; retry later",
                **self.context(operation).as_kwargs(),
            ) from None

    # -- writes whose reply was lost ----------------------------------------------------------------

    async def reconciled(
        self, write: Callable[[], Awaitable[T]], read_back: Callable[[], Awaitable[T | None]], operation: str
    ) -> T:
        """``write()``; when its outcome is unknown, what a read of the vendor says it was.

        ``read_back`` answers the write's effect when it finds it (the created object, the updated
        one) and None when the vendor does not show it. Not shown after a reply did come (a 5xx):
        the write was not applied, a retryable fault. Not shown while no reply came, or the read
        failed: still unknown, UpstreamOutcomeUnknown, never "not applied".
        """
        try:
            return await write()
        except (UpstreamOutcomeUnknown, UpstreamProtocolError) as exc:
            unknown = exc
        settled = isinstance(unknown, UpstreamOutcomeUnknown) and unknown.settled
        try:
            found = await read_back()
        except UpstreamOutcomeUnknown:
            raise
        except UpstreamError as exc:
            raise UpstreamOutcomeUnknown(
                f"{unknown.message}, and reading it back failed ({exc.message})",
                settled=False,
                **self.context(operation).as_kwargs(),
            ) from exc
        if found is not None:
            return found
        if settled:
            raise UpstreamUnavailable(
                f"{unknown.message}; read back, it was not applied",
                status=unknown.status,
                **self.context(operation).as_kwargs(),
            ) from unknown
        raise UpstreamOutcomeUnknown(
            f"{unknown.message}; read back, it is not visible yet",
            settled=False,
            status=unknown.status,
            **self.context(operation).as_kwargs(),
        ) from unknown

    async def find_created_destination(self, draft: DestinationDraft, since: float) -> Destination | None:
        """The destination ``draft`` created at ``since`` (epoch seconds) or later, if the vendor shows it.

        Vendors take no idempotency key, so a create is recognised by what it wrote: name, type and
        every setting given (a vendor's mask agreeing with the value's tail), and, where the vendor
        keeps one, a creation time not before the write. Several candidates: UpstreamOutcomeUnknown
        (never a guess).
        """
        page = await self.list_all(fresh=True)
        return self.only_match(page.destinations, lambda d: looks_created(d, draft, since), "find_created")

    async def find_created_subscription(
        self, destination: Destination, draft: SubscriptionDraft, since: float
    ) -> DestinationSubscription | None:
        """The subscription ``draft`` created on ``destination``, if the vendor shows it."""
        raise self._unsupported("subscriptions")

    async def read_back_update(self, ref: DestinationRef, patch: DestinationPatch) -> Destination | None:
        """The destination as now held, if ``patch`` shows in it; else None."""
        [found] = await self.get_destinations([ref.native_id], fresh=True)
        if isinstance(found, UpstreamError):
            raise found
        return found if found is not None and patch_shows(found, patch) else None

    async def delete_reconciled(self, ref: DestinationRef, path: str) -> None:
        """DELETE ``path``; when its reply is lost, the destination gone is what tells it was applied."""

        async def delete() -> bool:
            await self.upstream.send_json("DELETE", path, operation="delete_destination")
            return True

        await self.reconciled(delete, lambda: self.read_back_delete(ref), "delete_destination")

    async def read_back_delete(self, ref: DestinationRef) -> bool | None:
        """True when the destination is gone; None while it is still there."""
        [found] = await self.get_destinations([ref.native_id], fresh=True)
        if isinstance(found, UpstreamError):
            raise found
        return True if found is None else None

    def only_match(self, candidates: Sequence[T], accepts: Callable[[T], bool], operation: str) -> T | None:
        matches = [c for c in candidates if accepts(c)]
        if len(matches) > 1:
            raise UpstreamOutcomeUnknown(
                f"{len(matches)} {self.name} objects look like what the write would have created: "
                "the gateway does not guess which",
                settled=False,
                **self.context(operation).as_kwargs(),
            )
        return matches[0] if matches else None

    def _unsupported(self, what: str) -> UnsupportedError:
        return UnsupportedError(f"{self.name} has no {what}")

    # -- reads ------------------------------------------------------------------------------------

    async def list_destinations(self, *, cursor: str | None, limit: int | None, filter: ListFilter) -> DestinationPage:
        raise NotImplementedError

    async def get_destinations(
        self, native_ids: Sequence[str], *, fresh: bool = False
    ) -> list[Destination | UpstreamError | None]:
        """For vendors whose list answers everything: one list call answers every id."""
        page = await self.list_all(fresh=fresh)
        found: dict[str, Destination | UpstreamError] = {r.native_id: r.error for r in page.rejected if r.native_id}
        found.update((d.native_id, d) for d in page.destinations)
        return [found.get(i) for i in native_ids]

    async def list_all(self, *, fresh: bool = False) -> DestinationPage:
        """Every destination in one call, for vendors without server-side pages; ``fresh`` joins nothing."""
        raise NotImplementedError

    async def get_each(
        self, native_ids: Sequence[str], get_one: Callable[[str], Awaitable[Destination]]
    ) -> list[Destination | UpstreamError | None]:
        """For vendors with a get by id: the gets run concurrently (bounded by the workspace's client),
        and each id has its own outcome: a 404 is None, any other fault that id's error."""

        async def one(native_id: str) -> Destination | UpstreamError | None:
            try:
                return await get_one(native_id)
            except UpstreamNotFound:
                return None
            except UpstreamError as exc:
                return exc

        return list(await asyncio.gather(*(one(i) for i in native_ids)))

    async def list_destination_types(self) -> list[DestinationType]:
        raise NotImplementedError

    async def list_subscriptions(
        self, destination: Destination, *, fresh: bool = False
    ) -> list[DestinationSubscription]:
        return []

    async def get_delivery_metrics(self, destination: Destination, window: MetricsWindow) -> DeliveryMetrics:
        raise self._unsupported("delivery metrics")

    async def describe_fields(self, destination: Destination) -> list[DestinationField]:
        raise self._unsupported("field descriptions")

    async def probe(self) -> None:
        raise NotImplementedError

    async def delete_blockers(self, ref: DestinationRef) -> list[str]:
        return []

    # -- checks -----------------------------------------------------------------------------------

    def default_source_ids(self) -> tuple[str, ...]:
        return ()

    def check_destination(self, given: DestinationInput, problems: Problems, *, creating: bool) -> None:
        """Vendors without sources or shared connections refuse both fields."""
        if given.source_ids:
            problems.add(("input", "sourceIds"), f"{self.name} destinations have no sources", ProblemCode.UNSUPPORTED)
        if given.connection_ref is not None:
            problems.add(
                ("input", "connectionRef"),
                f"{self.name} destinations have no shared connections",
                ProblemCode.UNSUPPORTED,
            )

    def check_subscription(
        self,
        destination_type: DestinationType | None,
        given: Mapping[str, Any],
        problems: Problems,
        *,
        path: Field,
        creating: bool,
    ) -> None:
        problems.add(path, f"{self.name} destinations have no subscriptions", ProblemCode.UNSUPPORTED)

    def check_settings_change(self, change: SettingsChange, problems: Problems) -> None:
        """Vendors that merge or keep what an update leaves out take any change."""

    # -- writes -----------------------------------------------------------------------------------

    async def create_destination(self, draft: DestinationDraft) -> CreatedDestination:
        raise self._unsupported("destination creation through its API")

    async def update_destination(self, current: Destination, patch: DestinationPatch) -> Destination:
        raise self._unsupported("destination updates through its API")

    async def update_unread(self, ref: DestinationRef, patch: DestinationPatch) -> Destination | None:
        raise self._unsupported("updates that need nothing read first")

    async def delete_destination(self, ref: DestinationRef) -> None:
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


def looks_created(destination: Destination, draft: DestinationDraft, since: float) -> bool:
    """Whether ``destination`` is what creating ``draft`` at ``since`` would have left."""
    if destination.name != draft.name or destination.type_key != draft.type_key:
        return False
    if destination.created_at is not None and destination.created_at.timestamp() < since - CLOCK_SKEW_SECONDS:
        return False
    if draft.source_ids and set(draft.source_ids) - set(destination.source_ids):
        return False
    given = {k: v for k, v in draft.settings.items() if v is not None}
    return settings_could_be(destination.settings, given)


def patch_shows(destination: Destination, patch: DestinationPatch) -> bool:
    """Whether every field ``patch`` changes holds its new value in ``destination``."""
    if patch.name is not None and destination.name != patch.name:
        return False
    if patch.enabled is not None and destination.enabled != patch.enabled:
        return False
    if patch.source_ids is not None and tuple(destination.source_ids) != tuple(patch.source_ids):
        return False
    return patch.settings is None or settings_could_be(destination.settings, patch.settings.changed)


def subscription_shows(subscription: DestinationSubscription, patch: SubscriptionPatch) -> bool:
    """Whether every field ``patch`` changes holds its new value in ``subscription``."""
    raw = subscription.raw if isinstance(subscription.raw, dict) else {}
    expected = {
        "name": (patch.name, subscription.name),
        "enabled": (patch.enabled, subscription.enabled),
        "trigger": (patch.trigger, subscription.trigger),
        "event_filter": (patch.event_filter, raw.get("event_filter")),
        "property_mapping": (patch.property_mapping, raw.get("property_mapping")),
    }
    if any(wanted is not None and held != wanted for wanted, held in expected.values()):
        return False
    return patch.settings is None or settings_could_be(subscription.settings, patch.settings)
