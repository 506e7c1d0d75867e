"""Check a mutation's input against the destination type's catalog, before any upstream write.

Every problem is collected (not just the first), each with the path of the input field at fault,
so automation can fix its input in one go.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from destgraph.domain.models import Capabilities, DestinationType, SettingDefinition, SettingType
from destgraph.domain.problems import ProblemCode, Problems
from destgraph.domain.secrets import is_masked

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
    # The vendor fills a non-empty default itself (a vendor may create with every option's default).
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


def check_settings_object(value: Any, problems: Problems, *, path: tuple[str, ...]) -> dict[str, Any]:
    """``value`` as a settings object (absent: empty), or a problem at ``path`` when it is not one."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.add(path, "settings must be an object of key: value")
        return {}
    return dict(value)
