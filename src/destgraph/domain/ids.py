"""Opaque global ids and cursors.

A global id is base64url (unpadded) of ``Type:workspace:native`` — the native id may itself hold
colons, so only the first two split. Cursors are base64url of compact JSON with a version field.
Both decode strictly: anything else raises ``MalformedId`` / ``MalformedCursor``.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

NODE_TYPES = frozenset({"Workspace", "Destination", "DestinationSubscription", "DestinationType"})


class MalformedId(ValueError):
    """A global id that is not one of ours."""


class MalformedCursor(ValueError):
    """A cursor that is not one of ours, or not for this connection."""


def _b64encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _b64decode(text: str) -> str:
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(str(exc)) from exc


@dataclass(frozen=True)
class GlobalId:
    type_name: str
    workspace: str
    native_id: str

    def encode(self) -> str:
        return _b64encode(f"{self.type_name}:{self.workspace}:{self.native_id}")

    @classmethod
    def decode(cls, text: str, *, expect: str | None = None) -> GlobalId:
        try:
            type_name, workspace, native_id = _b64decode(text).split(":", 2)
        except ValueError as exc:
            raise MalformedId(f"{text!r} is not a destgraph id") from exc
        if type_name not in NODE_TYPES or not workspace or not native_id:
            raise MalformedId(f"{text!r} is not a destgraph id")
        if expect is not None and type_name != expect:
            raise MalformedId(f"{text!r} is the id of a {type_name}, not of a {expect}")
        return cls(type_name, workspace, native_id)


def encode_cursor(payload: dict[str, Any]) -> str:
    return _b64encode(json.dumps({"v": 1, **payload}, separators=(",", ":"), sort_keys=True))


def decode_cursor(text: str) -> dict[str, Any]:
    try:
        payload = json.loads(_b64decode(text))
    except ValueError as exc:
        raise MalformedCursor("the cursor is not one this API issued") from exc
    if not isinstance(payload, dict) or payload.pop("v", None) != 1:
        raise MalformedCursor("the cursor is not one this API issued")
    return payload
