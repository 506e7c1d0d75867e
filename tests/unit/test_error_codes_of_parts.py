"""ErrorCodes over the parts of an answer in parts, as graphql-core hands them over one by one.

Through the whole stack (tests/schema/test_incremental_delivery.py) a part is freed only when the
collector gets to it, so whether a later part lands at a freed one's address is luck. Here the
first part is freed by reference counting before the second is made, so CPython gives the second
the first one's address, as happened in CI.
"""

from __future__ import annotations

from types import SimpleNamespace

from graphql import GraphQLError, SubsequentIncrementalExecutionResult
from graphql.execution import IncrementalDeferResult

from destgraph.schema.errors import ErrorCodes


def _entries() -> list[IncrementalDeferResult]:
    return [IncrementalDeferResult({"x": None}, "0", errors=[GraphQLError("boom", path=["x"])])]


def test_a_part_made_at_a_freed_parts_address_still_gets_its_codes() -> None:
    codes = ErrorCodes()
    # what the extension reads of Strawberry's execution context: the request's context and schema
    codes.execution_context = SimpleNamespace(  # type: ignore[assignment]
        context=SimpleNamespace(request_id="req-1", partial_errors=[]), schema=None
    )
    addresses: set[int] = set()
    at_a_freed_address = 0
    part = SubsequentIncrementalExecutionResult(has_next=True, incremental=_entries())
    for _ in range(200):
        codes._format(part, with_partial=True)
        [entry] = part.incremental or []
        assert (entry.errors or [])[0].extensions == {"code": "BAD_REQUEST", "requestId": "req-1"}
        addresses.add(id(part))
        later = _entries()
        del part, entry  # freed now: the next part may be made where it was
        part = SubsequentIncrementalExecutionResult(has_next=True, incremental=later)
        at_a_freed_address += id(part) in addresses
    assert at_a_freed_address > 0  # the case itself happened, and every part still got its codes
