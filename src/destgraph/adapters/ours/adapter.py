"""Ours Privacy REST API (/rest/v1/destinations): list with cursor and filters, get, types.

Vendor facts this adapter relies on: lists are ``{entities, pagination: {nextCursor, hasMore}}``,
newest first, ``limit`` 1..100, ``status`` and ``type`` filters (pushed down here); single objects
are bare; secrets read back as ``******``. Answers are read through ``shapes`` and nowhere else.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import Any, ClassVar

from destgraph.adapters.base import BaseAdapter, looks_created
from destgraph.adapters.ours import shapes
from destgraph.adapters.ours.catalog import READABLE_TYPES, destination_type, read_only_types
from destgraph.adapters.ours.services import SERVICES
from destgraph.adapters.registry import VendorProfile
from destgraph.adapters.shapes import optional_datetime, parse, parse_rows
from destgraph.config import WorkspaceConfig
from destgraph.domain.models import (
    Capabilities,
    Destination,
    DestinationPage,
    DestinationRef,
    DestinationType,
    Provider,
)
from destgraph.domain.queries import ListFilter
from destgraph.domain.secrets import is_masked
from destgraph.domain.writes import CreatedDestination, DestinationDraft, DestinationPatch
from destgraph.errors import InvalidInputError, UpstreamError

MASK = "******"


class OursAdapter(BaseAdapter):
    description: ClassVar[str] = (
        "Ours Privacy: destinations of an account; the catalog comes from its API, and it reports no list totals."
    )
    provider: ClassVar[Provider] = Provider.OURS
    capabilities: ClassVar[Capabilities] = Capabilities(
        subscriptions=False,
        delivery_metrics=False,
        connection_test=False,
        test_event=False,
        describe_fields=False,
        server_side_pagination=True,
        live_catalog=True,
        reports_totals=False,
    )
    page_size_maximum: ClassVar[int | None] = 100
    updates_unread: ClassVar[bool] = True
    services = SERVICES

    async def list_destinations(self, *, cursor: str | None, limit: int | None, filter: ListFilter) -> DestinationPage:
        params: dict[str, str | int] = {"limit": 100 if limit is None else max(1, min(limit, 100))}
        if cursor:
            params["cursor"] = cursor
        if filter.enabled is not None:
            params["status"] = "Enabled" if filter.enabled else "Disabled"
        if filter.type_keys:
            wanted = [t for t in filter.type_keys if t in READABLE_TYPES]
            if not wanted:
                return DestinationPage(destinations=())  # no Ours destination can have these types
            if len(wanted) == 1:
                params["type"] = wanted[0]
        body = await self.upstream.get_json("/rest/v1/destinations", operation="list_destinations", params=params)
        return self._page(body, "list_destinations")

    def _page(self, body: Any, operation: str) -> DestinationPage:
        context = self.context(operation)
        page = parse(shapes.ListPage, body, context, what="the destination list")
        rows, rejected = parse_rows(shapes.Destination, page.entities, context, what="destination")
        return DestinationPage(
            destinations=tuple(self._destination(shape, row) for shape, row in rows),
            next_cursor=page.pagination.nextCursor if page.pagination.hasMore else None,
            rejected=tuple(rejected),
        )

    async def get_destinations(
        self, native_ids: Sequence[str], *, fresh: bool = False
    ) -> list[Destination | UpstreamError | None]:
        async def get_one(native_id: str) -> Destination:
            path = f"/rest/v1/destinations/{native_id}"
            return self._answered(
                await self.upstream.get_json(path, operation="get_destination", fresh=fresh), "get_destination"
            )

        return await self.get_each(native_ids, get_one)

    async def list_destination_types(self) -> list[DestinationType]:
        body = await self.upstream.get_json("/rest/v1/destinations/types", operation="list_destination_types")
        context = self.context("list_destination_types")
        page = parse(shapes.TypeList, body, context, what="the type list")
        types = [
            destination_type(shapes.type_rows.parse(row, context, what="a destination type")) for row in page.entities
        ]
        return types + read_only_types()

    async def probe(self) -> None:
        await self.upstream.get_json("/rest/v1/destinations", operation="probe", params={"limit": 1})

    # -- writes ------------------------------------------------------------------------------------

    async def create_destination(self, draft: DestinationDraft) -> CreatedDestination:
        """POST {type, name, settings}; then a PATCH for what POST cannot set (status, sources).

        Ours creates every destination Enabled and unlimited. When the PATCH that follows is refused, the
        destination exists as created and the fields not applied are reported in ``failures``.
        """
        settings: dict[str, Any] = {}
        for key, value in draft.settings.items():
            if is_masked(value):
                raise InvalidInputError(
                    "a masked value cannot be stored as a setting: send the value itself",
                    field=("input", "settings", key),
                )
            if value is not None:  # null on POST is the same as not sending the key
                settings[key] = value
        body = {"type": draft.type_key, "name": draft.name, "settings": settings}
        since = time.time()

        async def post() -> Destination:
            answer = await self.upstream.send_json(
                "POST", "/rest/v1/destinations", operation="create_destination", body=body
            )
            return self._answered(answer, "create_destination")

        destination = await self.reconciled(
            post, lambda: self.find_created_destination(draft, since), "create_destination"
        )
        follow_up = DestinationPatch(enabled=False if not draft.enabled else None, source_ids=draft.source_ids or None)
        if follow_up.is_empty:
            return CreatedDestination(destination=destination)
        try:
            return CreatedDestination(destination=await self.update_destination(destination, follow_up))
        except UpstreamError as exc:
            fields = [field for field, value in _INPUT_FIELDS.items() if getattr(follow_up, value) is not None]
            return CreatedDestination(destination=destination, failures=tuple((f, exc) for f in fields))

    async def find_created_destination(self, draft: DestinationDraft, since: float) -> Destination | None:
        """Newest first, filtered by type: the first page holds a destination created moments ago.
        Ours creates every destination enabled and for every source, so only name, type, settings
        and creation time tell."""
        params: dict[str, str | int] = {"limit": 100, "type": draft.type_key}
        body = await self.upstream.get_json(
            "/rest/v1/destinations", operation="find_created", params=params, fresh=True
        )
        page = self._page(body, "find_created")
        posted = dataclasses.replace(draft, source_ids=())
        return self.only_match(page.destinations, lambda d: looks_created(d, posted, since), "find_created")

    async def update_destination(self, current: Destination, patch: DestinationPatch) -> Destination:
        """PATCH with only the fields that change; settings are the changed keys (null deletes one)."""
        body: dict[str, Any] = {}
        if patch.name is not None and patch.name != current.name:
            body["name"] = patch.name
        if patch.enabled is not None and patch.enabled != current.enabled:
            body["status"] = "Enabled" if patch.enabled else "Disabled"
        if patch.source_ids is not None and tuple(patch.source_ids) != tuple(current.source_ids):
            # No sources is Ours's null: not limited, every source feeds the destination.
            body["limitedToSourceIds"] = list(patch.source_ids) or None
        # A mask means "keep what is stored": it is left out rather than sent (Ours would keep it too).
        changed = {k: v for k, v in (patch.settings.changed if patch.settings else {}).items() if not is_masked(v)}
        if changed:
            body["settings"] = changed
        return await self._patched(current.ref, body, patch) if body else current

    async def update_unread(self, ref: DestinationRef, patch: DestinationPatch) -> Destination | None:
        """PATCH merges what it is given: a name or a status needs nothing read first."""
        body: dict[str, Any] = {}
        if patch.name is not None:
            body["name"] = patch.name
        if patch.enabled is not None:
            body["status"] = "Enabled" if patch.enabled else "Disabled"
        return await self._patched(ref, body, patch)

    async def _patched(self, ref: DestinationRef, body: dict[str, Any], patch: DestinationPatch) -> Destination:
        async def patch_it() -> Destination:
            path = f"/rest/v1/destinations/{ref.native_id}"
            return self._answered(
                await self.upstream.send_json("PATCH", path, operation="update_destination", body=body),
                "update_destination",
            )

        return await self.reconciled(patch_it, lambda: self.read_back_update(ref, patch), "update_destination")

    async def delete_destination(self, ref: DestinationRef) -> None:
        # Ours answers the bare JSON boolean true.
        await self.delete_reconciled(ref, f"/rest/v1/destinations/{ref.native_id}")

    def _answered(self, body: Any, operation: str) -> Destination:
        """A bare destination object, as get, create and update answer."""
        return self._destination(parse(shapes.Destination, body, self.context(operation), what="the destination"), body)

    def _destination(self, shape: shapes.Destination, row: Any) -> Destination:
        settings = dict(shape.settings or {})
        return Destination(
            ref=DestinationRef(self.workspace.key, shape.id),
            provider=Provider.OURS,
            name=shape.name or "",
            type_key=shape.type,
            enabled=shape.status == "Enabled",
            settings=settings,
            raw=row,
            secret_keys=frozenset(k for k, v in settings.items() if v == MASK),
            source_ids=tuple(shape.limitedToSourceIds or ()),
            created_at=optional_datetime(shape.createdAt),
            updated_at=optional_datetime(shape.updatedAt),
        )


#: the input field of each part of a create's follow-up PATCH, and the patch attribute carrying it
_INPUT_FIELDS = {("input", "enabled"): "enabled", ("input", "sourceIds"): "source_ids"}


def _message(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("error"):
        details = body.get("details")
        return f"{body['error']}: {details}" if details else str(body["error"])
    return None


def _headers(workspace: WorkspaceConfig) -> dict[str, str]:
    return {"Authorization": f"Bearer {workspace.token.get_secret_value()}", "Accept": "application/json"}


PROFILE = VendorProfile(adapter=OursAdapter, headers=_headers, extract_message=_message)
