"""A plan checked by the gateway itself: every create and update runs with ``dryRun: true``.

So a plan that passes cannot fail validation on apply; each userError comes back at its path in the
file. The dryRun of an update also settles the secrets the plan could not compare (``Step.ask``):
the gateway, which holds the stored value, says whether each one changes. The gateway has no dryRun
for subscription writes, so the new and changed subscriptions of an existing destination are
checked as a dryRun create of a destination of the same type holding them, and only the problems
of those subscriptions are kept. A dryRun the gateway refuses outright (a missing write scope, a
vendor down) is a problem of its entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from destgraph.ascode.client import GraphQLClient
from destgraph.ascode.document import join
from destgraph.ascode.errors import GatewayError
from destgraph.ascode.identity import DestinationMatch
from destgraph.ascode.remote import RemoteDestination, RemoteSubscription
from destgraph.ascode.steps import FIXED, USER_ERRORS, Plan, Step, hinted, user_error_path
from destgraph.domain.secrets import holds_mask

#: records a problem: (path in the file, message, code)
ProblemFn = Callable[[str, str, str], None]

CREATE_DRY = f"""mutation PlanCreate($input: CreateDestinationInput!) {{
  createDestination(input: $input) {{ changes {{ field }} {USER_ERRORS} }}
}}"""
UPDATE_DRY = f"""mutation PlanUpdate($input: UpdateDestinationInput!) {{
  updateDestination(input: $input) {{ changes {{ field }} {USER_ERRORS} }}
}}"""
DELETE_DRY = f"""mutation PlanDelete($input: DeleteDestinationInput!) {{
  deleteDestination(input: $input) {{ {USER_ERRORS} }}
}}"""


async def validate(client: GraphQLClient, plan: Plan, problem: ProblemFn) -> None:
    """Each step through the gateway's dryRun; its problems to ``problem`` at their paths in the file."""
    pending: dict[str, list[Step]] = {}
    for step in plan.steps:
        try:
            if step.kind == "destination" and step.action == "create":
                data = await client.data(CREATE_DRY, {"input": {**step.mutation, "dryRun": True}})
                _report(problem, step, data["createDestination"][_UE])
            elif step.kind == "destination" and step.action == "update":
                data = await client.data(UPDATE_DRY, {"input": {**step.mutation, "dryRun": True}})
                payload = data["updateDestination"]
                _report(problem, step, payload[_UE])
                _settle_asks(step, payload["changes"])
            elif step.kind == "destination" and step.action == "delete":
                data = await client.data(DELETE_DRY, {"input": {**step.mutation, "dryRun": True}})
                label = f"deleting {step.name!r} ({step.native_id})"
                _report(problem, step, data["deleteDestination"][_UE], label=label)
            elif step.kind == "subscription" and step.action in ("create", "update"):
                pending.setdefault(f"{step.workspace}/{step.key}", []).append(step)
        except GatewayError as exc:
            _refused(problem, step, exc)
    by_entry = {(m.workspace.key, m.entry.key): m for m in plan.matches}
    for steps in pending.values():
        match = by_entry[(steps[0].workspace, steps[0].key)]
        try:
            await _validate_subscriptions(client, problem, match, steps)
        except GatewayError as exc:
            _refused(problem, steps[0], exc)


def _refused(problem: ProblemFn, step: Step, exc: GatewayError) -> None:
    """A dryRun the gateway refused outright (a missing scope, a vendor down): a problem of that entry."""
    for refusal in exc.problems:
        problem(step.path, f"the gateway refused to check this {step.action}: {refusal.message}", exc.code)


_UE = "userErrors"


def _settle_asks(step: Step, changes: list[dict[str, Any]]) -> None:
    """Secrets the plan could not compare: the gateway's dryRun says whether each one changes."""
    if not step.ask:
        return
    reported = {tuple(c.get("field") or ()) for c in changes}
    settings = step.mutation.get("settings") or {}
    for key in list(step.ask):
        if ("settings", key) not in reported:
            settings.pop(key, None)
            step.changes = [c for c in step.changes if c.field != join("settings", key)]
            step.fingerprints.get(None, {}).pop(join("settings", key), None)
    if not settings:
        step.mutation.pop("settings", None)
    step.ask.clear()


async def _validate_subscriptions(
    client: GraphQLClient, problem: ProblemFn, match: DestinationMatch, steps: list[Step]
) -> None:
    remote = match.remote
    assert remote is not None
    contents = [_full_subscription(step, remote) for step in steps]
    check = {
        "workspaceId": match.workspace.id,
        "typeKey": remote.type_key,
        "name": remote.name or "validation",
        "settings": {},
        "subscriptions": contents,
        "dryRun": True,
    }
    data = await client.data(CREATE_DRY, {"input": check})
    for error in data["createDestination"][_UE]:
        field_path = [str(f) for f in error.get("field") or []]
        if field_path[:2] != ["input", "subscriptions"]:
            continue
        if len(field_path) > 2 and field_path[2].isdigit() and int(field_path[2]) < len(steps):
            step = steps[int(field_path[2])]
            path = join(step.path, *field_path[3:])
        else:
            path = join(match.entry.path, "subscriptions")
        problem(path, hinted(str(error.get("message")), path, steps[0].refs), str(error.get("code")))


def _full_subscription(step: Step, remote: RemoteDestination) -> dict[str, Any]:
    """A subscription as it would be after the step: what a create of it would have to pass."""
    if step.action == "create":
        body: dict[str, Any] = dict(step.mutation["subscription"])
        return body
    current: RemoteSubscription | None = next((s for s in remote.subscriptions if s.id == step.target), None)
    assert current is not None
    sent = step.mutation
    content: dict[str, Any] = {"name": sent.get("name", current.name), "enabled": sent.get("enabled", current.enabled)}
    for attr, name in FIXED:
        if getattr(current, attr) is not None:
            content[name] = getattr(current, attr)
    if current.action_type is None and (sent.get("trigger") or current.trigger):
        content["trigger"] = sent.get("trigger") or current.trigger
    settings = {k: v for k, v in current.settings.items() if not holds_mask(v)}
    for key, value in (sent.get("settings") or {}).items():
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
    if settings:
        content["settings"] = settings
    for name, attr in (("eventFilter", "event_filter"), ("propertyMapping", "property_mapping")):
        value = sent.get(name, getattr(current, attr))
        if value is not None and current.action_type is not None:
            content[name] = value
    return content


def _report(problem: ProblemFn, step: Step, errors: list[dict[str, Any]], *, label: str | None = None) -> None:
    for error in errors:
        path = user_error_path(step, error.get("field"))
        message = str(error.get("message"))
        if label:
            message = f"{label}: {message}"
        problem(path, hinted(message, path, step.refs), str(error.get("code")))
