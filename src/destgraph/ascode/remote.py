"""What the vendors hold now, read through the graph: workspaces, destinations, subscriptions, services.

Reads go through ``GraphQLClient`` (fresh: ``Cache-Control: no-cache``) and are parsed once into
frozen records. Nimriz event filters and property mappings are kept in the shape the mutations
take (the vendor's snake_case), normalised so that a file and a read compare equal when they mean
the same: empty lists and clauses are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from destgraph.ascode.client import GraphQLClient
from destgraph.ascode.errors import GatewayError

DESTINATION_PAGE = 25
SUBSCRIPTION_PAGE = 50

SUBSCRIPTION_FIELDS = """
fragment Clause on EventFilterClause { eventTypes touchTypes domainIds tagIds spaceIds countries botTraffic }
fragment Subscription on DestinationSubscription {
  id nativeId name enabled actionId actionType modelId trigger settings version
  eventFilter { include { ...Clause } exclude { ...Clause } conditions }
  propertyMapping { base overrides { kind spec } }
}
"""
_DESTINATION = """
fragment NAME on Destination {
  id nativeId name typeKey service enabled settings secretSettingKeys sourceIds version
  subscriptions(first: FIRST) { pageInfo { hasNextPage endCursor } nodes { ...Subscription } }
}
"""
#: a destination as mutations return it (one object: a fixed page of subscriptions)
DESTINATION_FIELDS = SUBSCRIPTION_FIELDS + _DESTINATION.replace("NAME", "Destination").replace(
    "FIRST", str(SUBSCRIPTION_PAGE)
)
WORKSPACES = "{ workspaces { id key provider label capabilities { subscriptions settingsReplacedWhole } } }"
#: pages sized by variables, so that a gateway with lower query limits is asked for smaller pages
DESTINATIONS = (
    SUBSCRIPTION_FIELDS
    + _DESTINATION.replace("NAME", "Listed").replace("FIRST", "$subscriptions")
    + """
query Destinations($key: String!, $after: String, $first: Int!, $subscriptions: Int!) {
  workspace(key: $key) {
    destinations(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { ...Listed } }
  }
}
"""
)
MORE_SUBSCRIPTIONS = (
    SUBSCRIPTION_FIELDS
    + """
query MoreSubscriptions($id: ID!, $after: String) {
  node(id: $id) { ... on Destination {
    subscriptions(first: SUBSCRIPTION_PAGE, after: $after) { pageInfo { hasNextPage endCursor } nodes { ...Subscription } }
  } }
}
""".replace("SUBSCRIPTION_PAGE", str(SUBSCRIPTION_PAGE))
)
SERVICES = "{ services { slug offers { provider workspace { key } typeKey type { creatable } } } }"

_CLAUSE = {
    "eventTypes": "event_types",
    "touchTypes": "touch_types",
    "domainIds": "domain_ids",
    "tagIds": "tag_ids",
    "spaceIds": "space_ids",
    "countries": "countries",
    "botTraffic": "bot_traffic",
}


@dataclass(frozen=True)
class RemoteSubscription:
    id: str
    native_id: str
    name: str
    enabled: bool
    action_id: str | None
    action_type: str | None
    model_id: str | None
    trigger: str | None
    settings: dict[str, Any]
    event_filter: Any
    property_mapping: Any
    version: str


@dataclass(frozen=True)
class RemoteDestination:
    id: str
    native_id: str
    name: str
    type_key: str
    service: str
    enabled: bool
    settings: dict[str, Any]
    secret_keys: frozenset[str]
    source_ids: tuple[str, ...]
    version: str
    subscriptions: tuple[RemoteSubscription, ...]


@dataclass(frozen=True)
class RemoteWorkspace:
    id: str
    key: str
    provider: str
    label: str
    has_subscriptions: bool
    #: an update changing any setting must give every secret again (Capabilities.settingsReplacedWhole)
    settings_replaced_whole: bool = False
    destinations: tuple[RemoteDestination, ...] = ()

    def by_native_id(self) -> dict[str, RemoteDestination]:
        return {d.native_id: d for d in self.destinations}


@dataclass(frozen=True)
class Offer:
    """A type of one workspace's catalog that sends to a service."""

    type_key: str
    creatable: bool


async def read_workspaces(client: GraphQLClient) -> list[RemoteWorkspace]:
    """The workspaces the key may see, in the gateway's order, without their destinations."""
    data = await client.data(WORKSPACES)
    try:
        return [
            RemoteWorkspace(
                id=w["id"],
                key=w["key"],
                provider=w["provider"],
                label=w["label"],
                has_subscriptions=bool(w["capabilities"]["subscriptions"]),
                settings_replaced_whole=bool(w["capabilities"]["settingsReplacedWhole"]),
            )
            for w in data["workspaces"]
        ]
    except (KeyError, TypeError) as exc:
        raise _unreadable("workspaces", exc) from None


