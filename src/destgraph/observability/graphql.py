"""Each GraphQL operation as logs, traces and metrics see it.

``OperationObserver`` is the first extension of the schema, so its ``on_operation`` wraps every
other's: its span (``query Name``) is the parent of the dataloader batches and upstream calls the
operation causes, and when it ends the errors were given their codes (ErrorCodes) and the scope
counted the calls. ``ObservedQueryCost`` is QueryCost, telling the observer where the price is.

Per operation it notes name, type, outcome (``ok``, ``partial``: errors beside data, ``error``: no
data), error codes, the price and the calls made in the request's ``RequestRecord`` (for the access
line), counts the errors by code, and over a websocket (many operations, one connection) counts the
operation as a request and logs a line for it. No document, variable or result value is recorded.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from graphql import SubsequentIncrementalExecutionResult
from strawberry.extensions import SchemaExtension

from destgraph.adapters.accounting import CallAccounting
from destgraph.observability import context as observed
from destgraph.observability import tracing
from destgraph.observability.context import OperationRecord
from destgraph.observability.logging import log
from destgraph.schema.cost import QueryCost

logger = logging.getLogger("destgraph.access")

#: a GraphQL name (the parser's rule), bounded: anything else a client sends as operationName is not kept
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")

_OBSERVER: ContextVar[OperationObserver | None] = ContextVar("destgraph_operation_observer", default=None)


def _codes(result: Any) -> list[str]:
    codes = []
    # a later part of an answer in parts (@defer, @stream) holds its errors in its entries
    entries = [*(getattr(result, "incremental", None) or ()), *(getattr(result, "completed", None) or ())]
    found = [*(getattr(result, "errors", None) or ()), *(e for entry in entries for e in entry.errors or ())]
    for error in found:
        extensions = getattr(error, "extensions", None) or {}
        code = extensions.get("code") if isinstance(extensions, dict) else None
        codes.append(code if isinstance(code, str) else "INTERNAL")
    return codes


def outcome_of(codes: list[str], data: Any) -> str:
    if not codes:
        return "ok"
    return "partial" if data is not None else "error"


class OperationObserver(SchemaExtension):
    def __init__(self) -> None:
        #: the QueryCost of this operation (it registers itself in its on_operation)
        self.priced: QueryCost | None = None
        self._streamed: list[str] = []
        #: the last whole result streamed: the one the operation ends with, counted already (a later
        #: part passes once; held, not its id, since a part freed leaves its id to the next)
        self._last_whole: Any = None

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        started = time.perf_counter()
        scope = getattr(context.context, "scope", None)
        calls_before = getattr(scope, "calls", 0)
        token = _OBSERVER.set(self)
        failed = False
        with tracing.span("graphql.operation") as span:
            try:
                yield
            except BaseException:
                failed = True
                raise
            finally:
                with contextlib.suppress(ValueError):  # a stream may end in another context
                    _OBSERVER.reset(token)
                record = self._record(failed, calls_before, time.perf_counter() - started)
                self._report(record, span)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Each result a stream sends (after ErrorCodes gave its errors their codes)."""
        yield None
        if not isinstance(result, SubsequentIncrementalExecutionResult):
            self._last_whole = result
        self._streamed.extend(_codes(result))

    def _record(self, failed: bool, calls_before: int, seconds: float) -> OperationRecord:
        context = self.execution_context
        record = OperationRecord(seconds=seconds)
        if context.graphql_document is not None:
            with contextlib.suppress(Exception):  # no such operation in the document: it stays unnamed
                name = context.operation_name
                record.name = name if name is not None and _NAME.fullmatch(name) else None
                record.type = context.operation_type.value
        result = context.result
        codes = list(self._streamed)
        if result is not None and result is not self._last_whole:
            codes.extend(_codes(result))
        if failed and not codes:
            codes = ["INTERNAL"]
        record.codes = codes
        record.outcome = outcome_of(codes, getattr(result, "data", None) if not failed else None)
        found = self.priced.found if self.priced is not None else None
        if found is not None:
            record.cost_requested, record.objects_requested = found.cost, found.objects
        scope = getattr(context.context, "scope", None)
        calls = getattr(scope, "calls", 0)
        record.cost_actual = calls - calls_before if isinstance(calls, int) else 0
        return record

    def _report(self, record: OperationRecord, span: tracing.Span) -> None:
        title = " ".join(part for part in (record.type, record.name) if part)
        span.rename(title or "graphql.operation")
        span.set_attributes(
            {
                "graphql.operation.name": record.name,
                "graphql.operation.type": record.type,
                "destgraph.outcome": record.outcome,
                "destgraph.error_codes": tuple(record.codes) or None,
                "destgraph.cost.requested": record.cost_requested,
                "destgraph.cost.objects": record.objects_requested,
                "destgraph.cost.actual": record.cost_actual,
            }
        )
        if record.outcome == "error":
            span.fail(",".join(sorted(set(record.codes))))
        session = getattr(self.execution_context.context, "session", None)
        accounting = getattr(getattr(session, "gateway", None), "accounting", None)
        if isinstance(accounting, CallAccounting):
            accounting.graphql_errors(record.codes)
        request = observed.current()
        principal = getattr(session, "principal", None)
        if request is not None:
            request.operations.append(record)
            name = getattr(principal, "name", None)
            if request.key_name is None and isinstance(name, str) and name != "anonymous":
                request.key_name = name
        if request is None or request.kind != "http":
            # A websocket's operations are its requests: counted and logged one by one.
            if isinstance(accounting, CallAccounting):
                accounting.request(
                    operation=record.name, operation_type=record.type, outcome=record.outcome, seconds=record.seconds
                )
            log(
                logger,
                logging.INFO,
                "operation",
                key_name=request.key_name if request is not None else None,
                duration_ms=round(record.seconds * 1000, 3),
                **operation_fields([record]),
            )


def operation_fields(operations: list[OperationRecord]) -> dict[str, Any]:
    """The access line's fields for the operations of one request (usually one)."""
    if not operations:
        return {}
    codes = [code for op in operations for code in op.codes]
    outcomes = {op.outcome for op in operations}
    # a batch whose operations fared differently answered part of what was asked
    outcome = outcomes.pop() if len(outcomes) == 1 else "partial"
    requested = [op.cost_requested for op in operations if op.cost_requested is not None]
    return {
        "operation_name": ",".join(op.name or "" for op in operations) if len(operations) > 1 else operations[0].name,
        "operation_type": operations[0].type,
        "outcome": outcome,
        "error_codes": codes,
        "cost_requested": sum(requested) if requested else None,
        "objects_requested": sum(op.objects_requested or 0 for op in operations) if requested else None,
        "cost_actual": sum(op.cost_actual for op in operations),
    }


class ObservedQueryCost(QueryCost):
    """QueryCost, registering itself with the operation's observer (which reports its price)."""

    def on_operation(self) -> Iterator[None]:
        observer = _OBSERVER.get()
        if observer is not None:
            observer.priced = self
        yield from super().on_operation()
