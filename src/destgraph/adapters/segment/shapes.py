"""Segment Public API answers, as the adapter reads them: the shapes of its ``data`` envelopes.

Only the fields the gateway uses are declared; everything else stays in the raw row.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import PlainValidator

from destgraph.adapters.shapes import ParsedByContent, VendorShape


class Pagination(VendorShape):
    current: str | None = None
    next: str | None = None
    totalEntries: int | None = None


class Option(VendorShape):
    """A setting of a catalog entry (DestinationMetadataV1.options)."""

    name: str
    label: str | None = None
    description: str | None = None
    type: str | None = None
    required: bool = False
    defaultValue: Any = None
    choices: Any = None
    options: Any = None


class ActionField(VendorShape):
    id: str | None = None
    fieldKey: str | None = None
    label: str | None = None
    type: str | None = None
    required: bool = False
    defaultValue: Any = None
    description: str | None = None
    choices: Any = None


class Action(VendorShape):
    id: str
    name: str | None = None
    slug: str | None = None
    description: str | None = None
    fields: list[ActionField] = []


class Metadata(VendorShape):
    """A catalog entry, embedded in every destination and listed by /catalog/destinations."""

    id: str | None = None
    slug: str = ""
    name: str | None = None
    status: str | None = None
    description: str | None = None
    categories: list[str] = []
    options: list[Option] = []
    actions: list[Action] = []


#: catalog entries, each distinct one validated once, whether embedded in a destination or listed by
#: /catalog/destinations (about 500 exist): the same content is the same model, whose type is built once
catalog_entries = ParsedByContent(Metadata, maximum=1024)


class Destination(VendorShape):
    id: str
    name: str | None = None
    enabled: bool = False
    settings: dict[str, Any] = {}
    sourceId: str | None = None
    #: the whole catalog entry, repeated in every destination of its type
    metadata: Annotated[Metadata | None, PlainValidator(catalog_entries)] = None


class Subscription(VendorShape):
    id: str
    name: str | None = None
    enabled: bool = False
    settings: dict[str, Any] | None = None
    trigger: str | None = None
    actionId: str | None = None
    actionSlug: str | None = None
    modelId: str | None = None
    #: what the update answer says where the others say modelId (seed sample)
    reverseETLModelId: str | None = None
    createdAt: str | None = None
    updatedAt: str | None = None


class MetricBreakdown(VendorShape):
    metricName: str = ""
    value: float = 0


class Metric(VendorShape):
    metricName: str = ""
    total: float = 0
    breakdown: list[MetricBreakdown] = []


class MetricsSummary(VendorShape):
    sourceId: str | None = None
    metrics: list[Metric] = []


class ListPage(VendorShape):
    """``data`` of a list: the rows stay raw here and are parsed one by one (see shapes.parse_rows)."""

    pagination: Pagination = Pagination()
