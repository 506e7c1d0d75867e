"""create/update/deleteDestinationSubscription, for providers whose destinations have subscriptions.

What a subscription may hold is the adapter's check; how it is written (one call, or a
read-modify-write of the destination under its lock, within the vendor's write budget) is the
adapter's write. This service validates, merges settings key by key and reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from destgraph.domain.ids import GlobalId, MalformedId
from destgraph.domain.models import Destination, DestinationSubscription
from destgraph.domain.problems import ProblemCode, Problems
from destgraph.domain.secrets import is_masked
from destgraph.domain.writes import SubscriptionPatch
from destgraph.errors import NotFoundError
from destgraph.services import catalog, rejections
from destgraph.services.destination_writes import SubscriptionInput, current_destination
from destgraph.services.gateway import Session
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


@dataclass
class SubscriptionResult:
    subscription: DestinationSubscription | None = None
    problems: Problems = field(default_factory=Problems)
    deleted_id: str | None = None


async def create_subscription(session: Session, destination_id: str, given: SubscriptionInput) -> SubscriptionResult:
    session.principal.require("write")
    result = SubscriptionResult()
    destination = await current_destination(session, destination_id, result.problems, field="destinationId")
    if destination is None:
        return result
    adapter = session.adapter(destination.workspace)
    destination_type = await catalog.get_type(session, destination.workspace, destination.type_key)
    path = (*INPUT, "subscription")
    adapter.check_subscription(destination_type, given.as_input(), result.problems, path=path, creating=True)
    check_settings_object(given.settings, result.problems, path=(*path, "settings"))
    if result.problems:
        return result
    result.subscription = await rejections.attempt(
        result.problems, adapter.create_subscription(destination, given.draft()), at=INPUT, secrets=given.settings
    )
    return result


async def update_subscription(session: Session, request: UpdateSubscriptionRequest) -> SubscriptionResult:
    session.principal.require("write")
    result = SubscriptionResult()
    found = await _current_subscription(session, request.id, result.problems)
    if found is None:
        return result
    destination, current = found
    adapter = session.adapter(destination.workspace)
    destination_type = await catalog.get_type(session, destination.workspace, destination.type_key)
    fields = {
        "name": request.name,
        "enabled": request.enabled,
        "trigger": request.trigger,
        "eventFilter": request.event_filter,
        "propertyMapping": request.property_mapping,
    }
    adapter.check_subscription(destination_type, fields, result.problems, path=INPUT, creating=False)
    settings = None
    if request.settings is not None:
        if not isinstance(request.settings, dict):
            result.problems.add((*INPUT, "settings"), "settings must be an object of key: value")
        else:
            # The same merge as destinations: key by key, null removes, a masked value keeps what is stored.
            settings = {**current.settings}
            for key, value in request.settings.items():
                if value is None:
                    settings.pop(key, None)
                elif not is_masked(value):
                    settings[key] = value
    if result.problems:
        return result
    patch = SubscriptionPatch(
        name=request.name,
        enabled=request.enabled,
        trigger=request.trigger,
        event_filter=request.event_filter,
        property_mapping=request.property_mapping,
        settings=settings,
    )
    result.subscription = await rejections.attempt(
        result.problems, adapter.update_subscription(destination, current, patch), at=INPUT, secrets=request.settings
    )
    return result


async def delete_subscription(session: Session, id: str) -> SubscriptionResult:
    session.principal.require("write")
    result = SubscriptionResult()
    found = await _current_subscription(session, id, result.problems)
    if found is None:
        return result
    destination, current = found
    deleted = await rejections.attempt(result.problems, _deleted(session, destination, current), at=(*INPUT, "id"))
    if deleted:
        result.deleted_id = id
    return result


async def _deleted(session: Session, destination: Destination, current: DestinationSubscription) -> bool:
    await session.adapter(destination.workspace).delete_subscription(destination, current)
    return True


async def _current_subscription(
    session: Session, raw_id: str, problems: Problems
) -> tuple[Destination, DestinationSubscription] | None:
    try:
        gid = GlobalId.decode(raw_id, expect="DestinationSubscription")
        session.workspace(gid.workspace)
    except (MalformedId, NotFoundError):
        problems.add((*INPUT, "id"), "no such subscription", ProblemCode.NOT_FOUND)
        return None
    destination_native, _, subscription_native = gid.native_id.rpartition(":")
    destination = await current_destination(
        session, GlobalId("Destination", gid.workspace, destination_native).encode(), problems
    )
    if destination is None:
        return None
    for subscription in await session.adapter(destination.workspace).list_subscriptions(destination):
        if subscription.ref.native_id == subscription_native:
            return destination, subscription
    problems.add((*INPUT, "id"), "no such subscription", ProblemCode.NOT_FOUND)
    return None
