"""Nimriz answers, as the adapter reads them: ``{destinations: [...]}`` with actions inside.

Only the fields the gateway uses are declared; everything else stays in the raw row.
"""

from __future__ import annotations

from typing import Any

from destgraph.adapters.shapes import VendorShape


class Action(VendorShape):
    id: str
    name: str | None = None
    action_type: str | None = None
    enabled: bool = True
    event_filter: dict[str, Any] | None = None
    property_mapping: dict[str, Any] | None = None
    created_at: str | None = None
    updated_at: str | None = None


class Destination(VendorShape):
    id: str
    name: str | None = None
    type: str = ""
    enabled: bool = True
    credentials: dict[str, Any] | None = None
    actions: list[Action] = []
    created_at: str | None = None
    updated_at: str | None = None


class DestinationList(VendorShape):
    """The list answer; its rows stay raw here and are parsed one by one."""

    destinations: list[Any]


class Answer(VendorShape):
    """A create or update answer: ``{destination: {...}}``."""

    destination: dict[str, Any]


class TestEvent(VendorShape):
    """What test-send answers under ``test_event``."""

    __test__ = False  # not a pytest class, whatever its name

    action_id: str | None = None
    event_type: str | None = None


class TestSendAnswer(VendorShape):
    __test__ = False

    test_event: TestEvent
