"""``destgraph apply``: the plan's steps, in order, each recorded in the state record as it lands.

Creates carry an idempotency key derived from the entry (workspace, key) and its content (a keyed
digest, so no secret can be read from it): a rerun after any failure sends the same key, and the
gateway returns what the first attempt left, reconciling with the vendor after an OUTCOME_UNKNOWN,
instead of creating twice. Updates carry the version the plan read (``expectedVersion``), so a
change made meanwhile is a CONFLICT, never overwritten unseen. The state record is written after
every step (the salt of the idempotency keys before the first), so an interrupted apply leaves a
record of exactly what landed. Apply stops at the first step that fails and reports what was done,
what failed and how, and what was not tried. Once every step landed, the record's last applied
values are refreshed from what the vendors hold, so the next plan marks as drift only what
changes at a vendor from now on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from destgraph.ascode.client import GraphQLClient
from destgraph.ascode.document import Document
from destgraph.ascode.errors import GatewayError, Problem, UnreachableError
from destgraph.ascode.identity import Record, State
from destgraph.ascode.remote import (
    DESTINATION_FIELDS,
    SUBSCRIPTION_FIELDS,
    RemoteSubscription,
    parse_destination,
    parse_subscription,
)
from destgraph.ascode.steps import USER_ERRORS, Plan, Step, user_error_path
from destgraph.ascode.views import destination_view, subscription_view

CREATE = DESTINATION_FIELDS + (
    "mutation Create($input: CreateDestinationInput!) {"
    f" createDestination(input: $input) {{ destination {{ ...Destination }} {USER_ERRORS} }} }}"
)
UPDATE = DESTINATION_FIELDS + (
    "mutation Update($input: UpdateDestinationInput!) {"
    f" updateDestination(input: $input) {{ destination {{ ...Destination }} {USER_ERRORS} }} }}"
)
DELETE = (
    "mutation Delete($input: DeleteDestinationInput!) {"
    f" deleteDestination(input: $input) {{ deletedId {USER_ERRORS} }} }}"
)
CREATE_SUBSCRIPTION = SUBSCRIPTION_FIELDS + (
    "mutation CreateSubscription($input: CreateDestinationSubscriptionInput!) {"
    f" createDestinationSubscription(input: $input) {{ subscription {{ ...Subscription }} {USER_ERRORS} }} }}"
)
UPDATE_SUBSCRIPTION = SUBSCRIPTION_FIELDS + (
    "mutation UpdateSubscription($input: UpdateDestinationSubscriptionInput!) {"
    f" updateDestinationSubscription(input: $input) {{ subscription {{ ...Subscription }} {USER_ERRORS} }} }}"
)
DELETE_SUBSCRIPTION = (
    "mutation DeleteSubscription($input: DeleteDestinationSubscriptionInput!) {"
    f" deleteDestinationSubscription(input: $input) {{ deletedId {USER_ERRORS} }} }}"
)
RERUN = "run apply again: the same idempotency key finds what this attempt left"


@dataclass(frozen=True)
class Done:
    step: Step
    #: the vendor id written to (the new one for a create)
    native_id: str | None
    message: str


@dataclass
class Report:
    done: list[Done] = field(default_factory=list)
    failed: Step | None = None
    #: whether the failed step may have been applied (its outcome is unknown)
    unknown: bool = False
    problems: list[Problem] = field(default_factory=list)
    not_tried: list[Step] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed is None


class _StepFailed(Exception):
    def __init__(self, problems: list[Problem], *, unknown: bool = False) -> None:
        super().__init__("step failed")
        self.problems = problems
        self.unknown = unknown


async def apply_plan(
    client: GraphQLClient,
    plan: Plan,
    state: State,
    document: Document,
    *,
    progress: Callable[[Step, str], None] | None = None,
) -> Report:
    report = Report()
    state.save()
    for index, step in enumerate(plan.steps):
        if progress:
            progress(step, "start")
        try:
            done = await _run(client, plan, state, step)
        except _StepFailed as exc:
            report.failed, report.problems, report.unknown = step, exc.problems, exc.unknown
        except GatewayError as exc:
            unknown = isinstance(exc, UnreachableError)
            hint = "; it may or may not have been applied: run plan to see" if unknown else ""
            report.failed, report.unknown = step, unknown
            report.problems = [Problem(step.path, f"{p.message}{hint}", p.code) for p in exc.problems]
        else:
            report.done.append(done)
            state.save()
            if progress:
                progress(step, "done")
            continue
        state.save()
        report.not_tried = plan.steps[index + 1 :]
        if progress:
            progress(step, "failed")
        return report
    _refresh(plan, state, document)
    state.save()
    return report


async def _run(client: GraphQLClient, plan: Plan, state: State, step: Step) -> Done:
    if step.kind == "destination":
        if step.action == "create":
            return await _create(client, state, step)
        if step.action == "update":
            return await _update(client, state, step)
        return await _delete(client, state, step)
    parent = _parent_id(plan, step)
    if step.action == "create":
        return await _create_subscription(client, state, step, parent)
    if step.action == "update":
        return await _update_subscription(client, state, step, parent)
    return await _delete_subscription(client, state, step, parent)


def _parent_id(plan: Plan, step: Step) -> str:
    for match in plan.matches:
        if match.workspace.key == step.workspace and match.entry.key == step.key and match.remote is not None:
            return match.remote.native_id
    raise _StepFailed([Problem(step.path, "its destination is not known", "NOT_FOUND")])


def _failed(step: Step, errors: list[dict[str, Any]], *, what: str) -> _StepFailed:
    problems = []
    unknown = False
    for error in errors:
        code = str(error.get("code"))
        message = str(error.get("message"))
        if code == "OUTCOME_UNKNOWN":
            unknown = True
            message = f"{message}; " + (RERUN if step.action == "create" else "run plan to see what the vendor holds")
        elif code == "CONFLICT" and step.action == "update":
            message = f"{message}; it changed at the vendor since the plan read it: run apply again"
        problems.append(Problem(user_error_path(step, error.get("field")), f"{what}: {message}", code))
    return _StepFailed(problems, unknown=unknown)


async def _create(client: GraphQLClient, state: State, step: Step) -> Done:
    variables = {"input": {**step.mutation, "idempotencyKey": step.idempotency_key}}
    payload = (await client.data(CREATE, variables, repeatable=True))["createDestination"]
    node = payload.get("destination")
    if node is not None:
        remote = parse_destination(node)
        record = Record(id=remote.native_id, applied=destination_view(remote), secrets=dict(step.fingerprints[None]))
        bodies = step.mutation.get("subscriptions") or []
        for (key, _), sub in _assign(list(remote.subscriptions), step.subscriptions, bodies).items():
            record.subscriptions[key] = Record(
                id=sub.native_id, applied=subscription_view(sub), secrets=dict(step.fingerprints.get(key, {}))
            )
        state.put(step.workspace, step.key, record)
    if payload["userErrors"]:
        what = "created, but not whole" if node is not None else "not created"
        raise _failed(step, payload["userErrors"], what=what)
    if node is None:
        raise _StepFailed([Problem(step.path, "the gateway created nothing and said nothing", "BAD_RESPONSE")])
    return Done(step, node["nativeId"], f"created {node['nativeId']}")


def _assign(
    created: list[RemoteSubscription], wanted: tuple[tuple[str, str], ...], bodies: list[dict[str, Any]]
) -> dict[tuple[str, str], RemoteSubscription]:
    """Which created subscription is which entry: by name and action, in the order they were asked for."""
    found: dict[tuple[str, str], RemoteSubscription] = {}
    free = list(created)
    for want, body in zip(wanted, bodies, strict=False):
        for sub in free:
            if (
                sub.name == body.get("name")
                and body.get("actionId") in (None, sub.action_id)
                and body.get("actionType") in (None, sub.action_type)
            ):
                found[want] = sub
                free.remove(sub)
                break
    return found


async def _update(client: GraphQLClient, state: State, step: Step) -> Done:
    payload = (await client.data(UPDATE, {"input": step.mutation}, repeatable=False))["updateDestination"]
    if payload["userErrors"]:
        raise _failed(step, payload["userErrors"], what="not updated")
    node = payload.get("destination")
    if node is not None:
        remote = parse_destination(node)
        record = state.get(step.workspace, step.key)
        if record is None or record.id != remote.native_id:
            record = Record(id=remote.native_id)
        record.applied = destination_view(remote)
        record.secrets.update(step.fingerprints.get(None, {}))
        state.put(step.workspace, step.key, record)
    return Done(step, step.native_id, "updated")


async def _delete(client: GraphQLClient, state: State, step: Step) -> Done:
    payload = (await client.data(DELETE, {"input": step.mutation}, repeatable=True))["deleteDestination"]
    errors = [e for e in payload["userErrors"] if e.get("code") != "NOT_FOUND"]
    if errors:
        raise _failed(step, errors, what="not deleted")
    for key, record in list(state.workspaces.get(step.workspace, {}).items()):
        if record.id == step.native_id:
            state.drop(step.workspace, key)
    return Done(step, step.native_id, "deleted" if payload.get("deletedId") else "already gone")


def _parent_record(state: State, step: Step, parent: str) -> Record:
    record = state.get(step.workspace, step.key)
    if record is None or record.id != parent:
        record = Record(id=parent)
        state.put(step.workspace, step.key, record)
    return record


async def _create_subscription(client: GraphQLClient, state: State, step: Step, parent: str) -> Done:
    variables = {"input": {**step.mutation, "idempotencyKey": step.idempotency_key}}
    payload = (await client.data(CREATE_SUBSCRIPTION, variables, repeatable=True))["createDestinationSubscription"]
    if payload["userErrors"]:
        raise _failed(step, payload["userErrors"], what="not created")
    node = payload.get("subscription")
    if node is None:
        raise _StepFailed([Problem(step.path, "the gateway created nothing and said nothing", "BAD_RESPONSE")])
    sub = parse_subscription(node)
    assert step.sub_key is not None
    _parent_record(state, step, parent).subscriptions[step.sub_key] = Record(
        id=sub.native_id, applied=subscription_view(sub), secrets=dict(step.fingerprints.get(step.sub_key, {}))
    )
    return Done(step, sub.native_id, f"created {sub.native_id}")


async def _update_subscription(client: GraphQLClient, state: State, step: Step, parent: str) -> Done:
    variables = {"input": step.mutation}
    payload = (await client.data(UPDATE_SUBSCRIPTION, variables, repeatable=False))["updateDestinationSubscription"]
    if payload["userErrors"]:
        raise _failed(step, payload["userErrors"], what="not updated")
    node = payload.get("subscription")
    assert step.sub_key is not None
    if node is not None:
        sub = parse_subscription(node)
        record = _parent_record(state, step, parent)
        sub_record = record.subscriptions.get(step.sub_key)
        if sub_record is None or sub_record.id != sub.native_id:
            sub_record = Record(id=sub.native_id)
        sub_record.applied = subscription_view(sub)
        sub_record.secrets.update(step.fingerprints.get(step.sub_key, {}))
        record.subscriptions[step.sub_key] = sub_record
    return Done(step, step.native_id, "updated")


async def _delete_subscription(client: GraphQLClient, state: State, step: Step, parent: str) -> Done:
    variables = {"input": step.mutation}
    payload = (await client.data(DELETE_SUBSCRIPTION, variables, repeatable=True))["deleteDestinationSubscription"]
    errors = [e for e in payload["userErrors"] if e.get("code") != "NOT_FOUND"]
    if errors:
        raise _failed(step, errors, what="not deleted")
    record = state.get(step.workspace, step.key)
    if record is not None:
        for key, sub in list(record.subscriptions.items()):
            if sub.id == step.native_id:
                del record.subscriptions[key]
    return Done(step, step.native_id, "deleted" if payload.get("deletedId") else "already gone")


def _refresh(plan: Plan, state: State, document: Document) -> None:
    """After a whole apply: every matched entry's last applied values are what the vendor holds."""
    written = {(s.workspace, s.key, s.sub_key) for s in plan.steps}
    for match in plan.matches:
        workspace, key, remote = match.workspace.key, match.entry.key, match.remote
        if remote is None:
            continue
        record = state.get(workspace, key)
        if record is None or record.id != remote.native_id:
            record = Record(id=remote.native_id)
        if (workspace, key, None) not in written:
            record.applied = destination_view(remote)
        for sub_match in match.subscriptions:
            if sub_match.remote is None:
                continue
            sub_key = sub_match.entry.key
            sub_record = record.subscriptions.get(sub_key)
            if sub_record is None or sub_record.id != sub_match.remote.native_id:
                sub_record = Record(id=sub_match.remote.native_id)
            if (workspace, key, sub_key) not in written:
                sub_record.applied = subscription_view(sub_match.remote)
            record.subscriptions[sub_key] = sub_record
        if match.entry.subscriptions is not None:
            for sub_key in [k for k in record.subscriptions if k not in match.entry.subscriptions]:
                del record.subscriptions[sub_key]
        state.put(workspace, key, record)
    for workspace_key, entries in document.workspaces.items():
        for key in [k for k in state.workspaces.get(workspace_key, {}) if k not in entries.destinations]:
            state.drop(workspace_key, key)
