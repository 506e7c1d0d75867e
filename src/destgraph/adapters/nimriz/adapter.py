"""Nimriz (/api/integrations/destinations): one list call answers every key, actions included.

Vendor facts this adapter relies on: the list is ``{"destinations": [...]}``, whole, with secret
credentials redacted; there is no get-by-id; actions live inside destinations; errors are flat
``{code, message, support_reference}``; Bearer or X-Nim-Api-Key.

Writes (bodies and checks in ``nimriz_writes``): a destination is created with its actions in one
POST; every change to a destination or to one of its actions is one PUT carrying the whole action
list, made under the destination's lock after a fresh read of the list, so concurrent writes to one
destination never drop each other's actions; test-send queues a test event for one action.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from destgraph.adapters.base import BaseAdapter, subscription_shows
from destgraph.adapters.nimriz import checks, shapes
from destgraph.adapters.nimriz.catalog import BY_KEY, CATALOG
from destgraph.adapters.nimriz.services import SERVICES
from destgraph.adapters.nimriz.writes import (
    DESTINATIONS,
    WHOLE_CREDENTIALS,
    action_bodies,
    check_patch,
    create_body,
    credentials_for_put,
    new_action_body,
    patched_action,
    secrets_not_given,
)
from destgraph.adapters.registry import VendorProfile
from destgraph.adapters.shapes import optional_datetime, parse, parse_rows
from destgraph.config import WorkspaceConfig
from destgraph.domain.models import (
    Capabilities,
    Destination,
    DestinationPage,
    DestinationRef,
    DestinationSubscription,
    DestinationType,
    EventFilter,
    FilterClause,
    MappingOverride,
    MappingOverrideKind,
    PropertyMapping,
    Provider,
    SubscriptionRef,
)
from destgraph.domain.problems import ProblemCode, Problems
from destgraph.domain.queries import ListFilter
from destgraph.domain.writes import (
    CreatedDestination,
    DestinationDraft,
    DestinationPatch,
    SettingsChange,
    SubscriptionDraft,
    SubscriptionPatch,
    TestOutcome,
    TestStep,
    TestStepStatus,
)
from destgraph.errors import InvalidInputError, UpstreamError

#: a dict, not MappingOverrideKind(value): the enum's lookup is slow on a list of hundreds of actions
_OVERRIDE_KINDS = {kind.value: kind for kind in MappingOverrideKind}


class NimrizAdapter(BaseAdapter):
    description: ClassVar[str] = (
        "Nimriz: destinations that hold their actions (subscriptions here) and can send a test event."
    )
    provider: ClassVar[Provider] = Provider.NIMRIZ
    capabilities: ClassVar[Capabilities] = Capabilities(
        subscriptions=True,
        delivery_metrics=False,
        connection_test=False,
        test_event=True,
        describe_fields=False,
        server_side_pagination=False,
        settings_replaced_whole=True,
        live_catalog=False,
    )
    page_size_maximum: ClassVar[int | None] = None
    services = SERVICES

    async def list_destinations(self, *, cursor: str | None, limit: int | None, filter: ListFilter) -> DestinationPage:
        return await self.list_all()

    async def list_all(self, *, fresh: bool = False) -> DestinationPage:
        body = await self.upstream.get_json(DESTINATIONS, operation="list_destinations", fresh=fresh)
        context = self.context("list_destinations")
        listed = parse(shapes.DestinationList, body, context, what="the destination list")
        parsed, rejected = parse_rows(shapes.Destination, listed.destinations, context, what="destination")
        destinations = tuple(self._destination(shape, row) for shape, row in parsed)
        return DestinationPage(destinations=destinations, total=len(destinations), rejected=tuple(rejected))

    async def list_destination_types(self) -> list[DestinationType]:
        return list(CATALOG)

    async def list_subscriptions(
        self, destination: Destination, *, fresh: bool = False
    ) -> list[DestinationSubscription]:
        # Actions live inside the destination: they are as fresh as the destination was read.
        return list(destination.subscriptions or ())

    async def probe(self) -> None:
        await self.upstream.get_json("/api/v1/whoami", operation="whoami")

    check_subscription = staticmethod(checks.check_subscription)

    def check_settings_change(self, change: SettingsChange, problems: Problems) -> None:
        for key in secrets_not_given(change):
            problems.add(("input", "settings", key), f"{WHOLE_CREDENTIALS}: give {key}", ProblemCode.REQUIRED)

    # -- writes -----------------------------------------------------------------------------------
    # Every write to an existing destination is one PUT of the destination with its WHOLE action
    # list, built from ``current`` (read fresh under the destination's lock by the caller).

    async def create_destination(self, draft: DestinationDraft) -> CreatedDestination:
        """One POST: Nimriz creates the destination and its actions together, or nothing."""
        body = create_body(draft)
        since = time.time()

        async def post() -> Destination:
            return self._answered(
                await self.upstream.send_json("POST", DESTINATIONS, operation="create_destination", body=body)
            )

        destination = await self.reconciled(
            post, lambda: self.find_created_destination(draft, since), "create_destination"
        )
        return CreatedDestination(destination=destination, subscriptions=destination.subscriptions or ())

    async def update_destination(self, current: Destination, patch: DestinationPatch) -> Destination:
        """One PUT re-sending the actions with their ids; credentials only when they change."""
        if patch.source_ids:
            raise InvalidInputError("Nimriz destinations have no sources", field=("input", "sourceIds"))
        body: dict[str, Any] = {"actions": action_bodies(current.raw)}
        if patch.name is not None:
            body["name"] = patch.name
        if patch.enabled is not None:
            body["enabled"] = patch.enabled
        if patch.settings is not None:
            body["credentials"] = credentials_for_put(patch.settings)
        return await self.reconciled(
            lambda: self._put(current.native_id, body, "update_destination"),
            lambda: self.read_back_update(current.ref, patch),
            "update_destination",
        )

    async def delete_destination(self, ref: DestinationRef) -> None:
        await self.delete_reconciled(ref, f"{DESTINATIONS}/{ref.native_id}")

    async def create_subscription(self, destination: Destination, draft: SubscriptionDraft) -> DestinationSubscription:
        """The new action appended to the destination's actions, the whole list PUT back."""
        new_action = new_action_body(draft, destination.type_key, ("input",))
        actions = action_bodies(destination.raw)
        since = time.time()

        async def put() -> DestinationSubscription:
            updated = await self._put(destination.native_id, {"actions": [*actions, new_action]}, "create_subscription")
            created = self._new_action(destination, updated, draft)
            if created is None:
                raise self.protocol_error("answered a new action without it")
            return created

        return await self.reconciled(
            put, lambda: self.find_created_subscription(destination, draft, since), "create_subscription"
        )

    async def find_created_subscription(
        self, destination: Destination, draft: SubscriptionDraft, since: float
    ) -> DestinationSubscription | None:
        """An action ``destination`` did not have before, named and typed as ``draft``."""
        fresh = await self._fresh(destination)
        return self._new_action(destination, fresh, draft) if fresh is not None else None

    async def update_subscription(
        self, destination: Destination, current: DestinationSubscription, patch: SubscriptionPatch
    ) -> DestinationSubscription:
        """The action replaced in the list (its id and the others kept), PUT back whole."""
        check_patch(patch)
        action_id = current.ref.native_id
        actions = action_bodies(destination.raw)
        index = self._action_index(actions, action_id, "update_subscription")
        actions[index] = patched_action(actions[index], patch)

        async def put() -> DestinationSubscription:
            updated = await self._put(destination.native_id, {"actions": actions}, "update_subscription")
            found = _find_action(updated, action_id)
            if found is None:
                raise self.protocol_error(f"answered an update without action {action_id}")
            return found

        async def read_back() -> DestinationSubscription | None:
            fresh = await self._fresh(destination)
            found = _find_action(fresh, action_id) if fresh is not None else None
            return found if found is not None and subscription_shows(found, patch) else None

        return await self.reconciled(put, read_back, "update_subscription")

    async def delete_subscription(self, destination: Destination, current: DestinationSubscription) -> None:
        """The action removed from the list, the rest PUT back with their ids."""
        actions = action_bodies(destination.raw)
        del actions[self._action_index(actions, current.ref.native_id, "delete_subscription")]

        async def put() -> bool:
            await self._put(destination.native_id, {"actions": actions}, "delete_subscription")
            return True

        async def gone() -> bool | None:
            fresh = await self._fresh(destination)
            return True if fresh is None or _find_action(fresh, current.ref.native_id) is None else None

        await self.reconciled(put, gone, "delete_subscription")

    def _new_action(
        self, before: Destination, after: Destination, draft: SubscriptionDraft
    ) -> DestinationSubscription | None:
        known = {s.ref.native_id for s in before.subscriptions or ()}
        new = [s for s in after.subscriptions or () if s.ref.native_id not in known]
        found: DestinationSubscription | None = self.only_match(
            new, lambda s: s.name == draft.name, "create_subscription"
        )
        return found

    async def _fresh(self, destination: Destination) -> Destination | None:
        [found] = await self.get_destinations([destination.native_id], fresh=True)
        if isinstance(found, UpstreamError):
            raise found
        return found

    async def test_destination(
        self, destination: Destination, subscription: DestinationSubscription | None
    ) -> TestOutcome:
        """test-send: Nimriz queues a test event for the action (without one, its first enabled action)."""
        body = {"action_id": subscription.ref.native_id} if subscription is not None else {}
        answer = await self.upstream.send_json(
            "POST", f"{DESTINATIONS}/{destination.native_id}/test-send", operation="test_send", body=body
        )
        event = parse(shapes.TestSendAnswer, answer, self.context("test_send"), what="the test-send").test_event
        used = await self._action_used(destination, subscription, str(event.action_id))
        event_type = f" {event.event_type}" if event.event_type else ""
        what = f"action {used.name!r}" if used is not None else f"action {event.action_id}"
        message = f"Test event{event_type} queued for {what}"
        return TestOutcome(
            success=True,
            steps=(TestStep("queued", TestStepStatus.PASSED, message),),
            subscription=used,
            raw=answer,
        )

    async def _put(self, native_id: str, body: dict[str, Any], operation: str) -> Destination:
        answer = await self.upstream.send_json("PUT", f"{DESTINATIONS}/{native_id}", operation=operation, body=body)
        return self._answered(answer)

    def _answered(self, answer: Any) -> Destination:
        row = parse(shapes.Answer, answer, self.context("write"), what="the write").destination
        return self._destination(parse(shapes.Destination, row, self.context("write"), what="the destination"), row)

    def _action_index(self, actions: list[dict[str, Any]], action_id: str, operation: str) -> int:
        for index, action in enumerate(actions):
            if str(action.get("id")) == action_id:
                return index
        raise self.not_found(f"action {action_id} on this destination", operation)

    async def _action_used(
        self, destination: Destination, asked: DestinationSubscription | None, action_id: str
    ) -> DestinationSubscription | None:
        """The action a test event was queued for: the one asked, else found on the destination."""
        if asked is not None and asked.ref.native_id == action_id:
            return asked
        found = _find_action(destination, action_id)
        if found is None:
            # Added since the caller read the destination: the list, read once more, has it.
            page = await self.list_all()
            fresh = next((d for d in page.destinations if d.native_id == destination.native_id), None)
            found = _find_action(fresh, action_id) if fresh is not None else None
        return found

    def _destination(self, shape: shapes.Destination, row: Any) -> Destination:
        ref = DestinationRef(self.workspace.key, shape.id)
        credentials = dict(shape.credentials or {})
        return Destination(
            ref=ref,
            provider=Provider.NIMRIZ,
            name=shape.name or "",
            type_key=shape.type,
            enabled=shape.enabled,
            settings=credentials,
            raw=row,
            secret_keys=_secret_keys(shape.type, credentials),
            created_at=optional_datetime(shape.created_at),
            updated_at=optional_datetime(shape.updated_at),
            subscriptions=tuple(
                _action(ref, action, raw) for action, raw in zip(shape.actions, row.get("actions") or (), strict=True)
            ),
        )


