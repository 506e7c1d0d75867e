"""Destination types, subscriptions (Segment, Nimriz), delivery metrics (Segment), fields (Zeotap)."""

from __future__ import annotations

from destgraph.domain import fql
from tests.schema.conftest import WORKSPACES, Stack

TYPES = """
query($provider: Provider, $search: String, $after: String) {
  destinationTypes(provider: $provider, search: $search, first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id provider key label status creatable categories
            settings { key label type required secret defaultValue choices } actions { key name fields { key } } }
  }
}
"""


async def test_destination_types_of_each_provider(stack: Stack) -> None:
    for provider in ("SEGMENT", "OURS", "ZEOTAP", "NIMRIZ"):
        data = await stack.data(TYPES, {"provider": provider})
        nodes = data["destinationTypes"]["nodes"]
        assert nodes and all(n["provider"] == provider for n in nodes), provider
    zeotap = (await stack.data(TYPES, {"provider": "ZEOTAP"}))["destinationTypes"]
    assert zeotap["totalCount"] == 16


async def test_ours_read_only_types_are_not_creatable(stack: Stack) -> None:
    data = await stack.data(TYPES, {"provider": "OURS", "search": "warehouse"})
    assert data["destinationTypes"]["nodes"]
    assert all(not n["creatable"] for n in data["destinationTypes"]["nodes"])


async def test_secret_settings_are_flagged_and_have_no_default(stack: Stack) -> None:
    data = await stack.data(TYPES, {"provider": "OURS", "search": "klaviyo"})
    [klaviyo] = [n for n in data["destinationTypes"]["nodes"] if n["key"] == "Klaviyo"]
    secrets = [s for s in klaviyo["settings"] if s["secret"]]
    assert secrets and all(s["type"] == "SECRET" and s["defaultValue"] is None for s in secrets)


async def test_type_node_round_trips(stack: Stack) -> None:
    data = await stack.data(TYPES, {"provider": "NIMRIZ"})
    first = data["destinationTypes"]["nodes"][0]
    again = await stack.data(f'{{ node(id: "{first["id"]}") {{ id ... on DestinationType {{ key }} }} }}')
    assert again["node"] == {"id": first["id"], "key": first["key"]}


async def test_segment_subscriptions_and_their_nodes(stack: Stack) -> None:
    query = """{ destinations(first: 100, filter: {providers: [SEGMENT]}) { nodes { id
        subscriptions(first: 10) { totalCount nodes { id nativeId name enabled trigger actionId actionSlug settings } } } } }"""
    nodes = (await stack.data(query))["destinations"]["nodes"]
    with_subs = [n for n in nodes if n["subscriptions"]["totalCount"]]
    assert with_subs, "seeded Segment action destinations have subscriptions"
    subscription = with_subs[0]["subscriptions"]["nodes"][0]
    assert subscription["trigger"] and subscription["actionId"]
    node = await stack.data(
        f'{{ node(id: "{subscription["id"]}") {{ ... on DestinationSubscription {{ nativeId destination {{ id }} }} }} }}'
    )
    assert node["node"]["nativeId"] == subscription["nativeId"]
    assert node["node"]["destination"]["id"] == with_subs[0]["id"]


async def test_nimriz_actions_are_subscriptions_with_filters_and_fql(stack: Stack) -> None:
    query = """{ destinations(first: 100, filter: {providers: [NIMRIZ]}) { nodes {
        subscriptions(first: 10) { nodes { name actionType trigger
            eventFilter { include { eventTypes countries } exclude { botTraffic } conditions }
            propertyMapping { base overrides { kind spec } } } } } } }"""
    await stack.clear_calls()
    nodes = (await stack.data(query))["destinations"]["nodes"]
    actions = [s for n in nodes for s in n["subscriptions"]["nodes"]]
    assert actions and all(a["actionType"] for a in actions)
    assert {o["kind"] for a in actions for o in a["propertyMapping"]["overrides"]} == {
        "RENAME",
        "EXCLUDE",
        "INCLUDE",
        "STATIC",
        "TEMPLATE",
    }
    triggers = [a["trigger"] for a in actions if a["trigger"]]
    assert triggers
    for trigger in triggers:
        fql.parse(trigger)  # an equivalent FQL expression: it must be valid FQL
    # Actions come inside the destinations: the whole query is one upstream call.
    assert len(await stack.upstreams["nimriz"].calls()) == 1


async def test_segment_delivery_metrics(stack: Stack) -> None:
    query = """{ destinations(first: 2, filter: {providers: [SEGMENT]}) { nodes {
        deliveryMetrics(input: {granularity: HOUR}) { sourceId granularity startTime endTime successes
          successesOnFirstAttempt successesAfterRetry expired discarded retried timeToSuccess { average p95 } } } } }"""
    nodes = (await stack.data(query))["destinations"]["nodes"]
    metrics = nodes[0]["deliveryMetrics"]
    assert metrics["granularity"] == "HOUR"
    assert metrics["successes"] >= 0 and metrics["timeToSuccess"] is not None


async def test_delivery_metrics_are_null_without_the_capability(stack: Stack) -> None:
    query = "{ destinations(first: 1, filter: {providers: [OURS]}) { nodes { deliveryMetrics { successes } fields { name } } } }"
    nodes = (await stack.data(query))["destinations"]["nodes"]
    assert nodes[0] == {"deliveryMetrics": None, "fields": None}


async def test_zeotap_describe_fields(stack: Stack) -> None:
    query = "{ destinations(first: 20, filter: {providers: [ZEOTAP]}) { nodes { typeKey fields { name label type required } } } }"
    body = await stack.query(query)
    nodes = body["data"]["destinations"]["nodes"]
    assert any(n["fields"] for n in nodes)
    # A destination whose connection is broken cannot be described: an error at its own path only.
    for error in body.get("errors") or []:
        assert error["path"][-1] == "fields" and error["extensions"]["code"] == "UPSTREAM_ERROR"
        assert nodes[error["path"][2]]["fields"] is None


async def test_workspace_capabilities(stack: Stack) -> None:
    data = await stack.data(
        "{ workspaces { key capabilities { subscriptions deliveryMetrics connectionTest testEvent describeFields serverSidePagination liveCatalog } } }"
    )
    caps = {w["key"]: w["capabilities"] for w in data["workspaces"]}
    assert caps[WORKSPACES["segment"]]["deliveryMetrics"] is True
    assert caps[WORKSPACES["zeotap"]]["connectionTest"] is True
    assert caps[WORKSPACES["nimriz"]]["testEvent"] is True
    assert caps[WORKSPACES["ours"]]["liveCatalog"] is True
