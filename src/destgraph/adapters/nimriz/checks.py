"""Nimriz's rules for a subscription (action) input, checked before any write.

Actions choose events with an event filter (include/exclude clauses and conditions) and shape them
with a property mapping (a base and overrides); they have no FQL trigger, action id or model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from destgraph.adapters.contract import Field
from destgraph.domain.models import DestinationType, MappingOverrideKind
from destgraph.domain.problems import ProblemCode, Problems

FILTER_KEYS = {
    "include": {"event_types", "touch_types", "domain_ids", "tag_ids", "space_ids", "countries"},
    "exclude": {"event_types", "touch_types", "domain_ids", "tag_ids", "countries", "bot_traffic"},
}
OVERRIDE_KINDS = frozenset(kind.value for kind in MappingOverrideKind)


def check_subscription(
    destination_type: DestinationType | None,
    given: Mapping[str, Any],
    problems: Problems,
    *,
    path: Field,
    creating: bool,
) -> None:
    if given.get("trigger") is not None:
        problems.add((*path, "trigger"), "Nimriz actions filter with eventFilter; their trigger is derived")
    for key in ("actionId", "modelId"):
        if given.get(key) is not None:
            problems.add((*path, key), f"{key} is for Segment subscriptions")
    action_type = given.get("actionType")
    allowed = {a.key for a in destination_type.actions} if destination_type else set()
    if creating and not action_type:
        problems.add((*path, "actionType"), "actionType is required", ProblemCode.REQUIRED)
    elif action_type is not None and allowed and action_type not in allowed:
        label = destination_type.label if destination_type else "this type"
        problems.add((*path, "actionType"), f"{label} takes actions of type {', '.join(sorted(allowed))}")
    if given.get("eventFilter") is not None:
        check_event_filter(given["eventFilter"], problems, path=(*path, "eventFilter"))
    if given.get("propertyMapping") is not None:
        check_property_mapping(given["propertyMapping"], problems, path=(*path, "propertyMapping"))


def check_event_filter(value: Any, problems: Problems, *, path: Field) -> None:
    if not isinstance(value, dict):
        problems.add(path, "eventFilter must be an object {include, exclude, conditions}")
        return
    for key in value.keys() - {"include", "exclude", "conditions"}:
        problems.add((*path, key), f"eventFilter has no {key!r}; it takes include, exclude and conditions")
    for clause, allowed in FILTER_KEYS.items():
        if value.get(clause) is not None:
            _check_clause(value[clause], clause, allowed, problems, path=(*path, clause))
    conditions = value.get("conditions")
    if conditions is not None and (
        not isinstance(conditions, list) or not all(isinstance(c, dict) for c in conditions)
    ):
        problems.add((*path, "conditions"), "conditions must be a list of objects {field, operator, value}")


def _check_clause(body: Any, clause: str, allowed: set[str], problems: Problems, *, path: Field) -> None:
    if not isinstance(body, dict):
        problems.add(path, f"{clause} must be an object")
        return
    for key, item in body.items():
        if key not in allowed:
            problems.add((*path, key), f"{clause} has no {key!r}")
        elif key == "bot_traffic":
            if not isinstance(item, bool):
                problems.add((*path, key), "bot_traffic must be true or false")
        elif not isinstance(item, list) or not all(isinstance(v, str) and v for v in item):
            problems.add((*path, key), f"{key} must be a list of strings")


def check_property_mapping(value: Any, problems: Problems, *, path: Field) -> None:
    if not isinstance(value, dict):
        problems.add(path, "propertyMapping must be an object {base, overrides}")
        return
    if not isinstance(value.get("base", "default"), str):
        problems.add((*path, "base"), "base must be a string")
    overrides = value.get("overrides", [])
    if not isinstance(overrides, list):
        problems.add((*path, "overrides"), "overrides must be a list")
        return
    for i, override in enumerate(overrides):
        if not isinstance(override, dict) or override.get("type") not in OVERRIDE_KINDS:
            problems.add(
                (*path, "overrides", str(i)), f"each override needs a type: {', '.join(sorted(OVERRIDE_KINDS))}"
            )
