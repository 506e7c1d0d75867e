"""create, update and deleteDestinationSubscription."""

from __future__ import annotations

from typing import Annotated

import strawberry

from destgraph.schema.context import Info
from destgraph.schema.mutations.destinations import subscription_input
from destgraph.schema.types.payloads import DeleteDestinationSubscriptionPayload, DestinationSubscriptionPayload
from destgraph.schema.types.subscription import DestinationSubscription
from destgraph.schema.types.writes import (
    CreateDestinationSubscriptionInput,
    DeleteDestinationSubscriptionInput,
    UpdateDestinationSubscriptionInput,
    user_errors,
)
from destgraph.services import subscription_writes as writes


def _payload(result: writes.SubscriptionResult) -> DestinationSubscriptionPayload:
    return DestinationSubscriptionPayload(
        subscription=DestinationSubscription.from_domain(result.subscription) if result.subscription else None,
        user_errors=user_errors(result.problems),
    )


@strawberry.type
class SubscriptionMutations:
    # strawberry.mutation() given only keywords is typed as returning Any, whatever it decorates.
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Add a subscription to a destination (a Segment subscription, a Nimriz action), checked before "
        "anything is written. Segment takes five subscription writes a minute: a write waits for its turn (up to "
        "rate_wait_seconds) or fails with UPSTREAM_RATE_LIMITED. Needs the write scope."
    )
    async def create_destination_subscription(
        self,
        info: Info,
        input: Annotated[
            CreateDestinationSubscriptionInput, strawberry.argument(description="The subscription and its destination.")
        ],
    ) -> DestinationSubscriptionPayload:
        result = await writes.create_subscription(
            info.context.session,
            input.destination_id,
            subscription_input(input.subscription),
            idempotency_key=input.idempotency_key,
        )
        return _payload(result)

    @strawberry.mutation(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="Change a subscription; its destination's other subscriptions are kept, whatever else writes "
        "meanwhile. Needs the write scope."
    )
    async def update_destination_subscription(
        self,
        info: Info,
        input: Annotated[
            UpdateDestinationSubscriptionInput, strawberry.argument(description="What to change, and where.")
        ],
    ) -> DestinationSubscriptionPayload:
        result = await writes.update_subscription(
            info.context.session,
            writes.UpdateSubscriptionRequest(
                id=input.id,
                name=input.name,
                enabled=input.enabled,
                trigger=input.trigger,
                event_filter=input.event_filter,
                property_mapping=input.property_mapping,
                settings=input.settings,
                expected_version=input.expected_version,
            ),
        )
        return _payload(result)

    @strawberry.mutation(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="Delete a subscription from its destination. Needs the write scope."
    )
    async def delete_destination_subscription(
        self,
        info: Info,
        input: Annotated[
            DeleteDestinationSubscriptionInput, strawberry.argument(description="The subscription to delete.")
        ],
    ) -> DeleteDestinationSubscriptionPayload:
        result = await writes.delete_subscription(info.context.session, input.id)
        return DeleteDestinationSubscriptionPayload(
            deleted_id=strawberry.ID(result.deleted_id) if result.deleted_id else None,
            user_errors=user_errors(result.problems),
        )
