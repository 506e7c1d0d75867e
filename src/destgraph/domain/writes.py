"""What mutations ask of a vendor, in unified terms, after the gateway has validated and merged it.

Adapters receive these and never see GraphQL input; services build them. Settings here hold real
values (secrets included) on their way to the vendor; they are masked again on the way out.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from destgraph.domain.models import Destination, DestinationSubscription, JSONObject


@dataclass(frozen=True)
class SubscriptionDraft:
    """A subscription to create: a Segment action subscription or a Nimriz action."""

    name: str
    enabled: bool = True
    trigger: str | None = None
    action_id: str | None = None
    action_type: str | None = None
    #: Nimriz shapes, in the vendor's snake_case, already validated
    event_filter: JSONObject | None = None
    property_mapping: JSONObject | None = None
    settings: JSONObject = field(default_factory=dict)
    model_id: str | None = None


@dataclass(frozen=True)
class SubscriptionPatch:
    """Fields of a subscription to change; None leaves a field as it is."""

    name: str | None = None
    enabled: bool | None = None
    trigger: str | None = None
    event_filter: JSONObject | None = None
    property_mapping: JSONObject | None = None
    #: the whole settings object after the gateway's key-by-key merge
    settings: JSONObject | None = None


@dataclass(frozen=True)
class DestinationDraft:
    """A destination to create."""

    type_key: str
    name: str
    enabled: bool
    settings: JSONObject
    source_ids: tuple[str, ...] = ()
    connection_ref: str | None = None
    subscriptions: tuple[SubscriptionDraft, ...] = ()
    #: the vendor's own id of the type where it differs from the key (Segment's metadataId)
    type_native_id: str | None = None


@dataclass(frozen=True)
class SettingsChange:
    """The merged settings, and which keys the caller changed (value None: removed)."""

    merged: JSONObject
    changed: JSONObject

    @property
    def removed(self) -> frozenset[str]:
        return frozenset(k for k, v in self.changed.items() if v is None)


@dataclass(frozen=True)
class DestinationPatch:
    """Fields of a destination to change; None leaves a field as it is."""

    name: str | None = None
    enabled: bool | None = None
    settings: SettingsChange | None = None
    source_ids: tuple[str, ...] | None = None

    @property
    def is_empty(self) -> bool:
        return self.name is None and self.enabled is None and self.settings is None and self.source_ids is None


@dataclass(frozen=True)
class CreatedDestination:
    """What a create left behind: the destination, and each later step that failed after it existed.

    A create can take several vendor calls (Segment: the destination, then each subscription; Ours:
    the destination, then a PATCH for what POST cannot set). The destination is never rolled back:
    the caller learns exactly what exists and what did not happen.
    """

    destination: Destination
    subscriptions: tuple[DestinationSubscription, ...] = ()
    #: (input field path, error) for each step not applied, e.g. (("input", "subscriptions", "1"), exc)
    failures: tuple[tuple[tuple[str, ...], Exception], ...] = ()


class TestStepStatus(enum.Enum):
    RUNNING = "RUNNING"
    PASSED = "PASSED"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"


@dataclass(frozen=True)
class TestStep:
    name: str
    status: TestStepStatus
    message: str | None = None


@dataclass(frozen=True)
class TestOutcome:
    success: bool
    steps: tuple[TestStep, ...] = ()
    #: Zeotap's existing-connection test: the destination with its new status
    destination: Destination | None = None
    #: Nimriz test-send: the action the test event was queued for
    subscription: DestinationSubscription | None = None
    raw: Any = None
