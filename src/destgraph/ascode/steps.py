"""The plan as data: the steps apply would take, the objects left alone, and the problems found.

A ``Step`` carries what apply sends (``mutation``, with every secret resolved) beside what a person
or a program is shown (``changes``, where a secret is only ever "set", "changed", "kept" or
"removed"); nothing that renders a plan reads ``mutation``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from destgraph.ascode.compare import Change
from destgraph.ascode.document import join
from destgraph.ascode.errors import Problem
from destgraph.ascode.identity import DestinationMatch

USER_ERRORS = "userErrors { field message code }"
#: the fields a subscription cannot change in place (attribute, input field)
FIXED = (("action_id", "actionId"), ("action_type", "actionType"), ("model_id", "modelId"))


@dataclass
class Step:
    """One write apply would make. ``mutation`` holds resolved secrets: it is sent, never shown."""

    action: str  # create, update, delete
    kind: str  # destination, subscription
    workspace: str
    key: str
    path: str
    name: str
    sub_key: str | None = None
    native_id: str | None = None
    type_key: str | None = None
    changes: list[Change] = field(default_factory=list)
    #: secrets kept as stored (their variable unset), by path
    kept: list[str] = field(default_factory=list)
    #: the global id written to (update, delete), or the destination a subscription is added to
    target: str | None = None
    mutation: dict[str, Any] = field(default_factory=dict, repr=False)
    idempotency_key: str | None = None
    #: a create's subscriptions, in input order: (key, path)
    subscriptions: tuple[tuple[str, str], ...] = ()
    #: fingerprints of the secrets this step writes, to record once it is applied (per entry, per subscription)
    fingerprints: dict[str | None, dict[str, str]] = field(default_factory=dict, repr=False)
    ask: set[str] = field(default_factory=set)
    #: file path of a setting to the reference that gives it, for hints in problems
    refs: dict[str, str] = field(default_factory=dict)
    uses_service: bool = False

    @property
    def label(self) -> str:
        if self.action == "delete":
            where = f"{self.workspace}/" + (f"{self.key}/" if self.kind == "subscription" else "")
            return f'delete {self.kind} {where}"{self.name}" ({self.native_id})'
        where = f"{self.workspace}/{self.key}" + (f"/{self.sub_key}" if self.sub_key else "")
        return f"{self.action} {self.kind} {where}"


@dataclass(frozen=True)
class Unmanaged:
    """A vendor object no entry of the file claims, left alone (``--prune`` deletes it)."""

    workspace: str
    kind: str
    native_id: str
    name: str
    parent: str | None = None


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unmanaged: list[Unmanaged] = field(default_factory=list)
    matches: list[DestinationMatch] = field(default_factory=list)
    prune: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.steps)

    def count(self, action: str) -> int:
        return sum(1 for s in self.steps if s.action == action)


def user_error_path(step: Step, field_path: Any) -> str:
    """The file path of a userError's input field (["input", "settings", "apiKey"] -> ...settings.apiKey)."""
    parts = [str(p) for p in field_path or []]
    if parts[:1] == ["input"]:
        parts = parts[1:]
    if not parts or parts[0] in ("workspaceId", "id", "destinationId", "idempotencyKey", "expectedVersion", "dryRun"):
        return step.path
    if parts[0] == "typeKey" and step.uses_service:
        return join(step.path, "service")
    if parts[0] == "subscriptions" and len(parts) > 1 and parts[1].isdigit():
        index = int(parts[1])
        if index < len(step.subscriptions):
            return join(step.subscriptions[index][1], *parts[2:])
    if parts[0] == "subscription":
        return join(step.path, *parts[1:])
    return join(step.path, *parts)


def hinted(message: str, path: str, refs: Mapping[str, str]) -> str:
    name = refs.get(path)
    return f"{message} (the value of ${{{name}}})" if name else message


def describe(value: Any) -> str:
    """A value as a plan shows it: JSON, shortened."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 90 else text[:87] + "..."
