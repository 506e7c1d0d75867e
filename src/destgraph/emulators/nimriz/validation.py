"""Check and normalise destination and action bodies; every problem is reported with its field path.

Paths read like the body: ``credentials.write_key``, ``actions[0].event_filter.include.event_types[1]``.
Unknown keys are ignored on the destination and on each action (the n8n node sends ``account_id``
and top-level ``property_mapping``/``event_filter``), but refused inside the vocabularies the seed
enumerates exactly: credentials, filter sides, overrides and conditions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from destgraph.emulators.nimriz import catalog
from destgraph.emulators.nimriz.errors import validation_error

NAME_MAX = 255
_COUNTRY = re.compile(r"[A-Z]{2}")


@dataclass
class ActionInput:
    """An action as submitted: ``id`` is the client's claim, kept only if it names an existing action."""

    id: str | None
    name: str
    action_type: str
    enabled: bool
    property_mapping: dict[str, Any]
    event_filter: dict[str, Any]


@dataclass
class DestinationInput:
    name: str
    type: str
    enabled: bool
    credentials: dict[str, str]
    actions: list[ActionInput]


@dataclass
class DestinationUpdate:
    """A PUT body: None means the field was not sent. ``actions`` is always the new list."""

    name: str | None = None
    enabled: bool | None = None
    credentials: dict[str, str] | None = None
    actions: list[ActionInput] = field(default_factory=list)


