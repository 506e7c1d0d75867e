"""httpx exceptions and vendor statuses become the gateway's error tree, each in one place."""

from __future__ import annotations

import httpx
import pytest

from destgraph import errors
from destgraph.adapters.errors import (
    TRANSPORT_ERRORS,
    CallContext,
    from_status,
    from_transport_error,
    retry_after_seconds,
)

CONTEXT = CallContext(provider="segment", workspace="ws", operation="list")


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_every_httpx_transport_error_is_mapped() -> None:
    mapped = {httpx_type for httpx_type, _ in TRANSPORT_ERRORS}
    for exc_type in _subclasses(httpx.TransportError):
        assert any(issubclass(exc_type, m) for m in mapped), f"{exc_type.__name__} has no mapping"


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ConnectTimeout("x"), errors.UpstreamTimeout),
        (httpx.ReadTimeout("x"), errors.UpstreamTimeout),
        (httpx.PoolTimeout("x"), errors.UpstreamTimeout),
        (httpx.ConnectError("x"), errors.UpstreamUnavailable),
        (httpx.RemoteProtocolError("x"), errors.UpstreamUnavailable),
        (httpx.UnsupportedProtocol("x"), errors.UpstreamProtocolError),
    ],
)
def test_transport_errors_map_to_the_tree(exc: httpx.TransportError, expected: type) -> None:
    mapped = from_transport_error(exc, CONTEXT)
    assert type(mapped) is expected
    assert mapped.provider == "segment" and mapped.workspace == "ws"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, errors.UpstreamAuthFailed),
        (403, errors.UpstreamAuthFailed),
        (404, errors.UpstreamNotFound),
        (422, errors.UpstreamRejected),
        (400, errors.UpstreamRejected),
        (429, errors.UpstreamRateLimited),
        (500, errors.UpstreamUnavailable),
        (503, errors.UpstreamUnavailable),
        (504, errors.UpstreamTimeout),
    ],
)
def test_statuses_map_to_the_tree(status: int, expected: type) -> None:
    mapped = from_status(status, "said so", None, CONTEXT)
    assert type(mapped) is expected
    assert mapped.status == status


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "7"})) == 7
    dated = httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:10 GMT"})
    assert retry_after_seconds(dated, now=1445412480.0) == 10
    assert retry_after_seconds(httpx.Response(429)) is None
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "soon"})) is None
