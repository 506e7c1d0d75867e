"""Nimriz's in-memory state: one workspace (the API key's) holding destinations and their actions.

Methods are named after the documented operations. Stored credentials are held as sent (so a
redacted value written back is stored literally); every API view redacts the sensitive ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from destgraph.emulators.core import Clock, SeededRandom, isoformat
from destgraph.emulators.nimriz import catalog
from destgraph.emulators.nimriz.errors import nimriz_error, not_found
from destgraph.emulators.nimriz.validation import ActionInput, DestinationInput, DestinationUpdate

#: queued test events kept per destination (oldest dropped first)
TEST_EVENTS_KEPT = 100


@dataclass
class Action:
    """One action of a destination: what to send and which events to send it for."""

    id: str
    name: str
    action_type: str
    enabled: bool
    property_mapping: dict[str, Any]
    event_filter: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "action_type": self.action_type,
            "enabled": self.enabled,
            "property_mapping": self.property_mapping,
            "event_filter": self.event_filter,
        }


@dataclass
class TestEvent:
    """A test event queued by test-send (Nimriz delivers it later; the emulator only records it)."""

    __test__ = False  # not a pytest test class, whatever its name

    id: str
    destination_id: str
    action_id: str
    action_type: str
    event_type: str
    queued_at: str
    status: str = "queued"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "destination_id": self.destination_id,
            "action_id": self.action_id,
            "action_type": self.action_type,
            "event_type": self.event_type,
            "status": self.status,
            "queued_at": self.queued_at,
        }


@dataclass
class Destination:
    """A destination with its credentials (unredacted) and its ordered list of actions."""

    id: str
    name: str
    type: str
    enabled: bool
    credentials: dict[str, str]
    actions: list[Action]
    created_at: str
    updated_at: str
    test_events: list[TestEvent] = field(default_factory=list)
    #: the redacted API view, built once per write: list calls serve it to every client as is
    _view: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The API view, sensitive credentials redacted. Shared: callers must not mutate it."""
        if self._view is None:
            secret = catalog.DESTINATION_TYPES[self.type].secret
            self._view = {
                "id": self.id,
                "name": self.name,
                "type": self.type,
                "enabled": self.enabled,
                "credentials": {k: catalog.REDACTED if k in secret else v for k, v in self.credentials.items()},
                "actions": [a.to_json() for a in self.actions],
                "created_at": self.created_at,
                "updated_at": self.updated_at,
            }
        return self._view

    def to_record(self) -> dict[str, Any]:
        """The record as held, secrets in clear, with the queued test events."""
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "enabled": self.enabled,
            "credentials": dict(self.credentials),
            "actions": [a.to_json() for a in self.actions],
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "test_events": [e.to_json() for e in self.test_events],
        }

    def changed(self) -> None:
        self._view = None


class NimrizState:
    """The workspace an API key is tied to: its identity and its destinations, in creation order."""

    def __init__(self, *, rng: SeededRandom, clock: Clock, account_id: str, workspace_name: str) -> None:
        self.rng = rng
        self.clock = clock
        self.account_id = account_id
        self.workspace_name = workspace_name
        self.destinations: dict[str, Destination] = {}
        self._list_body: bytes | None = None

    # --- operations -------------------------------------------------------------------------------

    def whoami(self) -> dict[str, str]:
        return {"account_id": self.account_id, "workspace_name": self.workspace_name}

    def list_destinations_body(self) -> bytes:
        """The encoded ``{"destinations": [...]}`` body, rebuilt only after a write."""
        if self._list_body is None:
            payload = {"destinations": [d.to_json() for d in self.destinations.values()]}
            self._list_body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return self._list_body

    def create_destination(self, data: DestinationInput) -> Destination:
        now = self._now()
        destination = Destination(
            id=self.rng.uuid(),
            name=data.name,
            type=data.type,
            enabled=data.enabled,
            credentials=data.credentials,
            actions=[self._new_action(a, self.rng.uuid()) for a in data.actions],
            created_at=now,
            updated_at=now,
        )
        self.add(destination)
        return destination

    def update_destination(self, destination_id: str, update: DestinationUpdate) -> Destination:
        destination = self.get_destination(destination_id)
        if update.name is not None:
            destination.name = update.name
        if update.enabled is not None:
            destination.enabled = update.enabled
        if update.credentials is not None:
            # Credentials sent replace the stored object whole, literally: "[REDACTED]" sent back is
            # stored as "[REDACTED]". Credentials not sent are kept.
            destination.credentials = update.credentials
        # An id naming one of this destination's actions keeps it; any other id, or none, gets a new
        # server-assigned id (ids are never chosen by the client).
        existing = {a.id for a in destination.actions}
        destination.actions = [
            self._new_action(a, a.id if a.id in existing else self.rng.uuid()) for a in update.actions
        ]
        destination.updated_at = self._now()
        self._changed(destination)
        return destination

    def delete_destination(self, destination_id: str) -> None:
        self.get_destination(destination_id)
        del self.destinations[destination_id]
        self._list_body = None

    def test_send(self, destination_id: str, action_id: str | None) -> TestEvent:
        destination = self.get_destination(destination_id)
        if action_id is None:
            action = next((a for a in destination.actions if a.enabled), None)
            if action is None:
                raise nimriz_error(
                    422,
                    "NO_ENABLED_ACTION",
                    f"Destination {destination_id} has no enabled action to send a test event for",
                )
        else:
            action = next((a for a in destination.actions if a.id == action_id), None)
            if action is None:
                raise not_found("Action", f"{action_id} on destination {destination_id}")
            if not action.enabled:
                raise nimriz_error(
                    422, "ACTION_DISABLED", f"Action {action_id} is disabled; enable it to send a test event"
                )
        event = TestEvent(
            id=self.rng.uuid(),
            destination_id=destination.id,
            action_id=action.id,
            action_type=action.action_type,
            event_type=_test_event_type(action),
            queued_at=self._now(),
        )
        destination.test_events.append(event)
        del destination.test_events[:-TEST_EVENTS_KEPT]
        return event

    # --- helpers ----------------------------------------------------------------------------------

    def get_destination(self, destination_id: str) -> Destination:
        destination = self.destinations.get(destination_id)
        if destination is None:
            raise not_found("Destination", destination_id)
        return destination

    def add(self, destination: Destination) -> None:
        self.destinations[destination.id] = destination
        self._list_body = None

    def inspect_destination(self, destination_id: str) -> dict[str, Any] | None:
        destination = self.destinations.get(destination_id)
        return destination.to_record() if destination else None

    def secret_values(self) -> set[str]:
        found: set[str] = set()
        for destination in self.destinations.values():
            secret = catalog.DESTINATION_TYPES[destination.type].secret
            found |= {v for k, v in destination.credentials.items() if k in secret and v != catalog.REDACTED}
        return found

    def _new_action(self, data: ActionInput, action_id: str) -> Action:
        return Action(
            id=action_id,
            name=data.name,
            action_type=data.action_type,
            enabled=data.enabled,
            property_mapping=data.property_mapping,
            event_filter=data.event_filter,
        )

    def _changed(self, destination: Destination) -> None:
        destination.changed()
        self._list_body = None

    def _now(self) -> str:
        return isoformat(self.clock.now(), millis=True)


def _test_event_type(action: Action) -> str:
    """The first known event type the action's filter lets through (link.clicked if it names none)."""
    include = action.event_filter.get("include", {}).get("event_types") or catalog.EVENT_TYPES
    exclude = set(action.event_filter.get("exclude", {}).get("event_types") or ())
    return next((e for e in include if e not in exclude), "link.clicked")
