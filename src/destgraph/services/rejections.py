"""The one place where a refused or undecided write becomes userErrors with the input field at fault.

A write can be refused before any call (the adapter finds the input cannot be expressed:
InvalidInputError with its field and code) or by the vendor (UpstreamConflict: IN_USE;
UpstreamRejected: UPSTREAM_REJECTED). A write whose outcome stayed unknown after the adapter read
the vendor back (UpstreamOutcomeUnknown) is OUTCOME_UNKNOWN: the payload never claims it was not
applied. Other upstream faults (down, timed out, rate limited, known not applied) stay GraphQL
errors, because the same input may succeed later. A vendor's message is passed on with every
secret of the input scrubbed from it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar

from destgraph.domain.problems import ProblemCode, Problems
from destgraph.domain.secrets import scrub
from destgraph.errors import InvalidInputError, UpstreamConflict, UpstreamOutcomeUnknown, UpstreamRejected

T = TypeVar("T")
Field = tuple[str, ...]

REFUSALS = (InvalidInputError, UpstreamRejected, UpstreamOutcomeUnknown)
UNKNOWN = (
    "the vendor may have applied this write, and reading it back could not tell; repeat the same "
    "request (a create with the same idempotencyKey) to reconcile"
)


async def attempt(problems: Problems, write: Awaitable[T], *, at: Field, secrets: Any = None) -> T | None:
    """Await ``write``; a refusal becomes a problem (at its own field, else ``at``) and None."""
    try:
        return await write
    except REFUSALS as exc:
        record(problems, exc, at=at, secrets=secrets)
        return None


def record(problems: Problems, error: Exception, *, at: Field, secrets: Any = None, done: str = "") -> None:
    """``error`` as a problem at its field (else ``at``); ``done`` says what was applied before it."""
    if isinstance(error, UpstreamOutcomeUnknown):
        lead = f"{done}; whether this was applied is not known: " if done else ""
        problems.add(at, f"{lead}{UNKNOWN} ({vendor_said(error, secrets)})", ProblemCode.OUTCOME_UNKNOWN)
        return
    lead = f"{done}, but this was not applied: " if done else ""
    if isinstance(error, InvalidInputError):
        problems.add(error.field or at, lead + error.message, error.code)
        return
    code = ProblemCode.IN_USE if isinstance(error, UpstreamConflict) else ProblemCode.UPSTREAM_REJECTED
    problems.add(at, lead + vendor_said(error, secrets), code)


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
