"""Types of the write side: inputs, payloads, userErrors, field changes and test results."""

from __future__ import annotations

from typing import TypeAlias

import strawberry
from strawberry.scalars import JSON

from destgraph.domain import writes
from destgraph.domain.problems import Problem, ProblemCode
from destgraph.schema.types.common import graphql_enum
from destgraph.services.changes import FieldChange as DomainFieldChange

# strawberry.enum() records the GraphQL definition on the enum itself and returns that same class.
UserErrorCode: TypeAlias = ProblemCode
TestStepStatus: TypeAlias = writes.TestStepStatus

graphql_enum(
    UserErrorCode,
    name="UserErrorCode",
    description="Why a mutation did not do (all of) what it was asked: carried in UserError.code.",
    values={
        UserErrorCode.INVALID: "The value does not fit: the wrong type, not one of the choices, malformed (an FQL "
        "trigger), meant for another vendor, or a masked value where the real one is needed.",
        UserErrorCode.REQUIRED: "A value that must be given is missing, or an update would remove a required setting.",
        UserErrorCode.UNKNOWN_SETTING: "The destination type has no setting of that key (see DestinationType.settings).",
        UserErrorCode.READ_ONLY: "The setting cannot be set through the API (ALERT, OAUTH, or one the vendor keeps for itself).",
        UserErrorCode.NOT_FOUND: "The workspace, destination, type or subscription named does not exist, or the API key may not see it.",
        UserErrorCode.NOT_CREATABLE: "The vendor's API does not create destinations of this type (DestinationType.creatable is false).",
        UserErrorCode.UNSUPPORTED: "The vendor cannot do this or has no place for the field (see "
        "Workspace.capabilities), e.g. disabling a Zeotap destination or giving a Nimriz destination sources.",
        UserErrorCode.CONFLICT: "The object changed since expectedVersion was read, or the idempotencyKey was used "
        "with other input: nothing was written. Read again (or use a new key) and decide.",
        UserErrorCode.IN_USE: "The vendor refuses because something depends on the object (a Zeotap sync uses the "
        "destination): nothing was changed; remove the dependency first.",
        UserErrorCode.UPSTREAM_REJECTED: "The vendor refused the write: message is its reason, with the input's "
        "secrets masked. Nothing was written, and retrying the same input will not help.",
        UserErrorCode.OUTCOME_UNKNOWN: "The write reached the vendor but its reply was lost, and reading back could "
        "not tell whether it was applied. Read the object before writing again; a create repeated with the same "
        "idempotencyKey finds what the first attempt left.",
    },
)
graphql_enum(
    TestStepStatus,
    name="TestStepStatus",
    description="Where one step of a destination test stands.",
    values={
        TestStepStatus.RUNNING: "The step has started and not finished (only while destinationTestProgress streams).",
        TestStepStatus.PASSED: "The step succeeded.",
        TestStepStatus.FAILED: "The step failed; message says why, and the test as a whole does not succeed.",
        TestStepStatus.SKIPPED: "The vendor did not run the step (e.g. because an earlier one failed).",
    },
)


@strawberry.type(
    description="A problem with a mutation's input or with what the vendor made of it: data to show next to the "
    "field at fault, not a fault of the service."
)
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "settings", "apiKey"].'
    )
    message: str = strawberry.field(description="What is wrong, for people; it never holds a secret value.")
    code: UserErrorCode = strawberry.field(description="What is wrong, for programs.")

    @classmethod
    def from_problem(cls, problem: Problem) -> UserError:
        return cls(field=list(problem.field) or None, message=problem.message, code=problem.code)


def user_errors(problems: list[Problem]) -> list[UserError]:
    return [UserError.from_problem(p) for p in problems]


@strawberry.type(description="One change that a mutation made, or with dryRun would make. Secret values are masked.")
class FieldChange:
    field: list[str] = strawberry.field(
        description='Path of the changed field, e.g. ["settings", "apiKey"] or ["subscriptions", "0", "enabled"].'
    )
    before: JSON | None = strawberry.field(
        description="The value before the change (secrets masked); null where the field had none, as on a create."
    )
    after: JSON | None = strawberry.field(
        description="The value after the change (secrets masked); null where the change removes it, as on a delete."
    )

    @classmethod
    def from_domain(cls, change: DomainFieldChange) -> FieldChange:
        return cls(field=list(change.field), before=change.before, after=change.after)


