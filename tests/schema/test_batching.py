"""Upstream calls, counted from the emulators' request logs: batching, caching, singleflight, overlap."""

from __future__ import annotations

import asyncio

from tests.schema.conftest import Stack

SEGMENT_PAGE = """
{ destinations(first: 25, filter: {providers: [SEGMENT]}) { nodes { name type { label } } } }
"""


def _routes(calls: list[dict]) -> list[str]:
    return [c["route"] for c in calls]


async def test_segment_page_with_type_labels_costs_one_list_call(stack: Stack) -> None:
    data = await stack.data(SEGMENT_PAGE)
    nodes = data["destinations"]["nodes"]
    assert len(nodes) == 25 and all(n["type"]["label"] for n in nodes)
    calls = await stack.upstreams["segment"].calls()
    # The catalog entries come embedded in each destination: no catalog call at all.
    assert _routes(calls) == ["GET /destinations"]


async def test_catalog_calls_are_not_repeated_by_later_requests(stack: Stack) -> None:
    query = "{ destinationTypes(provider: SEGMENT, first: 100) { totalCount nodes { key } } }"
    first = await stack.data(query)
    assert first["destinationTypes"]["totalCount"] > 0
    catalog_calls = len(await stack.upstreams["segment"].calls("GET /catalog/destinations"))
    assert catalog_calls == 1
    await stack.data(query)
    await stack.data(SEGMENT_PAGE)
    assert len(await stack.upstreams["segment"].calls("GET /catalog/destinations")) == catalog_calls


async def test_nodes_of_ten_zeotap_destinations_cost_one_list_call(stack: Stack) -> None:
    ids = [
        n["id"]
        for n in (await stack.data("{ destinations(first: 10, filter: {providers: [ZEOTAP]}) { nodes { id } } }"))[
            "destinations"
        ]["nodes"]
    ]
    await stack.clear_calls()
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Destination { name } } }"
    data = await stack.data(query, {"ids": ids}, fresh=True)
    assert [n["id"] for n in data["nodes"]] == ids
    assert _routes(await stack.upstreams["zeotap"].calls()) == ["GET /api/v1/workspaces/{workspace_id}/destinations"]
    assert await stack.total_calls() == 1
    # Read again without asking for fresh reads: the read cache answers, Zeotap is not called.
    await stack.data(query, {"ids": ids})
    assert await stack.total_calls() == 1


async def test_nodes_of_nimriz_destinations_cost_one_list_call(stack: Stack) -> None:
    ids = [
        n["id"]
        for n in (await stack.data("{ destinations(first: 10, filter: {providers: [NIMRIZ]}) { nodes { id } } }"))[
            "destinations"
        ]["nodes"]
    ]
    await stack.clear_calls()
    await stack.data("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}, fresh=True)
    assert len(await stack.upstreams["nimriz"].calls()) == 1


async def test_the_same_get_is_never_made_twice_in_one_request(stack: Stack) -> None:
    ids = [
        n["id"]
        for n in (await stack.data("{ destinations(first: 3, filter: {providers: [OURS]}) { nodes { id } } }"))[
            "destinations"
        ]["nodes"]
    ]
    await stack.clear_calls()
    query = "query($ids: [ID!]!) { a: nodes(ids: $ids) { id } b: nodes(ids: $ids) { id } c: destination(id: $ids) { name } }"
    body = await stack.query(query.replace("destination(id: $ids)", f'destination(id: "{ids[0]}")'), {"ids": ids})
    assert not body.get("errors")
    paths = [c["path"] for c in await stack.upstreams["ours"].calls()]
    assert len(paths) == len(set(paths)) == 3


async def test_twenty_concurrent_identical_queries_cost_the_calls_of_one(stack: Stack) -> None:
    query = "{ destinations(first: 30) { nodes { name type { label } } } }"
    await stack.data(query)  # warm the type caches, as any running gateway has
    for upstream in stack.upstreams.values():
        await upstream.faults(latency_ms=40)  # a vendor answers slower than an in-process call
    await stack.clear_calls()
    await stack.data(query)
    one = await stack.total_calls()
    await stack.clear_calls()
    await asyncio.gather(*(stack.data(query) for _ in range(20)))
    assert await stack.total_calls() == one


async def test_a_query_over_four_vendors_has_its_upstream_calls_in_flight_together(stack: Stack) -> None:
    for upstream in stack.upstreams.values():
        await upstream.faults(latency_ms=50)
    query = "{ workspaces { key destinations(first: 3) { nodes { name } } } }"
    await stack.data(query)
    spans = []
    for upstream in stack.upstreams.values():
        [call] = await upstream.calls()
        spans.append((call["started_at"], call["ended_at"]))
    latest_start = max(s for s, _ in spans)
    earliest_end = min(e for _, e in spans)
    assert latest_start < earliest_end, spans


async def test_total_count_reuses_the_pages_list_calls(stack: Stack) -> None:
    await stack.data("{ destinations(first: 10, filter: {providers: [SEGMENT, ZEOTAP]}) { totalCount nodes { id } } }")
    # The page read Segment with one list call; the total comes from that same call's totalEntries,
    # and Zeotap's total from one list call answering both.
    assert len(await stack.upstreams["segment"].calls()) == 1
    assert len(await stack.upstreams["zeotap"].calls()) == 1


async def test_total_count_over_a_vendor_without_totals_costs_no_call(stack: Stack) -> None:
    data = await stack.data("{ destinations(first: 5, filter: {providers: [SEGMENT, OURS]}) { totalCount } }")
    assert data["destinations"]["totalCount"] is None
    assert await stack.upstreams["ours"].calls() == []
