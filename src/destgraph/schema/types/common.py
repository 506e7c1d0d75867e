"""Shared GraphQL pieces: Node, PageInfo, enums mirrored from the domain, and the words they share."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TypeAlias, TypeVar

import strawberry

from destgraph.adapters.registry import describe
from destgraph.domain import models
from destgraph.domain.ids import GlobalId, MalformedId
from destgraph.errors import InvalidInputError

E = TypeVar("E", bound=enum.Enum)


def describe_values(cls: type[E], descriptions: Mapping[E, str]) -> type[E]:
    """Give each value of an enum already made GraphQL (strawberry.enum) its description.

    The domain enums stay plain Python: strawberry.enum() takes no per-value descriptions for a
    class it did not declare, so they are set here, on the GraphQL definition strawberry recorded,
    keyed by member (a renamed or removed member fails at import, and tests/schema/
    test_schema_descriptions.py names any value left without one).
    """
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        member = cls(value.value)
        if member in descriptions:
            value.description = descriptions[member]
    return cls


def graphql_enum(cls: type[E], *, description: str, values: Mapping[E, str], name: str | None = None) -> type[E]:
    """strawberry.enum() of a domain enum, with a description for the type and for each value."""
    strawberry.enum(cls, name=name, description=description)
    return describe_values(cls, values)


def invalid_id(raw: str, *, expect: str | None, field: tuple[str, ...]) -> InvalidInputError:
    """The error of an id argument that is not one of ours; it never repeats the id it was given."""
    where = field[0] + "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in field[1:])
    try:
        found = GlobalId.decode(raw)
    except MalformedId:
        return InvalidInputError(f"{where} is not a destgraph id", field=field)
    return InvalidInputError(f"{where} is the id of a {found.type_name}, not of a {expect}", field=field)


# -- words shared by many fields --------------------------------------------------------------------

FIRST = (
    "How many items to return: 25 when left out (default_page_size), at most 100 (max_page_size); a larger "
    "number is capped, a negative one is BAD_REQUEST."
)
AFTER = (
    "The endCursor (or an edge's cursor) of the previous page of this same list; null for the first page. "
    "A cursor this API did not issue, or issued for another list or filter, is BAD_CURSOR."
)
CURSOR = "Opaque: pass it as after to get the items that follow this one."
EDGES = "The items of this page in order, each with its cursor."
NODES = "The items of this page in order, without their cursors (the same items as edges)."
PAGE_INFO = "Where this page stands in the list, and the cursors to get the next one."
USER_ERRORS = (
    "Each problem with the input, naming the input field at fault; empty when the mutation did what it was asked."
)
CHANGES = (
    "What the mutation changed, or with dryRun would change, field by field; secret values are masked. "
    "Empty when nothing changed."
)
ID = "The object's global id: opaque, stable, and accepted by node(id:) and nodes(ids:)."
NATIVE_ID = "The vendor's own id of this object, as its API and console show it."
PROVIDER = "The vendor this object comes from."

# strawberry.enum() records the GraphQL definition on the domain enum itself and returns that same
# class, so each name below is an alias of the domain enum that mypy can use as a type.
Provider: TypeAlias = models.Provider
ConnectionStatus: TypeAlias = models.ConnectionStatus
HealthStatus: TypeAlias = models.HealthStatus
DestinationTypeStatus: TypeAlias = models.TypeStatus
SettingType: TypeAlias = models.SettingType
MetricsGranularity: TypeAlias = models.Granularity
MappingOverrideKind: TypeAlias = models.MappingOverrideKind

graphql_enum(
    Provider,
    description="The four vendors whose destination APIs the gateway unifies.",
    # Each vendor's adapter describes it: the schema names no vendor.
    values={provider: describe(provider) for provider in Provider},
)
graphql_enum(
    ConnectionStatus,
    description="Whether the vendor can reach the system a destination sends to, as the vendor last found it.",
    values={
        ConnectionStatus.UNKNOWN: "The vendor reports no connection status (Segment, Ours Privacy, Nimriz), or one the gateway does not know.",
        ConnectionStatus.PENDING: "The vendor has not finished checking the connection yet.",
        ConnectionStatus.CONNECTED: "The vendor's last check of the connection succeeded.",
        ConnectionStatus.ERROR: "The vendor's last check of the connection failed; connectionError says why.",
    },
)
graphql_enum(
    HealthStatus,
    description="How the gateway's last probe of a workspace went.",
    values={
        HealthStatus.OK: "The vendor answered the probe in time with the configured credentials.",
        HealthStatus.DEGRADED: "The vendor answered, but slowly (over 2 seconds) or rate limited: reads may wait or fail with UPSTREAM_RATE_LIMITED.",
        HealthStatus.UNREACHABLE: "The vendor did not answer, answered with a fault, or its circuit is open: reads fail with UPSTREAM_* errors.",
        HealthStatus.AUTH_FAILED: "The vendor refused the gateway's token: every call fails with UPSTREAM_AUTH_FAILED until the configuration is fixed.",
    },
)
graphql_enum(
    DestinationTypeStatus,
    name="DestinationTypeStatus",
    description="Where a destination type stands in its vendor's catalog.",
    values={
        DestinationTypeStatus.AVAILABLE: "Generally available: Segment's public types, Ours Privacy's ga types, and every Zeotap and Nimriz type.",
        DestinationTypeStatus.BETA: "Listed by Segment in a stage before public (such as beta): it may change.",
        DestinationTypeStatus.DEPRECATED: "Marked deprecated by the vendor: existing destinations keep working, new ones are discouraged.",
    },
)
graphql_enum(
    SettingType,
    description="The kind of value a setting takes, in the gateway's terms whatever the vendor calls it.",
    values={
        SettingType.STRING: "A string.",
        SettingType.SECRET: "A string that is a credential: always masked when read (bullets plus at most the last four characters).",
        SettingType.NUMBER: "A number (Segment's number and integer settings).",
        SettingType.BOOLEAN: "true or false (Segment booleans, Ours Privacy switches).",
        SettingType.SELECT: "One of the strings in choices.",
        SettingType.MAP: "An object of key: value pairs (Segment maps, Zeotap's custom headers).",
        SettingType.ARRAY: "A list of values (Segment arrays and string lists).",
        SettingType.OBJECT: "An object with fields of its own (Segment object settings).",
        SettingType.ALERT: "Informational text shown in a UI; never sent in settings.",
        SettingType.OAUTH: "Connected through the vendor's OAuth flow (Ours GenericOauth); not settable through the API.",
    },
)
graphql_enum(
    MetricsGranularity,
    name="MetricsGranularity",
    description="The size of the time buckets Segment counts delivery metrics in.",
    values={
        MetricsGranularity.MINUTE: "One-minute buckets; without startTime the window is the hour before endTime.",
        MetricsGranularity.HOUR: "One-hour buckets; without startTime the window is just under 7 days before endTime, inside Segment's limit.",
        MetricsGranularity.DAY: "One-day buckets; without startTime the window is just under 14 days before endTime, inside Segment's limit.",
    },
)
graphql_enum(
    MappingOverrideKind,
    description="What one override of a Nimriz property mapping does to the properties an action sends.",
    values={
        MappingOverrideKind.RENAME: "Sends a property under another name (spec: source, target).",
        MappingOverrideKind.EXCLUDE: "Leaves a property out (spec: property).",
        MappingOverrideKind.INCLUDE: "Sends a property the base mapping leaves out (spec: property).",
        MappingOverrideKind.STATIC: "Sends a fixed value under a name (spec: target, value).",
        MappingOverrideKind.TEMPLATE: "Sends a value built from a template of other properties (spec: target, template with {{ }} placeholders).",
    },
)


@strawberry.enum(description="A workspace's circuit breaker, which keeps calls away from a vendor that keeps failing.")
class CircuitState(enum.Enum):
    CLOSED = strawberry.enum_value("CLOSED", description="Calls go to the vendor.")
    OPEN = strawberry.enum_value(
        "OPEN",
        description="The vendor failed breaker_failures times in a row: calls fail at once with UPSTREAM_UNAVAILABLE (retryAfter: seconds until the next probe), without calling it.",
    )
    HALF_OPEN = strawberry.enum_value(
        "HALF_OPEN",
        description="One call is out as a probe: its success closes the circuit, its failure opens it again; other calls are refused meanwhile.",
    )

    @classmethod
    def from_domain(cls, state: models.CircuitState) -> CircuitState:
        return cls(state.value)


@strawberry.interface(description="An object with an opaque global id, resolvable by node(id:).")
class Node:
    id: strawberry.ID = strawberry.field(description=ID)


@strawberry.type(description="Where a page stands in its list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Whether items follow this page: ask again with after: endCursor to get them. A page of "
        "destinations can hold fewer items than first asked for, even none, and still have a next page."
    )
    has_previous_page: bool = strawberry.field(
        description="Whether items come before this page, i.e. it was asked for with after; false on the first page."
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the page's first item; null when the page is empty."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor to pass as after for the next page; null when the page is empty and there is "
        "nothing to resume from."
    )

    @classmethod
    def of(cls, cursors: list[str], *, has_next: bool, has_previous: bool, end: str | None = None) -> PageInfo:
        return cls(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else end,
        )
