"""create, update and deleteDestinationSubscription."""

from __future__ import annotations

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
    @strawberry.mutation
    async def create_destination_subscription(
        self, info: Info, input: CreateDestinationSubscriptionInput
    ) -> DestinationSubscriptionPayload:
        result = await writes.create_subscription(
            info.context.session,
            input.destination_id,
            subscription_input(input.subscription),
            idempotency_key=input.idempotency_key,
        )
        return _payload(result)

    @strawberry.mutation
    async def update_destination_subscription(
        self, info: Info, input: UpdateDestinationSubscriptionInput
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

    @strawberry.mutation
    async def delete_destination_subscription(
        self, info: Info, input: DeleteDestinationSubscriptionInput
    ) -> DeleteDestinationSubscriptionPayload:
        result = await writes.delete_subscription(info.context.session, input.id)
        return DeleteDestinationSubscriptionPayload(
            deleted_id=strawberry.ID(result.deleted_id) if result.deleted_id else None,
            user_errors=user_errors(result.problems),
        )
