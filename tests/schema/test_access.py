"""API keys: required, stored hashed, and limited to the workspaces they may see."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from destgraph.config import hash_api_key
from tests.schema.conftest import WORKSPACES, Stack, build_stack, close_stack

NARROW_KEY = "dg_test_narrow_key_0001"


@pytest.fixture
async def narrow_stack() -> AsyncIterator[Stack]:
    key = {
        "name": "ours-only",
        "sha256": hash_api_key(NARROW_KEY),
        "scopes": ["read"],
        "workspaces": [WORKSPACES["ours"]],
    }
    built = await build_stack(extra_keys=[key])
    try:
        yield built
    finally:
        await close_stack(built)


async def test_missing_api_key_is_401_unauthenticated(stack: Stack) -> None:
    response = await stack.client.post("/graphql", json={"query": "{ workspaces { key } }"})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_unknown_api_key_is_401(stack: Stack) -> None:
    response = await stack.client.post(
        "/graphql", json={"query": "{ workspaces { key } }"}, headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 401


async def test_graphiql_page_loads_without_a_key(stack: Stack) -> None:
    response = await stack.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_key_sees_only_its_workspaces(narrow_stack: Stack) -> None:
    body = await narrow_stack.query(
        "{ workspaces { key } destinations(first: 100) { nodes { provider } } }", key=NARROW_KEY
    )
    assert [w["key"] for w in body["data"]["workspaces"]] == [WORKSPACES["ours"]]
    assert {n["provider"] for n in body["data"]["destinations"]["nodes"]} == {"OURS"}


async def test_other_workspaces_are_invisible_even_by_id(narrow_stack: Stack) -> None:
    full = await narrow_stack.data("{ destinations(first: 1, filter: {providers: [SEGMENT]}) { nodes { id } } }")
    segment_id = full["destinations"]["nodes"][0]["id"]
    body = await narrow_stack.query(f'{{ destination(id: "{segment_id}") {{ name }} }}', key=NARROW_KEY)
    assert body["data"]["destination"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert WORKSPACES["segment"] not in body["errors"][0]["message"]
    assert (await narrow_stack.query(f'{{ workspace(key: "{WORKSPACES["segment"]}") {{ key }} }}', key=NARROW_KEY))[
        "data"
    ]["workspace"] is None


async def test_query_depth_is_limited(stack: Stack) -> None:
    inner = "name"
    for _ in range(8):
        inner = (
            f"destinations(first: 1) {{ nodes {{ workspace {{ key }} {inner} }} }}".replace("{ key } name", "{ key }")
            if inner == "name"
            else f"destinations(first: 1) {{ nodes {{ workspace {{ {inner} }} }} }}"
        )
    deep = "{ " + inner + " }"
    body = await stack.query(deep)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


async def test_oversized_body_is_refused(stack: Stack) -> None:
    response = await stack.client.post(
        "/graphql",
        content=b'{"query": "' + b" " * 300_000 + b'{ workspaces { key } }"}',
        headers={"Authorization": "Bearer dg_test_0123456789abcdef", "Content-Type": "application/json"},
    )
    assert response.status_code == 413


async def test_syntax_error_is_bad_request(stack: Stack) -> None:
    body = await stack.query("{ destinations(first: ) }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_metrics_endpoint_counts_upstream_calls(stack: Stack) -> None:
    await stack.data("{ destinations(first: 2) { nodes { name } } }")
    response = await stack.client.get("/metrics")
    assert 'destgraph_upstream_calls_total{endpoint="list_destinations"' in response.text


async def test_a_variable_of_the_wrong_type_is_bad_request(stack: Stack) -> None:
    body = await stack.query("query($f: Int) { destinations(first: $f) { nodes { id } } }", {"f": "x"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "Int cannot represent" in body["errors"][0]["message"]


async def test_an_unreadable_body_is_a_coded_graphql_error(stack: Stack) -> None:
    for body in (b"{not json", b'{"query": 5}'):
        response = await stack.client.post(
            "/graphql",
            content=body,
            headers={"Authorization": "Bearer dg_test_0123456789abcdef", "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
