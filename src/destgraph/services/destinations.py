"""Destinations across workspaces: one cursor over all of them, and batched gets by id.

A page walks the visible workspaces in configured order, each in its vendor's own order, and
makes at most one upstream list call per workspace it touches: when a workspace's vendor page is
used up and the vendor has more, the page ends there (it may hold fewer than ``first`` rows) and
its end cursor points at the vendor's next page. A workspace that fails is skipped and reported;
so is each row a vendor answered in a shape the gateway cannot read, while the rows beside it stay.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from destgraph.adapters.contract import VendorAdapter
from destgraph.config import WorkspaceConfig
from destgraph.domain.models import Destination, DestinationRef, Provider
from destgraph.domain.queries import ListFilter
from destgraph.errors import BadCursorError, DestgraphError, UpstreamError
from destgraph.services.gateway import Session
from destgraph.services.pagination import Position, fingerprint, page_size

#: vendor page size for vendors that page on the server; read from the cursor after the first page
SERVER_PAGE_MINIMUM = 25


@dataclass(frozen=True)
class DestinationScope:
    """Which workspaces and what filter a listing covers."""

    providers: tuple[Provider, ...] = ()
    #: None: every visible workspace
    workspace_keys: frozenset[str] | None = None
    filter: ListFilter = field(default_factory=ListFilter)

    def workspaces(self, session: Session) -> list[WorkspaceConfig]:
        return [
            ws
            for ws in session.visible_workspaces()
            if (not self.providers or ws.provider in self.providers)
            and (self.workspace_keys is None or ws.key in self.workspace_keys)
        ]


@dataclass
class Edge:
    destination: Destination
    #: where the walk stands after this row (``_END``: past the last workspace)
    after: Position
    mark: str

    @cached_property
    def cursor(self) -> str:
        """Encoded when asked for: most queries read a page's nodes and its end cursor only."""
        return self.after.encode(self.mark)


@dataclass
class DestinationPageResult:
    edges: list[Edge]
    has_next_page: bool
    has_previous_page: bool
    end_cursor: str | None
    #: workspaces that failed while reading this page, and rows that could not be read, with their errors
    failures: list[tuple[str, DestgraphError]] = field(default_factory=list)


async def list_destinations(
    session: Session, scope: DestinationScope, *, first: int | None, after: str | None
) -> DestinationPageResult:
    options = session.settings.gateway
    limit = page_size(first, default=options.default_page_size, maximum=options.max_page_size)
    workspaces = scope.workspaces(session)
    mark = fingerprint(scope.filter, [w.key for w in workspaces])
    keys = [w.key for w in workspaces]

    position = _start(after, mark, keys)
    if position == _END:
        return DestinationPageResult(edges=[], has_next_page=False, has_previous_page=True, end_cursor=after)
    result = DestinationPageResult(edges=[], has_next_page=False, has_previous_page=after is not None, end_cursor=None)
    if position is None or limit == 0:
        result.has_next_page = position is not None and limit == 0
        return result

    index = keys.index(position.workspace)
    while index < len(workspaces) and len(result.edges) < limit:
        workspace = workspaces[index]
        here = position if position and position.workspace == workspace.key else Position(workspace.key)
        position = None
        following = keys[index + 1] if index + 1 < len(keys) else None
        if await _read_workspace(session, scope, here, following, limit=limit, mark=mark, into=result):
            return result
        index += 1
    result.end_cursor = result.edges[-1].cursor if result.edges else (after or None)
    return result


def _start(after: str | None, mark: str, keys: list[str]) -> Position | None:
    """Where the page starts: the first workspace, or where the cursor says (``_END``: past the last)."""
    if after is None:
        return Position(keys[0]) if keys else None
    position = Position.decode(after, mark)
    if position != _END and position.workspace not in keys:
        raise BadCursorError("the cursor names a workspace this query does not cover")
    return position


async def _read_workspace(
    session: Session,
    scope: DestinationScope,
    here: Position,
    following: str | None,
    *,
    limit: int,
    mark: str,
    into: DestinationPageResult,
) -> bool:
    """One list call's rows of one workspace onto the page; True when the page ends here."""
    adapter = session.adapter(here.workspace)
    size = here.page_size or _vendor_page_size(adapter, limit)
    try:
        page = await adapter.list_destinations(
            cursor=here.vendor_cursor, limit=size or None, filter=pushed_down(adapter, scope.filter)
        )
    except UpstreamError as exc:
        into.failures.append((here.workspace, exc))
        return False
    into.failures += [(here.workspace, rejected.error) for rejected in page.rejected]
    rows = page.destinations
    for i in range(_resume_index(rows, here), len(rows)):
        after_row = _position_after(here.workspace, here.vendor_cursor, size, rows, i, page.next_cursor, following)
        if accepts(adapter, scope.filter, rows[i]):
            into.edges.append(Edge(rows[i], after_row or _END, mark))
            if len(into.edges) == limit:
                into.has_next_page = after_row is not None
                into.end_cursor = into.edges[-1].cursor
                return True
    if page.next_cursor is not None:
        # One list call per workspace per page: the rest of this workspace is the next page's.
        into.has_next_page = True
        into.end_cursor = Position(here.workspace, page.next_cursor, size).encode(mark)
        return True
    return False


