"""Destinations across workspaces: one cursor over all of them, and batched gets by id.

A page walks the visible workspaces in configured order, each in its vendor's own order, and
makes at most one upstream list call per workspace it touches: when a workspace's vendor page is
used up and the vendor has more, the page ends there (it may hold fewer than ``first`` rows) and
its end cursor points at the vendor's next page. A workspace that fails is skipped and reported.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from destgraph.adapters.base import ListFilter
from destgraph.config import WorkspaceConfig
from destgraph.domain.models import Destination, DestinationRef, Provider
from destgraph.errors import BadCursorError, DestgraphError, UpstreamError
from destgraph.services.gateway import Session
from destgraph.services.pagination import Position, fingerprint, page_size

#: vendor page size for vendors that page on the server; read from the cursor after the first page
SERVER_PAGE_MINIMUM = 25
VENDOR_PAGE_MAXIMUM = {Provider.SEGMENT: 1000, Provider.OURS: 100}


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
    cursor: str


@dataclass
class DestinationPageResult:
    edges: list[Edge]
    has_next_page: bool
    has_previous_page: bool
    end_cursor: str | None
    #: workspaces that failed while reading this page, with their errors
    failures: list[tuple[str, DestgraphError]] = field(default_factory=list)


async def list_destinations(
    session: Session, scope: DestinationScope, *, first: int | None, after: str | None
) -> DestinationPageResult:
    options = session.settings.gateway
    limit = page_size(first, default=options.default_page_size, maximum=options.max_page_size)
    workspaces = scope.workspaces(session)
    mark = fingerprint(scope.filter, [w.key for w in workspaces])
    keys = [w.key for w in workspaces]

    if after is None:
        position: Position | None = Position(keys[0]) if keys else None
    else:
        position = Position.decode(after, mark)
        if position == _END:
            return DestinationPageResult(edges=[], has_next_page=False, has_previous_page=True, end_cursor=after)
        if position.workspace not in keys:
            raise BadCursorError("the cursor names a workspace this query does not cover")
    result = DestinationPageResult(edges=[], has_next_page=False, has_previous_page=after is not None, end_cursor=None)
    if position is None or limit == 0:
        result.has_next_page = position is not None and limit == 0
        return result

    index = keys.index(position.workspace)
    while index < len(workspaces) and len(result.edges) < limit:
        workspace = workspaces[index]
        here = position if position and position.workspace == workspace.key else Position(workspace.key)
        position = None
        size = here.page_size or _vendor_page_size(workspace, limit)
        adapter = session.adapter(workspace.key)
        try:
            page = await adapter.list_destinations(cursor=here.vendor_cursor, limit=size, filter=scope.filter)
        except UpstreamError as exc:
            result.failures.append((workspace.key, exc))
            index += 1
            continue
        rows = page.destinations
        start = _resume_index(rows, here)
        following = keys[index + 1] if index + 1 < len(keys) else None
        for i in range(start, len(rows)):
            after_row = _position_after(workspace.key, here.vendor_cursor, size, rows, i, page.next_cursor, following)
            if scope.filter.accepts(rows[i]):
                result.edges.append(Edge(rows[i], after_row.encode(mark) if after_row else _END.encode(mark)))
                if len(result.edges) == limit:
                    result.has_next_page = after_row is not None
                    result.end_cursor = result.edges[-1].cursor
                    return result
        if page.next_cursor is not None:
            # One list call per workspace per page: the rest of this workspace is the next page's.
            result.has_next_page = True
            result.end_cursor = Position(workspace.key, page.next_cursor, size).encode(mark)
            return result
        index += 1
    result.end_cursor = result.edges[-1].cursor if result.edges else (after or None)
    return result


#: the position past the last workspace
_END = Position("", None, 0, 0)


def _vendor_page_size(workspace: WorkspaceConfig, limit: int) -> int:
    maximum = VENDOR_PAGE_MAXIMUM.get(workspace.provider)
    if maximum is None:
        return 0  # the vendor answers with its whole list
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
            cursor=None, limit=_vendor_page_size(workspace, limit), filter=scope.filter
        )
        if adapter.capabilities.server_side_pagination:
            return page.total
        return sum(1 for d in page.destinations if scope.filter.accepts(d))

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