@strawberry.type(description="One step of a destination test, as the vendor reports it.")
class TestStep:
    name: str = strawberry.field(
        description="The vendor's name of the step, as it reports it (Nimriz's test-send has one step: queued)."
    )
    status: TestStepStatus = strawberry.field(description="How the step went.")
    message: str | None = strawberry.field(
        description="The vendor's words on the step (why it failed, what was queued), secrets masked; null where it gave none."
    )

    @classmethod
    def from_domain(cls, step: writes.TestStep) -> TestStep:
        return cls(name=step.name, status=step.status, message=step.message)


@strawberry.input(
    description="A subscription to create: for Segment an action and an FQL trigger, for Nimriz an action type "
    "with an event filter and a property mapping. A field meant for the other vendor is a userError."
)
class DestinationSubscriptionInput:
    name: str = strawberry.field(description="The name the subscription gets at the vendor.")
    enabled: bool | None = strawberry.field(
        default=True, description="Whether events flow through it from the start; null means true."
    )
    trigger: str | None = strawberry.field(default=None, description="Segment: an FQL trigger.")
    action_id: str | None = strawberry.field(default=None, description="Segment: the action's id.")
    action_type: str | None = strawberry.field(
        default=None, description="Nimriz: send_event, send_conversion, send_webhook or interstitial_settings."
    )
    event_filter: JSON | None = strawberry.field(
        default=None,
        description="Nimriz: {include: {...}, exclude: {...}, conditions: [...]} in the vendor's snake_case.",
    )
    property_mapping: JSON | None = strawberry.field(
        default=None, description="Nimriz: {base, overrides} in the vendor's shape."
    )
    settings: JSON | None = strawberry.field(
        default=None,
        description="Segment: the values of the action's fields (its mapping), an object keyed by field key.",
    )
    model_id: str | None = strawberry.field(
        default=None, description="Segment: the Reverse ETL model to read from, for a Reverse ETL destination."
    )


@strawberry.input(
    description="A destination to create, checked against its type's catalog before anything is written upstream."
)
class CreateDestinationInput:
    workspace_id: strawberry.ID = strawberry.field(description="The workspace to create it in (Workspace.id).")
    type_key: str = strawberry.field(
        description="The type to create, as DestinationType.key names it (e.g. amplitude, Klaviyo, webhook)."
    )
    name: str = strawberry.field(description="The name the destination gets at the vendor.")
    enabled: bool | None = strawberry.field(
        default=True,
        description="Whether the vendor sends data to it from the start; null means true. Zeotap destinations "
        "cannot be created disabled.",
    )
    settings: JSON | None = strawberry.field(
        default=None,
        description="The type's settings, an object keyed by SettingDefinition.key; every required setting must be "
        "in it. Secret values are never echoed back: changes and userErrors mask them.",
    )
    source_ids: list[str] | None = strawberry.field(
        default=None,
        description="Segment: the source to connect (defaults to the workspace's configured source). Ours: limitedToSourceIds.",
    )
    connection_ref: str | None = strawberry.field(default=None, description="Zeotap: a shared connection id.")
    subscriptions: list[DestinationSubscriptionInput] | None = strawberry.field(
        default=None, description="Created together with the destination (Nimriz creates actions in the same call)."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Repeating a create with the same key returns the first result instead of creating twice.",
    )
    dry_run: bool | None = strawberry.field(
        default=False, description="Validate and report the changes without writing anything upstream."
    )


