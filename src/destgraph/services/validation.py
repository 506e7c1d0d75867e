"""Check a mutation's input against the destination type's catalog, before any upstream write.

Every problem is collected (not just the first), each with the path of the input field at fault,
so automation can fix its input in one go.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from destgraph.domain import fql
from destgraph.domain.models import Capabilities, DestinationType, Provider, SettingDefinition, SettingType
from destgraph.domain.secrets import is_masked
from destgraph.services.problems import ProblemCode, Problems

_TYPES: dict[SettingType, tuple[tuple[type, ...], str]] = {
    SettingType.STRING: ((str,), "a string"),
    SettingType.SECRET: ((str,), "a string"),
    SettingType.SELECT: ((str,), "one of the choices"),
    SettingType.NUMBER: ((int, float), "a number"),
    SettingType.BOOLEAN: ((bool,), "true or false"),
    SettingType.MAP: ((dict,), "an object"),
    SettingType.OBJECT: ((dict,), "an object"),
    SettingType.ARRAY: ((list,), "a list"),
}
NIMRIZ_FILTER_KEYS = {
    "include": {"event_types", "touch_types", "domain_ids", "tag_ids", "space_ids", "countries"},
    "exclude": {"event_types", "touch_types", "domain_ids", "tag_ids", "countries", "bot_traffic"},
}
NIMRIZ_OVERRIDE_KINDS = {"rename", "exclude", "include", "static", "template"}


def check_settings(
    destination_type: DestinationType,
    settings: Mapping[str, Any],
    problems: Problems,
    *,
    path: tuple[str, ...],
    creating: bool,
) -> None:
    """Unknown keys, informational and OAuth keys, read-only keys, value types, required keys."""
    definitions = {d.key: d for d in destination_type.settings}
    for key, value in settings.items():
        field = (*path, key)
        definition = definitions.get(key)
        if definition is None:
            problems.add(field, f"{destination_type.label} has no setting {key!r}", ProblemCode.UNKNOWN_SETTING)
        elif definition.type is SettingType.ALERT:
            problems.add(field, f"{key!r} is an informational message, not a setting", ProblemCode.READ_ONLY)
        elif definition.type is SettingType.OAUTH:
            problems.add(
                field,
                f"{key!r} is connected through the vendor's OAuth flow, not set through the API",
                ProblemCode.READ_ONLY,
            )
        elif definition.read_only:
            problems.add(field, f"{key!r} is read-only", ProblemCode.READ_ONLY)
        elif value is None:
            if definition.required and not creating:
                problems.add(field, f"{key!r} is required and cannot be removed", ProblemCode.REQUIRED)
        elif is_masked(value):
            if creating:
                problems.add(field, "a masked value can only keep a stored secret; give the real value")
        else:
            _check_value(definition, value, field, problems)
    if creating:
        for definition in definitions.values():
            if _must_be_given(definition) and _blank(settings.get(definition.key)):
                problems.add((*path, definition.key), f"{definition.label} is required", ProblemCode.REQUIRED)


def _must_be_given(definition: SettingDefinition) -> bool:
    if not definition.required or definition.read_only:
        return False
    if definition.type in (SettingType.ALERT, SettingType.OAUTH):
        return False
    # The vendor fills a non-empty default itself (Segment creates with every option's default).
    return _blank(definition.default_value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_value(definition: SettingDefinition, value: Any, field: tuple[str, ...], problems: Problems) -> None:
    expected = _TYPES.get(definition.type)
    if expected is None:
        return
    kinds, words = expected
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        problems.add(field, f"{definition.key!r} must be {words}")
    elif definition.type is SettingType.SELECT and definition.choices and value not in definition.choices:
        problems.add(field, f"{definition.key!r} must be one of {', '.join(definition.choices)}")


def check_enabled(
    capabilities: Capabilities, enabled: bool | None, problems: Problems, *, path: tuple[str, ...]
) -> None:
    if enabled is False and not capabilities.can_disable:
        problems.add(path, "this provider's destinations cannot be disabled", ProblemCode.UNSUPPORTED)


def check_trigger(trigger: Any, problems: Problems, *, path: tuple[str, ...]) -> None:
    """A Segment FQL trigger: parsed here so garbage never goes upstream."""
    if not isinstance(trigger, str) or not trigger.strip():
        problems.add(path, 'an FQL trigger is required, e.g. type = "track"', ProblemCode.REQUIRED)
        return
    try:
        fql.parse(trigger)
    except fql.FQLSyntaxError as exc:
        problems.add(path, f"not valid FQL: {exc}")


def check_subscription(
    provider: Provider,
    destination_type: DestinationType | None,
    subscription: Mapping[str, Any],
    problems: Problems,
    *,
    path: tuple[str, ...],
    creating: bool,
) -> None:
    """A subscription's fields as its provider knows them (Segment actions, Nimriz actions)."""
    if provider is Provider.SEGMENT:
        if creating or subscription.get("trigger") is not None:
            check_trigger(subscription.get("trigger"), problems, path=(*path, "trigger"))
        if creating:
            action_id = subscription.get("actionId")
            actions = {a.key for a in destination_type.actions} if destination_type else set()
            if not action_id:
                problems.add((*path, "actionId"), "actionId is required", ProblemCode.REQUIRED)
            elif destination_type is not None and action_id not in actions:
                problems.add(
                    (*path, "actionId"), f"{destination_type.label} has no action {action_id!r}", ProblemCode.NOT_FOUND
                )
        for key in ("actionType", "eventFilter", "propertyMapping"):
            if subscription.get(key) is not None:
                problems.add((*path, key), f"{key} is for Nimriz actions; Segment subscriptions use trigger")
        return
    if provider is Provider.NIMRIZ:
        if subscription.get("trigger") is not None:
            problems.add((*path, "trigger"), "Nimriz actions filter with eventFilter; their trigger is derived")
        for key in ("actionId", "modelId"):
            if subscription.get(key) is not None:
                problems.add((*path, key), f"{key} is for Segment subscriptions")
        action_type = subscription.get("actionType")
        allowed = {a.key for a in destination_type.actions} if destination_type else set()
        if creating and not action_type:
            problems.add((*path, "actionType"), "actionType is required", ProblemCode.REQUIRED)
        elif action_type is not None and allowed and action_type not in allowed:
            problems.add(
                (*path, "actionType"),
                f"{destination_type.label if destination_type else 'this type'} "
                f"takes actions of type {', '.join(sorted(allowed))}",
            )
        if subscription.get("eventFilter") is not None:
            _check_event_filter(subscription["eventFilter"], problems, path=(*path, "eventFilter"))
        if subscription.get("propertyMapping") is not None:
            _check_property_mapping(subscription["propertyMapping"], problems, path=(*path, "propertyMapping"))
        return
    problems.add(path, f"{provider.name.title()} destinations have no subscriptions", ProblemCode.UNSUPPORTED)


