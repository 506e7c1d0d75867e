"""The HTTP client of one vendor workspace: pooled, authenticated, bounded, retried, accounted.

One ``UpstreamClient`` per configured workspace lives for the app's lifetime. It owns:
- one pooled ``httpx.AsyncClient`` with the vendor's auth headers and a timeout on every call;
- a concurrency bound and the vendor's documented rate budgets, taken through the budget port (so
  replicas sharing a store share the vendor's limit): a wait for room, up to the request's
  patience, then UPSTREAM_RATE_LIMITED; paused by the vendor's 429s and X-RateLimit headers;
- retries of idempotent GETs on 429/502/503/504 and connection errors (tenacity), honouring Retry-After;
- singleflight: an identical GET already in flight, for any request, is joined rather than repeated;
- call accounting by provider, workspace, endpoint and status;
- the request's deadline (``CallScope.deadline``): no call starts, waits or is retried past it, and a
  read's exchange is cut at it (httpx's timeout and ``asyncio.timeout``, so it holds on any
  transport); a write is never cut once sent. Nothing starts once the request was answered
  (``CallScope.closed``);
- the workspace's circuit breaker (``adapters.breaker``) around every call and stream.

``RequestUpstream`` is the per-request view adapters use: it adds a memo so the same GET is never
made twice within one GraphQL request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential, wait_random

from destgraph.adapters.accounting import CallAccounting
from destgraph.adapters.breaker import CircuitBreaker, CircuitOpen, outcome_of
from destgraph.adapters.errors import (
    NOT_SENT,
    CallContext,
    from_status,
    from_transport_error,
    outcome_unknown,
    retry_after_seconds,
)
from destgraph.adapters.read_cache import ReadCache
from destgraph.adapters.scope import CallScope
from destgraph.adapters.scope import current as current_scope
from destgraph.adapters.transport import VendorTransport
from destgraph.config import WorkspaceConfig
from destgraph.domain import jsonio
from destgraph.domain.secrets import scrub
from destgraph.errors import (
    UpstreamError,
    UpstreamProtocolError,
    UpstreamRateLimited,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from destgraph.observability import tracing
from destgraph.observability.context import count_upstream, upstream_headers
from destgraph.state import BudgetExhausted, BudgetPort, CachePort, InMemoryBudgets, InMemoryCache, RateBudget
from destgraph.state.memory import InMemoryBreakers
from destgraph.state.ports import BreakerOutcome, BreakerPolicy, BreakerPort

Params = Mapping[str, str | int] | None
#: the most parsed URLs a workspace client keeps (``UpstreamClient._url``): a page of 40 with its
#: subscription lists repeats 41 of them on every read
URLS_KEPT = 2048
#: pulls the human message out of a vendor's error body (None when it has none)
MessageExtractor = Callable[[Any], str | None]

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    initial_wait: float = 0.1
    max_wait: float = 2.0
    #: a Retry-After longer than this is not waited out: the caller gets UPSTREAM_RATE_LIMITED at once
    max_retry_after: float = 2.0


class RequestAnswered(UpstreamUnavailable):
    """No call was made: the request it was for was answered already (a sibling of a failed field).

    Nobody waits for it: the answer it was for is sent. Never retried, never a circuit failure.
    """


@dataclass
class _Exchange:
    """One admitted call, as ``_guarded`` follows it: whether it reached the network."""

    sent: bool = False


class UpstreamClient:
    """Every call to one vendor workspace goes through here."""

    def __init__(
        self,
        workspace: WorkspaceConfig,
        *,
        headers: Mapping[str, str],
        extract_message: MessageExtractor,
        accounting: CallAccounting,
        budgets: Sequence[RateBudget] = (),
        write_budgets: Mapping[str, RateBudget] | None = None,
        budget_port: BudgetPort | None = None,
        shares: Mapping[str, float] | None = None,
        cache: CachePort | None = None,
        retry: RetryPolicy = RetryPolicy(),
        rate_wait_seconds: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
        breakers: BreakerPort | None = None,
    ) -> None:
        self.workspace = workspace
        self.provider = workspace.provider.value
        self._extract_message = extract_message
        self._accounting = accounting
        self._retry = retry
        # Exponential with jitter, so clients retrying together do not come back together.
        self._backoff = wait_exponential(multiplier=retry.initial_wait, max=retry.max_wait) + wait_random(
            0, retry.initial_wait
        )
        self._rate_wait = rate_wait_seconds
        # aiohttp's pool under httpx (adapters/transport.py); tests give ASGI transports to emulators
        self._transport = transport or VendorTransport(max_connections=workspace.max_concurrency * 2)
        # What builds the calls' URLs and default headers; the calls themselves go to the transport
        # (``_exchange``).
        self._http = httpx.AsyncClient(base_url=workspace.base_url, headers=dict(headers), transport=self._transport)
        self._concurrency = asyncio.Semaphore(workspace.max_concurrency)
        self._budget_port = budget_port or InMemoryBudgets()
        #: each API key's share (0..1] of every budget of this workspace, by key name
        self._shares = dict(shares or {})
        self._cache = ReadCache(cache or InMemoryCache(), workspace, accounting=accounting)
        self._budgets = tuple(budgets)
        #: budgets of particular writes (Segment: 5 subscription writes a minute), by name
        self._write_budgets = dict(write_budgets or {})
        self._paused_until = 0.0
        self._in_flight: dict[tuple[str, str], asyncio.Future[Any]] = {}
        #: the URLs of the calls made lately, parsed (``_url``)
        self._urls: OrderedDict[tuple[str, tuple[tuple[str, str | int], ...]], httpx.URL] = OrderedDict()
        self._secrets = [workspace.token.get_secret_value()]
        self.breaker = CircuitBreaker(
            breakers or InMemoryBreakers(),
            provider=self.provider,
            workspace=workspace.key,
            policy=BreakerPolicy(failures=workspace.breaker_failures, reset_seconds=workspace.breaker_reset_seconds),
            accounting=accounting,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- public calls -----------------------------------------------------------------------------

    async def get_json(self, path: str, *, operation: str, params: Params = None, fresh: bool = False) -> Any:
        """GET and parse JSON; retried, and joined with an identical GET already in flight.

        ``fresh`` skips the join: a read-modify-write must see every write that finished before
        it started, which a GET started earlier by someone else may not.
        """
        charged = current_scope()
        if fresh or (charged is not None and charged.fresh_reads):
            return await self._with_retries(lambda: self._call("GET", path, operation, params=params))
        return await self._cache.read(
            _call_key(path, params), operation, lambda: self._shared_get(path, operation, params)
        )

    async def _shared_get(self, path: str, operation: str, params: Params) -> Any:
        """The GET, joined with an identical one already in flight for anyone."""
        key = ("GET", _call_key(path, params))
        running = self._in_flight.get(key)
        if running is not None:
            self._accounting.joined(provider=self.provider, workspace=self.workspace.key)
            return await asyncio.shield(running)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            result = await self._with_retries(lambda: self._call("GET", path, operation, params=params))
        except BaseException as exc:
            future.set_exception(exc)
            # Joiners see the exception; nobody else may leave it unretrieved.
            future.exception()
            raise
        else:
            future.set_result(result)
            return result
        finally:
            del self._in_flight[key]

    async def send_json(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        body: Any = None,
        params: Params = None,
        budget: str | None = None,
        reserved: bool = False,
    ) -> Any:
        """A write: never retried (the vendor may have applied it), never joined.

        ``budget`` names a write budget; the call takes its turn from it first, unless the caller
        ``reserved`` the turn already (see ``reserve``).
        """
        if budget is not None and not reserved:
            await self.reserve(budget, 1, operation=operation)
        try:
            return await self._call(method, path, operation, params=params, body=body, write=True)
        finally:
            # Whatever happened, the vendor may hold something new: no read from before answers now.
            await self._cache.invalidate()
            if budget is not None:
                await self.unreserve(budget, 1)

    async def reserve(self, budget: str, count: int, *, operation: str) -> None:
        """Take ``count`` turns of a write budget now, for a multi-step write; UPSTREAM_RATE_LIMITED if not.

        The caller then spends them with ``send_json(..., budget=budget, reserved=True)``, and gives
        back the turns it will not use with ``unreserve``.
        """
        limit = self._write_budgets.get(budget)
        if limit is None or count <= 0:
            return
        try:
            await self._budget_port.acquire(self._budget_name(budget), limit, patience=self._patience(), count=count)
        except BudgetExhausted as exc:
            raise self._rate_limited(operation, exc.wait) from None

    async def invalidate_reads(self) -> None:
        await self._cache.invalidate()

    async def unreserve(self, budget: str, count: int) -> None:
        """``count`` turns of a write budget are done with: spent by a write that finished, or
        reserved and not used (they count as spent now: the vendor may have counted them too)."""
        limit = self._write_budgets.get(budget)
        if limit is not None and count > 0:
            await self._budget_port.release(self._budget_name(budget), limit, count=count)

    def _budget_name(self, budget: str) -> str:
        return f"{self.provider}:{self.workspace.key}:{budget}"

    async def stream(
        self, method: str, path: str, *, operation: str, body: Any = None
    ) -> tuple[httpx.Response, Callable[[], Any]]:
        """Open a streamed response (server-sent events); the caller reads and closes it.

        The request's deadline bounds the opening (until the headers came); the events are read
        with the workspace's timeout, for as long as the caller listens.
        """
        async with self._guarded(operation) as call:
            taken = await self._acquire_budget(operation)
            context = CallContext(self.provider, self.workspace.key, operation)
            headers = {"Accept": "text/event-stream", **upstream_headers()}
            request = self._request(method, self._url(path, None), body, headers, self.workspace.timeout_seconds)
            started = time.perf_counter()
            async with self._budget_held(taken):  # the vendor counted the call once its headers came
                call.sent = self._may_start(operation)
                try:
                    exchange = self._within_deadline(self._exchange(request, stream=True))
                    response = await self._traced(method, path, operation, exchange)
                except httpx.TransportError as exc:
                    self._account(operation, "error", started)
                    raise from_transport_error(exc, context) from exc
            self._account(operation, str(response.status_code), started)
            self._learn_budget(response)
            if response.status_code >= 400:
                await response.aread()
                await response.aclose()
                raise self._error_for(response, context)
            return response, response.aclose

    # -- machinery --------------------------------------------------------------------------------

    async def _with_retries(self, attempt: Callable[[], Any]) -> Any:
        began = time.monotonic()  # when the attempt being judged started
        attempts = stop_after_attempt(self._retry.attempts)

        def stop(retry_state: Any) -> bool:
            """After the last attempt; once the request was answered; or when the next attempt, after
            its back-off or Retry-After, could not finish before the deadline (taking as long as this
            one did)."""
            if attempts(retry_state):
                return True
            scope = current_scope()
            if scope is not None and scope.closed:
                _nobody_waits()
                return True
            left = self._time_left()
            return left is not None and retry_state.upcoming_sleep + (time.monotonic() - began) >= left

        retrying = AsyncRetrying(
            stop=stop,
            wait=self._wait,
            retry=retry_if_exception(self._should_retry),
            reraise=True,
        )
        async for attempt_state in retrying:
            with attempt_state:
                began = time.monotonic()
                return await attempt()
        raise AssertionError("unreachable")  # pragma: no cover

    def _should_retry(self, exc: BaseException) -> bool:
        if not isinstance(exc, UpstreamError) or not exc.retryable:
            return False
        if isinstance(exc, CircuitOpen | RequestAnswered):
            return False  # nothing was sent, and nothing should be until the circuit or a new request says so
        if exc.status is not None and exc.status not in RETRYABLE_STATUSES:
            return False  # a 500 is a bug on the vendor's side, not a passing condition
        # A vendor asking for a long pause is answered at once with its Retry-After, not waited out.
        return exc.retry_after is None or exc.retry_after <= self._retry.max_retry_after

    def _wait(self, retry_state: Any) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        backoff = self._backoff(retry_state)
        if isinstance(exc, UpstreamError) and exc.retry_after is not None:
            return max(exc.retry_after, 0.0)
        return backoff

    async def _call(
        self, method: str, path: str, operation: str, *, params: Params = None, body: Any = None, write: bool = False
    ) -> Any:
        """One HTTP exchange. For a ``write``, a fault after the request may have left the vendor's
        outcome unknown: that is UpstreamOutcomeUnknown, never a plain failure."""
        context = CallContext(self.provider, self.workspace.key, operation)
        async with self._guarded(operation) as call:
            taken = await self._acquire_budget(operation)
            async with self._concurrency, self._budget_held(taken):
                call.sent = self._may_start(operation)
                charged = current_scope()
                if charged is not None:
                    charged.calls += 1
                started = time.perf_counter()
                try:
                    exchange = self._send(method, path, params=params, body=body, write=write)
                    response = await self._traced(method, path, operation, exchange)
                except httpx.TransportError as exc:
                    self._account(operation, "error", started)
                    error = from_transport_error(exc, context)
                    if write and not isinstance(exc, NOT_SENT):
                        raise outcome_unknown(error, settled=False) from exc
                    raise error from exc
                self._account(operation, str(response.status_code), started)
            self._learn_budget(response)
            if response.status_code >= 400:
                error = self._error_for(response, context)
                if write and response.status_code >= 500:
                    raise outcome_unknown(error, settled=True)
                raise error
            if not response.content:
                return None
            try:
                return jsonio.loads(response.content)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise UpstreamProtocolError(
                    f"{self.provider} answered {operation} with a body that is not JSON", **context.as_kwargs()
                ) from exc

    # -- the request's deadline and the workspace's circuit ----------------------------------------

    def _time_left(self) -> float | None:
        """Seconds until the request's deadline; None without one (background work, readyz)."""
        scope = current_scope()
        if scope is None or scope.deadline is None:
            return None
        return scope.deadline - time.monotonic()

    def _patience(self) -> float:
        """How long a call may wait for the vendor's budget: rate_wait_seconds, within the deadline."""
        left = self._time_left()
        return self._rate_wait if left is None else max(0.0, min(self._rate_wait, left))

    def _may_start(self, operation: str) -> bool:
        """True, or why no call may start now for the current request: it was answered, or its
        deadline passed."""
        scope = current_scope()
        if scope is None:
            return True
        kwargs = CallContext(self.provider, self.workspace.key, operation).as_kwargs()
        if scope.closed:
            _nobody_waits()
            raise RequestAnswered(f"{self.provider} was not called: the request was answered already", **kwargs)
        left = self._time_left()
        if left is not None and left <= 0:
            raise UpstreamTimeout(f"{self.provider} was not called: the request's deadline passed", **kwargs)
        return True

    @contextlib.asynccontextmanager
    async def _guarded(self, operation: str) -> AsyncIterator[_Exchange]:
        """Around one call: it starts only within the request's deadline and before its answer; the
        workspace's circuit admits it (or refuses at once, CircuitOpen) and learns how it went."""
        self._may_start(operation)
        ticket = await self.breaker.admit(operation)
        call = _Exchange()
        outcome: BreakerOutcome = "neutral"
        try:
            yield call
            outcome = "success" if call.sent else "neutral"
        except BaseException as exc:
            outcome = outcome_of(exc) if call.sent else "neutral"
            raise
        finally:
            await self.breaker.settle(ticket, outcome)

    async def _send(self, method: str, path: str, *, params: Params, body: Any, write: bool) -> httpx.Response:
        """The exchange. A read gets the smaller of the workspace's timeout and the time left; a
        write keeps the workspace's: cutting it at the deadline would leave its outcome unknown."""
        url = self._url(path, params)
        headers = upstream_headers()  # X-Request-Id (and the trace context when tracing)
        left = None if write else self._time_left()
        if left is None:
            return await self._exchange(self._request(method, url, body, headers, self.workspace.timeout_seconds))
        timeout = min(self.workspace.timeout_seconds, left)
        return await self._within_deadline(self._exchange(self._request(method, url, body, headers, timeout)))

    def _request(
        self, method: str, url: httpx.URL, body: Any, headers: Mapping[str, str], timeout: float
    ) -> httpx.Request:
        merged = self._http.headers.copy()
        merged.update(headers)
        return httpx.Request(
            method, url, headers=merged, json=body, extensions={"timeout": httpx.Timeout(timeout).as_dict()}
        )

    async def _exchange(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        """``request`` straight to the transport, read whole unless ``stream``. A vendor call needs
        none of httpx's client layer: no cookies (tokens, never sessions), no auth flow, no
        redirects; and that layer cost a tenth of a page read's CPU (its cookie jar alone a
        third of it)."""
        response = await self._transport.handle_async_request(request)
        response.request = request
        if not stream:
            try:
                await response.aread()
            except BaseException:
                await response.aclose()
                raise
        return response

    def _url(self, path: str, params: Params) -> httpx.URL:
        """The call's URL, parsed once for each path and query seen lately: httpx checks a URL
        character by character, a tenth of a page read's CPU when every call parsed its own."""
        key = (path, tuple(sorted(params.items())) if params else ())
        found = self._urls.get(key)
        if found is None:
            found = self._http.build_request("GET", path, params=dict(params) if params else None).url
            self._urls[key] = found
            if len(self._urls) > URLS_KEPT:
                self._urls.popitem(last=False)
        else:
            self._urls.move_to_end(key)
        return found

    async def _traced(
        self, method: str, path: str, operation: str, exchange: Awaitable[httpx.Response]
    ) -> httpx.Response:
        """``exchange`` in its span (provider, workspace, operation, method, path, status: never a
        header, the query string or the body), counted for the request's access line."""
        count_upstream(self.provider)
        if not tracing.enabled():
            return await exchange
        attributes = {
            "destgraph.provider": self.provider,
            "destgraph.workspace": self.workspace.key,
            "destgraph.operation": operation,
            "http.request.method": method,
            "url.path": path,
        }
        with tracing.span(f"{self.provider} {operation}", attributes, kind="client") as span:
            response = await exchange
            span.set_attributes({"http.response.status_code": response.status_code})
            if response.status_code >= 400:
                span.fail(f"{self.provider} answered {response.status_code}")
            return response

    async def _within_deadline(self, exchange: Awaitable[httpx.Response]) -> httpx.Response:
        """``exchange``, cut at the request's deadline whatever the transport (httpx's timeouts do
        not apply over ASGITransport): past it, httpx.ReadTimeout as if httpx had timed out."""
        left = self._time_left()
        if left is None:
            return await exchange
        try:
            async with asyncio.timeout(left):
                return await exchange
        except TimeoutError:
            raise httpx.ReadTimeout("no answer before the request's deadline") from None

    def _error_for(self, response: httpx.Response, context: CallContext) -> UpstreamError:
        try:
            message = self._extract_message(jsonio.loads(response.content))
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError):
            message = None
        if message:
            message = scrub(message[:500], self._secrets)
        return from_status(response.status_code, message, retry_after_seconds(response), context)

    def _account(self, operation: str, status: str, started: float) -> None:
        self._accounting.record(
            provider=self.provider,
            workspace=self.workspace.key,
            endpoint=operation,
            status=status,
            seconds=time.perf_counter() - started,
        )

    async def _acquire_budget(self, operation: str) -> list[tuple[str, RateBudget]]:
        """Wait for the vendor's budgets, up to the request's patience; never bounce off the vendor.

        The caller's fair share of each budget is taken first: a key past its share is refused at
        once (only that key), and never takes from the budget everyone shares. Answers the windows
        taken, for ``_release_budget`` once the call has finished.
        """
        pause = self._paused_until - time.monotonic()
        if pause > self._rate_wait:
            raise self._rate_limited(operation, pause)
        if pause > 0:
            await asyncio.sleep(pause)
        taken: list[tuple[str, RateBudget]] = []
        for name, budget, own in self._windows(current_scope()):
            try:
                await self._budget_port.acquire(name, budget, patience=0.0 if own else self._patience())
            except BudgetExhausted as exc:
                await self._release_budget(taken)
                raise self._rate_limited(operation, exc.wait, own_share=own) from None
            taken.append((name, budget))
        return taken

    async def _release_budget(self, taken: list[tuple[str, RateBudget]]) -> None:
        for name, budget in taken:
            await self._budget_port.release(name, budget)

    @contextlib.asynccontextmanager
    async def _budget_held(self, taken: list[tuple[str, RateBudget]]) -> AsyncIterator[None]:
        """The budgets ``taken`` stay occupied for the block, and count from its end."""
        try:
            yield
        finally:
            await self._release_budget(taken)

    def _windows(self, scope: CallScope | None) -> list[tuple[str, RateBudget, bool]]:
        """(name, budget, the caller's own share?) of every window a call must fit in."""
        share = self._shares.get(scope.caller) if scope is not None and scope.caller else None
        windows: list[tuple[str, RateBudget, bool]] = []
        for budget in self._budgets:
            name = self._budget_name(f"{budget.calls}/{budget.seconds:g}s")
            if share is not None and share < 1.0 and scope is not None:
                own = RateBudget(calls=max(1, int(budget.calls * share)), seconds=budget.seconds)
                windows.append((f"{name}:key:{scope.caller}", own, True))
            windows.append((name, budget, False))
        return windows

    def _rate_limited(self, operation: str, wait: float, *, own_share: bool = False) -> UpstreamRateLimited:
        what = "this API key's share of the" if own_share else "the"
        return UpstreamRateLimited(
            f"{what} {self.provider} rate budget is spent for now",
            provider=self.provider,
            workspace=self.workspace.key,
            operation=operation,
            retry_after=max(1.0, round(wait)),
        )

    def _learn_budget(self, response: httpx.Response) -> None:
        """Pause this workspace when the vendor says its budget is spent (429 or X-RateLimit-*)."""
        wait = None
        if response.status_code == 429:
            told = retry_after_seconds(response)
            wait = 1.0 if told is None else told  # Retry-After: 0 means now, not "a second"
        elif response.headers.get("x-ratelimit-remaining") == "0":
            reset = response.headers.get("x-ratelimit-reset")
            if reset:
                fake = httpx.Response(200, headers={"retry-after": reset})
                wait = retry_after_seconds(fake)
        if wait:
            self._paused_until = max(self._paused_until, time.monotonic() + wait)


