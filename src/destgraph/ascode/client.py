"""GraphQL over httpx to a running gateway, with coded errors and bounded retries.

Every request carries the API key and ``Cache-Control: no-cache``, so plans read what the vendors hold
now, past the gateway's read cache. A GraphQL error becomes a GatewayError with its
``extensions.code``; an answer with data and errors is an error too: a plan over a partial read
would propose creating what it could not see. Errors the gateway calls retryable (rate limits, a
vendor unavailable) are retried after ``retryAfter`` (or a backoff), a few times and within a time
budget per call (``retry_budget``); a request that
may have been applied without its reply (a transport error) is retried only when the caller says
it is safe to repeat (reads, creates with an idempotency key, deletes).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from destgraph.ascode.errors import GatewayError, UnreachableError

RETRYABLE_CODES = frozenset(
    {"UPSTREAM_RATE_LIMITED", "RATE_LIMITED", "UPSTREAM_UNAVAILABLE", "UPSTREAM_TIMEOUT", "STATE_UNAVAILABLE"}
)


@dataclass(frozen=True)
class Connection:
    """Where the gateway is: its GraphQL URL, the API key, and (in tests, --demo) a transport."""

    url: str
    key: str
    transport: httpx.AsyncBaseTransport | None = None

    @property
    def endpoint(self) -> str:
        """The URL as given, or with ``/graphql`` appended when it names only the server."""
        parsed = httpx.URL(self.url)
        return str(parsed.copy_with(path="/graphql")) if parsed.path in ("", "/") else self.url


class GraphQLClient:
    """One gateway, one key: ``await client.data(query, variables)``."""

    def __init__(
        self,
        connection: Connection,
        *,
        timeout: float = 60.0,
        attempts: int = 5,
        max_wait: float = 30.0,
        retry_budget: float = 60.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.connection = connection
        self._attempts = attempts
        self._max_wait = max_wait
        self._retry_budget = retry_budget
        self._sleep = sleep
        self._http = httpx.AsyncClient(
            transport=connection.transport,
            timeout=timeout,
            headers={
                "Authorization": f"Bearer {connection.key}",
                "Cache-Control": "no-cache",
                "Accept": "application/json",
                "User-Agent": "destgraph-ascode",
            },
        )

    async def __aenter__(self) -> GraphQLClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def data(
        self, query: str, variables: Mapping[str, Any] | None = None, *, repeatable: bool = True
    ) -> dict[str, Any]:
        """The answer's data; GatewayError when it has errors, after the retries that are safe."""
        attempt = 0
        began = time.monotonic()
        while True:
            attempt += 1
            try:
                return await self._once(query, variables or {})
            except GatewayError as exc:
                unsafe = isinstance(exc, UnreachableError) and not repeatable
                if not exc.retryable or unsafe or attempt >= self._attempts:
                    raise
                wait = exc.retry_after if exc.retry_after is not None else 0.25 * 2 ** (attempt - 1)
                wait = min(max(wait, 0.0), self._max_wait)
                if time.monotonic() - began + wait > self._retry_budget:
                    raise
                await self._sleep(wait)

    async def _once(self, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
        try:
            response = await self._http.post(self.connection.endpoint, json={"query": query, "variables": variables})
        except httpx.TimeoutException:
            raise UnreachableError("the gateway did not answer in time") from None
        except httpx.TransportError as exc:
            raise UnreachableError(f"the gateway could not be reached ({type(exc).__name__})") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            retryable = response.status_code in (429, 502, 503, 504)
            raise GatewayError(
                f"the gateway answered HTTP {response.status_code} without a GraphQL body",
                code="BAD_RESPONSE",
                retryable=retryable,
            )
        errors = body.get("errors")
        if errors:
            raise _error(errors)
        data = body.get("data")
        if not isinstance(data, dict):
            raise GatewayError("the gateway answered without data", code="BAD_RESPONSE")
        return data


def _error(errors: Any) -> GatewayError:
    first: dict[str, Any] = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    found = first.get("extensions")
    extensions: dict[str, Any] = found if isinstance(found, dict) else {}
    code = str(extensions.get("code") or "INTERNAL")
    message = str(first.get("message") or "the gateway answered an error")
    path = first.get("path")
    if isinstance(path, list) and path:
        message = f"{message} (at {'.'.join(str(p) for p in path)})"
    if isinstance(errors, list) and len(errors) > 1:
        message += f" (and {len(errors) - 1} more errors)"
    retry_after = extensions.get("retryAfter")
    retryable = bool(extensions.get("retryable", code in RETRYABLE_CODES)) or code in RETRYABLE_CODES
    return GatewayError(
        message,
        code=code,
        retryable=retryable,
        retry_after=float(retry_after) if isinstance(retry_after, int | float) else None,
    )
