"""testDestination, testDestinationSettings and the streamed test progress."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from destgraph.domain.ids import GlobalId, MalformedId
from destgraph.domain.models import DestinationSubscription
from destgraph.domain.problems import ProblemCode, Problems
from destgraph.domain.writes import TestOutcome, TestStep
from destgraph.errors import NotFoundError, UnsupportedError
from destgraph.services import catalog, rejections
from destgraph.services.destination_writes import INPUT, current_destination, workspace_key_of
from destgraph.services.gateway import Session
from destgraph.services.validation import check_settings


@dataclass
class TestResultOutcome:
    outcome: TestOutcome | None = None
    problems: Problems = field(default_factory=Problems)


async def test_destination(session: Session, id: str, subscription_id: str | None) -> TestResultOutcome:
    session.principal.require("write")
    result = TestResultOutcome()
    destination = await current_destination(session, id, result.problems)
    if destination is None:
        return result
    adapter = session.adapter(destination.workspace)
    capabilities = adapter.capabilities
    if not (capabilities.connection_test or capabilities.test_event):
        result.problems.add((*INPUT, "id"), f"{adapter.name} has no destination tests", ProblemCode.UNSUPPORTED)
        return result
    subscription: DestinationSubscription | None = None
    if subscription_id is not None:
        if not capabilities.test_event:
            result.problems.add(
                (*INPUT, "subscriptionId"),
                f"{adapter.name} tests whole destinations, not one subscription",
                ProblemCode.UNSUPPORTED,
            )
            return result
        subscription = await _subscription_of(session, destination, subscription_id, result.problems)
        if subscription is None:
            return result
    result.outcome = await rejections.attempt(
        result.problems, adapter.test_destination(destination, subscription), at=INPUT
    )
    return result


async def test_settings(session: Session, workspace_id: str, type_key: str, settings: Any) -> TestResultOutcome:
    session.principal.require("write")
    result = TestResultOutcome()
    workspace_key = workspace_key_of(session, workspace_id, result.problems)
    if workspace_key is None:
        return result
    adapter = session.adapter(workspace_key)
    if not adapter.capabilities.connection_test:
        result.problems.add(
            (*INPUT, "workspaceId"), "this provider cannot test settings before a create", ProblemCode.UNSUPPORTED
        )
        return result
    destination_type = await catalog.get_type(session, workspace_key, type_key)
    if destination_type is None:
        result.problems.add((*INPUT, "typeKey"), f"no destination type {type_key!r}", ProblemCode.NOT_FOUND)
        return result
    if not isinstance(settings, dict):
        result.problems.add((*INPUT, "settings"), "settings must be an object of key: value")
        return result
    check_settings(destination_type, settings, result.problems, path=(*INPUT, "settings"), creating=True)
    if result.problems:
        return result
    result.outcome = await rejections.attempt(
        result.problems, adapter.test_settings(type_key, settings), at=INPUT, secrets=settings
    )
    return result


async def stream_test(session: Session, id: str) -> AsyncIterator[TestStep]:
    """The steps of a connection test as the vendor streams them; errors for bad ids and providers."""
    session.principal.require("write")
    problems = Problems()
    destination = await current_destination(session, id, problems)
    if destination is None:
        raise NotFoundError("no such destination")
    adapter = session.adapter(destination.workspace)
    if not adapter.capabilities.connection_test:
        raise UnsupportedError(f"{adapter.name} has no streamed connection test")
    async for step in adapter.stream_test(destination):
        yield step


async def _subscription_of(
    session: Session, destination: Any, raw_id: str, problems: Problems
) -> DestinationSubscription | None:
    try:
        gid = GlobalId.decode(raw_id, expect="DestinationSubscription")
    except MalformedId:
        gid = None
    if gid is not None and gid.workspace == destination.workspace:
        native = gid.native_id.rpartition(":")[2]
        for subscription in await session.adapter(destination.workspace).list_subscriptions(destination):
            if subscription.ref.native_id == native:
                return subscription
    problems.add((*INPUT, "subscriptionId"), "no such subscription on this destination", ProblemCode.NOT_FOUND)
    return None