def _nobody_waits() -> None:
    """The request this task works for was answered: whatever the task ends with, nobody awaits it
    (its awaiters were cancelled, and a shield drops their claim), so asyncio must not log it."""
    task = asyncio.current_task()
    if task is not None:
        task.add_done_callback(lambda done: None if done.cancelled() else done.exception())


def _call_key(path: str, params: Params) -> str:
    if not params:
        return path
    # encoded, so that a value holding & or = (a vendor's cursor) cannot pass for other parameters
    return path + "?" + urlencode(sorted(params.items()))


class RequestUpstream:
    """One GraphQL request's view of a workspace's client: the same GET is made at most once."""

    def __init__(self, client: UpstreamClient) -> None:
        self.client = client
        self._memo: dict[str, asyncio.Task[Any]] = {}

    @property
    def workspace(self) -> WorkspaceConfig:
        return self.client.workspace

    async def get_json(self, path: str, *, operation: str, params: Params = None, fresh: bool = False) -> Any:
        """GET through the request's memo; ``fresh`` reads anew, joining nothing (see UpstreamClient)."""
        key = _call_key(path, params)
        if fresh:
            self._memo.pop(key, None)
            return await self.client.get_json(path, operation=operation, params=params, fresh=True)
        task = self._memo.get(key)
        if task is None:
            task = asyncio.ensure_future(self.client.get_json(path, operation=operation, params=params))
            self._memo[key] = task
        return await asyncio.shield(task)

    def release(self) -> None:
        """Forget the request's calls: it is over (the caller makes sure no call still waits)."""
        self._memo.clear()

    async def stream(
        self, method: str, path: str, *, operation: str, body: Any = None
    ) -> tuple[httpx.Response, Callable[[], Any]]:
        return await self.client.stream(method, path, operation=operation, body=body)

    async def reserve(self, budget: str, count: int, *, operation: str) -> None:
        await self.client.reserve(budget, count, operation=operation)

    async def unreserve(self, budget: str, count: int) -> None:
        await self.client.unreserve(budget, count)

    async def send_json(
        self,
        method: str,
        path: str,
        *,
        operation: str,
        body: Any = None,
        params: Params = None,
        budget: str | None = None,
        reserved: bool = False,
    ) -> Any:
        # A write changes what later GETs would return: forget them.
        self._memo.clear()
        return await self.client.send_json(
            method, path, operation=operation, body=body, params=params, budget=budget, reserved=reserved
        )

    async def invalidate(self) -> None:
        """The vendor changed what it holds outside a send_json (a streamed test that stores a status):
        neither this request's memo nor the read cache answers from before."""
        self._memo.clear()
        await self.client.invalidate_reads()
