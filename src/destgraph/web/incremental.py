"""@defer and @stream over HTTP: an answer in parts as multipart/mixed, or merged into one.

graphql-core 3.3 runs a document with @defer or @stream incrementally (the schema enables it):
an initial result, then later parts as each deferred fragment or streamed list item is ready, in
the order they finish. The GraphQL endpoint takes them from ``Schema.stream`` (whose extensions
stay open until the last part, so the request's CallScope, its deadline and its cost cover every
part) and hands them here.

To a client whose Accept names ``multipart/mixed``, the parts go as they come, one JSON object a
part, in the framing of the GraphQL-over-HTTP incremental delivery RFC that Apollo Server uses
(``multipart/mixed; boundary="-"; deferSpec=20220824``). Each part holds both wire formats in use:
the 2022-08-24 one (each ``incremental`` entry with its whole ``path``, and ``label``, which Apollo
Client 3, urql and meros-based readers take) and graphql-js 17's (``pending``, ``id``, ``subPath``,
``completed``). The last part repeats ``extensions.cost`` with the upstream calls of every part.

Any other client gets one ordinary answer: the parts merged as they would have been delivered
(deferred data into its object, streamed items onto their list), every part's errors, the final
cost. A deferred fragment that failed as a whole (a non-null field nulled inside it) leaves its
fields out of the merged data, with its error.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import Any

from graphql import (
    BREAK,
    DirectiveNode,
    DocumentNode,
    GraphQLError,
    IncrementalStreamResult,
    InitialIncrementalExecutionResult,
    SubsequentIncrementalExecutionResult,
    Visitor,
    VisitorAction,
    visit,
)
from starlette.requests import ClientDisconnect
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send
from strawberry.types import ExecutionResult

from destgraph.adapters.scope import CallScope
from destgraph.web.accept import media_ranges

logger = logging.getLogger("destgraph.graphql")

#: the answer's media type: Apollo Server's, which Apollo Client and meros read
MULTIPART_MEDIA = 'multipart/mixed; boundary="-"; deferSpec=20220824'
_PART_HEAD = b"\r\nContent-Type: application/json; charset=utf-8\r\n\r\n"
_DELIMITER = b"\r\n---"
_CLOSE = b"--\r\n"
INCREMENTAL_DIRECTIVES = frozenset({"defer", "stream"})


def accepts_multipart(accept: str | None) -> bool:
    """Whether Accept names multipart/mixed (or multipart/*) with a quality above 0."""
    return any(kind in ("multipart/mixed", "multipart/*") and quality > 0 for kind, quality in media_ranges(accept))


class _IncrementalDirectives(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def enter_directive(self, node: DirectiveNode, *_: Any) -> VisitorAction:
        if node.name.value in INCREMENTAL_DIRECTIVES:
            self.found = True
            return BREAK
        return None


def uses_incremental_delivery(document: DocumentNode) -> bool:
    """Whether a document names @defer or @stream anywhere (visit walks it without recursion)."""
    finder = _IncrementalDirectives()
    visit(document, finder)
    return finder.found


class Assembly:
    """The parts of one answer as they come: each in its wire form, and all of them merged."""

    def __init__(self, initial: InitialIncrementalExecutionResult, scope: CallScope) -> None:
        self._scope = scope
        self._calls_at_initial = scope.calls
        self._extensions: dict[str, Any] = dict(initial.extensions or {})
        self.data: dict[str, Any] | None = initial.data
        self.errors: list[GraphQLError] = list(initial.errors or ())
        #: each pending fragment's or stream's path and label, by id
        self._pending: dict[str, tuple[list[str | int], str | None]] = {}
        self.first = self._announce(
            {"data": initial.data, **self._errors_of(initial.errors)}, initial.pending, initial.has_next
        )
        if self._extensions:
            self.first["extensions"] = self._extensions

    def _announce(self, part: dict[str, Any], pending: Any, has_next: bool) -> dict[str, Any]:
        if pending:
            part["pending"] = [p.formatted for p in pending]
            for p in pending:
                self._pending[p.id] = (list(p.path), p.label)
        part["hasNext"] = has_next
        return part

    @staticmethod
    def _errors_of(errors: list[GraphQLError] | None) -> dict[str, Any]:
        return {"errors": [e.formatted for e in errors]} if errors else {}

    def next(self, result: SubsequentIncrementalExecutionResult) -> dict[str, Any]:
        """A later part in its wire form; its data and errors join the merged answer."""
        part = self._announce({}, result.pending, result.has_next)
        entries = []
        for entry in result.incremental or ():
            path, label = self._pending.get(entry.id, ([], None))
            at = path + list(entry.sub_path or ())
            wire: dict[str, Any] = dict(entry.formatted)
            if isinstance(entry, IncrementalStreamResult):
                items = self._located(at)
                wire["path"] = [*at, len(items) if isinstance(items, list) else 0]
                if isinstance(items, list):
                    items.extend(entry.items)
            else:
                wire["path"] = at
                target = self._located(at)
                if isinstance(target, dict):
                    _merge(target, entry.data)
            if label is not None:
                wire["label"] = label
            self.errors.extend(entry.errors or ())
            entries.append(wire)
        if entries:
            part["incremental"] = entries
        if result.completed:
            part["completed"] = [c.formatted for c in result.completed]
            for completed in result.completed:
                self._pending.pop(completed.id, None)
                self.errors.extend(completed.errors or ())
        if not result.has_next:
            part["extensions"] = self.final_extensions()
        return part

    def failed(self) -> dict[str, Any]:
        """The last part when the parts stopped coming for a fault of the gateway: every pending
        fragment and stream completes with an INTERNAL error (the fault itself is logged)."""
        error = GraphQLError(
            "Internal error: the rest of this answer could not be made", extensions={"code": "INTERNAL"}
        )
        self.errors.append(error)
        completed = [{"id": id_, "errors": [error.formatted]} for id_ in self._pending]
        self._pending.clear()
        return {"hasNext": False, "completed": completed, "extensions": self.final_extensions()}

    def final_extensions(self) -> dict[str, Any]:
        """The initial part's extensions, with the cost and stale reads of every part."""
        extensions = dict(self._extensions)
        cost = extensions.get("cost")
        if isinstance(cost, dict) and isinstance(cost.get("actualQueryCost"), int):
            later = self._scope.calls - self._calls_at_initial
            extensions["cost"] = {**cost, "actualQueryCost": cost["actualQueryCost"] + later}
        if self._scope.stale:
            extensions["stale"] = [
                {"workspace": s.workspace, "operation": s.operation, "ageSeconds": s.age_seconds}
                for s in self._scope.stale
            ]
        return extensions

    def merged(self) -> ExecutionResult:
        """The whole answer, as one result."""
        return ExecutionResult(data=self.data, errors=self.errors or None, extensions=self.final_extensions())

    def _located(self, path: list[str | int]) -> Any:
        """What the merged data holds at ``path`` (None where a part of it was nulled)."""
        node: Any = self.data
        for key in path:
            if isinstance(node, dict) and isinstance(key, str):
                node = node.get(key)
            elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
                node = node[key]
            else:
                return None
        return node


def _merge(target: dict[str, Any], data: dict[str, Any]) -> None:
    """Deferred data into the object it belongs to: new fields added, shared objects merged."""
    for key, value in data.items():
        present = target.get(key)
        if isinstance(present, dict) and isinstance(value, dict):
            _merge(present, value)
        elif isinstance(present, list) and isinstance(value, list) and len(present) == len(value):
            for index, (old, new) in enumerate(zip(present, value, strict=True)):
                if isinstance(old, dict) and isinstance(new, dict):
                    _merge(old, new)
                else:
                    present[index] = new
        else:
            target[key] = value


async def merge_parts(assembly: Assembly, results: AsyncGenerator[Any, None]) -> ExecutionResult:
    """Every later part into the assembly, for a client that takes one answer."""
    async with aclosing(results):
        try:
            async for result in results:
                if isinstance(result, SubsequentIncrementalExecutionResult):
                    assembly.next(result)
        except Exception:
            logger.exception("incremental delivery stopped")
            assembly.failed()
    return assembly.merged()


async def wire_parts(assembly: Assembly, results: AsyncGenerator[Any, None]) -> AsyncGenerator[dict[str, Any], None]:
    """The parts in their wire form as they come: the initial one, then each later one."""
    yield assembly.first
    ended = not assembly.first["hasNext"]
    async with aclosing(results):
        try:
            async for result in results:
                if isinstance(result, SubsequentIncrementalExecutionResult) and not ended:
                    part = assembly.next(result)
                    ended = not part["hasNext"]
                    yield part
        except Exception:
            logger.exception("incremental delivery stopped")
            if not ended:
                ended = True
                yield assembly.failed()


class MultipartResponse(StreamingResponse):
    """The parts as multipart/mixed, each sent as soon as it is made; never cached, never compressed.

    Unlike StreamingResponse, it iterates in the task that calls it: the parts come from an
    operation whose CallScope is a context variable of that task, and a client going away cancels
    that task (the GraphQL endpoint's disconnect watch), which then closes the parts there too.
    """

    def __init__(self, parts: AsyncGenerator[dict[str, Any], None], encode: Callable[[Any], str | bytes]) -> None:
        self._frames = _framed(parts, encode)
        super().__init__(
            self._frames,
            media_type=MULTIPART_MEDIA,
            headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async with aclosing(self._frames):
            try:
                await self.stream_response(send)
            except OSError:
                raise ClientDisconnect() from None


async def _framed(
    parts: AsyncGenerator[dict[str, Any], None], encode: Callable[[Any], str | bytes]
) -> AsyncGenerator[bytes, None]:
    """The multipart body: each part framed and closed by the boundary, so that a reader can hand it
    on as soon as it arrives (the delimiter after a part is what ends it); the close delimiter last."""
    opening = _DELIMITER
    async with aclosing(parts):
        async for part in parts:
            encoded = encode(part)
            body = encoded.encode("utf-8") if isinstance(encoded, str) else encoded
            yield opening + _PART_HEAD + body + _DELIMITER
            opening = b""
    yield _CLOSE
