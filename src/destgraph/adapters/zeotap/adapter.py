"""Zeotap Composable (/api/v1/workspaces/{id}/destinations): one list call answers every key.

Vendor facts this adapter relies on: the list is a bare array of every destination; Bearer plus
X-Workspace-ID; status pending/connected/error with status_error; no enabled flag; describe
fields at /{destId}/fields; 100 calls a minute and 20 a second per workspace.

Writes (bodies and test-event reading in ``zeotap_writes``): create is one POST; update one PUT of
only what changes, ``config`` whole (Zeotap replaces it whole); delete one DELETE, which Zeotap
refuses (409) while reverse-ETL or audience syncs reference the destination, the blockers
``delete_blockers`` reads first. Connection tests are POSTs answered with server-sent events: one
``step`` event per step, then ``done``; testing an existing destination stores its new status.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from typing import Any, ClassVar

from destgraph.adapters.base import BaseAdapter
from destgraph.adapters.contract import DestinationInput
from destgraph.adapters.errors import CallContext
from destgraph.adapters.registry import VendorProfile
from destgraph.adapters.shapes import optional_datetime, parse, parse_rows
from destgraph.adapters.sse import Event, json_events
from destgraph.adapters.zeotap import shapes
from destgraph.adapters.zeotap.catalog import BY_KEY, CATALOG
from destgraph.adapters.zeotap.services import SERVICES
from destgraph.adapters.zeotap.writes import TestRun, create_body, real_config, rename_body, update_body
from destgraph.config import WorkspaceConfig
from destgraph.domain.models import (
    Capabilities,
    ConnectionStatus,
    Destination,
    DestinationField,
    DestinationPage,
    DestinationRef,
    DestinationSubscription,
    DestinationType,
    JSONObject,
    Provider,
)
from destgraph.domain.problems import ProblemCode, Problems
from destgraph.domain.queries import ListFilter
from destgraph.domain.writes import CreatedDestination, DestinationDraft, DestinationPatch, TestOutcome, TestStep
from destgraph.state import RateBudget

_STATUS = {
    "pending": ConnectionStatus.PENDING,
    "connected": ConnectionStatus.CONNECTED,
    "error": ConnectionStatus.ERROR,
}


class ZeotapAdapter(BaseAdapter):
    description: ClassVar[str] = (
        "Zeotap Composable (formerly SignalSmith): destinations with a connection status, connection tests and describable fields."
    )
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
    page_size_maximum: ClassVar[int | None] = None
    updates_unread: ClassVar[bool] = True
    services = SERVICES

    @property
    def _base(self) -> str:
        return f"/api/v1/workspaces/{self.workspace.workspace_id}/destinations"

    async def list_destinations(self, *, cursor: str | None, limit: int | None, filter: ListFilter) -> DestinationPage:
        # Zeotap has no server-side paging or filters: one call reads the whole list.
        return await self.list_all()

    async def list_all(self, *, fresh: bool = False) -> DestinationPage:
        rows = await self.upstream.get_json(self._base, operation="list_destinations", fresh=fresh)
        if not isinstance(rows, list):
            raise self.protocol_error("answered the destination list with something other than an array")
        parsed, rejected = parse_rows(shapes.Destination, rows, self.context("list_destinations"), what="destination")
        destinations = tuple(self._destination(shape, row) for shape, row in parsed)
        return DestinationPage(destinations=destinations, total=len(destinations), rejected=tuple(rejected))

    async def list_destination_types(self) -> list[DestinationType]:
        return list(CATALOG)

    async def describe_fields(self, destination: Destination) -> list[DestinationField]:
        rows = await self.upstream.get_json(f"{self._base}/{destination.native_id}/fields", operation="describe_fields")
        context = self.context("describe_fields")
        if not isinstance(rows, list):
            raise self.protocol_error("answered describe fields with something other than an array", "describe_fields")
        fields = [parse(shapes.Field, row, context, what="a field") for row in rows]
        return [DestinationField(name=f.name, label=f.label, type=f.type, required=f.required) for f in fields]

    async def probe(self) -> None:
        await self.upstream.get_json(self._base, operation="probe")

    # -- checks -----------------------------------------------------------------------------------

    def check_destination(self, given: DestinationInput, problems: Problems, *, creating: bool) -> None:
        """Shared connections are Zeotap's own; sources it has none of."""
        if given.source_ids:
            problems.add(("input", "sourceIds"), "Zeotap destinations have no sources", ProblemCode.UNSUPPORTED)

    # -- writes -----------------------------------------------------------------------------------

    async def create_destination(self, draft: DestinationDraft) -> CreatedDestination:
        body = create_body(draft)
        since = time.time()

        async def post() -> Destination:
            row = await self.upstream.send_json("POST", self._base, operation="create_destination", body=body)
            return self._parsed(row, "create_destination")

        destination = await self.reconciled(
            post, lambda: self.find_created_destination(draft, since), "create_destination"
        )
        return CreatedDestination(destination=destination)

    async def update_destination(self, current: Destination, patch: DestinationPatch) -> Destination:
        """One PUT of what changes (``config`` whole, merged onto ``current``); nothing when nothing would."""
        body = update_body(current, patch)
        return await self._put(current.ref, body, patch) if body else current

    async def update_unread(self, ref: DestinationRef, patch: DestinationPatch) -> Destination | None:
        """Zeotap's PUT changes the top-level fields it is given: a name needs nothing read first."""
        body = rename_body(patch)
        return await self._put(ref, body, patch) if body else None

    async def _put(self, ref: DestinationRef, body: JSONObject, patch: DestinationPatch) -> Destination:
        async def put() -> Destination:
            path = f"{self._base}/{ref.native_id}"
            row = await self.upstream.send_json("PUT", path, operation="update_destination", body=body)
            return self._parsed(row, "update_destination")

        return await self.reconciled(put, lambda: self.read_back_update(ref, patch), "update_destination")

    async def delete_destination(self, ref: DestinationRef) -> None:
        # A 409 (syncs still reference it) comes out as UpstreamConflict: the services call it IN_USE.
        await self.delete_reconciled(ref, f"{self._base}/{ref.native_id}")

    async def delete_blockers(self, ref: DestinationRef) -> list[str]:
        """The reverse-ETL and audience syncs referencing the destination, of any status (Zeotap's 409)."""
        blockers = []
        for collection, what in (("syncs", "reverse ETL sync"), ("audience-syncs", "audience sync")):
            path = f"/api/v1/workspaces/{self.workspace.workspace_id}/{collection}"
            rows = await self.upstream.get_json(path, operation=f"list_{collection.replace('-', '_')}")
            if not isinstance(rows, list):
                raise self.protocol_error(f"answered the {what} list with something other than an array")
            context = self.context(f"list_{collection.replace('-', '_')}")
            syncs = [parse(shapes.Sync, row, context, what=f"a {what}") for row in rows]
            blockers += [f"{what} {s.name!r} ({s.id})" for s in syncs if s.destination_id == ref.native_id]
        return blockers

    # -- connection tests -------------------------------------------------------------------------

    async def test_settings(self, type_key: str, settings: JSONObject) -> TestOutcome:
        """Zeotap's test of a new connection: nothing is stored."""
        body = {"destination_type": type_key, "config": real_config(settings)}
        return await self._run_test(f"{self._base}/test", body, "test_settings", stores_status=False)

    async def test_destination(
        self, destination: Destination, subscription: DestinationSubscription | None
    ) -> TestOutcome:
        """The existing-connection test; the outcome carries the destination with its new status."""
        if subscription is not None:
            raise self._unsupported("subscriptions")
        path = f"{self._base}/{destination.native_id}/test"
        return await self._run_test(path, None, "test_destination", stores_status=True)

    async def stream_test(self, destination: Destination) -> AsyncIterator[TestStep]:
        """Each step as its event arrives; closing the generator early closes the vendor's stream."""
        context = self.context("test_destination")
        run = TestRun(context)
        path = f"{self._base}/{destination.native_id}/test"
        async with self._test_events(path, None, context, stores_status=True) as events:
            async for event in events:
                if event.name == "step":
                    yield run.step(event.data)
                elif event.name == "done":
                    for step in run.finish(event.data):
                        yield step
                    return
        raise run.unfinished()

    async def _run_test(
        self, path: str, body: JSONObject | None, operation: str, *, stores_status: bool
    ) -> TestOutcome:
        context = self.context(operation)
        run = TestRun(context)
        async with self._test_events(path, body, context, stores_status=stores_status) as events:
            async for event in events:
                if event.name == "step":
                    run.step(event.data)
                elif event.name == "done":
                    run.finish(event.data)
                    break
        return run.outcome(self._parsed)

    @asynccontextmanager
    async def _test_events(
        self, path: str, body: JSONObject | None, context: CallContext, *, stores_status: bool
    ) -> AsyncIterator[AsyncIterator[Event]]:
        """The test's event stream, closed on the way out however the reader leaves it."""
        response, close = await self.upstream.stream("POST", path, operation=context.operation, body=body)
        try:
            async with aclosing(json_events(response, context)) as events:
                yield events
        finally:
            await close()
            if stores_status:
                # Testing an existing destination stores its new status: later reads must see it.
                await self.upstream.invalidate()

    # -- parsing ----------------------------------------------------------------------------------

    def _parsed(self, row: Any, operation: str = "parse") -> Destination:
        shape = parse(shapes.Destination, row, self.context(operation), what="the destination")
        return self._destination(shape, row)

    def _destination(self, shape: shapes.Destination, row: Any) -> Destination:
        known = BY_KEY.get(shape.destination_type)
        status = _STATUS.get(shape.status or "", ConnectionStatus.UNKNOWN)
        return Destination(
            ref=DestinationRef(self.workspace.key, shape.id),
            provider=Provider.ZEOTAP,
            name=shape.name or "",
            type_key=shape.destination_type,
            enabled=True,
            settings=dict(shape.config or {}),
            raw=row,
            connection_status=status,
            connection_error=(shape.status_error or None) if status is ConnectionStatus.ERROR else None,
            secret_keys=known.secret_keys if known else frozenset(),
            created_at=optional_datetime(shape.created_at),
            updated_at=optional_datetime(shape.updated_at),
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
