"""Destination settings: which options are secret or read-only, how secrets are masked, how values are checked.

Segment's options carry no secret flag (segment-public-api.md section 10), so secrecy is read from the
catalog: an option is secret when its name says so (apiKey, apiSecret, secretKey, token, password,
accessKey, devKey ...), its label says so ("API Key", "Access Token", "Secret ID"), its description says
"This value is also a secret" or "treated as a password", or its type is ``password``. A setting with no
option behind it is secret when its key is named like one.
"""

from __future__ import annotations

import re
from typing import Any

#: the seed's create sample: ``"apiKey": "••••••••••dada"``, ten bullets then the last four characters
BULLETS = "\u2022" * 10
_SECRET_NAME = re.compile(r"api_?key|api_?secret|dev_?key|secret|token|password|passwd|private_?key|access_?key", re.I)
_SECRET_LABEL = re.compile(r"\b(secret|password|token|api key|access key)\b", re.I)
_SECRET_TEXT = re.compile(r"this value is also a secret|treated as a password", re.I)
_READ_ONLY = re.compile(r"read-only", re.I)

#: option type -> (python types a value may have, words for the error message)
_VALUE_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "boolean": ((bool,), "a boolean"),
    "number": ((int, float), "a number"),
    "string": ((str,), "a string"),
    "select": ((str,), "a string"),
    "password": ((str,), "a string"),
    "text": ((str,), "a string"),
    "color": ((str,), "a string"),
    "array": ((list,), "an array"),
    "strings": ((list,), "an array"),
    "map": ((dict,), "an object"),
    "text-map": ((dict,), "an object"),
    "mixed": ((dict,), "an object"),
}


def is_secret_name(key: str) -> bool:
    return _SECRET_NAME.search(key) is not None


def is_secret_option(option: dict[str, Any]) -> bool:
    return (
        option.get("type") == "password"
        or is_secret_name(option["name"])
        or _SECRET_LABEL.search(option.get("label", "")) is not None
        or _SECRET_TEXT.search(option.get("description", "")) is not None
    )


def is_read_only_option(option: dict[str, Any]) -> bool:
    """Kinesis ``secretId``: labelled "(Read-Only)", described "This value is read-only"."""
    return _READ_ONLY.search(option.get("label", "")) is not None or (
        _READ_ONLY.search(option.get("description", "")) is not None
    )


def mask(value: Any) -> Any:
    """Ten bullets plus the last four characters; bullets alone for four or fewer; "" and non-strings as they are."""
    if not isinstance(value, str) or value == "":
        return value
    return BULLETS + value[-4:] if len(value) > 4 else BULLETS


def type_problem(option: dict[str, Any], value: Any) -> str | None:
    """Why ``value`` does not fit the option's type, or None. Null is accepted for every type."""
    if value is None:
        return None
    expected = _VALUE_TYPES.get(option.get("type", ""))
    if expected is None:
        return None
    types, words = expected
    if isinstance(value, bool) and bool not in types:
        return f"must be {words}"
    if not isinstance(value, types):
        return f"must be {words}"
    return None


def is_blank(value: Any) -> bool:
    return value is None or value == ""