def _find_action(destination: Destination, action_id: str) -> DestinationSubscription | None:
    return next((s for s in destination.subscriptions or () if s.ref.native_id == action_id), None)


def _secret_keys(type_key: str, credentials: dict[str, Any]) -> frozenset[str]:
    """The type's secret credentials, plus any the vendor redacted; unknown types: every credential."""
    known = BY_KEY.get(type_key)
    redacted = {k for k, v in credentials.items() if v == "[REDACTED]"}
    return (known.secret_keys | redacted) if known else frozenset(credentials)


def _action(destination: DestinationRef, action: shapes.Action, raw: Any) -> DestinationSubscription:
    return DestinationSubscription(
        ref=SubscriptionRef(destination, action.id),
        name=action.name or "",
        enabled=action.enabled,
        raw=raw,
        action_type=action.action_type,
        event_filter=_event_filter(action.event_filter or {}),
        property_mapping=_mapping(action.property_mapping or {}),
        created_at=optional_datetime(action.created_at),
        updated_at=optional_datetime(action.updated_at),
    )


def _clause(raw: dict[str, Any]) -> FilterClause:
    def strings(key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in raw.get(key) or ())

    bot = raw.get("bot_traffic")
    return FilterClause(
        event_types=strings("event_types"),
        touch_types=strings("touch_types"),
        domain_ids=strings("domain_ids"),
        tag_ids=strings("tag_ids"),
        space_ids=strings("space_ids"),
        countries=strings("countries"),
        bot_traffic=bot if isinstance(bot, bool) else None,
    )


