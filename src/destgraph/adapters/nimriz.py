"""Nimriz (/api/integrations/destinations): one list call answers every key, actions included.

Vendor facts this adapter relies on: the list is ``{"destinations": [...]}``, whole, with secret
credentials redacted; there is no get-by-id; actions live inside destinations; errors are flat
``{code, message, support_reference}``; Bearer or X-Nim-Api-Key.
"""

from __future__ import annotations

from typing import Any, ClassVar

from destgraph.adapters.base import BaseAdapter, ListFilter
from destgraph.adapters.nimriz_catalog import BY_KEY, CATALOG
from destgraph.adapters.parsing import optional_datetime, require
from destgraph.adapters.registry import VendorProfile
from destgraph.config import WorkspaceConfig
from destgraph.domain.models import (
    Capabilities,
    Destination,
    DestinationPage,
    DestinationRef,
    DestinationSubscription,
    DestinationType,
    EventFilter,
    FilterClause,
    MappingOverride,
    MappingOverrideKind,
    PropertyMapping,
    Provider,
    SubscriptionRef,
)

#: a dict, not MappingOverrideKind(value): the enum's lookup is slow on a list of hundreds of actions
_OVERRIDE_KINDS = {kind.value: kind for kind in MappingOverrideKind}


class NimrizAdapter(BaseAdapter):
    provider: ClassVar[Provider] = Provider.NIMRIZ
    capabilities: ClassVar[Capabilities] = Capabilities(
        subscriptions=True,
        delivery_metrics=False,
        connection_test=False,
        test_event=True,
        describe_fields=False,
        server_side_pagination=False,
        live_catalog=False,
    )

    async def list_destinations(self, *, cursor: str | None, limit: int, filter: ListFilter) -> DestinationPage:
        body = await self.upstream.get_json("/api/integrations/destinations", operation="list_destinations")
        rows = require(body, "destinations", list, self)
        destinations = tuple(self._destination(row) for row in rows)
        return DestinationPage(destinations=destinations, total=len(destinations))

    async def list_destination_types(self) -> list[DestinationType]:
        return list(CATALOG)

    async def list_subscriptions(self, destination: Destination) -> list[DestinationSubscription]:
        return list(destination.subscriptions or ())

    async def probe(self) -> None:
        await self.upstream.get_json("/api/v1/whoami", operation="whoami")

    def _destination(self, row: dict[str, Any]) -> Destination:
        ref = DestinationRef(self.workspace.key, str(row["id"]))
        credentials = dict(row.get("credentials") or {})
        return Destination(
            ref=ref,
            provider=Provider.NIMRIZ,
            name=row.get("name") or "",
            type_key=row.get("type", ""),
            enabled=bool(row.get("enabled", True)),
            settings=credentials,
            raw=row,
            secret_keys=_secret_keys(row.get("type", ""), credentials),
            created_at=optional_datetime(row.get("created_at")),
            updated_at=optional_datetime(row.get("updated_at")),
            subscriptions=tuple(_action(ref, action) for action in row.get("actions") or ()),
        )


def _secret_keys(type_key: str, credentials: dict[str, Any]) -> frozenset[str]:
    """The type's secret credentials, plus any the vendor redacted; unknown types: every credential."""
    known = BY_KEY.get(type_key)
    redacted = {k for k, v in credentials.items() if v == "[REDACTED]"}
    return (known.secret_keys | redacted) if known else frozenset(credentials)


def _action(destination: DestinationRef, action: dict[str, Any]) -> DestinationSubscription:
    event_filter = _event_filter(action.get("event_filter") or {})
    return DestinationSubscription(
        ref=SubscriptionRef(destination, str(action.get("id"))),
        name=action.get("name") or "",
        enabled=bool(action.get("enabled", True)),
        raw=action,
        action_type=action.get("action_type"),
        event_filter=event_filter,
        property_mapping=_mapping(action.get("property_mapping") or {}),
        created_at=optional_datetime(action.get("created_at")),
        updated_at=optional_datetime(action.get("updated_at")),
    )


def _clause(raw: dict[str, Any]) -> FilterClause:
    def strings(key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in raw.get(key) or ())

    bot = raw.get("bot_traffic")
    return FilterClause(
        event_types=strings("event_types"),
        touch_types=strings("touch_types"),
        domain_ids=strings("domain_ids"),
        tag_ids=strings("tag_ids"),
        space_ids=strings("space_ids"),
        countries=strings("countries"),
        bot_traffic=bot if isinstance(bot, bool) else None,
    )


def _event_filter(raw: dict[str, Any]) -> EventFilter:
    return EventFilter(
        include=_clause(raw.get("include") or {}),
        exclude=_clause(raw.get("exclude") or {}),
        conditions=tuple(c for c in raw.get("conditions") or () if isinstance(c, dict)),
    )


def _mapping(raw: dict[str, Any]) -> PropertyMapping:
    overrides = []
    for item in raw.get("overrides") or ():
        kind = _OVERRIDE_KINDS.get(item.get("type"))
        if kind is None:
            continue
        overrides.append(MappingOverride(kind=kind, spec={k: v for k, v in item.items() if k != "type"}))
    return PropertyMapping(base=str(raw.get("base") or "default"), overrides=tuple(overrides))


def _message(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("message"):
        code = body.get("code")
        reference = body.get("support_reference")
        text = f"{code}: {body['message']}" if code else str(body["message"])
        return f"{text} (support reference {reference})" if reference else text
    return None


def _headers(workspace: WorkspaceConfig) -> dict[str, str]:
    return {"Authorization": f"Bearer {workspace.token.get_secret_value()}", "Accept": "application/json"}


PROFILE = VendorProfile(adapter=NimrizAdapter, headers=_headers, extract_message=_message)
