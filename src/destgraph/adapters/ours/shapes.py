"""Ours Privacy REST API answers, as the adapter reads them.

Lists are ``{entities, pagination: {nextCursor, hasMore}}``; single objects are bare. Only the fields
the gateway uses are declared; everything else stays in the raw row.
"""

from __future__ import annotations

from typing import Any

from destgraph.adapters.shapes import ParsedByContent, VendorShape


class Pagination(VendorShape):
    nextCursor: str | None = None
    hasMore: bool = False


class ListPage(VendorShape):
    """A list answer; its rows stay raw here and are parsed one by one."""

    entities: list[Any]
    pagination: Pagination


class Destination(VendorShape):
    id: str
    type: str
    name: str | None = None
    status: str | None = None
    settings: dict[str, Any] | None = None
    limitedToSourceIds: list[str] | None = None
    createdAt: str | None = None
    updatedAt: str | None = None


class SettingOption(VendorShape):
    value: str
    label: str | None = None


class SettingDescriptor(VendorShape):
    key: str
    type: str | None = None
    label: str | None = None
    sublabel: str | None = None
    required: bool = False
    defaultValue: Any = None
    options: list[SettingOption] | None = None


class DestinationTypeRow(VendorShape):
    id: str
    label: str | None = None
    status: str | None = None
    settings: list[SettingDescriptor] = []


#: each distinct type row validated once: the whole list comes again on every catalog refresh
type_rows = ParsedByContent(DestinationTypeRow, maximum=512)


class TypeList(VendorShape):
    """The /types answer: ``{entities: [...]}`` with no pagination."""

    entities: list[Any]
