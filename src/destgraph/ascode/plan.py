"""``destgraph plan``: what applying the file would change, checked by the gateway's own validation.

The plan reads every workspace the file names, fresh, matches entries to destinations
(identity.py), and compares field by field (compare.py): a create per entry that matches nothing,
an update per entry whose managed fields differ, and with ``prune`` a delete per destination (or
subscription) that no entry claims. A difference is marked as drift when the state record shows
the vendor's value changed since it was last applied or exported.

Every step then goes through the gateway's dryRun (validate.py). Where a workspace replaces
settings whole (Capabilities.settingsReplacedWhole: Nimriz), an update that changes any setting
sends every secret the file references too, since the gateway refuses one that leaves any out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from destgraph.ascode.client import GraphQLClient
from destgraph.ascode.compare import (
    MISSING,
    Change,
    Secrets,
    compare_settings,
    redact,
    resolve,
    same,
)
from destgraph.ascode.document import (
    DestinationEntry,
    Document,
    SecretRef,
    SubscriptionEntry,
    join,
    references,
    under,
)
from destgraph.ascode.errors import Problem
from destgraph.ascode.identity import DestinationMatch, Record, State, SubscriptionMatch
from destgraph.ascode.identity import resolve as match_entries
from destgraph.ascode.remote import (
    Offer,
    RemoteDestination,
    normalize_event_filter,
    normalize_property_mapping,
    read_destinations,
    read_services,
    read_workspaces,
)
from destgraph.ascode.steps import FIXED, Plan, Step, Unmanaged
from destgraph.ascode.validate import validate
from destgraph.ascode.views import destination_view, subscription_view
from destgraph.domain.secrets import is_masked

__all__ = ["Plan", "Step", "Unmanaged", "make_plan"]

#: the fields of a subscription entry sent as they are (attribute, input field)
SUBSCRIPTION_INPUT = (
    ("enabled", "enabled"),
    ("trigger", "trigger"),
    ("action_id", "actionId"),
    ("action_type", "actionType"),
    ("model_id", "modelId"),
)


async def make_plan(
    client: GraphQLClient,
    document: Document,
    state: State,
    *,
    prune: bool = False,
    environ: Mapping[str, str],
) -> Plan:
    visible = {w.key: w for w in await read_workspaces(client)}
    remotes = {key: await read_destinations(client, visible[key]) for key in document.workspaces if key in visible}
    resolution = match_entries(document, state, remotes)
    needs_services = any(m.entry.service is not None for m in resolution.matches)
    services = await read_services(client) if needs_services else {}
    planner = _Planner(document, state, environ, services)
    plan = Plan(problems=list(resolution.problems), matches=resolution.matches, prune=prune)
    for workspace_key in document.workspaces:
        matches = [m for m in resolution.matches if m.workspace.key == workspace_key]
        for match in matches:
            plan.steps += planner.destination(match, prune=prune, unmanaged=plan.unmanaged)
        for destination in resolution.unclaimed.get(workspace_key, []):
            if prune:
                plan.steps.append(_delete_destination(workspace_key, destination))
            else:
                plan.unmanaged.append(Unmanaged(workspace_key, "destination", destination.native_id, destination.name))
    await validate(client, plan, planner.problem)
    plan.problems += planner.problems
    plan.steps = [s for s in plan.steps if s.action != "update" or s.changes]
    return plan


def _delete_destination(workspace: str, destination: RemoteDestination) -> Step:
    return Step(
        action="delete",
        kind="destination",
        workspace=workspace,
        key="(not in the file)",
        path=join("workspaces", workspace, "destinations"),
        name=destination.name,
        native_id=destination.native_id,
        type_key=destination.type_key,
        target=destination.id,
        changes=[Change("destination", {"name": destination.name, "typeKey": destination.type_key}, None)],
        mutation={"id": destination.id},
    )


class _Planner:
    """Builds the steps of each matched entry, and records the problems found on the way."""

    def __init__(
        self,
        document: Document,
        state: State,
        environ: Mapping[str, str],
        services: dict[tuple[str, str], list[Offer]],
    ) -> None:
        self.document = document
        self.state = state
        self.environ = environ
        self.services = services
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str, code: str = "INVALID") -> None:
        self.problems.append(Problem(path, message, code, line=self.document.line(path)))

    def secrets_of(self, workspace: str, key: str, sub_key: str | None, record: Record | None) -> Secrets:
        scope = f"{workspace}/{key}" + (f"/{sub_key}" if sub_key else "")
        return Secrets(
            environ=self.environ,
            fingerprints=dict(record.secrets) if record else {},
            fingerprint=lambda where, value: self.state.fingerprint(f"{scope}/{where}", value),
        )

    def idempotency_key(self, scope: str, mutation: Mapping[str, Any]) -> str:
        return "dg-ascode-" + self.state.fingerprint(f"idempotency/{scope}", dict(mutation))

    def destination(self, match: DestinationMatch, *, prune: bool, unmanaged: list[Unmanaged]) -> list[Step]:
        entry, workspace = match.entry, match.workspace
        if entry.subscriptions and not workspace.has_subscriptions:
            self.problem(
                join(entry.path, "subscriptions"),
                f"{workspace.provider} destinations have no subscriptions (Workspace.capabilities)",
                "UNSUPPORTED",
            )
            return []
        if match.remote is None:
            step = self.create(match)
            return [step] if step else []
        steps: list[Step] = []
        update = self.update(match)
        if update is not None:
            steps.append(update)
        for sub in match.unclaimed:
            if prune:
                steps.append(
                    Step(
                        action="delete",
                        kind="subscription",
                        workspace=workspace.key,
                        key=entry.key,
                        path=join(entry.path, "subscriptions"),
                        name=sub.name,
                        native_id=sub.native_id,
                        target=sub.id,
                        changes=[Change("subscription", {"name": sub.name}, None)],
                        mutation={"id": sub.id},
                    )
                )
            else:
                unmanaged.append(Unmanaged(workspace.key, "subscription", sub.native_id, sub.name, entry.path))
        for sub_match in match.subscriptions:
            step = self.subscription(match, sub_match)
            if step is not None:
                steps.append(step)
        return steps

    # -- creates ----------------------------------------------------------------------------------

    def type_key(self, match: DestinationMatch) -> str | None:
        entry, workspace = match.entry, match.workspace
        if entry.service is None:
            return entry.type_key
        path = join(entry.path, "service")
        offered = self.services.get((workspace.key, entry.service), [])
        if entry.type_key is not None:
            if not any(o.type_key == entry.type_key for o in offered):
                self.problem(path, f"{workspace.key}'s type {entry.type_key!r} does not send to {entry.service!r}")
            return entry.type_key
        creatable = [o for o in offered if o.creatable]
        if not creatable:
            self.problem(
                path,
                f"no type of {workspace.key} that can be created sends to {entry.service!r} (see the services query)",
                "NOT_FOUND",
            )
            return None
        if len(creatable) > 1:
            keys = ", ".join(o.type_key for o in creatable)
            self.problem(
                path,
                f"{entry.service!r} is offered by {len(creatable)} types of {workspace.key} ({keys}): name one with typeKey",
                "AMBIGUOUS",
            )
            return None
        return creatable[0].type_key

    def create(self, match: DestinationMatch) -> Step | None:
        entry, workspace = match.entry, match.workspace
        secrets = self.secrets_of(workspace.key, entry.key, None, None)
        type_key = self.type_key(match)
        problems_before = len(self.problems)
        settings, fingerprints = self._resolved(entry.path, entry.settings or {}, secrets, "settings")
        mutation: dict[str, Any] = {
            "workspaceId": workspace.id,
            "typeKey": type_key or "",
            "name": entry.name,
            "settings": {k: v for k, v in settings.items() if v is not None},
        }
        changes = [Change("typeKey", None, type_key)]
        if entry.service is not None:
            changes.insert(0, Change("service", None, entry.service))
        changes.append(Change("name", None, entry.name))
        if entry.enabled is not None:
            mutation["enabled"] = entry.enabled
            changes.append(Change("enabled", None, entry.enabled))
        if entry.source_ids is not None:
            mutation["sourceIds"] = list(entry.source_ids)
            changes.append(Change("sourceIds", None, list(entry.source_ids)))
        changes += _created_settings(entry.settings or {}, "settings")
        subs: list[dict[str, Any]] = []
        sub_paths: list[tuple[str, str]] = []
        all_fingerprints: dict[str | None, dict[str, str]] = {None: fingerprints}
        for sub in (entry.subscriptions or {}).values():
            sub_secrets = self.secrets_of(workspace.key, entry.key, sub.key, None)
            body, sub_changes, sub_fingerprints = self.new_subscription(sub, sub_secrets)
            subs.append(body)
            sub_paths.append((sub.key, sub.path))
            changes += [_under(f"subscriptions.{sub.key}", c) for c in sub_changes]
            all_fingerprints[sub.key] = sub_fingerprints
        if subs:
            mutation["subscriptions"] = subs
        if len(self.problems) > problems_before or type_key is None:
            return None
        return Step(
            action="create",
            kind="destination",
            workspace=workspace.key,
            key=entry.key,
            path=entry.path,
            name=entry.name,
            type_key=type_key,
            changes=changes,
            mutation=mutation,
            idempotency_key=self.idempotency_key(f"{workspace.key}/{entry.key}", mutation),
            subscriptions=tuple(sub_paths),
            fingerprints=all_fingerprints,
            refs=_refs(entry),
            uses_service=entry.service is not None,
        )

    def new_subscription(
        self, sub: SubscriptionEntry, secrets: Secrets
    ) -> tuple[dict[str, Any], list[Change], dict[str, str]]:
        """A subscription's create input, its changes, and the fingerprints of its secrets."""
        body: dict[str, Any] = {"name": sub.name}
        changes = [Change("name", None, sub.name)]
        for attr, name in SUBSCRIPTION_INPUT:
            value = getattr(sub, attr)
            if value is not None:
                body[name] = value
                changes.append(Change(name, None, value))
        fingerprints: dict[str, str] = {}
        for attr, name, normalize in (
            ("settings", "settings", None),
            ("event_filter", "eventFilter", normalize_event_filter),
            ("property_mapping", "propertyMapping", normalize_property_mapping),
        ):
            value = getattr(sub, attr)
            if value is None:
                continue
            resolved, found = self._resolved(sub.path, value, secrets, name)
            fingerprints.update(found)
            body[name] = normalize(resolved) if normalize else resolved
            if name == "settings":
                changes += _created_settings(value, "settings")
            else:
                changes.append(Change(name, None, redact(value)))
        return body, changes, fingerprints

    # -- updates ----------------------------------------------------------------------------------

    def record_of(self, workspace: str, key: str, native_id: str) -> Record | None:
        record = self.state.get(workspace, key)
        return record if record is not None and record.id == native_id else None

    def update(self, match: DestinationMatch) -> Step | None:
        entry, workspace, remote = match.entry, match.workspace, match.remote
        assert remote is not None
        record = self.record_of(workspace.key, entry.key, remote.native_id)
        applied = record.applied if record else None
        view = destination_view(remote)
        secrets = self.secrets_of(workspace.key, entry.key, None, record)
        problems_before = len(self.problems)
        if entry.type_key is not None and entry.type_key != remote.type_key:
            self.problem(
                join(entry.path, "typeKey"),
                f"the type cannot change in place ({remote.type_key} to {entry.type_key}): "
                "give the entry a new key (and no id) to create one, and --prune to delete this one",
            )
        if entry.service is not None and entry.service != remote.service:
            self.problem(
                join(entry.path, "service"),
                f"this destination sends to {remote.service!r}, not {entry.service!r}; a service cannot change in place",
            )
        mutation: dict[str, Any] = {"id": remote.id, "expectedVersion": remote.version}
        changes: list[Change] = []

        def field_change(name: str, before: Any, after: Any) -> None:
            changes.append(Change(name, before, after, drift=_drift(applied, name, view.get(name))))
            mutation[name] = after

        if entry.name != remote.name:
            field_change("name", remote.name, entry.name)
        if entry.enabled is not None and entry.enabled != remote.enabled:
            field_change("enabled", remote.enabled, entry.enabled)
        if entry.source_ids is not None and sorted(entry.source_ids) != sorted(remote.source_ids):
            field_change("sourceIds", list(remote.source_ids), list(entry.source_ids))
        step = Step(
            action="update",
            kind="destination",
            workspace=workspace.key,
            key=entry.key,
            path=entry.path,
            name=entry.name,
            native_id=remote.native_id,
            type_key=remote.type_key,
            target=remote.id,
            refs=_refs(entry),
        )
        sent = self._settings(step, entry.path, entry.settings, remote.settings, remote.secret_keys, secrets, applied)
        changes += step.changes
        if sent and workspace.settings_replaced_whole:
            self._whole_credentials(entry, remote, secrets, sent, step)
        if sent:
            mutation["settings"] = sent
        step.changes = changes
        step.mutation = mutation
        if len(self.problems) > problems_before:
            return None  # reported; a dryRun of it would only repeat them
        return step if changes or step.ask else None

    def _settings(
        self,
        step: Step,
        path: str,
        given: dict[str, Any] | None,
        stored: dict[str, Any],
        secret_keys: frozenset[str],
        secrets: Secrets,
        applied: dict[str, Any] | None,
        fingerprints_of: str | None = None,
    ) -> dict[str, Any]:
        """The settings an update sends; their changes, kept secrets and fingerprints go to ``step``."""
        if given is None:
            return {}
        sent: dict[str, Any] = {}
        applied_settings = (applied or {}).get("settings") if applied is not None else None
        diffs = compare_settings(
            given,
            stored,
            secret_keys,
            secrets,
            applied=applied_settings if isinstance(applied_settings, dict) else ({} if applied is not None else None),
        )
        for diff in diffs:
            self._absolute(path, diff.problems)
            step.kept += [under(path, where) for where, _ in diff.kept]
            if not diff.send:
                continue
            sent[diff.key] = diff.value
            if diff.change is not None:
                step.changes.append(diff.change)
            if diff.ask:
                step.ask.add(diff.key)
            step.fingerprints.setdefault(fingerprints_of, {}).update(diff.fingerprints)
        return sent

    def _whole_credentials(
        self, entry: DestinationEntry, remote: RemoteDestination, secrets: Secrets, sent: dict[str, Any], step: Step
    ) -> None:
        """Every secret goes with any change of the settings, which the workspace replaces whole."""
        for key, current in remote.settings.items():
            if key in sent or not (key in remote.secret_keys or is_masked(current)):
                continue
            given = (entry.settings or {}).get(key, MISSING)
            path = join(entry.path, "settings", key)
            if isinstance(given, SecretRef):
                value = secrets.value(given)
                if value is not None:
                    sent[key] = value
                    step.fingerprints.setdefault(None, {})[f"settings.{key}"] = secrets.fingerprint(
                        f"settings.{key}", value
                    )
                    continue
                hint = f"set {given.name}"
            elif given is not MISSING and given is not None:
                sent[key] = given
                continue
            else:
                hint = f"give {key} (as a ${{NAME}} reference)"
            self.problem(
                path,
                f"this workspace replaces a destination's settings whole, so changing any of them needs "
                f"every secret: {hint}",
                "REQUIRED",
            )

    def subscription(self, match: DestinationMatch, sub_match: SubscriptionMatch) -> Step | None:
        entry, workspace, remote = match.entry, match.workspace, match.remote
        assert remote is not None
        sub, current = sub_match.entry, sub_match.remote
        record = self.record_of(workspace.key, entry.key, remote.native_id)
        sub_record = record.subscriptions.get(sub.key) if record else None
        if current is not None and sub_record is not None and sub_record.id != current.native_id:
            sub_record = None
        secrets = self.secrets_of(workspace.key, entry.key, sub.key, sub_record)
        problems_before = len(self.problems)
        step = Step(
            action="create" if current is None else "update",
            kind="subscription",
            workspace=workspace.key,
            key=entry.key,
            sub_key=sub.key,
            path=sub.path,
            name=sub.name,
            refs=_refs_of(sub.path, sub.settings),
        )
        if current is None:
            body, step.changes, fingerprints = self.new_subscription(sub, secrets)
            step.target = remote.id
            step.mutation = {"destinationId": remote.id, "subscription": body}
            step.idempotency_key = self.idempotency_key(f"{workspace.key}/{entry.key}/{sub.key}", step.mutation)
            step.fingerprints = {sub.key: fingerprints}
            return step if len(self.problems) == problems_before else None
        step.native_id, step.target = current.native_id, current.id
        applied = sub_record.applied if sub_record else None
        view = subscription_view(current)
        mutation: dict[str, Any] = {"id": current.id, "expectedVersion": current.version}
        for attr, name in FIXED:
            value = getattr(sub, attr)
            if value is not None and value != getattr(current, attr):
                self.problem(
                    join(sub.path, name),
                    f"{name} cannot change in place ({getattr(current, attr)} to {value}): give the subscription "
                    "a new key (and no id) to create one, and --prune to delete this one",
                )
        for attr, name in (("name", "name"), ("enabled", "enabled"), ("trigger", "trigger")):
            value = getattr(sub, attr)
            before = getattr(current, attr)
            if name == "trigger" and current.action_type is not None:
                if value is not None:
                    self.problem(join(sub.path, "trigger"), "a Nimriz action's trigger is derived: set eventFilter")
                continue
            if value is not None and value != before:
                step.changes.append(Change(name, before, value, drift=_drift(applied, name, view.get(name))))
                mutation[name] = value
        sent = self._settings(step, sub.path, sub.settings, current.settings, frozenset(), secrets, applied, sub.key)
        if sent:
            mutation["settings"] = sent
        for attr, name, normalize in (
            ("event_filter", "eventFilter", normalize_event_filter),
            ("property_mapping", "propertyMapping", normalize_property_mapping),
        ):
            value = getattr(sub, attr)
            if value is None:
                continue
            resolved, found = self._resolved(sub.path, value, secrets, name)
            resolved = normalize(resolved)
            before = getattr(current, attr)
            if not same(resolved, before):
                change = Change(name, redact(before), redact(value), drift=_drift(applied, name, view.get(name)))
                step.changes.append(change)
                mutation[name] = resolved
                step.fingerprints.setdefault(sub.key, {}).update(found)
        step.mutation = mutation
        if len(self.problems) > problems_before:
            return None
        return step if step.changes or step.ask else None

    def _resolved(self, base: str, value: Any, secrets: Secrets, name: str) -> tuple[Any, dict[str, str]]:
        """``value`` with its secret references resolved, and the fingerprints of the secrets it
        holds; each reference that cannot be resolved is a problem under ``base``."""
        resolved, problems, fingerprints = resolve(value, secrets, name)
        self._absolute(base, problems)
        return resolved, fingerprints

    def _absolute(self, base: str, problems: list[tuple[str, str, str]]) -> None:
        for where, message, code in problems:
            self.problem(under(base, where), message, code)


