"""Where httpx exceptions and vendor error answers become the gateway's error tree: here, once.

Most specific first, cause chained. ``tests/unit/test_upstream_errors.py`` fails when an httpx
transport exception is left unmapped.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from typing import TypedDict

import httpx
from httpx_sse import SSEError

from destgraph.errors import (
    UpstreamAuthFailed,
    UpstreamConflict,
    UpstreamError,
    UpstreamNotFound,
    UpstreamOutcomeUnknown,
    UpstreamProtocolError,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamTimeout,
    UpstreamUnavailable,
)


class CallKwargs(TypedDict):
    """The keyword arguments every UpstreamError takes to say which call failed."""

    provider: str
    workspace: str
    operation: str


class _StatusKwargs(CallKwargs):
    """CallKwargs plus what a non-2xx answer tells."""

    status: int
    retry_after: float | None


@dataclass(frozen=True)
class CallContext:
    provider: str
    workspace: str
    operation: str

    def as_kwargs(self) -> CallKwargs:
        return {"provider": self.provider, "workspace": self.workspace, "operation": self.operation}


#: every httpx transport failure, most specific first, and what it means for the caller
TRANSPORT_ERRORS: tuple[tuple[type[httpx.TransportError], type[UpstreamError]], ...] = (
    (SSEError, UpstreamProtocolError),  # an answer that should have been an event stream was not
    (httpx.TimeoutException, UpstreamTimeout),  # Connect/Read/Write/PoolTimeout
    (httpx.ConnectError, UpstreamUnavailable),
    (httpx.ReadError, UpstreamUnavailable),
    (httpx.WriteError, UpstreamUnavailable),
    (httpx.CloseError, UpstreamUnavailable),
    (httpx.RemoteProtocolError, UpstreamUnavailable),
    (httpx.LocalProtocolError, UpstreamProtocolError),
    (httpx.ProxyError, UpstreamUnavailable),
    (httpx.UnsupportedProtocol, UpstreamProtocolError),
    (httpx.NetworkError, UpstreamUnavailable),
    (httpx.ProtocolError, UpstreamProtocolError),
)


#: transport failures that happen before a request leaves: a write that failed so was not applied
NOT_SENT: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
    httpx.ProxyError,
)


def outcome_unknown(error: UpstreamError, *, settled: bool) -> UpstreamOutcomeUnknown:
    """``error`` on a write that reached the vendor: what it means is that the outcome is unknown."""
    unknown = UpstreamOutcomeUnknown(
        f"{error.message}; the vendor may have applied the write",
        settled=settled,
        provider=error.provider,
        workspace=error.workspace,
        operation=error.operation,
        status=error.status,
        retry_after=error.retry_after,
    )
    unknown.__cause__ = error
    return unknown


def from_transport_error(exc: httpx.TransportError, context: CallContext) -> UpstreamError:
    for httpx_type, ours in TRANSPORT_ERRORS:
        if isinstance(exc, httpx_type):
            what = "did not answer in time" if ours is UpstreamTimeout else "could not be reached"
            return ours(f"{context.provider} {what} ({type(exc).__name__})", **context.as_kwargs())
    return UpstreamUnavailable(f"{context.provider} call failed ({type(exc).__name__})", **context.as_kwargs())


def from_status(
    status: int, vendor_message: str | None, retry_after: float | None, context: CallContext
) -> UpstreamError:
    """The error for a non-2xx answer; ``vendor_message`` must already be scrubbed of secrets."""
    said = f": {vendor_message}" if vendor_message else ""
    kwargs: _StatusKwargs = {**context.as_kwargs(), "status": status, "retry_after": retry_after}
    if status in (401, 403):
        return UpstreamAuthFailed(f"{context.provider} refused the configured credentials{said}", **kwargs)
    if status == 404:
        return UpstreamNotFound(f"{context.provider} has no such resource{said}", **kwargs)
    if status == 429:
        return UpstreamRateLimited(f"{context.provider} rate limit reached{said}", **kwargs)
    if status == 409:
        return UpstreamConflict(
            f"{context.provider} refused the request (HTTP 409){said}", vendor_message=vendor_message, **kwargs
        )
    if status in (408, 504):
        return UpstreamTimeout(f"{context.provider} timed out (HTTP {status}){said}", **kwargs)
    if status >= 500:
        return UpstreamUnavailable(f"{context.provider} failed (HTTP {status}){said}", **kwargs)
    return UpstreamRejected(
        f"{context.provider} rejected the request (HTTP {status}){said}", vendor_message=vendor_message, **kwargs
    )


def retry_after_seconds(response: httpx.Response, *, now: float | None = None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (now if now is not None else time.time()))