def _event_filter(raw: dict[str, Any]) -> EventFilter:
    return EventFilter(
        include=_clause(raw.get("include") or {}),
        exclude=_clause(raw.get("exclude") or {}),
        conditions=tuple(c for c in raw.get("conditions") or () if isinstance(c, dict)),
    )


def _mapping(raw: dict[str, Any]) -> PropertyMapping:
    overrides = []
    for item in raw.get("overrides") or ():
        name = item.get("type") if isinstance(item, dict) else None
        kind = _OVERRIDE_KINDS.get(name) if isinstance(name, str) else None
        if kind is None:
            continue
        overrides.append(MappingOverride(kind=kind, spec={k: v for k, v in item.items() if k != "type"}))
    return PropertyMapping(base=str(raw.get("base") or "default"), overrides=tuple(overrides))


def _message(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("message"):
        code = body.get("code")
        reference = body.get("support_reference")
        text = f"{code}: {body['message']}" if code else str(body["message"])
        return f"{text} (support reference {reference})" if reference else text
    return None


def _headers(workspace: WorkspaceConfig) -> dict[str, str]:
    return {"Authorization": f"Bearer {workspace.token.get_secret_value()}", "Accept": "application/json"}


PROFILE = VendorProfile(adapter=NimrizAdapter, headers=_headers, extract_message=_message)
