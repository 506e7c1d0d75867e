"""Mutation payloads: the object written, what changed, and the userErrors."""

from __future__ import annotations

import strawberry

from destgraph.schema.types.destination import Destination
from destgraph.schema.types.subscription import DestinationSubscription
from destgraph.schema.types.writes import FieldChange, TestStep, UserError


@strawberry.type
class CreateDestinationPayload:
    destination: Destination | None = strawberry.field(
        description="Null with dryRun: changes then lists every field the create would set."
    )
    changes: list[FieldChange]
    user_errors: list[UserError]


@strawberry.type
class UpdateDestinationPayload:
    destination: Destination | None
    changes: list[FieldChange]
    user_errors: list[UserError]


@strawberry.type
class DeleteDestinationPayload:
    deleted_id: strawberry.ID | None
    changes: list[FieldChange]
    user_errors: list[UserError]


@strawberry.type
class DestinationSubscriptionPayload:
    subscription: DestinationSubscription | None
    user_errors: list[UserError]


@strawberry.type
class DeleteDestinationSubscriptionPayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class TestResult:
    success: bool
    steps: list[TestStep]
    subscription: DestinationSubscription | None = strawberry.field(
        description="Nimriz test-send: the subscription (action) the test event was queued for."
    )


@strawberry.type
class TestDestinationPayload:
    result: TestResult | None
    destination: Destination | None = strawberry.field(
        description="After a Zeotap test, the destination with its updated connection status."
    )
    user_errors: list[UserError]


@strawberry.type
class TestDestinationSettingsPayload:
    result: TestResult | None
    user_errors: list[UserError]
