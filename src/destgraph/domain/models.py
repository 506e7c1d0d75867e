"""The unified model: what every vendor's destinations become inside the gateway.

Plain frozen dataclasses, built by the adapters from vendor JSON and read by the schema layer.
Settings and raw hold vendor values as received; masking happens on the way out (secrets.py).
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from destgraph.errors import UpstreamProtocolError

JSONObject = dict[str, Any]


class Provider(enum.Enum):
    SEGMENT = "segment"
    OURS = "ours"
    ZEOTAP = "zeotap"
    NIMRIZ = "nimriz"


class ConnectionStatus(enum.Enum):
    UNKNOWN = "UNKNOWN"
    PENDING = "PENDING"
    CONNECTED = "CONNECTED"
    ERROR = "ERROR"


class HealthStatus(enum.Enum):
    OK = "OK"
    DEGRADED = "DEGRADED"
    UNREACHABLE = "UNREACHABLE"
    AUTH_FAILED = "AUTH_FAILED"


class CircuitState(enum.Enum):
    """A workspace's circuit breaker: closed (calls go), open (refused at once), half-open (one probe)."""

    CLOSED = "CLOSED"
    OPEN = "OPEN"
    HALF_OPEN = "HALF_OPEN"


class TypeStatus(enum.Enum):
    AVAILABLE = "AVAILABLE"
    BETA = "BETA"
    DEPRECATED = "DEPRECATED"


class SettingType(enum.Enum):
    STRING = "STRING"
    SECRET = "SECRET"
    NUMBER = "NUMBER"
    BOOLEAN = "BOOLEAN"
    SELECT = "SELECT"
    MAP = "MAP"
    ARRAY = "ARRAY"
    OBJECT = "OBJECT"
    ALERT = "ALERT"
    OAUTH = "OAUTH"


class Granularity(enum.Enum):
    MINUTE = "MINUTE"
    HOUR = "HOUR"
    DAY = "DAY"


@dataclass(frozen=True)
class Capabilities:
    """What a provider's API can do; fields that need a capability are null or empty without it."""

    subscriptions: bool
    delivery_metrics: bool
    connection_test: bool
    test_event: bool
    describe_fields: bool
    server_side_pagination: bool
    live_catalog: bool
    #: whether a destination can be switched off (Zeotap destinations have no enabled flag)
    can_disable: bool = True
    #: whether a list tells the total without reading every page (Ours reports none)
    reports_totals: bool = True
    #: whether an update that changes any setting replaces them all, so every secret must be given
    #: again (Nimriz stores credentials whole)
    settings_replaced_whole: bool = False


@dataclass(frozen=True)
class DestinationRef:
    """Where a destination lives: the workspace's key in the gateway config and the vendor's id."""

    workspace: str
    native_id: str


@dataclass(frozen=True)
class Destination:
    ref: DestinationRef
    provider: Provider
    name: str
    type_key: str
    enabled: bool
    settings: JSONObject
    raw: JSONObject
    connection_status: ConnectionStatus = ConnectionStatus.UNKNOWN
    connection_error: str | None = None
    #: keys of settings the vendor marks secret (in addition to the gateway's own policy)
    secret_keys: frozenset[str] = frozenset()
    source_ids: tuple[str, ...] = ()
    created_at: datetime | None = None
    updated_at: datetime | None = None
    #: Nimriz keeps actions inside the destination; other vendors have none here
    subscriptions: tuple[DestinationSubscription, ...] | None = None
    #: a catalog entry the vendor embedded (Segment's metadata), to prime the type cache
    embedded_type: DestinationType | None = None

    @property
    def workspace(self) -> str:
        return self.ref.workspace

    @property
    def native_id(self) -> str:
        return self.ref.native_id

    @property
    def version(self) -> str:
        """A token that changes whenever the destination does, at the vendor or through the gateway.

        Derived from what the vendor holds (name, type, state, settings as the vendor shows them,
        sources, its timestamp and any subscriptions it keeps inside the destination), so vendors
        without timestamps get a version too, and an edit made directly at the vendor changes it.
        """
        return content_version(
            [
                self.name,
                self.type_key,
                self.enabled,
                self.settings,
                list(self.source_ids),
                self.updated_at.isoformat() if self.updated_at else None,
                [s.raw for s in self.subscriptions or ()],
            ]
        )


