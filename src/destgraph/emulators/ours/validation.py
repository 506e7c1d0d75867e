"""Request validation, in the spirit of the zod schemas the published document was generated from.

Bodies are strict objects: a key the operation's schema does not name is refused, which is why the
PATCH schema has to declare id, createdAt, updatedAt and type "to support GET -> PATCH round-trips".
The problems of one stage (the body's shape, then the settings against the type) are reported
together, each naming its path (``settings.apiKey: ...``), joined into ``details`` the way zod lists
its issues.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from destgraph.emulators.ours.catalog import (
    ALERT,
    GENERIC_OAUTH,
    MASK,
    READ_ONLY_TYPE_IDS,
    READABLE_TYPE_IDS,
    SECRET,
    SELECT,
    STATUSES,
    SWITCH,
    TYPES_BY_ID,
    DestinationType,
)
from destgraph.emulators.ours.errors import bad_request

INVALID_BODY = "Invalid request body"
INVALID_SETTINGS = "Invalid settings"
INVALID_QUERY = "Invalid query parameters"

CREATE_KEYS = frozenset({"name", "type", "settings"})
PATCH_KEYS = frozenset(
    {"id", "createdAt", "updatedAt", "type", "status", "name", "hashingSalt", "limitedToSourceIds", "settings"}
)


@dataclass
class Patch:
    """A validated PATCH body: the top-level fields it sets (None clears) and its raw settings."""

    fields: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] | None = None
    clear_settings: bool = False


async def read_body(request: Request) -> dict[str, Any]:
    """The JSON object body, or Ours's 400 for a wrong media type, no body or malformed JSON."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        shown = media_type or "none"
        raise bad_request("Unsupported content type", f"Content-Type must be application/json, got {shown}")
    raw = await request.body()
    if not raw.strip():
        raise bad_request(INVALID_BODY, "Request body is required")
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise bad_request(INVALID_BODY, f"Malformed JSON in request body: {exc}") from exc
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # Not UTF-8, an integer past Python's digit limit, or nesting past the recursion limit:
        # core.read_json lets the last two through as 500s, so the body is parsed here.
        raise bad_request(INVALID_BODY, "Malformed JSON in request body: not UTF-8, too large or too deep") from exc
    if not isinstance(body, dict):
        raise bad_request(INVALID_BODY, f"Expected object, received {_kind(body)}")
    return body


def validate_create(body: dict[str, Any]) -> tuple[DestinationType, str | None, dict[str, Any]]:
    """The type, name and settings of a POST body, or a 400 listing every problem."""
    issues = _unknown_keys(body, CREATE_KEYS)
    type_id = body.get("type")
    if "type" not in body or type_id is None:
        issues.append("type: Required")
    elif not isinstance(type_id, str):
        issues.append(f"type: Expected string, received {_kind(type_id)}")
    elif type_id in READ_ONLY_TYPE_IDS:
        issues.append(
            f"type: {type_id} is a warehouse, cloud-storage or audience-sync type and cannot be created "
            "through POST /rest/v1/destinations"
        )
    elif type_id not in TYPES_BY_ID:
        issues.append(f"type: Invalid enum value, received '{type_id}'")
    _check_nullable_string(body, "name", issues)
    settings = body.get("settings")
    if settings is not None and not isinstance(settings, dict):
        issues.append(f"settings: Expected object, received {_kind(settings)}")
    if issues:
        raise bad_request(INVALID_BODY, issues, field=_first_field(issues))
    assert isinstance(type_id, str)
    kind = TYPES_BY_ID[type_id]
    return kind, body.get("name"), validate_settings(kind, settings or {}, stored=None)


