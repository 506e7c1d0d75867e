"""Nimriz event filters as Segment FQL, so every subscription in the graph has a comparable trigger.

Each include list becomes a test that the field is one of its values (``=`` for one value, ``in``
for several), each exclude list the negated test, each condition a comparison or function call;
the parts are joined with ``and``. Field paths follow where a Nimriz event's attributes sit when
sent to an event destination: ``event`` for the event type and ``properties.*`` for the rest. An
empty filter matches everything and has no trigger (None). Built as an FQL tree and rendered by
``fql.render``, so the text always parses.
"""

from __future__ import annotations

from typing import Any

from destgraph.domain import fql
from destgraph.domain.models import EventFilter, FilterClause

#: FilterClause attribute -> FQL field path
FIELDS = {
    "event_types": ("event",),
    "touch_types": ("properties", "touch_type"),
    "domain_ids": ("properties", "domain_id"),
    "tag_ids": ("properties", "tag_id"),
    "space_ids": ("properties", "space_id"),
    "countries": ("properties", "country"),
}


def to_fql(event_filter: EventFilter) -> str | None:
    parts = [*_clause(event_filter.include, negate=False), *_clause(event_filter.exclude, negate=True)]
    parts += [p for p in (_condition(c) for c in event_filter.conditions) if p is not None]
    if not parts:
        return None
    return fql.render(parts[0] if len(parts) == 1 else fql.And(tuple(parts)))


def _literal(value: Any) -> fql.Node:
    if value is None:
        return fql.Null()
    if isinstance(value, bool):
        return fql.Boolean(value)
    if isinstance(value, int | float):
        return fql.Number(value)
    return fql.String(str(value))


def _one_of(path: tuple[str, ...], values: tuple[Any, ...] | list[Any]) -> fql.Node:
    field = fql.Field(path)
    if len(values) == 1:
        return fql.Compare("=", field, _literal(values[0]))
    return fql.Compare("in", field, fql.List(tuple(_literal(v) for v in values)))


def _clause(clause: FilterClause, *, negate: bool) -> list[fql.Node]:
    parts: list[fql.Node] = []
    for attribute, path in FIELDS.items():
        values = getattr(clause, attribute)
        if values:
            test = _one_of(path, values)
            parts.append(fql.Not(test) if negate else test)
    if clause.bot_traffic is not None:
        # include.bot_traffic=true keeps only bot traffic; exclude.bot_traffic=true drops it.
        wanted = clause.bot_traffic != negate
        parts.append(fql.Compare("=", fql.Field(("properties", "bot_traffic")), fql.Boolean(wanted)))
    return parts


def _condition(condition: dict[str, Any]) -> fql.Node | None:
    name = condition.get("field")
    operator = condition.get("operator")
    value = condition.get("value")
    if not isinstance(name, str) or not name:
        return None
    field = fql.Field(tuple(name.split(".")) if "." in name else ("properties", name))
    simple = {"equals": "=", "not_equals": "!="}
    if operator in simple:
        return fql.Compare(simple[operator], field, _literal(value))
    if operator in ("contains", "not_contains"):
        call = fql.Call("contains", (field, _literal(value)))
        return call if operator == "contains" else fql.Not(call)
    if operator == "starts_with":
        return fql.Call("match", (field, fql.String(_glob_escape(str(value)) + "*")))
    if operator == "ends_with":
        return fql.Call("match", (field, fql.String("*" + _glob_escape(str(value)))))
    if operator in ("in", "not_in") and isinstance(value, list) and value:
        test = _one_of(field.path, value)
        return test if operator == "in" else fql.Not(test)
    if operator == "exists":
        return fql.Compare("!=", field, fql.Null())
    if operator == "not_exists":
        return fql.Compare("=", field, fql.Null())
    return None


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)
