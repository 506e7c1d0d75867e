"""The work a repeated read does once, counted (never timed): parsing, catalogs, settings, cursors.

Each of these once cost a share of every request's CPU (bench/RESULTS.md, "Levers"): a document
parsed anew per request, every Segment destination's embedded catalog entry validated and built
into a type although the query asked for no type, a cursor encoded for every node.
"""

from __future__ import annotations

from typing import Any

import httpx._urls
import pytest
from graphql.language import parser as graphql_parser
from strawberry.schema.name_converter import NameConverter

import destgraph.adapters.ours.catalog as ours_catalog
import destgraph.adapters.ours.shapes as ours_shapes
import destgraph.adapters.segment.catalog as segment_catalog
import destgraph.adapters.segment.shapes as segment_shapes
import destgraph.services.pagination as pagination
from destgraph.schema.types import catalog as catalog_types
from tests.schema.conftest import Stack, build_stack, close_stack

SEGMENT_PAGE = "{ destinations(first: 40, filter: {providers: [SEGMENT]}) { nodes { name typeKey enabled } } }"


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[Any]:
    calls: list[Any] = []
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


async def test_a_repeated_query_is_parsed_only_the_first_time(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = _counting(monkeypatch, graphql_parser.Parser, "parse_document")
    query = "{ workspaces { key } parsedOnce: workspaces { provider } }"
    assert not (await stack.query(query)).get("errors")
    first = len(parsed)
    for _ in range(3):
        assert not (await stack.query(query)).get("errors")
    assert first >= 1 and len(parsed) == first


async def test_a_syntax_error_is_coded_every_time(stack: Stack) -> None:
    codes = [(await stack.query("{ workspaces { key }"))["errors"][0]["extensions"]["code"] for _ in range(2)]
    assert codes == ["BAD_REQUEST", "BAD_REQUEST"]


async def test_each_distinct_segment_catalog_entry_is_validated_and_built_once(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated = _counting(monkeypatch, segment_shapes.Metadata, "model_validate")
    built = _counting(monkeypatch, segment_catalog.destination_type, "_build")
    first = await stack.query(SEGMENT_PAGE, fresh=True)
    nodes = first["data"]["destinations"]["nodes"]
    distinct = {node["typeKey"] for node in nodes}
    assert len(nodes) == 40
    assert 1 < len(distinct) < len(nodes)
    # the first page: at most one validation and one build per distinct entry (others may be left
    # from earlier tests); the second page, read from the vendor again, none
    assert len(validated) <= len(distinct) and len(built) <= len(distinct)
    before = (len(validated), len(built))
    second = await stack.query(SEGMENT_PAGE, fresh=True)
    assert second["data"] == first["data"]
    assert (len(validated), len(built)) == before


async def test_an_uncached_catalog_is_read_every_time_and_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    uncached = await build_stack(catalog_ttl_seconds=0)
    try:
        query = "{ destinationTypes(provider: OURS, first: 100) { totalCount nodes { key label } } }"
        first = await uncached.query(query, fresh=True)
        rows = first["data"]["destinationTypes"]["totalCount"]
        validated = _counting(monkeypatch, ours_shapes.DestinationTypeRow, "model_validate")
        built = _counting(monkeypatch, ours_catalog.destination_type, "_build")
        stored = _counting(monkeypatch, uncached.app.state.gateway.state.cache, "set")
        await uncached.clear_calls()
        for _ in range(3):
            assert (await uncached.query(query, fresh=True))["data"] == first["data"]
        assert rows > 50
        assert await uncached.total_calls() == 3  # read fresh, and no catalog kept: the list each time
        assert (validated, built, stored) == ([], [], [])  # the same rows: neither parsed nor built again
    finally:
        await close_stack(uncached)


async def test_a_type_s_settings_are_made_only_when_asked_for(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    made = _counting(monkeypatch, catalog_types.SettingDefinition, "from_domain")
    query = "{ destinationTypes(provider: OURS, first: 100) { nodes { key label %s } } }"
    plain = await stack.query(query % "")
    assert len(plain["data"]["destinationTypes"]["nodes"]) > 50 and made == []
    with_settings = await stack.query(query % "settings { key }")
    settings = [s for node in with_settings["data"]["destinationTypes"]["nodes"] for s in node["settings"]]
    assert len(made) == len(settings) > 0


async def test_an_entry_segment_changed_is_validated_anew(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    query = "{ destinations(first: 1, filter: {providers: [SEGMENT]}) { nodes { type { label } } } }"
    await stack.query(query, fresh=True)
    validated = _counting(monkeypatch, segment_shapes.Metadata, "model_validate")
    memo = segment_shapes.catalog_entries
    # what a changed entry looks like to the memo: content it has not seen
    changed = {"slug": "memo-probe", "name": "Memo probe", "options": [], "actions": []}
    assert memo(changed) is memo(dict(changed))
    assert memo({**changed, "name": "Memo probe, renamed"}).name == "Memo probe, renamed"
    assert len(validated) == 2


async def test_cursors_of_the_lists_held_whole_are_encoded_only_when_asked_for(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoded = _counting(monkeypatch, pagination, "encode_cursor")
    types = await stack.query("{ destinationTypes(provider: OURS, first: 100) { nodes { key } } }")
    assert len(types["data"]["destinationTypes"]["nodes"]) > 50
    assert len(encoded) <= 2  # the page's start and end cursors
    del encoded[:]
    body = await stack.query("{ destinationTypes(provider: OURS, first: 5) { edges { cursor } } }")
    assert len({edge["cursor"] for edge in body["data"]["destinationTypes"]["edges"]}) == 5
    assert len(encoded) <= 5 + 2


async def test_argument_names_are_converted_once(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    query = "{ destinations(first: 5) { nodes { subscriptions(first: 3) { nodes { name } } } } }"
    await stack.query(query)
    converted = _counting(monkeypatch, NameConverter, "apply_naming_config")  # schema.ArgumentNames' base
    await stack.query(query)
    assert converted == []


async def test_the_vendor_urls_of_a_repeated_read_are_parsed_once(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = "{ destinations(first: 40, filter: {providers: [SEGMENT]}) { nodes { subscriptions { nodes { id } } } } }"
    await stack.query(query, fresh=True)
    await stack.clear_calls()
    parsed = _counting(monkeypatch, httpx._urls, "urlparse")  # what httpx.URL("...") parses with
    await stack.query(query, fresh=True)
    vendor_urls = [args for args in parsed if args != ("/graphql",)]  # but the test client's own
    monkeypatch.undo()
    assert await stack.total_calls() > 10  # the page and its subscription lists, again
    assert vendor_urls == []


async def test_cursors_are_encoded_only_when_asked_for(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    encoded = _counting(monkeypatch, pagination, "encode_cursor")
    await stack.query(SEGMENT_PAGE)
    # the page's start and end cursors (pageInfo), not one per node
    assert len(encoded) <= 2
    del encoded[:]
    body = await stack.query("{ destinations(first: 5, filter: {providers: [SEGMENT]}) { edges { cursor } } }")
    cursors = [edge["cursor"] for edge in body["data"]["destinations"]["edges"]]
    assert len(set(cursors)) == 5
    assert len(encoded) <= 5 + 2


def _rounds(calls: list[dict[str, Any]]) -> int:
    """Rounds of calls that could not overlap: a call starting after every call of the round ended
    starts the next one."""
    rounds, round_end = 0, float("-inf")
    for call in sorted(calls, key=lambda c: c["started_at"]):
        if call["started_at"] >= round_end:
            rounds += 1
            round_end = call["ended_at"]
        else:
            round_end = max(round_end, call["ended_at"])
    return rounds


async def test_a_page_with_subscriptions_costs_two_rounds_of_calls(stack: Stack) -> None:
    # the list, then every subscription list of the page at once (Segment has no batch read)
    segment = stack.upstreams["segment"]
    await segment.faults(latency_ms=40)
    await segment.clear()
    query = """{ destinations(first: 25, filter: {providers: [SEGMENT]}) {
      nodes { name subscriptions { nodes { id name trigger enabled } } } } }"""
    body = await stack.query(query, fresh=True)
    assert not body.get("errors")
    calls = await segment.calls()
    lists = [c for c in calls if c["path"].endswith("/subscriptions")]
    assert len(lists) > 8  # more than the old concurrency bound, which made it three rounds
    assert _rounds(calls) == 2


async def test_a_request_leaves_its_vendor_data_to_reference_counting(stack: Stack) -> None:
    # graphql-core's execution context and the request memo's tasks hold the request in reference
    # cycles; once the answer is sent the request lets go of what it loaded, so its destinations
    # are freed at once, not by the next collection over every request in flight.
    import gc

    from destgraph.domain.models import Destination

    query = "{ destinations(first: 40, filter: {providers: [OURS, ZEOTAP, NIMRIZ]}) { nodes { name } } }"
    await stack.query(query)
    gc.collect()
    gc.disable()
    try:
        gc.set_debug(gc.DEBUG_SAVEALL)
        for fresh in (True, False, True):
            assert not (await stack.query(query, fresh=fresh)).get("errors")
        gc.collect()
        in_cycles = [o for o in gc.garbage if isinstance(o, Destination)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert in_cycles == []
