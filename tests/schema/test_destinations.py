"""destinations and destination(id:): every vendor, one cursor, filters, fields."""

from __future__ import annotations

import pytest

from tests.schema.conftest import WORKSPACES, Stack

PAGE = """
query Page($first: Int, $after: String, $filter: DestinationFilter) {
  destinations(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id nativeId provider name typeKey enabled workspace { key } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

DETAIL = """
query One($id: ID!) {
  destination(id: $id) {
    id nativeId provider name typeKey enabled connectionStatus connectionError
    settings secretSettingKeys sourceIds createdAt updatedAt raw
    workspace { key provider }
    type { key label provider }
  }
}
"""


async def _walk(stack: Stack, first: int, filter: dict | None = None) -> tuple[list[dict], int]:
    nodes, after, pages = [], None, 0
    while True:
        data = await stack.data(PAGE, {"first": first, "after": after, "filter": filter})
        connection = data["destinations"]
        nodes += [edge["node"] for edge in connection["edges"]]
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            return nodes, pages
        after = connection["pageInfo"]["endCursor"]


async def test_page_walk_returns_each_destination_once(stack: Stack) -> None:
    nodes, _ = await _walk(stack, 7)
    ids = [n["id"] for n in nodes]
    assert len(ids) == len(set(ids)) == 160
    assert {n["provider"] for n in nodes} == {"SEGMENT", "OURS", "ZEOTAP", "NIMRIZ"}


async def test_workspaces_are_walked_in_configured_order(stack: Stack) -> None:
    nodes, _ = await _walk(stack, 50)
    order = [n["workspace"]["key"] for n in nodes]
    assert order == sorted(order, key=list(WORKSPACES.values()).index)


async def test_each_page_costs_at_most_one_list_call_per_workspace_it_touches(stack: Stack) -> None:
    after = None
    while True:
        await stack.clear_calls()
        data = await stack.data(PAGE, {"first": 15, "after": after})
        connection = data["destinations"]
        touched = {e["node"]["workspace"]["key"] for e in connection["edges"]}
        for name, upstream in stack.upstreams.items():
            lists = [c for c in await upstream.calls() if c["method"] == "GET" and "destinations" in c["path"]]
            assert len(lists) <= 1, (name, lists)
            if lists:
                assert WORKSPACES[name] in touched or not connection["edges"]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]


async def test_page_size_is_capped_at_100(stack: Stack) -> None:
    data = await stack.data(PAGE, {"first": 500})
    assert len(data["destinations"]["edges"]) <= 100


async def test_garbage_cursor_is_bad_cursor(stack: Stack) -> None:
    for cursor in ("garbage", "eyJ2IjoxfQ", "", "!!!"):
        body = await stack.query(PAGE, {"first": 5, "after": cursor})
        assert body["errors"][0]["extensions"]["code"] == "BAD_CURSOR", cursor
        assert "Traceback" not in str(body)


async def test_cursor_of_another_filter_is_bad_cursor(stack: Stack) -> None:
    data = await stack.data(PAGE, {"first": 5})
    body = await stack.query(
        PAGE, {"first": 5, "after": data["destinations"]["pageInfo"]["endCursor"], "filter": {"enabled": True}}
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_CURSOR"


async def test_filter_by_provider_and_workspace(stack: Stack) -> None:
    nodes, _ = await _walk(stack, 100, {"providers": ["ZEOTAP", "NIMRIZ"]})
    assert {n["provider"] for n in nodes} == {"ZEOTAP", "NIMRIZ"}
    assert len(nodes) == 80
    workspaces = await stack.data("{ workspaces(provider: OURS) { id } }")
    ours_id = workspaces["workspaces"][0]["id"]
    nodes, _ = await _walk(stack, 100, {"workspaceIds": [ours_id]})
    assert {n["provider"] for n in nodes} == {"OURS"}
    assert len(nodes) == 40


async def test_enabled_filter_is_pushed_down_to_ours(stack: Stack) -> None:
    await stack.clear_calls()
    nodes, _ = await _walk(stack, 100, {"enabled": False, "providers": ["OURS"]})
    assert nodes and all(n["enabled"] is False for n in nodes)
    [call] = await stack.upstreams["ours"].calls()
    assert "status=Disabled" in call["query"]


async def test_enabled_filter_applies_in_the_gateway_elsewhere(stack: Stack) -> None:
    every, _ = await _walk(stack, 100, {"providers": ["SEGMENT", "NIMRIZ"]})
    enabled, _ = await _walk(stack, 100, {"providers": ["SEGMENT", "NIMRIZ"], "enabled": True})
    assert all(n["enabled"] for n in enabled)
    assert len(enabled) == sum(1 for n in every if n["enabled"])


async def test_search_and_type_keys_filter(stack: Stack) -> None:
    every, _ = await _walk(stack, 100)
    some = every[3]
    found, _ = await _walk(stack, 100, {"search": some["name"][2:8].upper()})
    assert some["id"] in {n["id"] for n in found}
    assert all(some["name"][2:8].lower() in n["name"].lower() for n in found)
    typed, _ = await _walk(stack, 100, {"typeKeys": [some["typeKey"]]})
    assert typed and all(n["typeKey"] == some["typeKey"] for n in typed)


@pytest.mark.parametrize("provider", ["SEGMENT", "OURS", "ZEOTAP", "NIMRIZ"])
async def test_destination_by_id_has_every_field(stack: Stack, provider: str) -> None:
    nodes, _ = await _walk(stack, 100, {"providers": [provider]})
    data = await stack.data(DETAIL, {"id": nodes[0]["id"]})
    destination = data["destination"]
    assert destination["provider"] == provider
    assert destination["id"] == nodes[0]["id"]
    assert destination["workspace"]["provider"] == provider
    assert isinstance(destination["settings"], dict) and isinstance(destination["raw"], dict)
    assert destination["type"] is None or destination["type"]["key"] == destination["typeKey"]
    for key in destination["secretSettingKeys"]:
        value = destination["settings"].get(key)
        assert value in (None, "") or str(value).startswith("\u2022"), (key, value)


async def test_segment_destinations_carry_their_source(stack: Stack) -> None:
    nodes, _ = await _walk(stack, 100, {"providers": ["SEGMENT"]})
    data = await stack.data(DETAIL, {"id": nodes[0]["id"]})
    assert len(data["destination"]["sourceIds"]) == 1


async def test_zeotap_destinations_report_connection_status(stack: Stack) -> None:
    query = "{ destinations(first: 100, filter: {providers: [ZEOTAP]}) { nodes { connectionStatus connectionError } } }"
    nodes = (await stack.data(query))["destinations"]["nodes"]
    assert {n["connectionStatus"] for n in nodes} == {"PENDING", "CONNECTED", "ERROR"}
    assert all(n["connectionError"] for n in nodes if n["connectionStatus"] == "ERROR")


async def test_unknown_destination_is_null_with_not_found(stack: Stack) -> None:
    from destgraph.domain.ids import GlobalId

    missing = GlobalId("Destination", WORKSPACES["ours"], "00000000-0000-4000-8000-000000000000").encode()
    body = await stack.query(DETAIL, {"id": missing})
    assert body["data"]["destination"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_garbage_id_is_bad_request(stack: Stack) -> None:
    body = await stack.query(DETAIL, {"id": "not-an-id"})
    assert body["data"]["destination"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_total_count_adds_up_where_every_vendor_reports_one(stack: Stack) -> None:
    query = "query($f: DestinationFilter) { destinations(first: 1, filter: $f) { totalCount } }"
    assert (await stack.data(query, {"f": {"providers": ["SEGMENT", "ZEOTAP", "NIMRIZ"]}}))["destinations"][
        "totalCount"
    ] == 120
    # Ours reports no totals without reading every page.
    assert (await stack.data(query, {"f": None}))["destinations"]["totalCount"] is None


async def test_a_workspaces_destinations_respect_a_filter_that_leaves_it_out(stack: Stack) -> None:
    ours = await stack.workspace_id("OURS")
    query = 'query($f: DestinationFilter) { workspace(key: "zeotap-main") { destinations(first: 5, filter: $f) { nodes { id } } } }'
    assert (await stack.data(query, {"f": {"workspaceIds": [ours]}}))["workspace"]["destinations"]["nodes"] == []
    assert len((await stack.data(query, {"f": None}))["workspace"]["destinations"]["nodes"]) == 5
    assert await stack.upstreams["ours"].calls() == []
