"""Vendor answers that do not fit their shape: the broken part fails alone, coded, and data stands.

Each emulator mangles its own replies on request (``corrupt`` in /_emulator/faults): a field
dropped or of another type, a truncated body, an HTML page, an empty 200, an error body with 200.
For every vendor and every read the gateway makes, the other vendors answer in full, the broken
part carries UPSTREAM_ERROR with its provider and path, and nothing is INTERNAL or nulls ``data``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.schema.conftest import WORKSPACES, Stack

WHOLE_BODY = ("truncate", "html", "empty", "error_200")
#: the path of each vendor's destination list (the only call a page of destinations makes there)
LIST_ROUTES = {
    "segment": r"^/destinations$",
    "ours": r"^/rest/v1/destinations$",
    "zeotap": r"^/api/v1/workspaces/ws-demo/destinations$",
    "nimriz": r"^/api/integrations/destinations$",
}
PER_WORKSPACE = """
{ workspaces { key provider destinations(first: 100) { nodes { id name typeKey enabled } } } }
"""


async def read_fresh(stack: Stack, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """Read past the gateway's read cache: the vendor's (mangled) answer is what is under test."""
    return await stack.query(query, variables, fresh=True)


async def corrupt(stack: Stack, vendor: str, path: str, kind: str, field: str | None = None, **extra: Any) -> None:
    plan: dict[str, Any] = {"kind": kind}
    if field is not None:
        plan["field"] = field
    plan.update(extra)
    await stack.upstreams[vendor].faults(corrupt=plan, path_pattern=path, methods=["GET"])


async def counts(stack: Stack) -> dict[str, int]:
    """Destinations per workspace, read while nothing is corrupted."""
    data = await stack.data(PER_WORKSPACE)
    return {w["key"]: len(w["destinations"]["nodes"]) for w in data["workspaces"]}


def assert_coded(body: dict[str, Any], vendor: str, path: list[Any]) -> dict[str, Any]:
    """The one error of the answer: UPSTREAM_ERROR for this vendor at this path; no INTERNAL anywhere."""
    assert body.get("data") is not None
    errors = body.get("errors") or []
    assert all(e["extensions"]["code"] != "INTERNAL" for e in errors), errors
    mine = [e for e in errors if e.get("path") == path]
    assert mine, errors
    assert mine[0]["extensions"]["code"] == "UPSTREAM_ERROR"
    assert mine[0]["extensions"]["provider"] == vendor.upper()
    assert mine[0]["extensions"]["workspace"] == WORKSPACES[vendor]
    return mine[0]


@pytest.mark.parametrize("vendor", sorted(LIST_ROUTES))
@pytest.mark.parametrize("kind", WHOLE_BODY)
async def test_a_list_answer_that_is_not_json_fails_only_its_workspace(stack: Stack, vendor: str, kind: str) -> None:
    expected = await counts(stack)
    await corrupt(stack, vendor, LIST_ROUTES[vendor], kind)

    body = await read_fresh(stack, PER_WORKSPACE)

    index = list(WORKSPACES).index(vendor)
    assert_coded(body, vendor, ["workspaces", index, "destinations"])
    for workspace in body["data"]["workspaces"]:
        found = len(workspace["destinations"]["nodes"])
        assert found == (0 if workspace["key"] == WORKSPACES[vendor] else expected[workspace["key"]])


@pytest.mark.parametrize("vendor", sorted(LIST_ROUTES))
@pytest.mark.parametrize("kind", ["drop_field", "wrong_type"])
async def test_one_unreadable_row_is_left_out_and_reported_and_its_page_stands(
    stack: Stack, vendor: str, kind: str
) -> None:
    expected = await counts(stack)
    await corrupt(stack, vendor, LIST_ROUTES[vendor], kind, "id", limit=1)

    body = await read_fresh(stack, PER_WORKSPACE)

    error = assert_coded(body, vendor, ["workspaces", list(WORKSPACES).index(vendor), "destinations"])
    assert "id" in error["message"]
    for workspace in body["data"]["workspaces"]:
        found = len(workspace["destinations"]["nodes"])
        assert found == expected[workspace["key"]] - (1 if workspace["key"] == WORKSPACES[vendor] else 0)


@pytest.mark.parametrize("vendor", sorted(LIST_ROUTES))
async def test_a_lookup_of_an_unreadable_destination_fails_that_node_alone(stack: Stack, vendor: str) -> None:
    own = await stack.destinations_of(vendor.upper())
    others = [(await stack.destinations_of(name.upper()))[0]["id"] for name in WORKSPACES if name != vendor]
    broken, healthy = own[0], own[1]
    # The asked destination's name becomes a number: its row, and only it, no longer fits.
    routes = {
        "segment": rf"^/destinations/{broken['nativeId']}$",
        "ours": rf"^/rest/v1/destinations/{broken['nativeId']}$",
    }
    await corrupt(stack, vendor, routes.get(vendor, LIST_ROUTES[vendor]), "wrong_type", "name", limit=1)
    ids = [broken["id"], healthy["id"], *others]

    body = await read_fresh(
        stack, "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Destination { name } } }", {"ids": ids}
    )

    assert_coded(body, vendor, ["nodes", 0])
    nodes = body["data"]["nodes"]
    assert nodes[0] is None
    assert [node["id"] for node in nodes[1:]] == ids[1:]
    assert nodes[1]["name"] == healthy["name"]


async def test_unreadable_subscriptions_empty_that_field_alone(stack: Stack) -> None:
    await corrupt(stack, "segment", r"/subscriptions$", "wrong_type", "enabled")

    body = await read_fresh(
        stack,
        "{ destinations(first: 100, filter: {providers: [SEGMENT, NIMRIZ]}) { nodes { provider name"
        " subscriptions { totalCount nodes { name } } } } }",
    )

    assert body["data"] is not None
    errors = body["errors"]
    assert errors and all(e["extensions"]["code"] == "UPSTREAM_ERROR" for e in errors)
    assert all(e["extensions"]["provider"] == "SEGMENT" and e["path"][-1] == "subscriptions" for e in errors)
    nodes = body["data"]["destinations"]["nodes"]
    broken = {e["path"][2] for e in errors}
    for i in broken:
        assert nodes[i]["provider"] == "SEGMENT"
        assert nodes[i]["subscriptions"] == {"totalCount": None, "nodes": []}
    # Nimriz actions still arrive.
    assert any(n["subscriptions"]["nodes"] for n in nodes if n["provider"] == "NIMRIZ")


@pytest.mark.parametrize(
    ("vendor", "route", "field"),
    [("segment", r"^/catalog/destinations$", "slug"), ("ours", r"^/rest/v1/destinations/types$", "settings")],
)
async def test_an_unreadable_catalog_fails_its_workspace_and_the_others_list(
    stack: Stack, vendor: str, route: str, field: str
) -> None:
    await corrupt(stack, vendor, route, "wrong_type", field, limit=1)

    body = await read_fresh(stack, "{ destinationTypes(first: 100) { totalCount nodes { provider key } } }")

    assert_coded(body, vendor, ["destinationTypes"])
    providers = {n["provider"] for n in body["data"]["destinationTypes"]["nodes"]}
    assert providers == {"SEGMENT", "OURS", "ZEOTAP", "NIMRIZ"} - {vendor.upper()}


async def test_an_unreadable_type_lookup_nulls_the_type_alone(stack: Stack) -> None:
    await corrupt(stack, "ours", r"^/rest/v1/destinations/types$", "truncate")

    body = await read_fresh(
        stack, "query { destinations(first: 5, filter: {providers: [OURS]}) { nodes { name type { label } } } }"
    )

    assert body["data"] is not None
    nodes = body["data"]["destinations"]["nodes"]
    assert nodes and all(n["name"] and n["type"] is None for n in nodes)
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UPSTREAM_ERROR"}
    assert all(e["path"][-1] == "type" for e in body["errors"])


async def test_unreadable_delivery_metrics_null_that_field_alone(stack: Stack) -> None:
    await corrupt(stack, "segment", r"/delivery-metrics$", "wrong_type", "metrics")

    body = await read_fresh(
        stack,
        "{ destinations(first: 3, filter: {providers: [SEGMENT]}) { nodes { name deliveryMetrics { successes } } } }",
    )

    nodes = body["data"]["destinations"]["nodes"]
    assert nodes and all(n["deliveryMetrics"] is None for n in nodes)
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UPSTREAM_ERROR"}
    assert {e["path"][-1] for e in body["errors"]} == {"deliveryMetrics"}


async def test_unreadable_field_descriptions_null_that_field_alone(stack: Stack) -> None:
    await corrupt(stack, "zeotap", r"/fields$", "drop_field", "name")

    body = await read_fresh(
        stack, "{ destinations(first: 2, filter: {providers: [ZEOTAP]}) { nodes { name fields { name } } } }"
    )

    nodes = body["data"]["destinations"]["nodes"]
    assert nodes and all(n["name"] and n["fields"] is None for n in nodes)
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UPSTREAM_ERROR"}
    assert {e["extensions"]["provider"] for e in body["errors"]} == {"ZEOTAP"}


async def test_no_secret_reaches_a_misfit_message(stack: Stack) -> None:
    secrets = (await stack.upstreams["ours"].control.get("/_emulator/secrets")).json()
    await corrupt(stack, "ours", LIST_ROUTES["ours"], "wrong_type", "settings", limit=3)

    body = await read_fresh(stack, "{ destinations(first: 100) { nodes { id } } }")

    text = str(body.get("errors"))
    assert body.get("errors")
    values = [v for v in _strings(secrets) if len(v) >= 6]
    assert values and not [v for v in values if v in text]


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


async def test_an_unreadable_sync_list_fails_the_delete_plan_with_a_code(stack: Stack) -> None:
    target = (await stack.destinations_of("ZEOTAP"))[0]["id"]
    await corrupt(stack, "zeotap", r"/syncs$", "drop_field", "destination_id")

    body = await read_fresh(
        stack,
        "mutation($id: ID!) { deleteDestination(input: {id: $id, dryRun: true}) { deletedId userErrors { code } } }",
        {"id": target},
    )

    [error] = body["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_ERROR"
    assert error["extensions"]["provider"] == "ZEOTAP"
    assert error["path"] == ["deleteDestination"]
    assert await stack.writes("zeotap") == []
