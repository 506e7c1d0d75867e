"""Cache-Control and ETag for GraphQL answers: what a browser or client cache may keep, and how long.

A query sent by GET (by its text or by a persisted document's hash) whose answer rests wholly on
cache entries is ``Cache-Control: private, max-age=N``: N is the time the least fresh of those
entries (read-cache entries and workspace probes, CallScope.cached_for) stays fresh, so a client
keeps it no longer than the gateway itself would. It carries a weak ETag, a hash of the answer's
body and the API key's name (the answer is that key's: private, and ``Vary: Authorization``), and
a GET whose If-None-Match names that tag gets 304 with no body (it still runs: the tag is the
answer's). Weak, since gzip changes the bytes but not the answer.

Everything else is ``Cache-Control: no-store``: POSTs, mutations, answers with errors or stale
reads, answers asked for with Cache-Control: no-cache, answers in parts, and answers no cache
entry stands behind (nothing read, or a read no cache keeps: a probe, a kind whose TTL is 0).
"""

from __future__ import annotations

import hashlib
import math
from typing import Any, Protocol

from graphql import GraphQLError
from starlette.datastructures import Headers
from starlette.responses import Response

from destgraph.adapters.scope import CallScope

NO_STORE = "no-store"


class Answer(Protocol):
    """An executed GraphQL result (graphql-core's or Strawberry's)."""

    @property
    def errors(self) -> list[GraphQLError] | None: ...

    @property
    def extensions(self) -> dict[str, Any] | None: ...


def max_age(result: Answer, scope: CallScope, *, method: str, query: bool) -> int:
    """How many seconds a client may keep this answer; 0: not at all (no-store)."""
    if method != "GET" or not query or result.errors or scope.fresh_reads or scope.stale:
        return 0
    if result.extensions and "stale" in result.extensions:
        return 0
    return math.floor(scope.cached_for())


def entity_tag(owner: str, body: bytes) -> str:
    """The weak ETag of an answer ``body`` for the API key named ``owner``."""
    digest = hashlib.sha256(owner.encode("utf-8") + b"\0" + body).hexdigest()[:32]
    return f'W/"{digest}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether If-None-Match names ``tag`` (weak comparison, as RFC 9110 asks for it), or is ``*``."""
    if not if_none_match:
        return False
    opaque = tag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == opaque:
            return True
    return False


def cacheable(response: Response, request_headers: Headers, *, owner: str, seconds: int) -> Response:
    """``response`` marked for a client cache for ``seconds`` (no-store when 0); 304 when the
    request's If-None-Match already names it."""
    if seconds < 1 or response.status_code != 200:
        response.headers["Cache-Control"] = NO_STORE
        return response
    tag = entity_tag(owner, bytes(response.body))
    headers = {"Cache-Control": f"private, max-age={seconds}", "ETag": tag}
    if matches(request_headers.get("if-none-match"), tag):
        not_modified = Response(status_code=304, headers=headers)
        not_modified.headers.add_vary_header("Accept")
        not_modified.headers.add_vary_header("Authorization")
        return not_modified
    response.headers.update(headers)
    response.headers.add_vary_header("Accept")
    response.headers.add_vary_header("Authorization")
    return response
