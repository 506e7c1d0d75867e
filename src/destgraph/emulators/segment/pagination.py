"""Segment pagination: ``pagination[count]`` (required, 1..1000) and an opaque ``pagination[cursor]``.

Both the deepObject form the SDKs send (``pagination[count]=10``) and the dot form of the docs'
Pagination page (``pagination.count=10``) parse. Cursors are base64 of the offset, as the document's
examples show (``MA==`` first page, ``MQ==`` after one item); anything else is a 422, never a 500.
Output: ``current``; ``next`` unless this is the last page; ``previous`` unless this is the first;
``totalEntries``.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from destgraph.emulators.segment.errors import invalid

MAX_COUNT = 1000


@dataclass(frozen=True)
class Page:
    """Where a list call starts and how many items it wants."""

    offset: int
    count: int

    def output(self, total: int) -> dict[str, Any]:
        """The PaginationOutput of this page of a list of ``total`` items."""
        out: dict[str, Any] = {"current": encode_cursor(self.offset)}
        if self.offset + self.count < total:
            out["next"] = encode_cursor(self.offset + self.count)
        if self.offset > 0:
            out["previous"] = encode_cursor(max(0, self.offset - self.count))
        out["totalEntries"] = total
        return out


def encode_cursor(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.b64decode(cursor.encode("ascii"), validate=True).decode("ascii")
    except (UnicodeError, binascii.Error, ValueError):
        raise invalid("pagination.cursor", "pagination.cursor is not a valid cursor") from None
    if not text.isdigit() or not text.isascii():
        raise invalid("pagination.cursor", "pagination.cursor is not a valid cursor")
    return int(text)


def _param(request: Request, key: str) -> str | None:
    params = request.query_params
    for name in (f"pagination[{key}]", f"pagination.{key}"):
        if name in params:
            return params[name]
    return None


def page_of(request: Request) -> Page:
    """The page a list call asks for; 422 without a count (the seed marks pagination required)."""
    count_text = _param(request, "count")
    cursor_text = _param(request, "cursor")
    if count_text is None:
        field = "pagination" if cursor_text is None else "pagination.count"
        raise invalid(field, f'"{field}" is required')
    stripped = count_text.strip()
    if not stripped.lstrip("-").isdigit() or not stripped.isascii():
        raise invalid("pagination.count", "pagination.count must be an integer between 1 and 1000")
    count = int(stripped)
    if not 1 <= count <= MAX_COUNT:
        raise invalid("pagination.count", "pagination.count must be an integer between 1 and 1000")
    offset = decode_cursor(cursor_text) if cursor_text else 0
    return Page(offset=offset, count=count)