def validate_patch(body: dict[str, Any]) -> Patch:
    """The top-level shape of a PATCH body (settings are checked against the type later)."""
    issues = _unknown_keys(body, PATCH_KEYS)
    for key in ("id", "createdAt"):
        if key in body and not isinstance(body[key], str):
            issues.append(f"{key}: Expected string, received {_kind(body[key])}")
    _check_nullable_string(body, "updatedAt", issues)
    if "type" in body and body["type"] not in READABLE_TYPE_IDS:
        issues.append(f"type: Invalid enum value, received {body['type']!r}")
    if body.get("status") is not None and body["status"] not in STATUSES:
        issues.append(f"status: Invalid enum value. Expected 'Disabled' | 'Enabled', received {body['status']!r}")
    _check_nullable_string(body, "name", issues)
    _check_nullable_string(body, "hashingSalt", issues)
    sources = body.get("limitedToSourceIds")
    if sources is not None and (not isinstance(sources, list) or not all(isinstance(s, str) for s in sources)):
        issues.append("limitedToSourceIds: Expected an array of strings")
    settings = body.get("settings")
    if settings is not None and not isinstance(settings, dict):
        issues.append(f"settings: Expected object, received {_kind(settings)}")
    if issues:
        raise bad_request(INVALID_BODY, issues, field=_first_field(issues))

    patch = Patch()
    for key in ("name", "hashingSalt", "limitedToSourceIds"):
        if key in body:
            patch.fields[key] = body[key]
    # status is required on the entity, so a null cannot clear it: it leaves the status as it is.
    if body.get("status") is not None:
        patch.fields["status"] = body["status"]
    if "settings" in body:
        patch.clear_settings = settings is None
        patch.settings = settings
    return patch


def validate_settings(kind: DestinationType, sent: dict[str, Any], *, stored: dict[str, Any] | None) -> dict[str, Any]:
    """Settings merged over ``stored`` (None on create), key by key, checked against the type's descriptors.

    ``null`` removes a key, ``******`` on a Secret keeps the stored value; the result must still hold
    every required key. Raises a 400 naming each offending key.
    """
    merged = dict(stored or {})
    issues: list[str] = []
    for key, value in sent.items():
        descriptor = kind.descriptor(key)
        path = f"settings.{key}"
        if descriptor is None:
            issues.append(f"{path}: Unknown setting for destination type {kind.id}")
        elif descriptor.kind == ALERT:
            issues.append(f"{path}: Alert settings are informational and cannot be set")
        elif descriptor.kind == GENERIC_OAUTH:
            issues.append(f"{path}: OAuth connections are made in the Ours Privacy dashboard, not through the API")
        elif value is None:
            merged.pop(key, None)
        elif descriptor.kind == SECRET and value == MASK:
            if key not in merged:
                issues.append(f"{path}: {MASK} keeps a stored secret, but none is stored; send the value")
        elif descriptor.kind == SWITCH:
            if isinstance(value, bool):
                merged[key] = value
            else:
                issues.append(f"{path}: Expected boolean, received {_kind(value)}")
        elif descriptor.kind == SELECT:
            allowed = [v for _, v in descriptor.options]
            if value in allowed and isinstance(value, str):
                merged[key] = value
            else:
                expected = " | ".join(f"'{v}'" for v in allowed)
                issues.append(f"{path}: Invalid enum value. Expected {expected}, received {value!r}")
        elif isinstance(value, str):
            merged[key] = value
        else:
            issues.append(f"{path}: Expected string, received {_kind(value)}")
    for key in kind.required_keys:
        present = merged.get(key)
        if (present is None or present == "") and not any(i.startswith(f"settings.{key}:") for i in issues):
            issues.append(f"settings.{key}: Required for destination type {kind.id}")
    if issues:
        raise bad_request(INVALID_SETTINGS, issues, field=_first_field(issues))
    return merged


def parse_limit(raw: str | None) -> int:
    """Defaults to 25; below 1 is clamped to 1 and above 100 to 100; anything but an integer is a 400."""
    if raw is None or raw.strip() == "":
        return 25
    try:
        limit = int(raw.strip())
    except ValueError:
        raise bad_request(INVALID_QUERY, f"limit: Expected integer, received {raw[:64]!r}", field="limit") from None
    return min(100, max(1, limit))


def parse_enum(raw: str | None, name: str, allowed: tuple[str, ...]) -> str | None:
    if raw is None:
        return None
    if raw not in allowed:
        raise bad_request(INVALID_QUERY, f"{name}: Invalid enum value, received {raw[:64]!r}", field=name)
    return raw


def _unknown_keys(body: dict[str, Any], known: frozenset[str]) -> list[str]:
    unknown = [k for k in body if k not in known]
    if not unknown:
        return []
    return [f"Unrecognized key(s) in object: {', '.join(repr(k) for k in unknown)}"]


def _check_nullable_string(body: dict[str, Any], key: str, issues: list[str]) -> None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        issues.append(f"{key}: Expected string, received {_kind(value)}")


def _first_field(issues: list[str]) -> str | None:
    head = issues[0].split(":", 1)[0]
    return head if " " not in head else None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
