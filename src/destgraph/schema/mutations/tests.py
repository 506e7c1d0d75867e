"""testDestination and testDestinationSettings; and the destinationTestProgress subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from destgraph.domain.writes import TestOutcome
from destgraph.schema.context import Info
from destgraph.schema.types.destination import Destination
from destgraph.schema.types.payloads import TestDestinationPayload, TestDestinationSettingsPayload, TestResult
from destgraph.schema.types.subscription import DestinationSubscription
from destgraph.schema.types.writes import TestDestinationInput, TestDestinationSettingsInput, TestStep, user_errors
from destgraph.services import testing


def _result(outcome: TestOutcome | None) -> TestResult | None:
    if outcome is None:
        return None
    return TestResult(
        success=outcome.success,
        steps=[TestStep.from_domain(s) for s in outcome.steps],
        subscription=DestinationSubscription.from_domain(outcome.subscription) if outcome.subscription else None,
    )


@strawberry.type
class TestMutations:
    # strawberry.mutation() and strawberry.subscription() given only keywords are typed as returning Any.
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Test an existing destination: Zeotap's connection test, Nimriz's test-send."
    )
    async def test_destination(
        self,
        info: Info,
        input: Annotated[TestDestinationInput, strawberry.argument(description="The destination to test.")],
    ) -> TestDestinationPayload:
        found = await testing.test_destination(info.context.session, input.id, input.subscription_id)
        outcome = found.outcome
        return TestDestinationPayload(
            result=_result(outcome),
            destination=Destination.from_domain(outcome.destination) if outcome and outcome.destination else None,
            user_errors=user_errors(found.problems),
        )

    @strawberry.mutation(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="Test settings before creating a destination (Zeotap's test of a new connection)."
    )
    async def test_destination_settings(
        self,
        info: Info,
        input: Annotated[
            TestDestinationSettingsInput, strawberry.argument(description="The settings to test, and where.")
        ],
    ) -> TestDestinationSettingsPayload:
        found = await testing.test_settings(info.context.session, input.workspace_id, input.type_key, input.settings)
        return TestDestinationSettingsPayload(result=_result(found.outcome), user_errors=user_errors(found.problems))


@strawberry.type
class TestSubscriptions:
    # Typed as returning Any when given only keywords, like strawberry.mutation() above.
    @strawberry.subscription(  # type: ignore[untyped-decorator]
        description="The steps of a connection test as they happen (Zeotap streams them as server-sent events)."
    )
    async def destination_test_progress(
        self,
        info: Info,
        input: Annotated[
            TestDestinationInput, strawberry.argument(description="The destination whose connection to test.")
        ],
    ) -> AsyncGenerator[TestStep, None]:
        async for step in testing.stream_test(info.context.session, input.id):
            yield TestStep.from_domain(step)
