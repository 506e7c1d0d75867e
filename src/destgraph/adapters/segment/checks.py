"""Segment's rules for a mutation's input, checked before any write.

A destination is connected to exactly one source; a subscription names one of its type's actions
and carries an FQL trigger (parsed here, so garbage never goes upstream); the Nimriz-style action
fields have no place in Segment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from destgraph.adapters.contract import DestinationInput, Field
from destgraph.domain import fql
from destgraph.domain.models import DestinationType
from destgraph.domain.problems import ProblemCode, Problems

NO_SOURCE = "Segment connects a destination to a source: give sourceIds or configure the workspace's default_source_id"
_FOREIGN_FIELDS = ("actionType", "eventFilter", "propertyMapping")


def check_destination(given: DestinationInput, problems: Problems, *, creating: bool) -> None:
    if creating and not given.source_ids:
        problems.add(("input", "sourceIds"), NO_SOURCE, ProblemCode.REQUIRED)
    elif creating and given.source_ids and len(given.source_ids) > 1:
        problems.add(
            ("input", "sourceIds"),
            "a Segment destination is connected to exactly one source: create one destination per source",
        )
    if given.connection_ref is not None:
        problems.add(
            ("input", "connectionRef"), "Segment destinations have no shared connections", ProblemCode.UNSUPPORTED
        )


def check_subscription(
    destination_type: DestinationType | None,
    given: Mapping[str, Any],
    problems: Problems,
    *,
    path: Field,
    creating: bool,
) -> None:
    if creating or given.get("trigger") is not None:
        check_trigger(given.get("trigger"), problems, path=(*path, "trigger"))
    if creating:
        action_id = given.get("actionId")
        if not action_id:
            problems.add((*path, "actionId"), "actionId is required", ProblemCode.REQUIRED)
        elif destination_type is not None and action_id not in {a.key for a in destination_type.actions}:
            problems.add(
                (*path, "actionId"), f"{destination_type.label} has no action {action_id!r}", ProblemCode.NOT_FOUND
            )
    for key in _FOREIGN_FIELDS:
        if given.get(key) is not None:
            problems.add((*path, key), f"{key} is for Nimriz actions; Segment subscriptions use trigger")


def check_trigger(trigger: Any, problems: Problems, *, path: Field) -> None:
    if not isinstance(trigger, str) or not trigger.strip():
        problems.add(path, 'an FQL trigger is required, e.g. type = "track"', ProblemCode.REQUIRED)
        return
    try:
        fql.parse(trigger)
    except fql.FQLSyntaxError as exc:
        problems.add(path, f"not valid FQL: {exc}")
