"""Zeotap Composable (/api/v1/workspaces/{id}/destinations): one list call answers every key.

Vendor facts this adapter relies on: the list is a bare array of every destination; Bearer plus
X-Workspace-ID; status pending/connected/error with status_error; no enabled flag; describe
fields at /{destId}/fields; 100 calls a minute and 20 a second per workspace.
"""

from __future__ import annotations

from typing import Any, ClassVar

from destgraph.adapters.base import BaseAdapter, ListFilter
from destgraph.adapters.budget import RateBudget
from destgraph.adapters.parsing import optional_datetime
from destgraph.adapters.registry import VendorProfile
from destgraph.adapters.zeotap_catalog import BY_KEY, CATALOG
from destgraph.config import WorkspaceConfig
from destgraph.domain.models import (
    Capabilities,
    ConnectionStatus,
    Destination,
    DestinationField,
    DestinationPage,
    DestinationRef,
    DestinationType,
    Provider,
)
from destgraph.errors import UpstreamProtocolError

_STATUS = {
    "pending": ConnectionStatus.PENDING,
    "connected": ConnectionStatus.CONNECTED,
    "error": ConnectionStatus.ERROR,
}


class ZeotapAdapter(BaseAdapter):
    provider: ClassVar[Provider] = Provider.ZEOTAP
    capabilities: ClassVar[Capabilities] = Capabilities(
        subscriptions=False,
        delivery_metrics=False,
        connection_test=True,
        test_event=False,
        describe_fields=True,
        server_side_pagination=False,
        live_catalog=False,
        can_disable=False,
    )

    @property
    def _base(self) -> str:
        return f"/api/v1/workspaces/{self.workspace.workspace_id}/destinations"

    async def list_destinations(self, *, cursor: str | None, limit: int, filter: ListFilter) -> DestinationPage:
        # Zeotap has no server-side paging or filters: one call reads the whole list.
        rows = await self.upstream.get_json(self._base, operation="list_destinations")
        if not isinstance(rows, list):
            raise UpstreamProtocolError(
                "zeotap answered the destination list with something other than an array",
                provider="zeotap",
                workspace=self.workspace.key,
                operation="list_destinations",
            )
        destinations = tuple(self._destination(row) for row in rows)
        return DestinationPage(destinations=destinations, total=len(destinations))

    async def list_destination_types(self) -> list[DestinationType]:
        return list(CATALOG)

    async def describe_fields(self, destination: Destination) -> list[DestinationField]:
        rows = await self.upstream.get_json(f"{self._base}/{destination.native_id}/fields", operation="describe_fields")
        return [
            DestinationField(
                name=str(row["name"]), label=row.get("label"), type=row.get("type"), required=bool(row.get("required"))
            )
            for row in rows or []
        ]

    async def probe(self) -> None:
        await self.upstream.get_json(self._base, operation="list_destinations")

    def _destination(self, row: dict[str, Any]) -> Destination:
        known = BY_KEY.get(row.get("destination_type", ""))
        status = _STATUS.get(row.get("status", ""), ConnectionStatus.UNKNOWN)
        return Destination(
            ref=DestinationRef(self.workspace.key, str(row["id"])),
            provider=Provider.ZEOTAP,
            name=row.get("name") or "",
            type_key=row.get("destination_type", ""),
            enabled=True,
            settings=dict(row.get("config") or {}),
            raw=row,
            connection_status=status,
            connection_error=(row.get("status_error") or None) if status is ConnectionStatus.ERROR else None,
            secret_keys=known.secret_keys if known else frozenset(),
            created_at=optional_datetime(row.get("created_at")),
            updated_at=optional_datetime(row.get("updated_at")),
        )


def _message(body: Any) -> str | None:
    return str(body["error"]) if isinstance(body, dict) and body.get("error") else None


def _headers(workspace: WorkspaceConfig) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {workspace.token.get_secret_value()}",
        "X-Workspace-ID": workspace.workspace_id or "",
        "Accept": "application/json",
    }


PROFILE = VendorProfile(
    adapter=ZeotapAdapter,
    headers=_headers,
    extract_message=_message,
    budgets=(RateBudget(calls=20, seconds=1), RateBudget(calls=100, seconds=60)),
)
