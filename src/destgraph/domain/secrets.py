"""The masking policy: which values are secret, and how they are shown.

A value is secret when the catalog says so (Ours Secret settings, Segment options the adapter
marks, Zeotap Password fields), when the vendor says so (Nimriz credentials), when its key is
named like one (key, secret, token, password, credential, salt, ...) or when it sits under a
``headers`` map. Whatever the vendor did — Segment returns some secrets in clear — the gateway
shows a secret as bullets plus at most its last four characters, and never more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

BULLET = "\u2022"
MASK_PREFIX = BULLET * 8
_SECRET_WORDS = ("secret", "password", "passwd", "token", "credential", "salt", "private", "authorization")
_NOT_SECRET_NAMES = frozenset({"tokentype", "primarykey", "keyfield", "keys", "key", "keyname", "idempotencykey"})
_HEADER_MAPS = frozenset({"headers", "custom_headers", "customheaders"})


def is_secret_name(key: str) -> bool:
    """Whether a key is named like a secret: apiKey, api_secret, accessToken, X-API-Key, hashingSalt ..."""
    name = re.sub(r"[^a-z]", "", key.lower())
    if name in _NOT_SECRET_NAMES:
        return False
    return any(word in name for word in _SECRET_WORDS) or name.endswith("key") or "apikey" in name


def is_masked(value: Any) -> bool:
    """True for a value that is already a mask (ours or a vendor's) rather than a secret."""
    if not isinstance(value, str) or not value:
        return False
    return value.startswith(BULLET) or set(value) == {"*"} or value == "[REDACTED]"


def mask_tail(mask: str) -> str:
    """The characters a mask still shows of its secret ("" when it shows none)."""
    return "" if mask == "[REDACTED]" else mask.lstrip(BULLET).lstrip("*")


def holds_mask(value: Any) -> bool:
    """Whether a value, or anything nested in it, is a mask rather than a real value."""
    if isinstance(value, dict):
        return any(holds_mask(v) for v in value.values())
    if isinstance(value, list):
        return any(holds_mask(v) for v in value)
    return is_masked(value)


def mask_value(value: Any) -> Any:
    """Bullets plus the last four characters of a long enough string; bullets alone otherwise."""
    if value is None or value == "":
        return value
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(v) for v in value]
    text = str(value)
    if is_masked(text):
        # The vendor masked it already; keep what it chose to show (never more than four).
        visible = mask_tail(text)
        return MASK_PREFIX + visible[-4:] if len(visible) <= 4 else MASK_PREFIX
    return MASK_PREFIX + text[-4:] if len(text) >= 12 else MASK_PREFIX


def mask_settings(settings: dict[str, Any], secret_keys: Iterable[str] = ()) -> dict[str, Any]:
    """A copy of ``settings`` with every secret value masked, at any depth."""
    return _mask_dict(settings, frozenset(secret_keys), inside_headers=False)


def secret_keys_of(settings: dict[str, Any], declared: Iterable[str] = ()) -> list[str]:
    """Top-level keys of ``settings`` whose values are masked: declared secrets plus named ones."""
    declared = frozenset(declared)
    return sorted(k for k, v in settings.items() if k in declared or is_secret_name(k) or k.lower() in _HEADER_MAPS)


def _mask_tree(node: Any, secret_keys: frozenset[str], *, inside_headers: bool) -> Any:
    if isinstance(node, dict):
        return _mask_dict(node, secret_keys, inside_headers=inside_headers)
    if isinstance(node, list):
        return [_mask_tree(item, secret_keys, inside_headers=inside_headers) for item in node]
    return mask_value(node) if inside_headers else node


def _mask_dict(node: dict[str, Any], secret_keys: frozenset[str], *, inside_headers: bool) -> dict[str, Any]:
    masked: dict[str, Any] = {}
    for key, value in node.items():
        if inside_headers or key in secret_keys or (is_secret_name(key) and not isinstance(value, dict | list)):
            masked[key] = mask_value(value)
        else:
            masked[key] = _mask_tree(value, secret_keys, inside_headers=key.lower() in _HEADER_MAPS)
    return masked


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every known secret value replaced by its mask (for error messages and logs)."""
    for secret in sorted({s for s in secrets if isinstance(s, str) and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, mask_value(secret))
    return text


def could_be(stored: Any, given: Any) -> bool:
    """Whether a value a vendor stores (perhaps masked by it) could be the value that was written.

    A vendor's mask shows at most a tail of the secret: a mask agrees with a value that ends with
    that tail. Used to recognise a write's effect when its reply was lost, never to read a secret.
    """
    if stored == given:
        return True
    if not (isinstance(stored, str) and isinstance(given, str) and is_masked(stored)):
        return False
    return given.endswith(mask_tail(stored))


def settings_could_be(stored: dict[str, Any], given: dict[str, Any]) -> bool:
    """Every given setting could be what ``stored`` holds (a None value: the key is absent or null)."""
    for key, value in given.items():
        if value is None:
            if stored.get(key) is not None:
                return False
        elif key not in stored or not could_be(stored[key], value):
            return False
    return True