class Problems:
    """Collects (field, message) pairs; raises one VALIDATION_ERROR naming all of them."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.items.append((path, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise validation_error(self.items)


def parse_create(body: dict[str, Any]) -> DestinationInput:
    problems = Problems()
    name = _name(body, "name", problems, required=True)
    type_key = body.get("type")
    dtype = None
    if "type" not in body:
        problems.add("type", "is required")
    elif not isinstance(type_key, str) or type_key not in catalog.DESTINATION_TYPES:
        problems.add("type", f"must be one of {', '.join(catalog.DESTINATION_TYPES)}")
    else:
        dtype = catalog.DESTINATION_TYPES[type_key]
    enabled = _bool(body, "enabled", problems, default=True)
    credentials: dict[str, str] = {}
    if "credentials" not in body:
        problems.add("credentials", "is required")
    elif dtype is not None:
        credentials = _credentials(body["credentials"], dtype, problems)
    actions = _actions(body.get("actions", []), dtype, problems)
    problems.raise_if_any()
    # Narrowing only: any of these being None was reported above.
    assert name is not None
    assert dtype is not None
    assert enabled is not None
    return DestinationInput(name=name, type=dtype.key, enabled=enabled, credentials=credentials, actions=actions)


def parse_update(body: dict[str, Any], current_type: str) -> DestinationUpdate:
    problems = Problems()
    dtype = catalog.DESTINATION_TYPES[current_type]
    update = DestinationUpdate()
    if "name" in body:
        update.name = _name(body, "name", problems, required=True)
    if "type" in body and body["type"] != current_type:
        problems.add("type", f"cannot be changed (this destination is {current_type})")
    if "enabled" in body:
        update.enabled = _bool(body, "enabled", problems, default=None)
    if "credentials" in body:
        update.credentials = _credentials(body["credentials"], dtype, problems)
    # The seed: PUT "replaces the destination's action list with the submitted actions". A body
    # without ``actions`` submits none, so the destination is left with no actions.
    update.actions = _actions(body.get("actions", []), dtype, problems)
    problems.raise_if_any()
    return update


def parse_action_id(body: dict[str, Any]) -> str | None:
    """The optional ``action_id`` of a test-send body."""
    value = body.get("action_id")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise validation_error([("action_id", "must be a non-empty string")])
    return value


def _name(body: dict[str, Any], key: str, problems: Problems, *, required: bool, path: str = "") -> str | None:
    where = path or key
    if key not in body:
        if required:
            problems.add(where, "is required")
        return None
    value = body[key]
    if not isinstance(value, str) or not value.strip():
        problems.add(where, "must be a non-empty string")
        return None
    if len(value) > NAME_MAX:
        problems.add(where, f"must be at most {NAME_MAX} characters")
        return None
    return value.strip()


def _bool(body: dict[str, Any], key: str, problems: Problems, *, default: bool | None, path: str = "") -> bool | None:
    if key not in body:
        return default
    value = body[key]
    if not isinstance(value, bool):
        problems.add(path or key, "must be true or false")
        return default
    return value


def _credentials(value: Any, dtype: catalog.DestinationType, problems: Problems) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.add("credentials", "must be an object")
        return {}
    known = dtype.keys
    clean: dict[str, str] = {}
    for key, item in value.items():
        path = f"credentials.{key}"
        if key not in known:
            allowed = ", ".join(sorted(known)) or "none"
            problems.add(path, f"is not a credential of type {dtype.key} (allowed: {allowed})")
        elif not isinstance(item, str) or not item.strip():
            problems.add(path, "must be a non-empty string")
        elif key in dtype.urls and not _is_http_url(item):
            problems.add(path, "must be an http:// or https:// URL")
        elif key in dtype.patterns and not re.fullmatch(dtype.patterns[key][0], item):
            problems.add(path, f"is not valid ({dtype.patterns[key][1]})")
        else:
            clean[key] = item
    for group in dtype.required:
        if not any(k in value for k in group):
            problems.add(f"credentials.{group[0]}", f"{' or '.join(group)} is required for type {dtype.key}")
    return clean


def _is_http_url(text: str) -> bool:
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _actions(value: Any, dtype: catalog.DestinationType | None, problems: Problems) -> list[ActionInput]:
    if not isinstance(value, list):
        problems.add("actions", "must be an array")
        return []
    actions = []
    seen_ids: set[str] = set()
    for index, item in enumerate(value):
        action = _action(item, f"actions[{index}]", dtype, problems)
        if action is None:
            continue
        if action.id is not None:
            if action.id in seen_ids:
                problems.add(f"actions[{index}].id", "appears more than once")
            seen_ids.add(action.id)
        actions.append(action)
    return actions


def _action(item: Any, path: str, dtype: catalog.DestinationType | None, problems: Problems) -> ActionInput | None:
    if not isinstance(item, dict):
        problems.add(path, "must be an object")
        return None
    before = len(problems.items)
    action_id = item.get("id")
    if action_id is not None and (not isinstance(action_id, str) or not action_id.strip()):
        problems.add(f"{path}.id", "must be a non-empty string")
        action_id = None
    name = _name(item, "name", problems, required=True, path=f"{path}.name")
    action_type = item.get("action_type")
    if "action_type" not in item:
        problems.add(f"{path}.action_type", "is required")
    elif action_type not in catalog.ACTION_TYPES:
        problems.add(f"{path}.action_type", f"must be one of {', '.join(catalog.ACTION_TYPES)}")
    elif dtype is not None and action_type not in dtype.action_types:
        allowed = ", ".join(sorted(dtype.action_types))
        problems.add(f"{path}.action_type", f"{action_type} is not supported by type {dtype.key} (use {allowed})")
    enabled = _bool(item, "enabled", problems, default=True, path=f"{path}.enabled")
    mapping = _property_mapping(item.get("property_mapping", {}), f"{path}.property_mapping", problems)
    event_filter = _event_filter(item.get("event_filter", {}), f"{path}.event_filter", problems)
    if len(problems.items) > before:
        return None
    assert name is not None
    assert isinstance(action_type, str)
    assert enabled is not None
    return ActionInput(
        id=action_id,
        name=name,
        action_type=action_type,
        enabled=enabled,
        property_mapping=mapping,
        event_filter=event_filter,
    )


def _property_mapping(value: Any, path: str, problems: Problems) -> dict[str, Any]:
    if not isinstance(value, dict):
        problems.add(path, "must be an object")
        return {}
    for key in value.keys() - {"base", "overrides"}:
        problems.add(f"{path}.{key}", "is not a property_mapping field (base, overrides)")
    base = value.get("base", "default")
    if base not in catalog.MAPPING_BASES:
        problems.add(f"{path}.base", f"must be one of {', '.join(catalog.MAPPING_BASES)}")
    overrides = value.get("overrides", [])
    if not isinstance(overrides, list):
        problems.add(f"{path}.overrides", "must be an array")
        overrides = []
    return {
        "base": base,
        "overrides": [_override(o, f"{path}.overrides[{i}]", problems) for i, o in enumerate(overrides)],
    }


def _override(value: Any, path: str, problems: Problems) -> Any:
    if not isinstance(value, dict):
        problems.add(path, "must be an object")
        return value
    kind = value.get("type")
    if not isinstance(kind, str) or kind not in catalog.OVERRIDE_FIELDS:
        problems.add(f"{path}.type", f"must be one of {', '.join(catalog.OVERRIDE_FIELDS)}")
        return value
    fields = catalog.OVERRIDE_FIELDS[kind]
    for key in value.keys() - {"type", *fields}:
        problems.add(f"{path}.{key}", f"is not a field of a {kind} override ({', '.join(fields)})")
    for key in fields:
        if key not in value:
            problems.add(f"{path}.{key}", "is required")
        elif key == "value":
            if isinstance(value[key], dict | list):
                problems.add(f"{path}.value", "must be a string, number, boolean or null")
        elif not isinstance(value[key], str) or not value[key].strip():
            problems.add(f"{path}.{key}", "must be a non-empty string")
        elif key == "template" and value[key].count("{{") != value[key].count("}}"):
            problems.add(f"{path}.template", "has unbalanced {{ }} placeholders")
    return value


def _event_filter(value: Any, path: str, problems: Problems) -> dict[str, Any]:
    if not isinstance(value, dict):
        problems.add(path, "must be an object")
        return {}
    for key in value.keys() - {"include", "exclude", "conditions"}:
        problems.add(f"{path}.{key}", "is not an event_filter field (include, exclude, conditions)")
    include = _filter_side(value.get("include", {}), f"{path}.include", catalog.INCLUDE_KEYS, problems)
    exclude = _filter_side(value.get("exclude", {}), f"{path}.exclude", catalog.EXCLUDE_KEYS, problems)
    conditions = value.get("conditions", [])
    if not isinstance(conditions, list):
        problems.add(f"{path}.conditions", "must be an array")
        conditions = []
    for index, condition in enumerate(conditions):
        _condition(condition, f"{path}.conditions[{index}]", problems)
    return {"include": include, "exclude": exclude, "conditions": conditions}


def _filter_side(value: Any, path: str, keys: tuple[str, ...], problems: Problems) -> dict[str, Any]:
    if not isinstance(value, dict):
        problems.add(path, "must be an object")
        return {}
    for key, item in value.items():
        where = f"{path}.{key}"
        if key not in keys:
            problems.add(where, f"is not a filter key here (allowed: {', '.join(keys)})")
        elif key == "bot_traffic":
            if not isinstance(item, bool):
                problems.add(where, "must be true or false")
        elif not isinstance(item, list):
            problems.add(where, "must be an array")
        else:
            for index, element in enumerate(item):
                message = _filter_value_problem(key, element)
                if message:
                    problems.add(f"{where}[{index}]", message)
    return value


def _filter_value_problem(key: str, element: Any) -> str | None:
    if not isinstance(element, str) or not element.strip():
        return "must be a non-empty string"
    if key == "event_types" and element not in catalog.EVENT_TYPES:
        return f"unknown event type {element!r} (known: {', '.join(catalog.EVENT_TYPES)})"
    if key == "touch_types" and element not in catalog.TOUCH_TYPES:
        return f"unknown touch type {element!r} (known: {', '.join(catalog.TOUCH_TYPES)})"
    if key == "countries" and not _COUNTRY.fullmatch(element):
        return "must be an ISO 3166-1 alpha-2 code in capitals, like US"
    return None


def _condition(value: Any, path: str, problems: Problems) -> None:
    if not isinstance(value, dict):
        problems.add(path, "must be an object")
        return
    for key in value.keys() - {"field", "operator", "value"}:
        problems.add(f"{path}.{key}", "is not a condition field (field, operator, value)")
    if not isinstance(value.get("field"), str) or not value["field"].strip():
        problems.add(f"{path}.field", "must be a non-empty string")
    operator = value.get("operator")
    if operator not in catalog.CONDITION_OPERATORS:
        problems.add(f"{path}.operator", f"must be one of {', '.join(catalog.CONDITION_OPERATORS)}")
        return
    operand = value.get("value")
    if operator in catalog.UNARY_OPERATORS:
        if operand is not None:
            problems.add(f"{path}.value", f"must be absent for {operator}")
    elif operator in catalog.LIST_OPERATORS:
        if not isinstance(operand, list) or not operand or any(isinstance(v, dict | list | None) for v in operand):
            problems.add(f"{path}.value", f"must be a non-empty array of strings or numbers for {operator}")
    elif operand is None or isinstance(operand, dict | list):
        problems.add(f"{path}.value", f"must be a string, number or boolean for {operator}")