async def read_destinations(client: GraphQLClient, workspace: RemoteWorkspace) -> RemoteWorkspace:
    """The workspace with every destination and subscription it holds now."""
    found: list[RemoteDestination] = []
    after: str | None = None
    first, subscriptions = DESTINATION_PAGE, SUBSCRIPTION_PAGE
    while True:
        variables = {"key": workspace.key, "after": after, "first": first, "subscriptions": subscriptions}
        try:
            data = await client.data(DESTINATIONS, variables)
        except GatewayError as exc:
            if exc.code != "QUERY_TOO_COMPLEX" or first == subscriptions == 1:
                raise
            # The gateway's limits are lower than these pages: ask for smaller ones.
            first, subscriptions = max(1, first // 2), max(1, subscriptions // 2)
            continue
        try:
            page = data["workspace"]["destinations"]
            nodes = page["nodes"]
        except (KeyError, TypeError) as exc:
            raise _unreadable(f"the destinations of {workspace.key}", exc) from None
        for node in nodes:
            found.append(await _destination(client, node))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return RemoteWorkspace(
        id=workspace.id,
        key=workspace.key,
        provider=workspace.provider,
        label=workspace.label,
        has_subscriptions=workspace.has_subscriptions,
        settings_replaced_whole=workspace.settings_replaced_whole,
        destinations=tuple(found),
    )


async def read_services(client: GraphQLClient) -> dict[tuple[str, str], list[Offer]]:
    """(workspace key, service slug) to the types that send to it there."""
    data = await client.data(SERVICES)
    offers: dict[tuple[str, str], list[Offer]] = {}
    try:
        for service in data["services"]:
            for offer in service["offers"]:
                type_info = offer.get("type") or {}
                key = (offer["workspace"]["key"], service["slug"])
                offers.setdefault(key, []).append(Offer(offer["typeKey"], bool(type_info.get("creatable", True))))
    except (KeyError, TypeError) as exc:
        raise _unreadable("services", exc) from None
    return offers


def parse_destination(
    node: dict[str, Any], subscriptions: Iterable[RemoteSubscription] | None = None
) -> RemoteDestination:
    """A Destination object of the graph (as DESTINATION_FIELDS selects it)."""
    try:
        subs = (
            tuple(subscriptions)
            if subscriptions is not None
            else tuple(parse_subscription(s) for s in node["subscriptions"]["nodes"])
        )
        return RemoteDestination(
            id=node["id"],
            native_id=node["nativeId"],
            name=node["name"],
            type_key=node["typeKey"],
            service=node["service"],
            enabled=bool(node["enabled"]),
            settings=dict(node["settings"] or {}),
            secret_keys=frozenset(node["secretSettingKeys"] or ()),
            source_ids=tuple(node["sourceIds"] or ()),
            version=node["version"],
            subscriptions=subs,
        )
    except (KeyError, TypeError) as exc:
        raise _unreadable("a destination", exc) from None


def parse_subscription(node: dict[str, Any]) -> RemoteSubscription:
    """A DestinationSubscription object of the graph (as SUBSCRIPTION_FIELDS selects it)."""
    try:
        return RemoteSubscription(
            id=node["id"],
            native_id=node["nativeId"],
            name=node["name"],
            enabled=bool(node["enabled"]),
            action_id=node.get("actionId"),
            action_type=node.get("actionType"),
            model_id=node.get("modelId"),
            trigger=node.get("trigger"),
            settings=dict(node.get("settings") or {}),
            event_filter=_event_filter(node.get("eventFilter")),
            property_mapping=_property_mapping(node.get("propertyMapping")),
            version=node["version"],
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise _unreadable("a subscription", exc) from None


async def _destination(client: GraphQLClient, node: dict[str, Any]) -> RemoteDestination:
    try:
        page = node["subscriptions"]
    except (KeyError, TypeError) as exc:
        raise _unreadable("a destination", exc) from None
    subscriptions = [parse_subscription(s) for s in page["nodes"]]
    while page["pageInfo"]["hasNextPage"]:
        data = await client.data(MORE_SUBSCRIPTIONS, {"id": node["id"], "after": page["pageInfo"]["endCursor"]})
        page = (data.get("node") or {}).get("subscriptions")
        if not isinstance(page, dict):
            raise GatewayError("the gateway did not list a destination's subscriptions", code="BAD_RESPONSE")
        subscriptions += [parse_subscription(s) for s in page["nodes"]]
    return parse_destination(node, subscriptions)


def normalize_event_filter(value: Any) -> Any:
    """An event filter as compared and sent: clauses and lists that hold nothing left out."""
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for side, clause in value.items():
        if side in ("include", "exclude") and isinstance(clause, dict):
            kept = {k: v for k, v in clause.items() if v is not None and v != []}
            if kept:
                out[side] = kept
        elif side == "conditions" and (clause is None or clause == []):
            continue
        else:
            out[side] = clause
    return out


def normalize_property_mapping(value: Any) -> Any:
    """A property mapping as compared and sent: an empty overrides list left out."""
    if not isinstance(value, dict):
        return value
    return {k: v for k, v in value.items() if not (k == "overrides" and v == [])}


def _event_filter(typed: Any) -> Any:
    if typed is None:
        return None
    out: dict[str, Any] = {}
    for side in ("include", "exclude"):
        clause = typed.get(side) or {}
        out[side] = {snake: clause.get(camel) for camel, snake in _CLAUSE.items()}
    out["conditions"] = typed.get("conditions") or []
    return normalize_event_filter(out)


def _property_mapping(typed: Any) -> Any:
    if typed is None:
        return None
    overrides = [{"type": str(o["kind"]).lower(), **(o.get("spec") or {})} for o in typed.get("overrides") or ()]
    return normalize_property_mapping({"base": typed.get("base"), "overrides": overrides})


def _unreadable(what: str, exc: Exception) -> GatewayError:
    return GatewayError(
        f"the gateway's answer for {what} is not one this tool reads ({type(exc).__name__}: {exc})",
        code="BAD_RESPONSE",
    )
