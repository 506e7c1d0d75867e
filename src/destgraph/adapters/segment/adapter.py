"""Segment Public API: destinations, action subscriptions, delivery metrics and the catalog.

Vendor facts this adapter relies on: ``{"data": ...}`` envelopes with a key per operation;
``pagination[count]`` (1..1000) and opaque ``pagination[cursor]`` on lists, answered with
``{current, next, totalEntries}``; every destination embeds its full catalog metadata (which primes
the type cache); delivery metrics have per-granularity range limits, so the window is always sent
explicitly. Answers are read through the shapes in ``shapes`` and nowhere else.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from destgraph.adapters.base import CLOCK_SKEW_SECONDS, BaseAdapter, looks_created, subscription_shows
from destgraph.adapters.registry import VendorProfile
from destgraph.adapters.segment import checks, shapes, writes
from destgraph.adapters.segment.catalog import destination_type
from destgraph.adapters.segment.services import SERVICES
from destgraph.adapters.shapes import optional_datetime, parse, parse_rows
from destgraph.config import WorkspaceConfig
from destgraph.domain.models import (
    Capabilities,
    DeliveryMetrics,
    Destination,
    DestinationPage,
    DestinationRef,
    DestinationSubscription,
    DestinationType,
    Granularity,
    LatencySummary,
    Provider,
    SubscriptionRef,
)
from destgraph.domain.queries import ListFilter, MetricsWindow
from destgraph.domain.writes import (
    CreatedDestination,
    DestinationDraft,
    DestinationPatch,
    SubscriptionDraft,
    SubscriptionPatch,
)
from destgraph.errors import UpstreamError
from destgraph.state import RateBudget

LIST_PAGE_MAXIMUM = 1000
#: the write budget Segment's subscription create, update and remove share
SUBSCRIPTION_WRITES = "subscription_writes"
#: the widest window each granularity allows, kept a minute inside the limit so clock skew never trips it
DEFAULT_WINDOWS = {
    Granularity.MINUTE: timedelta(hours=1),
    Granularity.HOUR: timedelta(days=7) - timedelta(minutes=1),
    Granularity.DAY: timedelta(days=14) - timedelta(minutes=1),
}


class SegmentAdapter(BaseAdapter):
    description: ClassVar[str] = (
        "Segment (Twilio Segment): destinations of a source, with subscriptions (actions and FQL triggers) and delivery metrics."
    )
    provider: ClassVar[Provider] = Provider.SEGMENT
    capabilities: ClassVar[Capabilities] = Capabilities(
        subscriptions=True,
        delivery_metrics=True,
        connection_test=False,
        test_event=False,
        describe_fields=False,
        server_side_pagination=True,
        live_catalog=True,
    )
    page_size_maximum: ClassVar[int | None] = LIST_PAGE_MAXIMUM
    updates_unread: ClassVar[bool] = True
    services = SERVICES

    async def list_destinations(self, *, cursor: str | None, limit: int | None, filter: ListFilter) -> DestinationPage:
        # Segment filters nothing on the server; the service filters what comes back.
        count = LIST_PAGE_MAXIMUM if limit is None else max(1, min(limit, LIST_PAGE_MAXIMUM))
        params: dict[str, str | int] = {"pagination[count]": count}
        if cursor:
            params["pagination[cursor]"] = cursor
        data = self._data(await self.upstream.get_json("/destinations", operation="list_destinations", params=params))
        page = parse(shapes.ListPage, data, self.context("list_destinations"), what="the destination list")
        rows, rejected = self._rows(data, "destinations", shapes.Destination, "list_destinations", "destination")
        return DestinationPage(
            destinations=tuple(self._destination(shape, row) for shape, row in rows),
            next_cursor=page.pagination.next or None,
            total=page.pagination.totalEntries,
            rejected=tuple(rejected),
        )

    async def get_destinations(
        self, native_ids: Sequence[str], *, fresh: bool = False
    ) -> list[Destination | UpstreamError | None]:
        async def get_one(native_id: str) -> Destination:
            path = f"/destinations/{native_id}"
            body = await self.upstream.get_json(path, operation="get_destination", fresh=fresh)
            return self._answered_destination(body, "get_destination")

        # Segment has no batch get.
        return await self.get_each(native_ids, get_one)

    async def list_destination_types(self) -> list[DestinationType]:
        rows = await self._all_pages("/catalog/destinations", "destinationsCatalog", "list_catalog")
        context = self.context("list_catalog")
        # One entry the gateway cannot read fails the catalog: a type silently missing would make a
        # create of that type look like a typo.
        return [destination_type(shapes.catalog_entries.parse(row, context, what="a catalog entry")) for row in rows]

    async def list_subscriptions(
        self, destination: Destination, *, fresh: bool = False
    ) -> list[DestinationSubscription]:
        if destination.embedded_type is not None and not destination.embedded_type.actions:
            return []  # only action destinations have subscriptions; Segment refuses to list the others'
        path = f"/destinations/{destination.native_id}/subscriptions"
        rows = await self._all_pages(path, "subscriptions", "list_subscriptions", fresh=fresh)
        context = self.context("list_subscriptions")
        return [
            _subscription(destination.ref, parse(shapes.Subscription, row, context, what="a subscription"), row)
            for row in rows
        ]

    async def get_delivery_metrics(self, destination: Destination, window: MetricsWindow) -> DeliveryMetrics:
        end = window.end_time or datetime.now(UTC)
        start = window.start_time or end - DEFAULT_WINDOWS[window.granularity]
        params = {
            "sourceId": window.source_id or "",
            "startTime": _timestamp(start),
            "endTime": _timestamp(end),
            "granularity": window.granularity.value,
        }
        body = await self.upstream.get_json(
            f"/destinations/{destination.native_id}/delivery-metrics", operation="get_delivery_metrics", params=params
        )
        summary = parse(
            shapes.MetricsSummary,
            self._data(body).get("deliveryMetricsSummary") or {},
            self.context("get_delivery_metrics"),
            what="the delivery metrics",
        )
        return _metrics(summary, window.granularity, start, end, window.source_id or "")

    async def probe(self) -> None:
        await self.upstream.get_json("/destinations", operation="probe", params={"pagination[count]": 1})

    # -- checks ------------------------------------------------------------------------------------

    def default_source_ids(self) -> tuple[str, ...]:
        return (self.workspace.default_source_id,) if self.workspace.default_source_id else ()

    check_destination = staticmethod(checks.check_destination)
    check_subscription = staticmethod(checks.check_subscription)

    # -- writes ------------------------------------------------------------------------------------

    async def create_destination(self, draft: DestinationDraft) -> CreatedDestination:
        """POST /destinations, then one POST per subscription; their budget turns are taken up front.

        Every body is built (and checked) first, then all the subscription turns are reserved at once:
        when Segment's five-a-minute budget cannot take them all, nothing is written. Each step whose
        reply is lost is reconciled by reading Segment. A subscription refused, or not known to exist,
        after the destination exists is reported in ``failures``; the destination stays.
        """
        body = writes.destination_body(draft)
        subscriptions = [
            writes.subscription_body(s, path=("input", "subscriptions", str(i)))
            for i, s in enumerate(draft.subscriptions)
        ]
        if subscriptions:
            await self.upstream.reserve(SUBSCRIPTION_WRITES, len(subscriptions), operation="create_subscription")
        since = time.time()

        async def post() -> Destination:
            answer = await self.upstream.send_json("POST", "/destinations", operation="create_destination", body=body)
            return self._answered_destination(answer, "create_destination")

        try:
            destination = await self.reconciled(
                post, lambda: self.find_created_destination(draft, since), "create_destination"
            )
        except BaseException:
            await self.upstream.unreserve(SUBSCRIPTION_WRITES, len(subscriptions))
            raise
        created: list[DestinationSubscription] = []
        failures: list[tuple[tuple[str, ...], Exception]] = []
        for index, (subscription, sent) in enumerate(zip(draft.subscriptions, subscriptions, strict=True)):
            try:
                created.append(await self._create_subscription(destination, subscription, sent, reserved=True))
            except UpstreamError as exc:
                failures.append((("input", "subscriptions", str(index)), exc))
        return CreatedDestination(destination=destination, subscriptions=tuple(created), failures=tuple(failures))

    async def find_created_destination(self, draft: DestinationDraft, since: float) -> Destination | None:
        # Segment keeps no creation time: name, type, source and settings must tell.
        rows = await self._all_pages("/destinations", "destinations", "list_destinations", fresh=True)
        parsed, _ = parse_rows(shapes.Destination, rows, self.context("find_created"), what="destination")
        found = [self._destination(shape, row) for shape, row in parsed]
        return self.only_match(found, lambda d: looks_created(d, draft, since), "find_created")

    async def update_destination(self, current: Destination, patch: DestinationPatch) -> Destination:
        body = writes.destination_patch_body(current, patch)
        return await self._patched(current.ref, body, patch) if body else current

    async def update_unread(self, ref: DestinationRef, patch: DestinationPatch) -> Destination | None:
        """PATCH merges what it is given: a name or enabled needs nothing read first."""
        return await self._patched(ref, writes.name_and_enabled(patch), patch)

    async def _patched(self, ref: DestinationRef, body: dict[str, Any], patch: DestinationPatch) -> Destination:
        async def patch_it() -> Destination:
            path = f"/destinations/{ref.native_id}"
            answer = await self.upstream.send_json("PATCH", path, operation="update_destination", body=body)
            return self._answered_destination(answer, "update_destination")

        return await self.reconciled(patch_it, lambda: self.read_back_update(ref, patch), "update_destination")

    async def delete_destination(self, ref: DestinationRef) -> None:
        await self.delete_reconciled(ref, f"/destinations/{ref.native_id}")

    async def create_subscription(self, destination: Destination, draft: SubscriptionDraft) -> DestinationSubscription:
        body = writes.subscription_body(draft, path=("input", "subscription"))
        return await self._create_subscription(destination, draft, body)

    async def find_created_subscription(
        self, destination: Destination, draft: SubscriptionDraft, since: float
    ) -> DestinationSubscription | None:
        listed = await self.list_subscriptions(destination, fresh=True)

        def accepts(s: DestinationSubscription) -> bool:
            recent = s.created_at is None or s.created_at.timestamp() >= since - CLOCK_SKEW_SECONDS
            return recent and (s.name, s.action_id, s.trigger) == (draft.name, draft.action_id, draft.trigger)

        found: DestinationSubscription | None = self.only_match(listed, accepts, "find_created")
        return found

    async def update_subscription(
        self, destination: Destination, current: DestinationSubscription, patch: SubscriptionPatch
    ) -> DestinationSubscription:
        changes = writes.subscription_patch_body(current, patch)
        if not changes:
            return current
        path = f"/destinations/{destination.native_id}/subscriptions/{current.ref.native_id}"

        async def patch_it() -> DestinationSubscription:
            answer = await self._subscription_write("PATCH", path, "update_subscription", body={"input": changes})
            return self._answered_subscription(destination, answer, "subscription", "update_subscription")

        async def read_back() -> DestinationSubscription | None:
            now = {s.ref: s for s in await self.list_subscriptions(destination, fresh=True)}.get(current.ref)
            return now if now is not None and subscription_shows(now, patch) else None

        return await self.reconciled(patch_it, read_back, "update_subscription")

    async def delete_subscription(self, destination: Destination, current: DestinationSubscription) -> None:
        path = f"/destinations/{destination.native_id}/subscriptions/{current.ref.native_id}"

        async def delete() -> bool:
            await self._subscription_write("DELETE", path, "delete_subscription")
            return True

        async def gone() -> bool | None:
            listed = await self.list_subscriptions(destination, fresh=True)
            return None if any(s.ref == current.ref for s in listed) else True

        await self.reconciled(delete, gone, "delete_subscription")

    async def _create_subscription(
        self, destination: Destination, draft: SubscriptionDraft, body: dict[str, Any], *, reserved: bool = False
    ) -> DestinationSubscription:
        since = time.time()

        async def post() -> DestinationSubscription:
            path = f"/destinations/{destination.native_id}/subscriptions"
            answer = await self._subscription_write("POST", path, "create_subscription", body=body, reserved=reserved)
            return self._answered_subscription(destination, answer, "destinationSubscription", "create_subscription")

        return await self.reconciled(
            post, lambda: self.find_created_subscription(destination, draft, since), "create_subscription"
        )

    async def _subscription_write(
        self, method: str, path: str, operation: str, *, body: Any = None, reserved: bool = False
    ) -> Any:
        """A subscription write, taking its turn of the five-a-minute budget (or a turn reserved before)."""
        return await self.upstream.send_json(
            method, path, operation=operation, body=body, budget=SUBSCRIPTION_WRITES, reserved=reserved
        )

    async def _all_pages(self, path: str, key: str, operation: str, *, fresh: bool = False) -> list[Any]:
        rows: list[Any] = []
        cursor: str | None = None
        while True:
            params: dict[str, str | int] = {"pagination[count]": LIST_PAGE_MAXIMUM}
            if cursor:
                params["pagination[cursor]"] = cursor
            data = self._data(await self.upstream.get_json(path, operation=operation, params=params, fresh=fresh))
            page = parse(shapes.ListPage, data, self.context(operation), what=f"the {key} list")
            found = data.get(key)
            if not isinstance(found, list):
                raise self.protocol_error(f"answered {operation} without a {key} list", operation)
            rows.extend(found)
            cursor = page.pagination.next
            if not cursor:
                return rows

    # -- parsing ------------------------------------------------------------------------------------

    def _data(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            raise self.protocol_error("answered without a data envelope")
        data: dict[str, Any] = body["data"]
        return data

    def _rows(
        self, data: dict[str, Any], key: str, shape: type[shapes.Destination], operation: str, what: str
    ) -> tuple[list[tuple[shapes.Destination, dict[str, Any]]], list[Any]]:
        found = data.get(key)
        if not isinstance(found, list):
            raise self.protocol_error(f"answered {operation} without a {key} list", operation)
        return parse_rows(shape, found, self.context(operation), what=what)

    def _answered_destination(self, answer: Any, operation: str) -> Destination:
        row = self._data(answer).get("destination")
        return self._destination(parse(shapes.Destination, row, self.context(operation), what="the destination"), row)

    def _answered_subscription(
        self, destination: Destination, answer: Any, key: str, operation: str
    ) -> DestinationSubscription:
        row = self._data(answer).get(key)
        shape = parse(shapes.Subscription, row, self.context(operation), what="the subscription")
        return _subscription(destination.ref, shape, row)

    def _destination(self, shape: shapes.Destination, row: Any) -> Destination:
        embedded = destination_type(shape.metadata) if shape.metadata is not None and shape.metadata.slug else None
        settings = dict(shape.settings)
        secret_keys = set(embedded.secret_keys) if embedded else set()
        secret_keys |= {k for k, v in settings.items() if isinstance(v, str) and "\u2022" in v}
        return Destination(
            ref=DestinationRef(self.workspace.key, shape.id),
            provider=Provider.SEGMENT,
            name=shape.name or "",
            type_key=shape.metadata.slug if shape.metadata is not None else "",
            enabled=shape.enabled,
            settings=settings,
            raw=row,
            secret_keys=frozenset(secret_keys),
            source_ids=(shape.sourceId,) if shape.sourceId else (),
            embedded_type=embedded,
        )


def _subscription(destination: DestinationRef, shape: shapes.Subscription, row: Any) -> DestinationSubscription:
    return DestinationSubscription(
        ref=SubscriptionRef(destination, shape.id),
        name=shape.name or "",
        enabled=shape.enabled,
        raw=row,
        settings=dict(shape.settings or {}),
        trigger=shape.trigger,
        action_id=shape.actionId,
        action_slug=shape.actionSlug,
        model_id=shape.modelId or shape.reverseETLModelId or None,
        created_at=optional_datetime(shape.createdAt),
        updated_at=optional_datetime(shape.updatedAt),
    )


def _metrics(
    summary: shapes.MetricsSummary, granularity: Granularity, start: datetime, end: datetime, source: str
) -> DeliveryMetrics:
    totals = {metric.metricName: metric.total for metric in summary.metrics}
    parts = {part.metricName: part.value for metric in summary.metrics for part in metric.breakdown}

    def latency(name: str) -> LatencySummary | None:
        if name not in totals:
            return None
        return LatencySummary(average=parts.get(f"{name}_average"), p95=parts.get(f"{name}_p95"))

    def count(name: str) -> int:
        return int(totals.get(name, 0))

    def part(name: str) -> int | None:
        return int(parts[name]) if name in parts else None

    return DeliveryMetrics(
        source_id=summary.sourceId or source,
        granularity=granularity,
        start_time=start,
        end_time=end,
        successes=count("successes"),
        expired=count("expired"),
        discarded=count("discarded"),
        retried=count("retried"),
        successes_on_first_attempt=part("successes_on_first_attempt"),
        successes_after_retry=part("successes_after_retry"),
        time_to_success=latency("time_to_success"),
        time_to_first_attempt=latency("time_to_first_attempt"),
    )


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _message(body: Any) -> str | None:
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        message = str(first.get("message") or first.get("type") or "")
        return f"{message} (field {first['field']})" if first.get("field") else message or None
    return None


def _headers(workspace: WorkspaceConfig) -> dict[str, str]:
    return {"Authorization": f"Bearer {workspace.token.get_secret_value()}", "Accept": "application/json"}


PROFILE = VendorProfile(
    adapter=SegmentAdapter,
    headers=_headers,
    extract_message=_message,
    # Segment documents 5 a minute for subscription writes and publishes no general figure;
    # 600 a minute per token is the only one found (a third-party page), and what the emulator enforces.
    budgets=(RateBudget(calls=600, seconds=60),),
    # "The rate limit for this endpoint is 5 requests per minute" (create/update/remove subscription).
    write_budgets={SUBSCRIPTION_WRITES: RateBudget(calls=5, seconds=60)},
)
