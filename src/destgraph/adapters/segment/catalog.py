"""Segment's catalog entries (DestinationMetadataV1) as destination types.

Options carry no secret flag, so secrets are recognised by type, name and description; read-only
options are recognised by their description.
"""

from __future__ import annotations

import re
from typing import Any

from destgraph.adapters.segment import shapes
from destgraph.adapters.shapes import BuiltOnce
from destgraph.domain.models import (
    ActionDefinition,
    DestinationType,
    Provider,
    SettingDefinition,
    SettingType,
    TypeStatus,
)
from destgraph.domain.secrets import is_secret_name

_OPTION_TYPES = {
    "string": SettingType.STRING,
    "text": SettingType.STRING,
    "boolean": SettingType.BOOLEAN,
    "number": SettingType.NUMBER,
    "integer": SettingType.NUMBER,
    "select": SettingType.SELECT,
    "map": SettingType.MAP,
    "text-map": SettingType.MAP,
    "array": SettingType.ARRAY,
    "strings": SettingType.ARRAY,
    "password": SettingType.SECRET,
    "object": SettingType.OBJECT,
}
_FIELD_TYPES = {
    "BOOLEAN": SettingType.BOOLEAN,
    "INTEGER": SettingType.NUMBER,
    "NUMBER": SettingType.NUMBER,
    "OBJECT": SettingType.OBJECT,
    "PASSWORD": SettingType.SECRET,
}
_STATUSES = {"PUBLIC": TypeStatus.AVAILABLE, "DEPRECATED": TypeStatus.DEPRECATED}
_SECRET_HINT = re.compile(r"\bsecret\b|treated as a password|api key", re.I)
_READ_ONLY_HINT = re.compile(r"read-only|read only", re.I)


def _build(metadata: shapes.Metadata) -> DestinationType:
    return DestinationType(
        provider=Provider.SEGMENT,
        key=metadata.slug,
        label=metadata.name or metadata.slug,
        status=_STATUSES.get(metadata.status or "", TypeStatus.BETA),
        description=metadata.description or None,
        categories=tuple(metadata.categories),
        creatable=metadata.status not in ("DEPRECATED", "UNAVAILABLE"),
        settings=tuple(_option(o) for o in metadata.options),
        actions=tuple(_action(a) for a in metadata.actions),
        native_id=metadata.id,
    )


def _option(option: shapes.Option) -> SettingDefinition:
    text = f"{option.label or ''} {option.description or ''}"
    kind = _OPTION_TYPES.get(str(option.type or "").lower(), SettingType.STRING)
    secret = kind is SettingType.SECRET or is_secret_name(option.name) or bool(_SECRET_HINT.search(text))
    return SettingDefinition(
        key=option.name,
        label=option.label or option.name,
        type=SettingType.SECRET if secret and kind is SettingType.STRING else kind,
        required=option.required,
        secret=secret,
        default_value=option.defaultValue,
        description=option.description or None,
        choices=_choices(option.choices or option.options),
        read_only=bool(_READ_ONLY_HINT.search(text)),
    )


def _action(action: shapes.Action) -> ActionDefinition:
    fields = []
    for field in action.fields:
        kind = _FIELD_TYPES.get(field.type or "", SettingType.STRING)
        fields.append(
            SettingDefinition(
                key=field.fieldKey or field.id or "",
                label=field.label or field.fieldKey or "",
                type=kind,
                required=field.required,
                secret=kind is SettingType.SECRET,
                default_value=field.defaultValue,
                description=field.description or None,
                choices=_choices(field.choices),
            )
        )
    return ActionDefinition(
        key=action.id,
        name=action.name or action.id,
        description=action.description or None,
        fields=tuple(fields),
        slug=action.slug,
    )


def _choices(choices: Any) -> tuple[str, ...] | None:
    if not isinstance(choices, list):
        return None
    return tuple(str(c.get("value", c) if isinstance(c, dict) else c) for c in choices)


#: A catalog entry as a destination type keyed by its slug. Every destination of a list embeds its
#: type's whole entry, and the shapes answer the same entry object for the same content
#: (shapes.catalog_entries): its type is built once. Segment's catalog has about 500 entries.
destination_type = BuiltOnce(_build, maximum=1024)