@dataclass(frozen=True)
class FilterClause:
    event_types: tuple[str, ...] = ()
    touch_types: tuple[str, ...] = ()
    domain_ids: tuple[str, ...] = ()
    tag_ids: tuple[str, ...] = ()
    space_ids: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    bot_traffic: bool | None = None


@dataclass(frozen=True)
class EventFilter:
    include: FilterClause = field(default_factory=FilterClause)
    exclude: FilterClause = field(default_factory=FilterClause)
    conditions: tuple[JSONObject, ...] = ()


class MappingOverrideKind(enum.Enum):
    RENAME = "rename"
    EXCLUDE = "exclude"
    INCLUDE = "include"
    STATIC = "static"
    TEMPLATE = "template"


@dataclass(frozen=True)
class MappingOverride:
    kind: MappingOverrideKind
    spec: JSONObject


@dataclass(frozen=True)
class PropertyMapping:
    base: str
    overrides: tuple[MappingOverride, ...] = ()


@dataclass(frozen=True)
class SubscriptionRef:
    destination: DestinationRef
    native_id: str


@dataclass(frozen=True)
class DestinationSubscription:
    ref: SubscriptionRef
    name: str
    enabled: bool
    raw: JSONObject
    settings: JSONObject = field(default_factory=dict)
    trigger: str | None = None
    action_id: str | None = None
    action_slug: str | None = None
    action_type: str | None = None
    event_filter: EventFilter | None = None
    property_mapping: PropertyMapping | None = None
    model_id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def version(self) -> str:
        """A token that changes whenever the subscription does (see Destination.version)."""
        return content_version(self.raw)


def content_version(content: Any) -> str:
    """A short, stable digest of JSON-like content."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SettingDefinition:
    key: str
    label: str
    type: SettingType
    required: bool = False
    secret: bool = False
    default_value: Any = None
    description: str | None = None
    choices: tuple[str, ...] | None = None
    read_only: bool = False


@dataclass(frozen=True)
class ActionDefinition:
    key: str
    name: str
    description: str | None = None
    fields: tuple[SettingDefinition, ...] = ()
    slug: str | None = None


@dataclass(frozen=True)
class DestinationType:
    provider: Provider
    key: str
    label: str
    status: TypeStatus = TypeStatus.AVAILABLE
    description: str | None = None
    categories: tuple[str, ...] = ()
    creatable: bool = True
    settings: tuple[SettingDefinition, ...] = ()
    actions: tuple[ActionDefinition, ...] = ()
    #: the vendor's own id where it differs from key (Segment's metadataId)
    native_id: str | None = None

    @cached_property
    def secret_keys(self) -> frozenset[str]:
        return frozenset(s.key for s in self.settings if s.secret)


@dataclass(frozen=True)
class LatencySummary:
    average: float | None
    p95: float | None


@dataclass(frozen=True)
class DeliveryMetrics:
    source_id: str
    granularity: Granularity
    start_time: datetime
    end_time: datetime
    successes: int
    expired: int
    discarded: int
    retried: int
    successes_on_first_attempt: int | None = None
    successes_after_retry: int | None = None
    time_to_success: LatencySummary | None = None
    time_to_first_attempt: LatencySummary | None = None


@dataclass(frozen=True)
class DestinationField:
    name: str
    required: bool
    label: str | None = None
    type: str | None = None


@dataclass(frozen=True)
class WorkspaceHealth:
    status: HealthStatus
    checked_at: datetime
    latency_ms: float | None = None
    message: str | None = None
    circuit: CircuitState = CircuitState.CLOSED


@dataclass(frozen=True)
class DestinationPage:
    """One upstream list call's worth of destinations."""

    destinations: tuple[Destination, ...]
    #: the vendor's cursor for the next page, None on the last
    next_cursor: str | None = None
    #: the vendor's total, where it reports one
    total: int | None = None
    #: rows of this page the adapter could not read: each is left out and reported, never guessed at
    rejected: tuple[RejectedRow, ...] = ()


@dataclass(frozen=True)
class RejectedRow:
    """A row of a vendor list that did not fit the vendor's shape."""

    index: int
    #: the row's id where it could be read, so a lookup of that id fails instead of finding nothing
    native_id: str | None
    error: UpstreamProtocolError
