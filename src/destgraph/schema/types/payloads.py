"""Mutation payloads: the object written, what changed, and the userErrors."""

from __future__ import annotations

import strawberry

from destgraph.schema.types.common import CHANGES, USER_ERRORS
from destgraph.schema.types.destination import Destination
from destgraph.schema.types.subscription import DestinationSubscription
from destgraph.schema.types.writes import FieldChange, TestStep, UserError


@strawberry.type(description="What createDestination did, or with dryRun would do.")
class CreateDestinationPayload:
    destination: Destination | None = strawberry.field(
        description="Null with dryRun: changes then lists every field the create would set."
    )
    changes: list[FieldChange] = strawberry.field(description=CHANGES)
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="What updateDestination did, or with dryRun would do.")
class UpdateDestinationPayload:
    destination: Destination | None = strawberry.field(
        description="The destination as it is after the update (with dryRun, or when nothing changes, as it is now); "
        "null when it could not be read or the vendor refused the write (see userErrors)."
    )
    changes: list[FieldChange] = strawberry.field(description=CHANGES)
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="What deleteDestination did, or with dryRun would do.")
class DeleteDestinationPayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The id of the deleted destination; null with dryRun or when it was not deleted (see userErrors)."
    )
    changes: list[FieldChange] = strawberry.field(description=CHANGES)
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="What a create or update of a subscription did.")
class DestinationSubscriptionPayload:
    subscription: DestinationSubscription | None = strawberry.field(
        description="The subscription as the vendor now holds it; null when nothing was written (see userErrors)."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="What deleteDestinationSubscription did.")
class DeleteDestinationSubscriptionPayload:
    deleted_id: strawberry.ID | None = strawberry.field(
        description="The id of the deleted subscription; null when it was not deleted (see userErrors)."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="The outcome of a destination test, step by step.")
class TestResult:
    success: bool = strawberry.field(
        description="Whether the test passed, as the vendor says; where it does not say, true when steps ran and none failed."
    )
    steps: list[TestStep] = strawberry.field(description="The steps the vendor ran, in order.")
    subscription: DestinationSubscription | None = strawberry.field(
        description="Nimriz test-send: the subscription (action) the test event was queued for."
    )


@strawberry.type(description="What testDestination found.")
class TestDestinationPayload:
    result: TestResult | None = strawberry.field(
        description="The test's outcome; null when the test could not run (see userErrors)."
    )
    destination: Destination | None = strawberry.field(
        description="After a Zeotap test, the destination with its updated connection status."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)


@strawberry.type(description="What testDestinationSettings found.")
class TestDestinationSettingsPayload:
    result: TestResult | None = strawberry.field(
        description="The test's outcome; null when the settings were refused before the test, or it could not run (see userErrors)."
    )
    user_errors: list[UserError] = strawberry.field(description=USER_ERRORS)
