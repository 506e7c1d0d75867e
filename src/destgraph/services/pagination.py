"""One cursor over every workspace: where a walk through destinations stands.

A position names a workspace (by key), the vendor's cursor of the page being read there, the
vendor page size used (so re-reading that page gives the same rows), how many of its rows were
consumed, and the id of the last one (so a row removed meanwhile does not shift the walk). A
fingerprint of the filter and the workspace set ties a cursor to the query that issued it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from destgraph.domain.ids import MalformedCursor, decode_cursor, encode_cursor
from destgraph.errors import BadCursorError, InvalidInputError


@dataclass(frozen=True)
class Position:
    workspace: str
    vendor_cursor: str | None = None
    page_size: int = 0
    offset: int = 0
    after_id: str | None = None

    def encode(self, fingerprint: str) -> str:
        return encode_cursor(
            {
                "w": self.workspace,
                "c": self.vendor_cursor,
                "n": self.page_size,
                "o": self.offset,
                "a": self.after_id,
                "f": fingerprint,
            }
        )

    @classmethod
    def decode(cls, cursor: str, fingerprint: str) -> Position:
        try:
            payload = decode_cursor(cursor)
            position = cls(
                workspace=_typed(payload, "w", str),
                vendor_cursor=_typed(payload, "c", str, optional=True),
                page_size=_typed(payload, "n", int),
                offset=_typed(payload, "o", int),
                after_id=_typed(payload, "a", str, optional=True),
            )
        except MalformedCursor as exc:
            raise BadCursorError(str(exc)) from exc
        if payload.get("f") != fingerprint:
            raise BadCursorError("the cursor belongs to another query (filter or workspaces differ)")
        if position.offset < 0 or position.page_size < 0:
            raise BadCursorError("the cursor is not one this API issued")
        return position


def _typed(payload: dict[str, Any], key: str, kind: type, *, optional: bool = False) -> Any:
    value = payload.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise MalformedCursor("the cursor is not one this API issued")
    return value


def fingerprint(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class OffsetCursor:
    """Cursors of short lists the gateway slices itself (catalogs, subscriptions)."""

    scope: str

    def encode(self, index: int) -> str:
        return encode_cursor({"i": index, "s": self.scope})

    def decode(self, cursor: str | None) -> int:
        if cursor is None:
            return 0
        try:
            payload = decode_cursor(cursor)
        except MalformedCursor as exc:
            raise BadCursorError(str(exc)) from exc
        index = payload.get("i")
        if payload.get("s") != self.scope or not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise BadCursorError("the cursor is not one this API issued for this list")
        return index + 1


class OffsetCursors:
    """The cursors of a page sliced from a list held whole (``start`` its first item's index),
    each encoded when read: a page of catalog types or subscriptions whose cursors nobody asks
    for encodes none."""

    def __init__(self, cursor: OffsetCursor, start: int, count: int) -> None:
        self._cursor = cursor
        self._start = start
        self._count = count

    def __len__(self) -> int:
        return self._count

    def at(self, position: int) -> str:
        """The cursor of the page's item at ``position`` (negative counts from the end)."""
        if not -self._count <= position < self._count:
            raise IndexError(position)
        return self._cursor.encode(self._start + position % self._count)

    @property
    def first(self) -> str | None:
        return self.at(0) if self._count else None

    @property
    def last(self) -> str | None:
        return self.at(-1) if self._count else None


def page_size(first: int | None, *, default: int, maximum: int) -> int:
    if first is None:
        return default
    if first < 0:
        raise InvalidInputError("first must not be negative", field=("first",))
    return min(first, maximum)
