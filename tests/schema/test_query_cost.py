"""Every operation is priced before it runs: over a limit it is refused with QUERY_TOO_COMPLEX and
nothing goes upstream; every answer carries its price in extensions.cost."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema
from graphql import get_named_type, get_nullable_type, is_composite_type, is_list_type, parse
from strawberry.extensions.validation_cache import _get_validate_cache

import destgraph.schema.cost as pricing
from destgraph.adapters.scope import CallScope
from destgraph.config import GatewayOptions
from destgraph.domain.ids import GlobalId
from destgraph.schema.cost import PRICES, price_operation, refusal
from destgraph.schema.graphiql import DEFAULT_QUERY
from destgraph.schema.schema import build_schema
from tests.schema.conftest import WORKSPACES, Stack, build_stack, close_stack, stack_settings

OPTIONS = GatewayOptions()
README = Path(__file__).parents[2] / "README.md"


def readme_query() -> str:
    """The query under the README's "The graph"."""
    text = README.read_text()
    section = text[text.index("## The graph") :]
    found = re.search(r"```graphql\n(.*?)```", section, re.S)
    assert found is not None
    return found.group(1)


DASHBOARD = """{
  destinations(first: 25, filter: {providers: [SEGMENT, OURS, ZEOTAP, NIMRIZ]}) {
    nodes { id name provider type { label } subscriptions(first: 10) { nodes { id name enabled } } }
  }
}"""

NESTED = (
    "{ workspaces { destinations { nodes { workspace { destinations { nodes { workspace { destinations { nodes"
    " { workspace { destinations { nodes { name } } } } } } } } } } } } }"
)

METRICS_ALIASES = (
    "{ "
    + " ".join(
        f"a{i}: destinations(first: 100, filter: {{providers: [SEGMENT]}}) {{ nodes {{ deliveryMetrics {{ successes }} }} }}"
        for i in range(30)
    )
    + " }"
)

NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Destination { name } } }"


def forged_ids(count: int) -> list[str]:
    return [GlobalId("Destination", WORKSPACES["segment"], f"forged{i}").encode() for i in range(count)]


def cost_of(body: dict[str, Any]) -> dict[str, Any]:
    cost: dict[str, Any] = body["extensions"]["cost"]
    assert set(cost) == {"requestedQueryCost", "actualQueryCost", "requestedObjects", "maximums"}
    return cost


