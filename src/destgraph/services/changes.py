"""What a mutation changes, field by field, with every secret value masked: the plan dryRun shows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from destgraph.domain.models import Destination
from destgraph.domain.secrets import is_secret_name, mask_value
from destgraph.domain.writes import DestinationDraft, DestinationPatch


@dataclass(frozen=True)
class FieldChange:
    field: tuple[str, ...]
    before: Any
    after: Any


class _Masker:
    def __init__(self, secret_keys: Iterable[str]) -> None:
        self.secret_keys = frozenset(secret_keys)

    def __call__(self, key: str, value: Any) -> Any:
        if key in self.secret_keys or is_secret_name(key) or key.lower() == "headers":
            return mask_value(value)
        return value


def for_create(draft: DestinationDraft, secret_keys: Iterable[str]) -> list[FieldChange]:
    mask = _Masker(secret_keys)
    changes = [
        FieldChange(("typeKey",), None, draft.type_key),
        FieldChange(("name",), None, draft.name),
        FieldChange(("enabled",), None, draft.enabled),
    ]
    changes += [FieldChange(("settings", k), None, mask(k, v)) for k, v in draft.settings.items()]
    if draft.source_ids:
        changes.append(FieldChange(("sourceIds",), None, list(draft.source_ids)))
    if draft.connection_ref:
        changes.append(FieldChange(("connectionRef",), None, draft.connection_ref))
    for i, subscription in enumerate(draft.subscriptions):
        fields = {
            "name": subscription.name,
            "enabled": subscription.enabled,
            "trigger": subscription.trigger,
            "actionId": subscription.action_id,
            "actionType": subscription.action_type,
            "eventFilter": subscription.event_filter,
            "propertyMapping": subscription.property_mapping,
            "settings": _mask_map(subscription.settings, mask) if subscription.settings else None,
            "modelId": subscription.model_id,
        }
        changes += [FieldChange(("subscriptions", str(i), k), None, v) for k, v in fields.items() if v is not None]
    return changes


def for_update(current: Destination, patch: DestinationPatch, secret_keys: Iterable[str]) -> list[FieldChange]:
    mask = _Masker(secret_keys)
    changes = []
    if patch.name is not None and patch.name != current.name:
        changes.append(FieldChange(("name",), current.name, patch.name))
    if patch.enabled is not None and patch.enabled != current.enabled:
        changes.append(FieldChange(("enabled",), current.enabled, patch.enabled))
    if patch.source_ids is not None and tuple(patch.source_ids) != current.source_ids:
        changes.append(FieldChange(("sourceIds",), list(current.source_ids), list(patch.source_ids)))
    if patch.settings is not None:
        for key, value in patch.settings.changed.items():
            before = current.settings.get(key)
            if key in current.settings and before == value:
                continue
            changes.append(FieldChange(("settings", key), mask(key, before), mask(key, value)))
    return changes


def for_delete(current: Destination) -> list[FieldChange]:
    return [
        FieldChange(
            ("destination",),
            {"nativeId": current.native_id, "name": current.name, "typeKey": current.type_key},
            None,
        )
    ]


def _mask_map(values: Mapping[str, Any], mask: _Masker) -> dict[str, Any]:
    return {k: mask(k, v) for k, v in values.items()}
