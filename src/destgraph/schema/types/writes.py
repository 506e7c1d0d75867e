"""Types of the write side: inputs, payloads, userErrors, field changes and test results."""

from __future__ import annotations

from typing import TypeAlias

import strawberry
from strawberry.scalars import JSON

from destgraph.domain import writes
from destgraph.domain.problems import Problem, ProblemCode
from destgraph.services.changes import FieldChange as DomainFieldChange

# strawberry.enum() records the GraphQL definition on the enum itself and returns that same class.
UserErrorCode: TypeAlias = ProblemCode
TestStepStatus: TypeAlias = writes.TestStepStatus

strawberry.enum(UserErrorCode, name="UserErrorCode")
strawberry.enum(TestStepStatus, name="TestStepStatus")


@strawberry.type
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "settings", "apiKey"].'
    )
    message: str
    code: UserErrorCode

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
    before: JSON | None
    after: JSON | None

    @classmethod
    def from_domain(cls, change: DomainFieldChange) -> FieldChange:
        return cls(field=list(change.field), before=change.before, after=change.after)


@strawberry.type
class TestStep:
    name: str
    status: TestStepStatus
    message: str | None

    @classmethod
    def from_domain(cls, step: writes.TestStep) -> TestStep:
        return cls(name=step.name, status=step.status, message=step.message)


@strawberry.input
class DestinationSubscriptionInput:
    name: str
    enabled: bool | None = True
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
    settings: JSON | None = None
    model_id: str | None = None


@strawberry.input
class CreateDestinationInput:
    workspace_id: strawberry.ID
    type_key: str
    name: str
    enabled: bool | None = True
    settings: JSON | None = None
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


@strawberry.input
class UpdateDestinationInput:
    id: strawberry.ID
    name: str | None = None
    enabled: bool | None = None
    settings: JSON | None = strawberry.field(
        default=None,
        description="Merged key by key into the current settings; a null value removes the key; a masked value keeps the stored secret.",
    )
    source_ids: list[str] | None = None
    dry_run: bool | None = strawberry.field(
        default=False, description="Validate and report the changes without writing anything upstream."
    )
    expected_version: str | None = strawberry.field(
        default=None,
        description="Destination.version as the caller read it: if the destination changed since (through "
        "destgraph or directly at the vendor), nothing is written and a CONFLICT userError says so.",
    )


@strawberry.input
class DeleteDestinationInput:
    id: strawberry.ID
    dry_run: bool | None = strawberry.field(
        default=False, description="Check that the delete would be accepted (exists, not in use) without deleting."
    )


@strawberry.input
class CreateDestinationSubscriptionInput:
    destination_id: strawberry.ID
    subscription: DestinationSubscriptionInput
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Repeating a create with the same key returns the first result instead of creating twice; "
        "after an OUTCOME_UNKNOWN, the repeat first reconciles with what the vendor holds.",
    )


@strawberry.input
class UpdateDestinationSubscriptionInput:
    id: strawberry.ID
    name: str | None = None
    enabled: bool | None = None
    trigger: str | None = None
    event_filter: JSON | None = None
    property_mapping: JSON | None = None
    settings: JSON | None = None
    expected_version: str | None = strawberry.field(
        default=None,
        description="DestinationSubscription.version as the caller read it: if the subscription changed "
        "since, nothing is written and a CONFLICT userError says so.",
    )


@strawberry.input
class DeleteDestinationSubscriptionInput:
    id: strawberry.ID


@strawberry.input
class TestDestinationInput:
    id: strawberry.ID
    subscription_id: strawberry.ID | None = strawberry.field(
        default=None, description="Nimriz: the action to test; defaults to the first enabled one."
    )


@strawberry.input
class TestDestinationSettingsInput:
    workspace_id: strawberry.ID
    type_key: str
    settings: JSON
