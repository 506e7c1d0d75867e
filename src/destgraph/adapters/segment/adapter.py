"""Segment Public API: destinations, action subscriptions, delivery metrics and the catalog.

Vendor facts this adapter relies on: ``{"data": ...}`` envelopes with a key per operation;
``pagination[count]`` (1..1000) and opaque ``pagination[cursor]`` on lists, answered with
``{current, next, totalEntries}``; every destination embeds its full catalog metadata (which primes
the type cache); options carry no secret flag, so secrets are recognised by name and description;
delivery metrics have per-granularity range limits, so the window is always sent explicitly.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from destgraph.adapters.base import BaseAdapter, ListFilter, MetricsWindow, get_or_none
from destgraph.adapters.budget import RateBudget
from destgraph.adapters.parsing import optional_datetime, require
from destgraph.adapters.registry import VendorProfile
from destgraph.adapters.segment import writes
from destgraph.config import WorkspaceConfig
from destgraph.domain.models import (
    ActionDefinition,
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
    SettingDefinition,
    SettingType,
    SubscriptionRef,
    TypeStatus,
)
from destgraph.domain.secrets import is_secret_name
from destgraph.domain.writes import (
    CreatedDestination,
    DestinationDraft,
    DestinationPatch,
    SubscriptionDraft,
    SubscriptionPatch,
)
from destgraph.errors import UpstreamError, UpstreamProtocolError

LIST_PAGE_MAXIMUM = 1000
#: the write budget Segment's subscription create, update and remove share
SUBSCRIPTION_WRITES = "subscription_writes"
#: the widest window each granularity allows, kept a minute inside the limit so clock skew never trips it
DEFAULT_WINDOWS = {
    Granularity.MINUTE: timedelta(hours=1),
    Granularity.HOUR: timedelta(days=7) - timedelta(minutes=1),
    Granularity.DAY: timedelta(days=14) - timedelta(minutes=1),
}
_OPTION_TYPES = {
    "string": SettingType.STRING,
    "text": SettingType.STRING,
    "boolean": SettingType.BOOLEAN,
    "number": SettingType.NUMBER,
    "integer": SettingType.NUMBER,
    "select": SettingType.SELECT,
    "map": SettingType.MAP,
    "text-map": SettingType.MAP,
    "array": SettingType.ARRAY,
    "strings": SettingType.ARRAY,
    "password": SettingType.SECRET,
    "object": SettingType.OBJECT,
}
_FIELD_TYPES = {
    "BOOLEAN": SettingType.BOOLEAN,
    "INTEGER": SettingType.NUMBER,
    "NUMBER": SettingType.NUMBER,
    "OBJECT": SettingType.OBJECT,
    "PASSWORD": SettingType.SECRET,
}
_STATUSES = {"PUBLIC": TypeStatus.AVAILABLE, "DEPRECATED": TypeStatus.DEPRECATED}
_SECRET_HINT = re.compile(r"\bsecret\b|treated as a password|api key", re.I)
_READ_ONLY_HINT = re.compile(r"read-only|read only", re.I)


class SegmentAdapter(BaseAdapter):
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

    async def list_destinations(self, *, cursor: str | None, limit: int, filter: ListFilter) -> DestinationPage:
        # Segment filters nothing on the server; the service filters what comes back.
        params: dict[str, str | int] = {"pagination[count]": max(1, min(limit or LIST_PAGE_MAXIMUM, LIST_PAGE_MAXIMUM))}
        if cursor:
            params["pagination[cursor]"] = cursor
        data = _data(await self.upstream.get_json("/destinations", operation="list_destinations", params=params), self)
        pagination = data.get("pagination") or {}
        return DestinationPage(
            destinations=tuple(self._destination(row) for row in data.get("destinations") or ()),
            next_cursor=pagination.get("next") or None,
            total=_int_or_none(pagination.get("totalEntries")),
        )

    async def get_destinations(self, native_ids: Sequence[str]) -> list[Destination | None]:
        async def one(native_id: str) -> Destination | None:
            body = await get_or_none(self.upstream.get_json(f"/destinations/{native_id}", operation="get_destination"))
            return self._destination(_data(body, self)["destination"]) if body is not None else None

        # Segment has no batch get: the gets run concurrently, bounded by the workspace's client.
        return list(await asyncio.gather(*(one(i) for i in native_ids)))

    async def list_destination_types(self) -> list[DestinationType]:
        rows = await self._all_pages("/catalog/destinations", "destinationsCatalog", "list_catalog")
        return [destination_type(row) for row in rows]

    async def list_subscriptions(self, destination: Destination) -> list[DestinationSubscription]:
        if destination.embedded_type is not None and not destination.embedded_type.actions:
            return []  # only action destinations have subscriptions; Segment refuses to list the others'
        path = f"/destinations/{destination.native_id}/subscriptions"
        rows = await self._all_pages(path, "subscriptions", "list_subscriptions")
        return [_subscription(destination.ref, row) for row in rows]

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
        summary = _data(body, self).get("deliveryMetricsSummary") or {}
        return _metrics(summary, window.granularity, start, end, window.source_id or "")

    async def probe(self) -> None:
        await self.upstream.get_json("/destinations", operation="probe", params={"pagination[count]": 1})

    # -- writes ------------------------------------------------------------------------------------

    async def create_destination(self, draft: DestinationDraft) -> CreatedDestination:
        """POST /destinations, then one POST per subscription; their budget turns are taken up front.

        Every body is built (and checked) first, then all the subscription turns are reserved at once:
        when Segment's five-a-minute budget cannot take them all, nothing is written. A subscription
        refused after the destination exists is reported in ``failures``; the destination stays.
        """
        body = writes.destination_body(draft)
        subscriptions = [
            writes.subscription_body(s, path=("input", "subscriptions", str(i)))
            for i, s in enumerate(draft.subscriptions)
        ]
        if subscriptions:
            await self.upstream.client.reserve(SUBSCRIPTION_WRITES, len(subscriptions), operation="create_subscription")
        try:
            answer = await self.upstream.send_json("POST", "/destinations", operation="create_destination", body=body)
        except BaseException:
            self.upstream.client.release(SUBSCRIPTION_WRITES, len(subscriptions))
            raise
        destination = self._destination(require(_data(answer, self), "destination", dict, self))
        created: list[DestinationSubscription] = []
        failures: list[tuple[tuple[str, ...], Exception]] = []
        for index, subscription in enumerate(subscriptions):
            try:
                created.append(await self._post_subscription(destination, subscription))
            except UpstreamError as exc:
                failures.append((("input", "subscriptions", str(index)), exc))
        return CreatedDestination(destination=destination, subscriptions=tuple(created), failures=tuple(failures))

    async def update_destination(self, current: Destination, patch: DestinationPatch) -> Destination:
        body = writes.destination_patch_body(current, patch)
        if not body:
            return current
        answer = await self.upstream.send_json(
            "PATCH", f"/destinations/{current.native_id}", operation="update_destination", body=body
        )
        return self._destination(require(_data(answer, self), "destination", dict, self))

    async def delete_destination(self, current: Destination) -> None:
        await self.upstream.send_json("DELETE", f"/destinations/{current.native_id}", operation="delete_destination")

    async def create_subscription(self, destination: Destination, draft: SubscriptionDraft) -> DestinationSubscription:
        body = writes.subscription_body(draft, path=("input", "subscription"))
        return await self._post_subscription(destination, body)

    async def update_subscription(
        self, destination: Destination, current: DestinationSubscription, patch: SubscriptionPatch
    ) -> DestinationSubscription:
        changes = writes.subscription_patch_body(current, patch)
        if not changes:
            return current
        path = f"/destinations/{destination.native_id}/subscriptions/{current.ref.native_id}"
        answer = await self._subscription_write("PATCH", path, "update_subscription", body={"input": changes})
        return _subscription(destination.ref, require(_data(answer, self), "subscription", dict, self))

    async def delete_subscription(self, destination: Destination, current: DestinationSubscription) -> None:
        path = f"/destinations/{destination.native_id}/subscriptions/{current.ref.native_id}"
        await self._subscription_write("DELETE", path, "delete_subscription")

    async def _post_subscription(self, destination: Destination, body: dict[str, Any]) -> DestinationSubscription:
        path = f"/destinations/{destination.native_id}/subscriptions"
        answer = await self._subscription_write("POST", path, "create_subscription", body=body)
        return _subscription(destination.ref, require(_data(answer, self), "destinationSubscription", dict, self))

    async def _subscription_write(self, method: str, path: str, operation: str, *, body: Any = None) -> Any:
        """A subscription write, taking its turn of the five-a-minute budget (or a turn reserved before)."""
        return await self.upstream.send_json(method, path, operation=operation, body=body, budget=SUBSCRIPTION_WRITES)

    async def _all_pages(self, path: str, key: str, operation: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            params: dict[str, str | int] = {"pagination[count]": LIST_PAGE_MAXIMUM}
            if cursor:
                params["pagination[cursor]"] = cursor
            data = _data(await self.upstream.get_json(path, operation=operation, params=params), self)
            rows.extend(data.get(key) or ())
            cursor = (data.get("pagination") or {}).get("next")
            if not cursor:
                return rows

    def _destination(self, row: dict[str, Any]) -> Destination:
        metadata = row.get("metadata") or {}
        embedded = destination_type(metadata) if metadata.get("slug") else None
        settings = dict(row.get("settings") or {})
        secret_keys = set(embedded.secret_keys) if embedded else set()
        secret_keys |= {k for k, v in settings.items() if isinstance(v, str) and "\u2022" in v}
        return Destination(
            ref=DestinationRef(self.workspace.key, str(row["id"])),
            provider=Provider.SEGMENT,
            name=row.get("name") or "",
            type_key=metadata.get("slug", ""),
            enabled=bool(row.get("enabled")),
            settings=settings,
            raw=row,
            secret_keys=frozenset(secret_keys),
            source_ids=(row["sourceId"],) if row.get("sourceId") else (),
            embedded_type=embedded,
        )


def destination_type(metadata: dict[str, Any]) -> DestinationType:
    """A catalog entry (DestinationMetadataV1) as a destination type keyed by its slug."""
    return DestinationType(
        provider=Provider.SEGMENT,
        key=metadata["slug"],
        label=metadata.get("name") or metadata["slug"],
        status=_STATUSES.get(metadata.get("status", ""), TypeStatus.BETA),
        description=metadata.get("description") or None,
        categories=tuple(metadata.get("categories") or ()),
        creatable=metadata.get("status") not in ("DEPRECATED", "UNAVAILABLE"),
        settings=tuple(_option(o) for o in metadata.get("options") or ()),
        actions=tuple(_action(a) for a in metadata.get("actions") or ()),
        native_id=metadata.get("id"),
    )


def _option(option: dict[str, Any]) -> SettingDefinition:
    name = option["name"]
    text = f"{option.get('label') or ''} {option.get('description') or ''}"
    kind = _OPTION_TYPES.get(str(option.get("type", "")).lower(), SettingType.STRING)
    secret = kind is SettingType.SECRET or is_secret_name(name) or bool(_SECRET_HINT.search(text))
    choices = option.get("choices") or option.get("options")
    return SettingDefinition(
        key=name,
        label=option.get("label") or name,
        type=SettingType.SECRET if secret and kind is SettingType.STRING else kind,
        required=bool(option.get("required")),
        secret=secret,
        default_value=option.get("defaultValue"),
        description=option.get("description") or None,
        choices=tuple(str(c.get("value", c) if isinstance(c, dict) else c) for c in choices)
        if isinstance(choices, list)
        else None,
        read_only=bool(_READ_ONLY_HINT.search(text)),
    )


def _action(action: dict[str, Any]) -> ActionDefinition:
    fields = []
    for field in action.get("fields") or ():
        kind = _FIELD_TYPES.get(field.get("type", ""), SettingType.STRING)
        choices = field.get("choices")
        fields.append(
            SettingDefinition(
                key=field.get("fieldKey") or field.get("id", ""),
                label=field.get("label") or field.get("fieldKey", ""),
                type=kind,
                required=bool(field.get("required")),
                secret=kind is SettingType.SECRET,
                default_value=field.get("defaultValue"),
                description=field.get("description") or None,
                choices=tuple(str(c.get("value", c) if isinstance(c, dict) else c) for c in choices)
                if isinstance(choices, list)
                else None,
            )
        )
    return ActionDefinition(
        key=action["id"],
        name=action.get("name") or action["id"],
        description=action.get("description") or None,
        fields=tuple(fields),
        slug=action.get("slug"),
    )


def _subscription(destination: DestinationRef, row: dict[str, Any]) -> DestinationSubscription:
    return DestinationSubscription(
        ref=SubscriptionRef(destination, str(row["id"])),
        name=row.get("name") or "",
        enabled=bool(row.get("enabled")),
        raw=row,
        settings=dict(row.get("settings") or {}),
        trigger=row.get("trigger"),
        action_id=row.get("actionId"),
        action_slug=row.get("actionSlug"),
        # The update answer says reverseETLModelId where the others say modelId (seed sample).
        model_id=row.get("modelId") or row.get("reverseETLModelId") or None,
        created_at=optional_datetime(row.get("createdAt")),
        updated_at=optional_datetime(row.get("updatedAt")),
    )


def _metrics(
    summary: dict[str, Any], granularity: Granularity, start: datetime, end: datetime, source: str
) -> DeliveryMetrics:
    totals: dict[str, float] = {}
    parts: dict[str, float] = {}
    for metric in summary.get("metrics") or ():
        totals[metric.get("metricName", "")] = metric.get("total", 0)
        for part in metric.get("breakdown") or ():
            parts[part.get("metricName", "")] = part.get("value", 0)

    def latency(name: str) -> LatencySummary | None:
        if name not in totals:
            return None
        return LatencySummary(average=parts.get(f"{name}_average"), p95=parts.get(f"{name}_p95"))

    def count(name: str) -> int:
        return int(totals.get(name, 0))

    def part(name: str) -> int | None:
        return int(parts[name]) if name in parts else None

    return DeliveryMetrics(
        source_id=summary.get("sourceId") or source,
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


def _data(body: Any, adapter: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise UpstreamProtocolError(
            "segment answered without a data envelope",
            provider="segment",
            workspace=adapter.workspace.key,
            operation="parse",
        )
    return body["data"]


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


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
