"""The one place where a refused write becomes userErrors with the input field at fault.

A write can be refused before any call (the adapter finds the input cannot be expressed:
InvalidInputError with its field and code) or by the vendor (UpstreamConflict: IN_USE;
UpstreamRejected: UPSTREAM_REJECTED). Upstream faults (down, timed out, rate limited) are not
refusals: they stay GraphQL errors, because the same input may succeed later. A vendor's message
is passed on with every secret of the input scrubbed from it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar

from destgraph.domain.problems import ProblemCode, Problems
from destgraph.domain.secrets import scrub
from destgraph.errors import InvalidInputError, UpstreamConflict, UpstreamRejected

T = TypeVar("T")
Field = tuple[str, ...]

REFUSALS = (InvalidInputError, UpstreamRejected)


async def attempt(problems: Problems, write: Awaitable[T], *, at: Field, secrets: Any = None) -> T | None:
    """Await ``write``; a refusal becomes a problem (at its own field, else ``at``) and None."""
    try:
        return await write
    except REFUSALS as exc:
        record(problems, exc, at=at, secrets=secrets)
        return None


def record(
    problems: Problems,
    error: Exception,
    *,
    at: Field,
    secrets: Any = None,
    prefix: str = "",
    vendor_code: ProblemCode = ProblemCode.UPSTREAM_REJECTED,
) -> None:
    """``error`` as a problem; ``prefix`` says what the refusal means in context."""
    if isinstance(error, InvalidInputError):
        problems.add(error.field or at, prefix + error.message, error.code)
        return
    code = ProblemCode.IN_USE if isinstance(error, UpstreamConflict) else vendor_code
    problems.add(at, prefix + vendor_said(error, secrets), code)


def vendor_said(error: Exception, secrets: Any = None) -> str:
    """What the vendor said, with every string value of ``secrets`` (the input's settings) scrubbed."""
    message = error.vendor_message if isinstance(error, UpstreamRejected) else str(error)
    return scrub(message, list(_strings(secrets)))


def _strings(values: Any) -> Iterable[str]:
    if isinstance(values, dict):
        for value in values.values():
            yield from _strings(value)
    elif isinstance(values, list):
        for value in values:
            yield from _strings(value)
    elif isinstance(values, str):
        yield values
