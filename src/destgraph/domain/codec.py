"""Plain JSON for the domain's frozen dataclasses, so they can cross a shared store.

What goes through the cache port must be plain JSON (state/ports.py): a store shared by replicas
must never hold anything that could run code when read back (no pickle). ``to_json`` turns a
dataclass of the unified model (DestinationType, SettingDefinition, ActionDefinition,
WorkspaceHealth, ...) into JSON: enums by value, tuples as lists, datetimes in ISO 8601, nested
dataclasses as objects keyed by field name. ``from_json(cls, data)`` builds it again from the
field types the dataclass declares, and raises CodecError for anything that does not fit (a foreign
or damaged entry is then a cache miss, never a wrong object).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from datetime import datetime
from typing import Any, TypeVar

T = TypeVar("T")


class CodecError(ValueError):
    """JSON that does not decode to the type asked for."""


def to_json(value: Any) -> Any:
    """``value`` as plain JSON (dicts with string keys, lists, strings, numbers, booleans, None).

    TypeError for what has no JSON form here (sets, bytes, objects that are not dataclasses).
    """
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, enum.Enum):
        return to_json(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        encoded: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"a JSON object's keys are strings, not {type(key).__name__}")
            encoded[key] = to_json(item)
        return encoded
    raise TypeError(f"{type(value).__name__} has no plain JSON form")


def from_json(cls: type[T], data: Any) -> T:
    """The ``cls`` dataclass that ``to_json`` turned into ``data``; CodecError if it does not fit.

    Fields missing from ``data`` take their defaults (an entry written before a field was added);
    unknown keys are ignored.
    """
    if not (dataclasses.is_dataclass(cls) and isinstance(cls, type)):
        raise TypeError(f"{cls!r} is not a dataclass")
    if not isinstance(data, dict):
        raise CodecError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        if f.name in data:
            values[f.name] = _decode(hints[f.name], data[f.name], f"{cls.__name__}.{f.name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise CodecError(f"{cls.__name__}: {f.name} is missing")
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise CodecError(f"{cls.__name__}: {exc}") from None


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(hint: Any, value: Any, where: str) -> Any:
    if hint is Any:
        return value
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _decode(option, value, where)
            except CodecError as exc:
                errors.append(str(exc))
        raise CodecError("; ".join(errors) or f"{where}: unexpected null")
    if origin is tuple:
        args = typing.get_args(hint)
        if not isinstance(value, list):
            raise CodecError(f"{where}: expected a list, got {type(value).__name__}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item, where) for item in value)
        if len(args) != len(value):
            raise CodecError(f"{where}: expected {len(args)} items, got {len(value)}")
        return tuple(_decode(arg, item, where) for arg, item in zip(args, value, strict=True))
    if origin is list:
        (item_hint,) = typing.get_args(hint) or (Any,)
        if not isinstance(value, list):
            raise CodecError(f"{where}: expected a list, got {type(value).__name__}")
        return [_decode(item_hint, item, where) for item in value]
    if origin is dict:
        _, item_hint = typing.get_args(hint) or (str, Any)
        if not isinstance(value, dict):
            raise CodecError(f"{where}: expected an object, got {type(value).__name__}")
        return {key: _decode(item_hint, item, where) for key, item in value.items()}
    if isinstance(hint, type):
        return _decode_type(hint, value, where)
    raise TypeError(f"{where}: no JSON decoding for {hint!r}")


def _decode_type(hint: type, value: Any, where: str) -> Any:
    if issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except ValueError:
            raise CodecError(f"{where}: {value!r} is not a {hint.__name__}") from None
    if issubclass(hint, datetime):
        if not isinstance(value, str):
            raise CodecError(f"{where}: expected an ISO 8601 string")
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise CodecError(f"{where}: {value!r} is not an ISO 8601 time") from None
    if dataclasses.is_dataclass(hint):
        return from_json(hint, value)
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
    elif hint is dict or hint is list:
        if isinstance(value, hint):
            return value
    else:
        raise TypeError(f"{where}: no JSON decoding for {hint.__name__}")
    raise CodecError(f"{where}: expected {hint.__name__}, got {type(value).__name__}")
