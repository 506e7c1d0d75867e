"""The fields the file manages, as the vendor holds them: what export writes and the state record keeps.

A view leaves out what the user does not set (ids, versions, timestamps, computed fields such as
``service`` or a Nimriz action's derived trigger) and puts each secret through a callback: export
turns it into a ``${NAME}`` reference, the state record into the ``SECRET`` placeholder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from destgraph.ascode.remote import RemoteDestination, RemoteSubscription
from destgraph.domain.secrets import is_masked

SECRET = "(secret)"
#: the field path of a secret inside a view (e.g. ("settings", "headers", "X-Token")) to what stands for it
SecretFn = Callable[[tuple[str, ...]], Any]


def placeholder(path: tuple[str, ...]) -> Any:
    return SECRET


def settings_view(settings: dict[str, Any], secret_keys: frozenset[str], secret: SecretFn) -> dict[str, Any]:
    """Settings in key order, each secret (declared, or masked at any depth) through ``secret``."""
    out: dict[str, Any] = {}
    for key in sorted(settings):
        value = settings[key]
        if key in secret_keys and _scalar(value) and value != "":
            out[key] = secret(("settings", key))
        else:
            out[key] = _leaves(value, ("settings", key), secret)
    return out


def destination_view(remote: RemoteDestination, secret: SecretFn = placeholder) -> dict[str, Any]:
    view: dict[str, Any] = {"name": remote.name, "typeKey": remote.type_key, "enabled": remote.enabled}
    if remote.source_ids:
        view["sourceIds"] = list(remote.source_ids)
    if remote.settings:
        view["settings"] = settings_view(remote.settings, remote.secret_keys, secret)
    return view


def subscription_view(remote: RemoteSubscription, secret: SecretFn = placeholder) -> dict[str, Any]:
    view: dict[str, Any] = {"name": remote.name, "enabled": remote.enabled}
    if remote.action_id is not None:
        view["actionId"] = remote.action_id
    if remote.action_type is not None:
        view["actionType"] = remote.action_type
    if remote.model_id is not None:
        view["modelId"] = remote.model_id
    # A Nimriz action's trigger is derived from its event filter: the filter is what is set.
    if remote.trigger is not None and remote.action_type is None:
        view["trigger"] = remote.trigger
    if remote.settings:
        view["settings"] = settings_view(remote.settings, frozenset(), secret)
    if remote.event_filter is not None and remote.action_type is not None:
        view["eventFilter"] = remote.event_filter
    if remote.property_mapping is not None and remote.action_type is not None:
        view["propertyMapping"] = remote.property_mapping
    return view


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _leaves(value: Any, path: tuple[str, ...], secret: SecretFn) -> Any:
    if is_masked(value):
        return secret(path)
    if isinstance(value, dict):
        return {k: _leaves(v, (*path, k), secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_leaves(v, (*path, str(i)), secret) for i, v in enumerate(value)]
    return value
