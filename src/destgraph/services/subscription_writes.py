"""create/update/deleteDestinationSubscription, for providers whose destinations have subscriptions.

What a subscription may hold is the adapter's check; how it is written (one call, or a PUT of the
destination's whole action list) is the adapter's write, within the vendor's write budget. This
service validates, merges settings key by key and reports; every write holds the destination's lock
around a fresh read and the write, so writes through any replica never drop each other's changes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from destgraph.adapters.contract import VendorAdapter
from destgraph.domain.ids import GlobalId, MalformedId
from destgraph.domain.models import Destination, DestinationRef, DestinationSubscription
from destgraph.domain.problems import ProblemCode, Problems
from destgraph.domain.secrets import is_masked
from destgraph.domain.writes import SubscriptionPatch
from destgraph.errors import NotFoundError
from destgraph.services import catalog, rejections
from destgraph.services.destination_writes import (
    SubscriptionInput,
    destination_ref,
    keys_of,
    read_current,
    version_holds,
)
from destgraph.services.gateway import Session
from destgraph.services.idempotency import Outcome, fingerprint
from destgraph.services.validation import check_settings_object

INPUT = ("input",)


@dataclass(frozen=True)
class UpdateSubscriptionRequest:
    id: str
    name: str | None = None
    enabled: bool | None = None
    trigger: str | None = None
    event_filter: Any = None
    property_mapping: Any = None
    settings: Any = None
    #: optimistic concurrency: the DestinationSubscription.version the caller read
    expected_version: str | None = None


@dataclass
class SubscriptionResult:
    subscription: DestinationSubscription | None = None
    problems: Problems = field(default_factory=Problems)
    deleted_id: str | None = None


# -- create -----------------------------------------------------------------------------------------


async def create_subscription(
    session: Session, destination_id: str, given: SubscriptionInput, *, idempotency_key: str | None = None
) -> SubscriptionResult:
    session.principal.require("write")
    result = SubscriptionResult()
    ref = destination_ref(session, destination_id, result.problems, field="destinationId")
    if ref is None:
        return result
    adapter = session.adapter(ref.workspace)
    if not idempotency_key:
        return await _create(session, adapter, ref, given, result)
    mark = fingerprint({"destination": destination_id, **given.as_input()})

    async def write() -> Outcome:
        started = time.time()
        done = await _create(session, adapter, ref, given, SubscriptionResult())
        unknown = done.subscription is None and any(p.code is ProblemCode.OUTCOME_UNKNOWN for p in done.problems)
        return _outcome(done, unknown=unknown, started_at=started)

    async def reconcile(prior: Outcome) -> Outcome | None:
        problems = Problems()
        destination = await read_current(adapter, ref, problems, field="destinationId")
        found = (
            await adapter.find_created_subscription(destination, given.draft(), prior.started_at)
            if destination
            else None
        )
        return (
            _outcome(SubscriptionResult(subscription=found), unknown=False, started_at=prior.started_at)
            if found
            else None
        )

    outcome, refused = await keys_of(session, ref.workspace).run(idempotency_key, mark, write, reconcile)
    return await _told(adapter, ref, outcome, refused)


async def _create(
    session: Session, adapter: VendorAdapter, ref: DestinationRef, given: SubscriptionInput, result: SubscriptionResult
) -> SubscriptionResult:
    async with adapter.serialized(ref.native_id, "create_subscription"):
        destination = await read_current(adapter, ref, result.problems, field="destinationId")
        if destination is None:
            return result
        destination_type = await catalog.get_type(session, destination.workspace, destination.type_key)
        path = (*INPUT, "subscription")
        adapter.check_subscription(destination_type, given.as_input(), result.problems, path=path, creating=True)
        check_settings_object(given.settings, result.problems, path=(*path, "settings"))
        if result.problems:
            return result
        write = adapter.create_subscription(destination, given.draft())
        result.subscription = await rejections.attempt(result.problems, write, at=INPUT, secrets=given.settings)
    return result


def _outcome(done: SubscriptionResult, *, unknown: bool, started_at: float) -> Outcome:
    refs = None
    if done.subscription is not None:
        ref = done.subscription.ref
        refs = {
            "workspace": ref.destination.workspace,
            "destination": ref.destination.native_id,
            "subscription": ref.native_id,
        }
    return Outcome(refs=refs, problems=list(done.problems), unknown=unknown, started_at=started_at)


async def _told(
    adapter: VendorAdapter, ref: DestinationRef, outcome: Outcome | None, refused: str | None
) -> SubscriptionResult:
    told = SubscriptionResult()
    if outcome is None:
        told.problems.add((*INPUT, "idempotencyKey"), refused or "refused", ProblemCode.CONFLICT)
        return told
    told.problems = Problems(outcome.problems)
    if outcome.refs is not None:
        destination = await read_current(adapter, ref, Problems())
        listed = await adapter.list_subscriptions(destination, fresh=True) if destination else []
        told.subscription = next((s for s in listed if s.ref.native_id == outcome.refs["subscription"]), None)
    return told


# -- update and delete ------------------------------------------------------------------------------


async def update_subscription(session: Session, request: UpdateSubscriptionRequest) -> SubscriptionResult:
    session.principal.require("write")
    result = SubscriptionResult()
    ref = _subscription_ref(session, request.id, result.problems)
    if ref is None:
        return result
    destination_ref_, subscription_id = ref
    adapter = session.adapter(destination_ref_.workspace)
    async with adapter.serialized(destination_ref_.native_id, "update_subscription"):
        found = await _read_subscription(adapter, destination_ref_, subscription_id, result.problems)
        if found is None:
            return result
        destination, current = found
        if not version_holds(current.version, request.expected_version, result.problems):
            return result
        patch = await _checked_patch(session, adapter, destination, current, request, result.problems)
        if patch is None:
            return result
        write = adapter.update_subscription(destination, current, patch)
        result.subscription = await rejections.attempt(result.problems, write, at=INPUT, secrets=request.settings)
    return result


async def _checked_patch(
    session: Session,
    adapter: VendorAdapter,
    destination: Destination,
    current: DestinationSubscription,
    request: UpdateSubscriptionRequest,
    problems: Problems,
) -> SubscriptionPatch | None:
    destination_type = await catalog.get_type(session, destination.workspace, destination.type_key)
    fields = {
        "name": request.name,
        "enabled": request.enabled,
        "trigger": request.trigger,
        "eventFilter": request.event_filter,
        "propertyMapping": request.property_mapping,
    }
    adapter.check_subscription(destination_type, fields, problems, path=INPUT, creating=False)
    settings = None
    if request.settings is not None:
        given = check_settings_object(request.settings, problems, path=(*INPUT, "settings"))
        # The same merge as destinations: key by key, null removes, a masked value keeps what is stored.
        settings = {**current.settings}
        for key, value in given.items():
            if value is None:
                settings.pop(key, None)
            elif not is_masked(value):
                settings[key] = value
    if problems:
        return None
    return SubscriptionPatch(
        name=request.name,
        enabled=request.enabled,
        trigger=request.trigger,
        event_filter=request.event_filter,
        property_mapping=request.property_mapping,
        settings=settings,
    )


async def delete_subscription(session: Session, id: str) -> SubscriptionResult:
    session.principal.require("write")
    result = SubscriptionResult()
    ref = _subscription_ref(session, id, result.problems)
    if ref is None:
        return result
    destination_ref_, subscription_id = ref
    adapter = session.adapter(destination_ref_.workspace)
    async with adapter.serialized(destination_ref_.native_id, "delete_subscription"):
        found = await _read_subscription(adapter, destination_ref_, subscription_id, result.problems)
        if found is None:
            return result
        destination, current = found
        if await rejections.attempt(result.problems, _deleted(adapter, destination, current), at=(*INPUT, "id")):
            result.deleted_id = id
    return result


async def _deleted(adapter: VendorAdapter, destination: Destination, current: DestinationSubscription) -> bool:
    await adapter.delete_subscription(destination, current)
    return True


def _subscription_ref(session: Session, raw_id: str, problems: Problems) -> tuple[DestinationRef, str] | None:
    """The destination and the subscription's own id that a DestinationSubscription id names."""
    try:
        gid = GlobalId.decode(raw_id, expect="DestinationSubscription")
        session.workspace(gid.workspace)
    except (MalformedId, NotFoundError):
        problems.add((*INPUT, "id"), "no such subscription", ProblemCode.NOT_FOUND)
        return None
    destination_native, _, subscription_native = gid.native_id.rpartition(":")
    return DestinationRef(gid.workspace, destination_native), subscription_native


async def _read_subscription(
    adapter: VendorAdapter, ref: DestinationRef, subscription_id: str, problems: Problems
) -> tuple[Destination, DestinationSubscription] | None:
    """The destination and the subscription as the vendor holds them now (under the caller's lock)."""
    destination = await read_current(adapter, ref, problems)
    if destination is None:
        return None
    for subscription in await adapter.list_subscriptions(destination, fresh=True):
        if subscription.ref.native_id == subscription_id:
            return destination, subscription
    problems.add((*INPUT, "id"), "no such subscription", ProblemCode.NOT_FOUND)
    return None