def _check_event_filter(value: Any, problems: Problems, *, path: tuple[str, ...]) -> None:
    if not isinstance(value, dict):
        problems.add(path, "eventFilter must be an object {include, exclude, conditions}")
        return
    for key in value.keys() - {"include", "exclude", "conditions"}:
        problems.add((*path, key), f"eventFilter has no {key!r}; it takes include, exclude and conditions")
    for clause, allowed in NIMRIZ_FILTER_KEYS.items():
        body = value.get(clause)
        if body is None:
            continue
        if not isinstance(body, dict):
            problems.add((*path, clause), f"{clause} must be an object")
            continue
        for key, item in body.items():
            if key not in allowed:
                problems.add((*path, clause, key), f"{clause} has no {key!r}")
            elif key == "bot_traffic":
                if not isinstance(item, bool):
                    problems.add((*path, clause, key), "bot_traffic must be true or false")
            elif not isinstance(item, list) or not all(isinstance(v, str) and v for v in item):
                problems.add((*path, clause, key), f"{key} must be a list of strings")
    conditions = value.get("conditions")
    if conditions is not None and (
        not isinstance(conditions, list) or not all(isinstance(c, dict) for c in conditions)
    ):
        problems.add((*path, "conditions"), "conditions must be a list of objects {field, operator, value}")


def _check_property_mapping(value: Any, problems: Problems, *, path: tuple[str, ...]) -> None:
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
        if not isinstance(override, dict) or override.get("type") not in NIMRIZ_OVERRIDE_KINDS:
            problems.add(
                (*path, "overrides", str(i)), f"each override needs a type: {', '.join(sorted(NIMRIZ_OVERRIDE_KINDS))}"
            )