def accepts(adapter: VendorAdapter, filter: ListFilter, destination: Destination) -> bool:
    """The whole filter, ``services`` included (the adapter names each type's service)."""
    if not filter.accepts(destination):
        return False
    return not filter.services or adapter.service_of(destination.type_key) in filter.services


def pushed_down(adapter: VendorAdapter, filter: ListFilter) -> ListFilter:
    """The filter as the adapter is asked it: ``services`` also as the vendor's type keys of those
    services, so a vendor that filters on type does so (Ours, for a slug of exactly one of its types).
    Only where no typeKeys were given and some type maps: the gateway still applies the whole filter."""
    if not filter.services or filter.type_keys:
        return filter
    keys = adapter.type_keys_of(filter.services)
    return dataclasses.replace(filter, type_keys=keys) if keys else filter


#: the position past the last workspace
_END = Position("", None, 0, 0)


def _vendor_page_size(adapter: VendorAdapter, limit: int) -> int:
    """The page size to ask the vendor for; 0 where one call answers the whole list."""
    maximum = adapter.page_size_maximum
    if maximum is None:
        return 0
    return min(maximum, max(limit, SERVER_PAGE_MINIMUM))


def _resume_index(rows: Sequence[Destination], here: Position) -> int:
    if here.after_id is not None:
        for i, row in enumerate(rows):
            if row.native_id == here.after_id:
                return i + 1
    return min(here.offset, len(rows))


def _position_after(
    workspace: str,
    vendor_cursor: str | None,
    size: int,
    rows: Sequence[Destination],
    i: int,
    next_cursor: str | None,
    following: str | None,
) -> Position | None:
    if i + 1 < len(rows):
        return Position(workspace, vendor_cursor, size, i + 1, rows[i].native_id)
    if next_cursor is not None:
        return Position(workspace, next_cursor, size)
    return Position(following) if following is not None else None


async def count_destinations(session: Session, scope: DestinationScope, *, first: int | None) -> int | None:
    """The total, where every workspace can tell it without reading every page; else None.

    Asked with the page's own first-call arguments, so a workspace the page read answers from
    the request's memo instead of a second call. Nothing is called when any workspace cannot tell.
    """
    options = session.settings.gateway
    limit = page_size(first, default=options.default_page_size, maximum=options.max_page_size)
    workspaces = scope.workspaces(session)
    if any(
        not session.adapter(ws.key).capabilities.reports_totals
        or (session.adapter(ws.key).capabilities.server_side_pagination and not scope.filter.is_empty)
        for ws in workspaces
    ):
        return None

    async def one(workspace: WorkspaceConfig) -> int | None:
        adapter = session.adapter(workspace.key)
        page = await adapter.list_destinations(
            cursor=None, limit=_vendor_page_size(adapter, limit) or None, filter=pushed_down(adapter, scope.filter)
        )
        if adapter.capabilities.server_side_pagination:
            return page.total
        return sum(1 for d in page.destinations if accepts(adapter, scope.filter, d))

    try:
        totals = await asyncio.gather(*(one(ws) for ws in workspaces))
    except UpstreamError:
        return None
    return None if any(t is None for t in totals) else sum(t for t in totals if t is not None)


async def get_destinations(session: Session, refs: Sequence[DestinationRef]) -> list[Destination | Exception | None]:
    """Destinations by reference, grouped per workspace, the groups fetched concurrently."""
    by_workspace: dict[str, list[int]] = {}
    results: list[Destination | Exception | None] = [None] * len(refs)
    for i, ref in enumerate(refs):
        if session.principal.may_see(ref.workspace) and session.settings.workspace(ref.workspace):
            by_workspace.setdefault(ref.workspace, []).append(i)

    async def one(workspace: str, indexes: list[int]) -> None:
        ids = [refs[i].native_id for i in indexes]
        try:
            found = await session.adapter(workspace).get_destinations(ids)
        except DestgraphError as exc:
            for i in indexes:
                results[i] = exc
            return
        for i, destination in zip(indexes, found, strict=True):
            results[i] = destination

    await asyncio.gather(*(one(ws, idx) for ws, idx in by_workspace.items()))
    return results