def _drift(applied: Mapping[str, Any] | None, name: str, current: Any) -> bool:
    return applied is not None and name in applied and not same(applied[name], current)


def _under(prefix: str, change: Change) -> Change:
    return Change(under(prefix, change.field), change.before, change.after, change.secret, change.drift)


def _created_settings(settings: Mapping[str, Any], prefix: str) -> list[Change]:
    changes = []
    for key, value in settings.items():
        if value is None:
            continue
        if isinstance(value, SecretRef):
            changes.append(Change(join(prefix, key), secret="set"))
        else:
            changes.append(Change(join(prefix, key), None, redact(value), secret="set" if references(value) else None))
    return changes


def _refs(entry: DestinationEntry) -> dict[str, str]:
    found = _refs_of(entry.path, entry.settings)
    for sub in (entry.subscriptions or {}).values():
        found.update(_refs_of(sub.path, sub.settings))
    return found


def _refs_of(path: str, settings: Mapping[str, Any] | None) -> dict[str, str]:
    found: dict[str, str] = {}

    def walk(node: Any, at: str) -> None:
        if isinstance(node, SecretRef):
            found[at] = node.name
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, join(at, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, join(at, str(i)))

    walk(dict(settings or {}), join(path, "settings"))
    return found


# -- validation through the gateway's dryRun ------------------------------------------------------------