@strawberry.input(
    description="What to change in a destination; every field left out or null keeps its value. The destination "
    "is read fresh and locked for the write, so concurrent updates never drop each other's changes."
)
class UpdateDestinationInput:
    id: strawberry.ID = strawberry.field(description="The destination to change (Destination.id).")
    name: str | None = strawberry.field(default=None, description="The new name; null keeps the name.")
    enabled: bool | None = strawberry.field(
        default=None, description="Switch the destination on or off; null keeps it as it is."
    )
    settings: JSON | None = strawberry.field(
        default=None,
        description="Merged key by key into the current settings; a null value removes the key; a masked value keeps the stored secret.",
    )
    source_ids: list[str] | None = strawberry.field(
        default=None,
        description="Ours: the sources the destination is limited to (limitedToSourceIds), replaced whole; null "
        "keeps them. Segment cannot move a destination to another source.",
    )
    dry_run: bool | None = strawberry.field(
        default=False, description="Validate and report the changes without writing anything upstream."
    )
    expected_version: str | None = strawberry.field(
        default=None,
        description="Destination.version as the caller read it: if the destination changed since (through "
        "destgraph or directly at the vendor), nothing is written and a CONFLICT userError says so.",
    )


@strawberry.input(
    description="A destination to delete. Nimriz deletes its actions with it; Zeotap refuses while a sync uses it (IN_USE)."
)
class DeleteDestinationInput:
    id: strawberry.ID = strawberry.field(description="The destination to delete (Destination.id).")
    dry_run: bool | None = strawberry.field(
        default=False, description="Check that the delete would be accepted (exists, not in use) without deleting."
    )


@strawberry.input(description="A subscription to add to an existing destination.")
class CreateDestinationSubscriptionInput:
    destination_id: strawberry.ID = strawberry.field(
        description="The destination it sends to (Destination.id); its vendor must have subscriptions."
    )
    subscription: DestinationSubscriptionInput = strawberry.field(description="The subscription to create.")
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Repeating a create with the same key returns the first result instead of creating twice; "
        "after an OUTCOME_UNKNOWN, the repeat first reconciles with what the vendor holds.",
    )


@strawberry.input(
    description="What to change in a subscription; every field left out or null keeps its value. Its destination "
    "is locked for the write, so concurrent changes to its other subscriptions are kept."
)
class UpdateDestinationSubscriptionInput:
    id: strawberry.ID = strawberry.field(description="The subscription to change (DestinationSubscription.id).")
    name: str | None = strawberry.field(default=None, description="The new name; null keeps it.")
    enabled: bool | None = strawberry.field(
        default=None, description="Switch the subscription on or off; null keeps it as it is."
    )
    trigger: str | None = strawberry.field(
        default=None, description='Segment: a new FQL trigger, e.g. type = "track"; null keeps it.'
    )
    event_filter: JSON | None = strawberry.field(
        default=None,
        description="Nimriz: a new event filter in the vendor's snake_case, replaced whole; null keeps it.",
    )
    property_mapping: JSON | None = strawberry.field(
        default=None, description="Nimriz: a new property mapping {base, overrides}, replaced whole; null keeps it."
    )
    settings: JSON | None = strawberry.field(
        default=None,
        description="Segment: the action's field values, merged key by key into the current ones; null keeps them.",
    )
    expected_version: str | None = strawberry.field(
        default=None,
        description="DestinationSubscription.version as the caller read it: if the subscription changed "
        "since, nothing is written and a CONFLICT userError says so.",
    )


@strawberry.input(description="A subscription to delete.")
class DeleteDestinationSubscriptionInput:
    id: strawberry.ID = strawberry.field(description="The subscription to delete (DestinationSubscription.id).")


@strawberry.input(description="A destination to test.")
class TestDestinationInput:
    id: strawberry.ID = strawberry.field(
        description="The destination to test (Destination.id); its vendor must test connections or send test events."
    )
    subscription_id: strawberry.ID | None = strawberry.field(
        default=None, description="Nimriz: the action to test; defaults to the first enabled one."
    )


@strawberry.input(description="Settings to test before creating a destination with them.")
class TestDestinationSettingsInput:
    workspace_id: strawberry.ID = strawberry.field(
        description="The workspace the destination would be created in (Workspace.id); Zeotap only."
    )
    type_key: str = strawberry.field(description="The type the destination would have (DestinationType.key).")
    settings: JSON = strawberry.field(
        description="The settings to test, as createDestination would take them; checked against the type's catalog first."
    )