async def refused(stack: Stack, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The one QUERY_TOO_COMPLEX error of a refused operation, checked to have sent nothing upstream."""
    await stack.clear_calls()
    body = await stack.query(query, variables)
    assert "data" not in body  # refused before execution: a request error, with no data entry
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", error
    assert cost_of(body)["actualQueryCost"] == 0
    assert await stack.total_calls() == 0
    return {"error": error, "cost": cost_of(body)}


# -- the queries that ran away are refused, before any call ---------------------------------------------


async def test_destinations_nested_through_workspace_are_refused(stack: Stack) -> None:
    assert len(NESTED) == 173  # passes the depth limit (12)
    found = await refused(stack, NESTED)
    # 4 workspaces, 25 destinations a page, each nesting 25 times more pages: 4 + 100 + 2500 + 62500 calls
    assert found["cost"]["requestedQueryCost"] == 65104
    assert found["cost"]["requestedObjects"] > OPTIONS.max_query_objects
    message = found["error"]["message"]
    assert message == f"the query costs 65104 upstream calls; the limit is {OPTIONS.max_query_cost} (max_query_cost)"
    assert found["error"]["extensions"]["limit"] == "max_query_cost"


async def test_thirty_aliased_pages_with_delivery_metrics_are_refused(stack: Stack) -> None:
    found = await refused(stack, METRICS_ALIASES)
    # each alias: Segment's one list call and one metrics call per destination of the page of 100
    assert found["cost"]["requestedQueryCost"] == 30 * (1 + 100)
    assert "(max_query_cost)" in found["error"]["message"]


async def test_two_thousand_forged_ids_are_refused(stack: Stack) -> None:
    found = await refused(stack, NODES, {"ids": forged_ids(2000)})
    assert found["error"]["message"] == (
        f"nodes(ids:) asks for 2000 ids; the limit is {OPTIONS.max_node_ids} (max_node_ids)"
    )
    assert found["cost"]["requestedQueryCost"] == 2 * 2000


async def test_one_id_over_the_cap_is_refused(stack: Stack) -> None:
    found = await refused(stack, NODES, {"ids": forged_ids(OPTIONS.max_node_ids + 1)})
    assert "(max_node_ids)" in found["error"]["message"]
    assert found["error"]["extensions"]["maximum"] == OPTIONS.max_node_ids


async def test_the_resolver_holds_the_node_ids_cap_too(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pricing, "refusal", lambda price, options: None)
    await stack.clear_calls()
    body = await stack.query(NODES, {"ids": forged_ids(OPTIONS.max_node_ids + 1)})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["path"] == ["nodes"]
    assert "(max_node_ids)" in error["message"]
    assert await stack.total_calls() == 0


async def test_an_answer_over_the_objects_limit_is_refused() -> None:
    stack = await build_stack(max_query_objects=100)
    try:
        found = await refused(stack, "{ destinations(first: 100) { nodes { id } } }")
        assert found["error"]["message"] == "the answer can hold 101 objects; the limit is 100 (max_query_objects)"
        assert found["cost"]["maximums"] == {"cost": OPTIONS.max_query_cost, "objects": 100}
    finally:
        await close_stack(stack)


# -- the everyday queries pass, priced above what they spend ----------------------------------------------


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        # health of 4 workspaces, Segment and Nimriz: 2 list calls, 2 counts, 2 catalogs, 25 subscriptions
        pytest.param(readme_query(), 35, id="readme"),
        # health 4, 4 list calls, 4 counts, 4 catalogs
        pytest.param(DEFAULT_QUERY, 16, id="graphiql"),
        # 4 list calls, 4 catalogs, 25 subscriptions
        pytest.param(DASHBOARD, 33, id="dashboard"),
    ],
)
async def test_the_documented_queries_pass_and_cost_no_more_than_their_price(
    stack: Stack, query: str, cost: int
) -> None:
    body = await stack.query(query)
    assert not body.get("errors"), body["errors"]
    price = cost_of(body)
    assert price["requestedQueryCost"] == cost
    assert price["requestedQueryCost"] >= price["actualQueryCost"] > 0
    assert 0 < price["requestedObjects"] <= OPTIONS.max_query_objects


async def test_actual_cost_counts_the_calls_the_request_sent(stack: Stack) -> None:
    await stack.clear_calls()
    body = await stack.query("{ destinations(first: 5, filter: {providers: [OURS]}) { nodes { id } } }")
    assert cost_of(body) == {
        "requestedQueryCost": 1,
        "actualQueryCost": await stack.total_calls(),
        "requestedObjects": 6,
        "maximums": {"cost": OPTIONS.max_query_cost, "objects": OPTIONS.max_query_objects},
    }


async def test_a_mutation_reports_its_cost(stack: Stack) -> None:
    workspace_id = await stack.workspace_id("OURS")
    mutation = """mutation($input: CreateDestinationInput!) {
      createDestination(input: $input) { destination { id name } userErrors { message } } }"""
    given = {"workspaceId": workspace_id, "typeKey": "Klaviyo", "name": "Priced", "settings": {"projectAPIKey": "pk_1"}}
    body = await stack.query(mutation, {"input": given})
    assert not body.get("errors"), body["errors"]
    assert body["data"]["createDestination"]["destination"]["name"] == "Priced"
    price = cost_of(body)
    assert price["requestedQueryCost"] == 4
    assert price["requestedQueryCost"] >= price["actualQueryCost"] > 0
    # Segment writes each listed subscription after the destination: one call more each.
    planned = {**given, "dryRun": True, "subscriptions": [{"name": "a"}, {"name": "b"}]}
    assert cost_of(await stack.query(mutation, {"input": planned}))["requestedQueryCost"] == 6


# -- every limit answers QUERY_TOO_COMPLEX, naming itself and its value ---------------------------------


async def test_aliases_over_the_limit(stack: Stack) -> None:
    query = "{ " + " ".join(f"w{i}: workspaces {{ key }}" for i in range(OPTIONS.max_aliases + 1)) + " }"
    found = await refused(stack, query)
    assert found["error"]["message"] == (
        f"the query has {OPTIONS.max_aliases + 1} aliases; the limit is {OPTIONS.max_aliases} (max_aliases)"
    )
    assert found["error"]["extensions"]["limit"] == "max_aliases"


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("{ workspaces { " + "key " * OPTIONS.max_tokens + "} }", id="fields"),
        # comments count as tokens too (graphql-core aborts while skipping them)
        pytest.param("# padding\n" * (OPTIONS.max_tokens + 10) + "{ workspaces { key } }", id="comments"),
    ],
)
async def test_tokens_over_the_limit(stack: Stack, query: str) -> None:
    found = await refused(stack, query)
    assert found["error"]["message"] == (
        f"the query has more than {OPTIONS.max_tokens} tokens; the limit is {OPTIONS.max_tokens} (max_tokens)"
    )
    assert found["error"]["extensions"]["limit"] == "max_tokens"


async def test_a_syntax_error_under_the_token_limit_stays_bad_request(stack: Stack) -> None:
    body = await stack.query("{ workspaces { key } ")
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert cost_of(body)["requestedQueryCost"] == 0


async def test_too_deep(stack: Stack) -> None:
    inner = "name"
    for _ in range(OPTIONS.max_query_depth):
        inner = f"workspace {{ destinations {{ nodes {{ {inner} }} }} }}"
    found = await refused(stack, "{ destinations { nodes { " + inner + " } } }")
    message = found["error"]["message"]
    assert message.endswith(f"; the limit is {OPTIONS.max_query_depth} (max_query_depth)"), message
    assert found["error"]["extensions"]["limit"] == "max_query_depth"


# -- how documents are priced ---------------------------------------------------------------------------


async def price(stack: Stack, query: str, variables: dict[str, Any] | None = None) -> tuple[int, int]:
    body = await stack.query(query, variables)
    cost = cost_of(body)
    return cost["requestedQueryCost"], cost["requestedObjects"]


async def test_skip_and_include_lower_the_price(stack: Stack) -> None:
    query = """query($skip: Boolean!, $include: Boolean!) { destinations(first: 20) { nodes {
        id deliveryMetrics @skip(if: $skip) { successes } fields @include(if: $include) { name } } } }"""
    both = await price(stack, query, {"skip": False, "include": True})
    assert both == (4 + 20 + 20, 1 + 20 + 20 + 20 * 10)
    assert await price(stack, query, {"skip": True, "include": True}) == (4 + 20, 1 + 20 + 20 * 10)
    assert await price(stack, query, {"skip": True, "include": False}) == (4, 1 + 20)
    literal = "{ destinations(first: 20) { nodes { id deliveryMetrics @skip(if: true) { successes } } } }"
    assert await price(stack, literal) == (4, 21)


async def test_fragments_are_priced_like_inline_selections(stack: Stack) -> None:
    inline = "{ destinations(first: 30) { nodes { id type { label } subscriptions(first: 5) { totalCount } } } }"
    named = """{ destinations(first: 30) { nodes { ...Row } } }
        fragment Row on Destination { id type { label } subscriptions(first: 5) { totalCount } }"""
    typed = """{ destinations(first: 30) { nodes { ... on Destination { id type { label } }
        ... on Destination { subscriptions(first: 5) { totalCount } } } } }"""
    # a field selected twice runs once: execution merges it, and so does the price
    twice = """{ destinations(first: 30) { nodes { ...Row ...Row type { label } } } }
        fragment Row on Destination { id type { label } subscriptions(first: 5) { totalCount } }"""
    expected = await price(stack, inline)
    assert expected == (4 + 4 + 30, 1 + 30 + 30 + 30)
    for query in (named, typed, twice):
        assert await price(stack, query) == expected, query


async def test_filters_and_the_callers_workspaces_narrow_the_price(stack: Stack) -> None:
    assert (await price(stack, "{ destinations { nodes { id } } }"))[0] == 4
    assert (await price(stack, "{ destinations(filter: {providers: [OURS, NIMRIZ]}) { nodes { id } } }"))[0] == 2
    ours = await stack.workspace_id("OURS")
    query = "query($w: [ID!]) { destinations(filter: {workspaceIds: $w}) { totalCount nodes { id } } }"
    assert (await price(stack, query, {"w": [ours]}))[0] == 2
    assert (await price(stack, "{ workspaces(provider: ZEOTAP) { health { status } } }"))[0] == 1
    # the type's catalog is read once per workspace, however many destinations the page holds
    assert (await price(stack, "{ destinations(first: 100) { nodes { type { label } } } }"))[0] == 4 + 4


async def test_introspection_costs_nothing(stack: Stack) -> None:
    body = await stack.query("{ __schema { types { name fields { name args { name } } } } }")
    assert not body.get("errors")
    assert cost_of(body)["requestedQueryCost"] == 0
    assert cost_of(body)["requestedObjects"] == 0


def test_pricing_stops_on_a_document_that_expands_past_what_it_walks() -> None:
    options = GatewayOptions(max_query_objects=10)
    schema = build_schema(options)._schema
    # Not a document validation would let through (aliases): pricing still stops, and refuses it.
    document = parse("{ " + " ".join(f"w{i}: workspaces {{ key }}" for i in range(1200)) + " }")
    found = price_operation(schema, document.definitions[0], {}, None, stack_settings().workspaces, options)
    assert not found.complete
    assert found.objects > options.max_query_objects
    error = refusal(found, options)
    assert error is not None
    assert error.message == "the answer can hold more than 10 objects; the limit is 10 (max_query_objects)"


async def test_a_subscription_over_a_limit_is_refused_with_its_price() -> None:
    workspaces = stack_settings().workspaces
    schema = build_schema(GatewayOptions(max_query_cost=1))
    context = SimpleNamespace(
        session=SimpleNamespace(visible_workspaces=lambda: list(workspaces)),
        scope=CallScope(),
        request_id="r1",
        partial_errors=[],
    )
    stream = await schema.subscribe(
        'subscription { destinationTestProgress(input: {id: "x"}) { name } }', context_value=context
    )
    results = [result async for result in stream]
    [result] = results
    [error] = result.errors
    assert error.extensions["code"] == "QUERY_TOO_COMPLEX"
    assert error.message == "the query costs 2 upstream calls; the limit is 1 (max_query_cost)"
    assert result.extensions["cost"]["requestedQueryCost"] == 2
    assert context.scope.calls == 0


# -- the validation cache hits ----------------------------------------------------------------------------


async def test_a_repeated_query_is_validated_once(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    query = "{ workspaces { key provider } validatedOnce: workspaces { label } }"
    validated: list[Any] = []
    original = strawberry_schema.validate

    def counting(schema: Any, document: Any, rules: Any) -> Any:
        validated.append(document)
        return original(schema, document, rules)

    monkeypatch.setattr(strawberry_schema, "validate", counting)
    lru = _get_validate_cache(256)
    before = lru.cache_info()
    for _ in range(3):
        assert not (await stack.query(query)).get("errors")
    after = lru.cache_info()
    assert len(validated) == 1
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 2)


# -- the table holds to the schema ------------------------------------------------------------------------


def test_every_resolver_that_may_call_upstream_and_every_list_of_objects_is_priced() -> None:
    schema = build_schema()
    graphql_schema = schema._schema
    missing = []
    for type_name, graphql_type in graphql_schema.type_map.items():
        definition = schema.get_type_by_name(type_name)
        fields = getattr(definition, "fields", None)
        if type_name.startswith("__") or fields is None or not hasattr(graphql_type, "fields"):
            continue
        for field in fields:
            name = schema.config.name_converter.get_graphql_name(field)
            if name not in graphql_type.fields:
                continue
            returned = graphql_type.fields[name].type
            listed = is_list_type(get_nullable_type(returned)) and is_composite_type(get_named_type(returned))
            root = type_name in ("Query", "Mutation", "Subscription")
            if (field.is_async or listed or root) and f"{type_name}.{name}" not in PRICES:
                missing.append(f"{type_name}.{name}")
    assert missing == []
    for entry in PRICES:
        type_name, _, name = entry.partition(".")
        assert name in graphql_schema.type_map[type_name].fields, entry
