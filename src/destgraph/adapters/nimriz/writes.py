"""Nimriz writes: the request bodies and the checks for what Nimriz cannot express.

Nimriz facts these rely on: actions live inside their destination and have no endpoint of their own,
so every action write is a PUT of the destination with its WHOLE action list (a PUT without
``actions`` leaves none; an action sent with its id keeps it). Credentials sent in a PUT replace the
stored object whole, and a ``[REDACTED]`` sent back is stored literally, replacing the secret.
"""

from __future__ import annotations

from typing import Any

from destgraph.adapters.nimriz.catalog import BY_KEY
from destgraph.domain.models import JSONObject
from destgraph.domain.problems import ProblemCode
from destgraph.domain.secrets import is_masked
from destgraph.domain.writes import DestinationDraft, SettingsChange, SubscriptionDraft, SubscriptionPatch
from destgraph.errors import InvalidInputError

DESTINATIONS = "/api/integrations/destinations"
#: the fields of an action Nimriz takes back in a PUT
_ACTION_KEYS = ("id", "name", "action_type", "enabled", "property_mapping", "event_filter")

Field = tuple[str, ...]


def create_body(draft: DestinationDraft) -> JSONObject:
    """The POST body: the destination with its actions, which Nimriz creates in the same call."""
    if draft.source_ids:
        raise InvalidInputError("Nimriz destinations have no sources", field=("input", "sourceIds"))
    if draft.connection_ref is not None:
        raise InvalidInputError("Nimriz destinations have no shared connections", field=("input", "connectionRef"))
    credentials: JSONObject = {}
    for key, value in draft.settings.items():
        if value is None:
            continue
        if is_masked(value):
            raise InvalidInputError(
                "A masked value cannot be stored as a Nimriz credential: give the real value",
                field=("input", "settings", key),
            )
        credentials[key] = value
    actions = [
        new_action_body(sub, draft.type_key, ("input", "subscriptions", str(i)))
        for i, sub in enumerate(draft.subscriptions)
    ]
    return {
        "name": draft.name,
        "type": draft.type_key,
        "enabled": draft.enabled,
        "credentials": credentials,
        "actions": actions,
    }


def credentials_for_put(change: SettingsChange) -> JSONObject:
    """The whole credentials object a PUT must carry once any credential changes.

    Nimriz replaces the stored credentials with what is sent, and stores a ``[REDACTED]`` sent back
    literally: a secret the caller did not give again (still the vendor's mask in ``merged``) would
    be destroyed, so it is refused here, before any call.
    """
    credentials = _put_credentials(change)
    masked = secrets_not_given(change)
    if masked:
        raise InvalidInputError(
            f"{WHOLE_CREDENTIALS}; missing: {', '.join(masked)}",
            field=("input", "settings", masked[0]),
            code=ProblemCode.REQUIRED,
        )
    return credentials


#: why an update that changes credentials must carry every secret
WHOLE_CREDENTIALS = (
    "Nimriz replaces credentials whole, so every secret credential must be given when any credential changes"
)


def secrets_not_given(change: SettingsChange) -> list[str]:
    """The stored secrets a credentials PUT would destroy: not given again, so still the vendor's mask."""
    return [k for k, v in _put_credentials(change).items() if is_masked(v)]


def _put_credentials(change: SettingsChange) -> JSONObject:
    return {k: v for k, v in change.merged.items() if v is not None and k not in change.removed}


def new_action_body(draft: SubscriptionDraft, type_key: str, where: Field) -> JSONObject:
    """A new action (no id: Nimriz assigns one). ``where`` is the draft's input path, for errors."""
    unsupported = {
        "trigger": draft.trigger is not None,
        "actionId": draft.action_id is not None,
        "modelId": draft.model_id is not None,
        "settings": bool(draft.settings),
    }
    for name, present in unsupported.items():
        if present:
            raise InvalidInputError(
                f"Nimriz actions have no {name}: use actionType, eventFilter and propertyMapping",
                field=(*where, name),
            )
    action_type = draft.action_type or _only_action_type(type_key)
    if action_type is None:
        raise InvalidInputError(
            "Nimriz needs the action type of a new action", field=(*where, "actionType"), code=ProblemCode.REQUIRED
        )
    body: JSONObject = {"name": draft.name, "action_type": action_type, "enabled": draft.enabled}
    if draft.property_mapping is not None:
        body["property_mapping"] = draft.property_mapping
    if draft.event_filter is not None:
        body["event_filter"] = draft.event_filter
    return body


def check_patch(patch: SubscriptionPatch) -> None:
    """Refuse, before any call, what a Nimriz action cannot hold."""
    if patch.trigger is not None:
        raise InvalidInputError(
            "Nimriz actions have no trigger: use eventFilter to choose the events", field=("input", "trigger")
        )
    if patch.settings:
        raise InvalidInputError("Nimriz actions have no settings", field=("input", "settings"))


def patched_action(action: JSONObject, patch: SubscriptionPatch) -> JSONObject:
    """The action with the patch's fields replaced whole (its id kept)."""
    changes = {
        "name": patch.name,
        "enabled": patch.enabled,
        "event_filter": patch.event_filter,
        "property_mapping": patch.property_mapping,
    }
    return {**action, **{k: v for k, v in changes.items() if v is not None}}


def action_bodies(row: dict[str, Any]) -> list[JSONObject]:
    """A destination's actions as read, ready to be sent back with their ids (so Nimriz keeps them)."""
    return [{k: a[k] for k in _ACTION_KEYS if k in a} for a in row.get("actions") or () if isinstance(a, dict)]


def _only_action_type(type_key: str) -> str | None:
    known = BY_KEY.get(type_key)
    if known is None or len(known.actions) != 1:
        return None
    return known.actions[0].key
