"""Segment write bodies: what the gateway's drafts and patches become on the wire, checked before any call.

Every check here raises InvalidInputError naming the GraphQL input field, so a request Segment cannot
express fails before anything is written. Masked values (Segment's own bullets, or any other mask)
never leave as values: on create they are refused, on update they mean "keep what is stored" and are
not sent, since Segment stores a mask sent back as the new value.
"""

from __future__ import annotations

from typing import Any

from destgraph.domain.models import Destination, DestinationSubscription
from destgraph.domain.secrets import is_masked
from destgraph.domain.writes import DestinationDraft, DestinationPatch, SubscriptionDraft, SubscriptionPatch
from destgraph.errors import InvalidInputError

INPUT = ("input",)
#: SubscriptionDraft/Patch fields Segment has no place for (they describe Nimriz actions), by input name
_NIMRIZ_FIELDS = (
    ("action_type", "actionType"),
    ("event_filter", "eventFilter"),
    ("property_mapping", "propertyMapping"),
)


def destination_body(draft: DestinationDraft) -> dict[str, Any]:
    """The POST /destinations body: one source, the catalog id, and settings without masks or nulls."""
    if not draft.source_ids:
        raise InvalidInputError(
            "Segment connects a destination to a source: give sourceIds or configure the workspace's default_source_id",
            field=(*INPUT, "sourceIds"),
        )
    if len(draft.source_ids) > 1:
        raise InvalidInputError(
            "a Segment destination is connected to exactly one source: create one destination per source",
            field=(*INPUT, "sourceIds"),
        )
    if not draft.type_native_id:
        raise InvalidInputError(
            f"no Segment catalog id is known for the type {draft.type_key!r}", field=(*INPUT, "typeKey")
        )
    settings = create_settings(draft.settings, path=(*INPUT, "settings"))
    return {
        "sourceId": draft.source_ids[0],
        "metadataId": draft.type_native_id,
        "name": draft.name,
        "enabled": draft.enabled,
        "settings": settings,
    }


def destination_patch_body(current: Destination, patch: DestinationPatch) -> dict[str, Any]:
    """The PATCH /destinations/{id} body: only what changes; settings are the changed keys alone.

    ``patch.settings.merged`` is never sent: it holds Segment's own masks for the keys the caller did
    not touch, and Segment would store those bullets over the secrets. A None value is sent as null
    (Segment merges key by key and has no way to delete a key; null clears it).
    """
    if patch.source_ids is not None and tuple(patch.source_ids) != tuple(current.source_ids):
        raise InvalidInputError(
            "Segment cannot move a destination to another source: create a destination on that source instead",
            field=(*INPUT, "sourceIds"),
        )
    body: dict[str, Any] = {}
    if patch.name is not None and patch.name != current.name:
        body["name"] = patch.name
    if patch.enabled is not None and patch.enabled != current.enabled:
        body["enabled"] = patch.enabled
    changed = {k: v for k, v in (patch.settings.changed if patch.settings else {}).items() if not is_masked(v)}
    if changed:
        body["settings"] = changed
    return body


def name_and_enabled(patch: DestinationPatch) -> dict[str, Any]:
    """The PATCH body of a change of name or enabled alone, sent without comparing to what is stored."""
    body: dict[str, Any] = {}
    if patch.name is not None:
        body["name"] = patch.name
    if patch.enabled is not None:
        body["enabled"] = patch.enabled
    return body


def subscription_body(draft: SubscriptionDraft, *, path: tuple[str, ...]) -> dict[str, Any]:
    """The POST /destinations/{id}/subscriptions body; ``path`` is where the draft sits in the input."""
    _refuse_nimriz_fields(draft, path)
    if not draft.action_id:
        raise InvalidInputError(
            "a Segment subscription needs the actionId of one of its actions", field=(*path, "actionId")
        )
    if not draft.trigger:
        raise InvalidInputError("a Segment subscription needs an FQL trigger", field=(*path, "trigger"))
    body: dict[str, Any] = {
        "name": draft.name,
        "actionId": draft.action_id,
        "trigger": draft.trigger,
        "enabled": draft.enabled,
    }
    if draft.settings:
        body["settings"] = create_settings(draft.settings, path=(*path, "settings"))
    if draft.model_id:
        body["modelId"] = draft.model_id
    return body


def subscription_patch_body(current: DestinationSubscription, patch: SubscriptionPatch) -> dict[str, Any]:
    """The ``input`` of PATCH /destinations/{d}/subscriptions/{s}: only the fields that change.

    Segment replaces a subscription's settings whole, so ``patch.settings`` (the merged object) is sent
    as it is; a masked value in it cannot be sent and is refused.
    """
    _refuse_nimriz_fields(patch, INPUT)
    changes: dict[str, Any] = {}
    if patch.name is not None and patch.name != current.name:
        changes["name"] = patch.name
    if patch.enabled is not None and patch.enabled != current.enabled:
        changes["enabled"] = patch.enabled
    if patch.trigger is not None and patch.trigger != current.trigger:
        changes["trigger"] = patch.trigger
    if patch.settings is not None and patch.settings != current.settings:
        for key, value in patch.settings.items():
            if is_masked(value):
                raise InvalidInputError(
                    "a masked value cannot be stored as a setting: send the value itself",
                    field=(*INPUT, "settings", key),
                )
        changes["settings"] = dict(patch.settings)
    return changes


def create_settings(settings: dict[str, Any], *, path: tuple[str, ...]) -> dict[str, Any]:
    """Settings for a create: nulls mean "not set" and are left out; a masked value is refused."""
    for key, value in settings.items():
        if is_masked(value):
            raise InvalidInputError(
                "a masked value cannot be stored as a setting: send the value itself", field=(*path, key)
            )
    return {k: v for k, v in settings.items() if v is not None}


def _refuse_nimriz_fields(draft: SubscriptionDraft | SubscriptionPatch, path: tuple[str, ...]) -> None:
    for attribute, name in _NIMRIZ_FIELDS:
        if getattr(draft, attribute, None) is not None:
            raise InvalidInputError(
                f"{name} is for Nimriz actions; Segment subscriptions use trigger", field=(*path, name)
            )
