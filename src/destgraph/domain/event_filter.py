"""Nimriz event filters as Segment FQL, so every subscription in the graph has a comparable trigger.

Each include list becomes a disjunction over its field, each exclude list a negated one, each
condition a comparison; the parts are joined with ``and``. Field paths follow where a Nimriz
event's attributes sit when sent to an event destination: ``event`` for the event type and
``properties.*`` for the rest. An empty filter matches everything and has no trigger (None).
"""

from __future__ import annotations

import json
from typing import Any

from destgraph.domain.models import EventFilter, FilterClause

#: FilterClause attribute -> FQL field path
FIELDS = {
    "event_types": "event",
    "touch_types": "properties.touch_type",
    "domain_ids": "properties.domain_id",
    "tag_ids": "properties.tag_id",
    "space_ids": "properties.space_id",
    "countries": "properties.country",
}

_COMPARISONS = {"equals": "=", "not_equals": "!="}


def to_fql(event_filter: EventFilter) -> str | None:
    parts = [*_clause(event_filter.include, negate=False), *_clause(event_filter.exclude, negate=True)]
    parts += [_condition(c) for c in event_filter.conditions]
    parts = [p for p in parts if p]
    return " and ".join(parts) if parts else None


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(str(value))


def _any_of(path: str, values: tuple[str, ...]) -> str:
    terms = [f"{path} = {_literal(v)}" for v in values]
    return terms[0] if len(terms) == 1 else "(" + " or ".join(terms) + ")"


def _negate(expression: str) -> str:
    return f"!{expression}" if expression.startswith("(") else f"!({expression})"


def _clause(clause: FilterClause, *, negate: bool) -> list[str]:
    parts = []
    for attribute, path in FIELDS.items():
        values = getattr(clause, attribute)
        if values:
            expression = _any_of(path, values)
            parts.append(_negate(expression) if negate else expression)
    if clause.bot_traffic is not None:
        # include.bot_traffic=true keeps only bot traffic; exclude.bot_traffic=true drops it.
        wanted = clause.bot_traffic != negate
        parts.append(f"properties.bot_traffic = {_literal(wanted)}")
    return parts


def _condition(condition: dict[str, Any]) -> str:
    field = condition.get("field")
    operator = condition.get("operator")
    value = condition.get("value")
    if not isinstance(field, str) or not field:
        return ""
    path = field if "." in field else f"properties.{field}"
    if operator in _COMPARISONS:
        return f"{path} {_COMPARISONS[operator]} {_literal(value)}"
    if operator == "contains":
        return f"contains({path}, {_literal(value)})"
    if operator == "not_contains":
        return f"!contains({path}, {_literal(value)})"
    if operator == "starts_with":
        return f"match({path}, {_literal(str(value) + '*')})"
    if operator == "ends_with":
        return f"match({path}, {_literal('*' + str(value))})"
    if operator in ("in", "not_in") and isinstance(value, list) and value:
        expression = _any_of(path, tuple(value))
        return expression if operator == "in" else _negate(expression)
    if operator == "exists":
        return f"{path} != null"
    if operator == "not_exists":
        return f"{path} = null"
    return ""
