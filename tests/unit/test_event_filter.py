"""Nimriz event filters become FQL triggers that Segment's grammar accepts."""

from __future__ import annotations

import pytest

from destgraph.domain import fql
from destgraph.domain.event_filter import to_fql
from destgraph.domain.models import EventFilter, FilterClause


def test_empty_filter_has_no_trigger() -> None:
    assert to_fql(EventFilter()) is None


def test_include_and_exclude_lists() -> None:
    trigger = to_fql(
        EventFilter(
            include=FilterClause(event_types=("link.clicked", "link.qr_scanned"), countries=("DE",)),
            exclude=FilterClause(bot_traffic=True, tag_ids=("t1",)),
        )
    )
    assert trigger == (
        'event in ["link.clicked", "link.qr_scanned"] and properties.country = "DE" '
        'and !(properties.tag_id = "t1") and properties.bot_traffic = false'
    )


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"field": "utm_source", "operator": "equals", "value": "news"}, 'properties.utm_source = "news"'),
        ({"field": "utm_source", "operator": "not_equals", "value": 3}, "properties.utm_source != 3"),
        ({"field": "path", "operator": "contains", "value": "promo"}, 'contains(properties.path, "promo")'),
        ({"field": "path", "operator": "not_contains", "value": "x"}, '!contains(properties.path, "x")'),
        ({"field": "path", "operator": "starts_with", "value": "/a*"}, 'match(properties.path, "/a\\\\**")'),
        ({"field": "path", "operator": "ends_with", "value": ".pdf"}, 'match(properties.path, "*.pdf")'),
        ({"field": "device", "operator": "in", "value": ["ios", "android"]}, 'properties.device in ["ios", "android"]'),
        ({"field": "device", "operator": "not_in", "value": ["ios"]}, '!(properties.device = "ios")'),
        ({"field": "referrer", "operator": "exists"}, "properties.referrer != null"),
        ({"field": "context.ip", "operator": "not_exists"}, "context.ip = null"),
    ],
)
def test_conditions(condition: dict, expected: str) -> None:
    trigger = to_fql(EventFilter(conditions=(condition,)))
    assert trigger == expected
    fql.parse(trigger)


def test_every_trigger_parses_as_fql() -> None:
    everything = EventFilter(
        include=FilterClause(
            event_types=("link.clicked",),
            touch_types=("qr_scan", "short_link_click"),
            domain_ids=("d1",),
            tag_ids=("t1", "t2"),
            space_ids=("s1",),
            countries=("US", "CA"),
            bot_traffic=False,
        ),
        exclude=FilterClause(event_types=("link.created",), countries=("FR",), bot_traffic=True),
        conditions=({"field": 'weird key"', "operator": "equals", "value": 'quote"d'},),
    )
    trigger = to_fql(everything)
    assert trigger is not None
    assert fql.render(fql.parse(trigger)) == trigger
