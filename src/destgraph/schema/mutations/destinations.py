"""createDestination, updateDestination, deleteDestination."""

from __future__ import annotations

from typing import Annotated

import strawberry

from destgraph.schema.context import Info, selects
from destgraph.schema.types.destination import Destination
from destgraph.schema.types.payloads import CreateDestinationPayload, DeleteDestinationPayload, UpdateDestinationPayload
from destgraph.schema.types.writes import (
    CreateDestinationInput,
    DeleteDestinationInput,
    DestinationSubscriptionInput,
    FieldChange,
    UpdateDestinationInput,
    user_errors,
)
from destgraph.services import destination_writes as writes


def subscription_input(given: DestinationSubscriptionInput) -> writes.SubscriptionInput:
    return writes.SubscriptionInput(
        name=given.name,
        enabled=True if given.enabled is None else given.enabled,
        trigger=given.trigger,
        action_id=given.action_id,
        action_type=given.action_type,
        event_filter=given.event_filter,
        property_mapping=given.property_mapping,
        settings=given.settings,
        model_id=given.model_id,
    )


@strawberry.type
class DestinationMutations:
    # strawberry.mutation() given only keywords is typed as returning Any, whatever it decorates.
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        description="Create a destination, with its subscriptions where the vendor has them. The input is checked "
        "against the type's catalog first: every problem is a userError and nothing is written. Needs the write scope."
    )
    async def create_destination(
        self,
        info: Info,
        input: Annotated[CreateDestinationInput, strawberry.argument(description="The destination to create.")],
    ) -> CreateDestinationPayload:
        result = await writes.create_destination(
            info.context.session,
            writes.CreateDestinationRequest(
                workspace_id=input.workspace_id,
                type_key=input.type_key,
                name=input.name,
                enabled=True if input.enabled is None else input.enabled,
                settings=input.settings,
                source_ids=tuple(input.source_ids) if input.source_ids is not None else None,
                connection_ref=input.connection_ref,
                subscriptions=tuple(subscription_input(s) for s in input.subscriptions or ()),
                idempotency_key=input.idempotency_key,
                dry_run=bool(input.dry_run),
            ),
        )
        return CreateDestinationPayload(
            destination=Destination.from_domain(result.destination) if result.destination else None,
            changes=[FieldChange.from_domain(c) for c in result.changes],
            user_errors=user_errors(result.problems),
        )

    @strawberry.mutation(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="Change a destination's name, state, settings or sources. Settings merge key by key (null "
        "removes a key, a masked value keeps the stored secret). The destination is read first, and nothing is "
        "written when the update changes nothing; except that a change of name or enabled alone, with no "
        "expectedVersion, dryRun or changes asked for, is one write where the vendor's update merges (Segment, "
        "Ours, Zeotap). Needs the write scope."
    )
    async def update_destination(
        self,
        info: Info,
        input: Annotated[UpdateDestinationInput, strawberry.argument(description="What to change, and where.")],
    ) -> UpdateDestinationPayload:
        result = await writes.update_destination(
            info.context.session,
            writes.UpdateDestinationRequest(
                id=input.id,
                name=input.name,
                enabled=input.enabled,
                settings=input.settings,
                source_ids=tuple(input.source_ids) if input.source_ids is not None else None,
                dry_run=bool(input.dry_run),
                expected_version=input.expected_version,
            ),
            # the changes are told from the destination as it was: read for a caller that asks for them
            describe=selects(info, "changes"),
        )
        return UpdateDestinationPayload(
            destination=Destination.from_domain(result.destination) if result.destination else None,
            changes=[FieldChange.from_domain(c) for c in result.changes],
            user_errors=user_errors(result.problems),
        )

    @strawberry.mutation(  # type: ignore[untyped-decorator]  # typed as returning Any, as above
        description="Delete a destination. A delete whose reply was lost is read back and reported done; a repeat "
        "of a done delete answers a NOT_FOUND userError. It is one call to the vendor; asking for changes, or "
        "dryRun, reads the destination first. Needs the write scope."
    )
    async def delete_destination(
        self,
        info: Info,
        input: Annotated[DeleteDestinationInput, strawberry.argument(description="The destination to delete.")],
    ) -> DeleteDestinationPayload:
        # the changes are what the destination held: read for a caller that asks for them
        describe = selects(info, "changes")
        result = await writes.delete_destination(
            info.context.session, input.id, dry_run=bool(input.dry_run), describe=describe
        )
        return DeleteDestinationPayload(
            deleted_id=strawberry.ID(result.deleted_id) if result.deleted_id else None,
            changes=[FieldChange.from_domain(c) for c in result.changes],
            user_errors=user_errors(result.problems),
        )
