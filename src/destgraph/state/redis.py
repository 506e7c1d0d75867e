"""The state ports on Redis: several gateway replicas sharing one Redis behave as one gateway.

Each class satisfies its port with the semantics of the in-process one (``state.memory``); where
that one relies on the event loop for atomicity (no await between reading and writing), this one
runs the step as one Lua script, which Redis executes atomically. Times inside the scripts are the
Redis server's clock (``TIME``), the one clock every replica shares; tests may pass a ``clock``
instead, whose readings the scripts then use.

Every key lives under one prefix (``destgraph:`` unless configured), so deployments and tests can
share a server. What is stored is plain data only: JSON text, strings and numbers. Nothing read
back is unpickled or evaluated: a shared store must never be able to run code in the gateway, so
values that ``json.dumps`` cannot encode are refused with TypeError before anything is written.

| port | keys | how |
|---|---|---|
| IdempotencyPort | ``idem:<len(scope)>:<scope>:<key>``: a hash (fingerprint, status, result as JSON) | claim: create-if-absent in a script (SET NX's semantics, on a hash, so the status can be compared and set alone); take_over: compare-and-set of the status; wait: a bounded poll |
| LockPort | ``lock:<name>``: a random token | SET NX PX; the TTL is renewed while held; released by a compare-and-delete, so only by its holder |
| BudgetPort | ``budget:<name>:<calls>/<seconds>:in`` and ``:done``: sorted sets | the sliding window of ``memory.SlidingWindow``, each step one script |
| BreakerPort | ``breaker:<name>``: a hash (state, failures, opened_at, probe_started) | admit and settle, one script each |
| CachePort | ``cache:<key>``: JSON text | SET PX: the TTL is Redis's own |
| PersistedQueryPort | ``document:<sha256>``: the document | GET and SET |

Redis 5 or later (ZPOPMIN; scripts that read TIME and then write, replicated by their effects).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import redis
import redis.asyncio as aioredis

from destgraph.errors import ConfigError, StateUnavailable
from destgraph.state.memory import IN_FLIGHT_LIMIT_SECONDS, IN_FLIGHT_POLL_SECONDS, StatePorts
from destgraph.state.ports import (
    BreakerAdmission,
    BreakerOutcome,
    BreakerPolicy,
    BreakerPort,
    BreakerStateName,
    BreakerView,
    BudgetExhausted,
    BudgetPort,
    CachePort,
    IdempotencyPort,
    IdempotencyRecord,
    JSONValue,
    LockPort,
    LockTimeout,
    PersistedQueryPort,
    RateBudget,
    RecordStatus,
)
from destgraph.state.select import DEFAULT_PREFIX, masked_url

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Client = aioredis.Redis

#: how long startup waits for REDIS_URL to answer before the gateway refuses to start
CONNECT_TIMEOUT_SECONDS = 3.0
#: every command's socket timeout: a Redis that stops answering fails the request, never hangs it
COMMAND_TIMEOUT_SECONDS = 5.0
#: connections each replica keeps to Redis. A busy replica's commands queue for one (for up to
#: COMMAND_TIMEOUT_SECONDS) instead of failing: redis-py's default pool refuses the 101st at once.
POOL_CONNECTIONS = 64


def dumps(value: Any) -> str:
    """``value`` as JSON text; TypeError for anything JSON cannot hold as it is (objects, sets,
    bytes, keys that are not strings). Nothing else ever reaches the store."""
    _check_plain(value)
    return json.dumps(value, separators=(",", ":"))


def _check_plain(value: Any) -> None:
    if value is None or isinstance(value, str | bool | int | float):
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_plain(item)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"only plain JSON crosses a shared store: an object key is a {type(key).__name__}")
            _check_plain(item)
        return
    raise TypeError(f"only plain JSON crosses a shared store, not {type(value).__name__}")


# -- Lua ----------------------------------------------------------------------------------------------

#: ``now`` from ARGV[1]: the caller's clock, or (empty) the server's
_NOW = """
local function now_of(given)
  if given == '' then
    local t = redis.call('TIME')
    return tonumber(t[1]) + tonumber(t[2]) / 1000000
  end
  return tonumber(given)
end
local function fmt(n) return string.format('%.6f', n) end
local now = now_of(ARGV[1])
"""


T = TypeVar("T")


def _unavailable_is_coded(cls: type[T]) -> type[T]:
    """Every coroutine method of a port: a Redis that does not answer is StateUnavailable, a coded,
    retryable error, never INTERNAL (the error names no URL, so no password)."""
    for name, method in list(vars(cls).items()):
        if name.startswith("__") or not inspect.iscoroutinefunction(method):
            continue

        def guarded(method: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(method)
            async def call(*args: Any, **kwargs: Any) -> Any:
                try:
                    return await method(*args, **kwargs)
                except redis.RedisError as exc:
                    raise StateUnavailable(f"the shared state store did not answer ({type(exc).__name__})") from exc

            return call

        setattr(cls, name, guarded(method))
    return cls


class _Scripts:
    """Scripts that read the time, registered once per client (EVALSHA, loaded again if the
    server forgot them), and the time to pass them."""

    def __init__(self, client: Client, clock: Clock | None) -> None:
        self._client = client
        self._clock = clock

    def register(self, body: str) -> Any:
        """The script ``body`` after ``_NOW``: its ARGV[1] is the time (``now``), its own arguments follow."""
        return self._client.register_script(_NOW + body)

    def now(self) -> str:
        return "" if self._clock is None else repr(float(self._clock()))


# -- idempotency ----------------------------------------------------------------------------------------

_CLAIM = """
local found = redis.call('HMGET', KEYS[1], 'fingerprint', 'status', 'result')
if found[1] then return found end
redis.call('HSET', KEYS[1], 'fingerprint', ARGV[1], 'status', 'running', 'result', 'null')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return false
"""
_COMPLETE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'result', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
_TAKE_OVER = """
if redis.call('HGET', KEYS[1], 'status') ~= 'unknown' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'running')
return 1
"""

#: how often a repeat waiting for a running write looks again (first, and at most)
WAIT_POLL_SECONDS = (0.02, 0.25)


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


@_unavailable_is_coded
class RedisIdempotency(IdempotencyPort):
    """Idempotency records as hashes with Redis's TTL; repeats poll for the outcome."""

    def __init__(self, client: Client, *, prefix: str = DEFAULT_PREFIX) -> None:
        self._client = client
        self._prefix = prefix
        self._claim = client.register_script(_CLAIM)
        self._complete = client.register_script(_COMPLETE)
        self._take_over = client.register_script(_TAKE_OVER)

    def _key(self, scope: str, key: str) -> str:
        # The scope's length keeps ("a:b", "c") and ("a", "b:c") apart.
        return f"{self._prefix}idem:{len(scope)}:{scope}:{key}"

    async def claim(self, scope: str, key: str, fingerprint: str, *, ttl_seconds: float) -> IdempotencyRecord | None:
        if not isinstance(fingerprint, str):
            raise TypeError("a fingerprint is a string")
        found = await self._claim(keys=[self._key(scope, key)], args=[fingerprint, _ms(ttl_seconds)])
        return None if found is None else _record(found)

    async def complete(
        self, scope: str, key: str, result: JSONValue, *, ttl_seconds: float, status: RecordStatus = "done"
    ) -> None:
        await self._complete(keys=[self._key(scope, key)], args=[status, dumps(result), _ms(ttl_seconds)])

    async def take_over(self, scope: str, key: str) -> bool:
        return bool(await self._take_over(keys=[self._key(scope, key)]))

    async def release(self, scope: str, key: str) -> None:
        await self._client.delete(self._key(scope, key))

    async def wait(self, scope: str, key: str, *, patience: float) -> IdempotencyRecord | None:
        deadline = time.monotonic() + patience
        delay, most = WAIT_POLL_SECONDS
        while True:
            record = await self._get(scope, key)
            remaining = deadline - time.monotonic()
            if record is None or record.status != "running" or remaining <= 0:
                return record
            await asyncio.sleep(min(delay, remaining))
            delay = min(delay * 1.5, most)

    async def _get(self, scope: str, key: str) -> IdempotencyRecord | None:
        found = await self._client.hmget(self._key(scope, key), ["fingerprint", "status", "result"])
        return None if found[0] is None else _record(found)


def _record(found: list[Any]) -> IdempotencyRecord:
    fingerprint, status, result = found
    if status not in ("running", "done", "unknown"):
        raise ValueError(f"an idempotency record in an unknown state: {status!r}")
    return IdempotencyRecord(fingerprint=fingerprint, status=status, result=json.loads(result or "null"))


# -- locks ----------------------------------------------------------------------------------------------

_RENEW = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""
_UNLOCK = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
"""

#: how long a lock outlives a holder that vanished (its process died): renewed while held
LOCK_TTL_SECONDS = 10.0
#: how often a waiter tries again (first, and at most)
LOCK_POLL_SECONDS = (0.005, 0.1)


class RedisLocks(LockPort):
    """Named locks as a token under a key with a TTL, released only by the token's holder.

    Not redis-py's ``Lock``: a write may hold its lock longer than any TTL one would want a crashed
    holder to block the others for, so the TTL is renewed while the block runs (every third of it);
    and a release after the lock was lost must not raise over the write's own outcome.
    """

    def __init__(self, client: Client, *, prefix: str = DEFAULT_PREFIX, ttl_seconds: float = LOCK_TTL_SECONDS) -> None:
        self._client = client
        self._prefix = prefix
        self._ttl = ttl_seconds
        self._renew = client.register_script(_RENEW)
        self._unlock = client.register_script(_UNLOCK)

    def key(self, name: str) -> str:
        return f"{self._prefix}lock:{name}"

    @contextlib.asynccontextmanager
    async def hold(self, name: str, *, patience: float) -> AsyncIterator[None]:
        key, token = self.key(name), uuid.uuid4().hex
        deadline = time.monotonic() + patience
        delay, most = LOCK_POLL_SECONDS
        while not await self._take(key, token):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LockTimeout(f"{name} stayed locked for {patience:.1f} s")
            await asyncio.sleep(min(delay, remaining))
            delay = min(delay * 2, most)
        renewal = asyncio.get_running_loop().create_task(self._keep(key, token, name))
        try:
            yield
        finally:
            renewal.cancel()
            # Shielded: a cancelled holder still gives its lock back rather than leave it to the TTL.
            # (A renewal racing this release renews nothing: it too compares the token.)
            with contextlib.suppress(redis.RedisError):  # unreachable: the TTL frees it
                await asyncio.shield(self._unlock(keys=[key], args=[token]))

    async def _take(self, key: str, token: str) -> bool:
        try:
            return bool(await self._client.set(key, token, nx=True, px=_ms(self._ttl)))
        except redis.RedisError as exc:
            raise StateUnavailable(f"the shared state store did not answer ({type(exc).__name__})") from exc

    async def _keep(self, key: str, token: str, name: str) -> None:
        while True:
            await asyncio.sleep(self._ttl / 3)
            try:
                held = await self._renew(keys=[key], args=[token, _ms(self._ttl)])
            except redis.RedisError:
                log.warning("lock %s: could not renew it (Redis did not answer); trying again", name)
                continue
            if not held:
                log.warning("lock %s expired while held: another holder may have entered", name)
                return


# -- budgets --------------------------------------------------------------------------------------------

_WINDOW = """
local calls, seconds, count = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local limit, poll, ttl = tonumber(ARGV[7]), ARGV[8], ARGV[9]
-- Calls acquired longer ago than the in-flight limit count as finished then.
local stale = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', fmt(now - limit), 'WITHSCORES')
for i = 1, #stale, 2 do
  redis.call('ZADD', KEYS[2], fmt(tonumber(stale[i + 1]) + limit), stale[i])
end
if #stale > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(now - limit)) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', fmt(now - seconds))
local in_flight, finished = redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2])
local room = calls - in_flight - finished
if room >= count then
  if ARGV[5] == '1' then
    local members = {}
    for i = 1, count do
      members[#members + 1] = fmt(now)
      members[#members + 1] = ARGV[6] .. ':' .. i
    end
    redis.call('ZADD', KEYS[1], unpack(members))
    redis.call('PEXPIRE', KEYS[1], ttl)
    redis.call('PEXPIRE', KEYS[2], ttl)
  end
  return {'0', 1}
end
local must_leave = count - room
if must_leave <= finished then
  -- The must_leave-th oldest finished call must leave the window first.
  local edge = redis.call('ZRANGE', KEYS[2], must_leave - 1, must_leave - 1, 'WITHSCORES')
  return {fmt(tonumber(edge[2]) + seconds - now), 1}
end
return {poll, 0}
"""
_RELEASE = """
local popped = redis.call('ZPOPMIN', KEYS[1], tonumber(ARGV[2]))
for i = 1, #popped, 2 do
  redis.call('ZADD', KEYS[2], fmt(now), popped[i])
end
if #popped > 0 then
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
return #popped / 2
"""
_SPEND = """
local members = {}
for i = 1, tonumber(ARGV[2]) do
  members[#members + 1] = fmt(now)
  members[#members + 1] = ARGV[3] .. ':' .. i
end
redis.call('ZADD', KEYS[2], unpack(members))
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
"""


@_unavailable_is_coded
class RedisBudgets(BudgetPort):
    """The sliding windows of ``memory.SlidingWindow`` as two sorted sets per budget name.

    ``:in`` holds the calls in flight, scored by when they were acquired; ``:done`` the finished
    ones, scored by when they finished. A call occupies the window from ``acquire`` and, once
    released, until a window after it finished; in flight, for at most IN_FLIGHT_LIMIT_SECONDS.
    Each step (look, and take if there is room; release; spend) is one script, so replicas never
    both take the last turn. Unlike the in-process window, waiters are not served in arrival order:
    each tries again when its turn could have come (a poll while the calls that must leave first
    are in flight).
    """

    def __init__(self, client: Client, *, prefix: str = DEFAULT_PREFIX, clock: Clock | None = None) -> None:
        self._prefix = prefix
        self._clock = clock
        scripts = self._scripts = _Scripts(client, clock)
        self._window = scripts.register(_WINDOW)
        self._release = scripts.register(_RELEASE)
        self._spend = scripts.register(_SPEND)

    def _keys(self, name: str, budget: RateBudget) -> list[str]:
        # The budget is part of the name: another budget under a name is another window, as in process.
        base = f"{self._prefix}budget:{name}:{budget.calls}/{float(budget.seconds)!r}"
        return [f"{base}:in", f"{base}:done"]

    @staticmethod
    def _ttl_ms(budget: RateBudget) -> int:
        # Idle windows vanish once nothing in them could still count.
        return _ms(IN_FLIGHT_LIMIT_SECONDS + budget.seconds + 1)

    async def _look(self, name: str, budget: RateBudget, count: int, *, take: bool) -> tuple[float, bool]:
        """(seconds to wait, exact?), having taken ``count`` turns when the wait is 0 and ``take``."""
        if count > budget.calls:
            return float("inf"), True
        wait, exact = await self._window(
            keys=self._keys(name, budget),
            args=[
                self._scripts.now(),
                budget.calls,
                repr(float(budget.seconds)),
                count,
                "1" if take else "0",
                uuid.uuid4().hex,
                repr(IN_FLIGHT_LIMIT_SECONDS),
                repr(IN_FLIGHT_POLL_SECONDS),
                self._ttl_ms(budget),
            ],
        )
        return max(0.0, float(wait)), bool(exact)

    def _local_now(self) -> float:
        return self._clock() if self._clock is not None else time.monotonic()

    async def acquire(self, name: str, budget: RateBudget, *, patience: float, count: int = 1) -> None:
        deadline = self._local_now() + patience
        while True:
            wait, exact = await self._look(name, budget, count, take=True)
            if wait <= 0:
                return
            remaining = deadline - self._local_now()
            if (exact and wait > remaining) or (not exact and remaining <= 0):
                raise BudgetExhausted(wait)
            await asyncio.sleep(min(wait, remaining))

    async def release(self, name: str, budget: RateBudget, *, count: int = 1) -> None:
        if count > 0:
            await self._release(keys=self._keys(name, budget), args=[self._scripts.now(), count, self._ttl_ms(budget)])

    async def wait(self, name: str, budget: RateBudget) -> float:
        return (await self._look(name, budget, 1, take=False))[0]

    async def spend(self, name: str, budget: RateBudget, *, count: int) -> None:
        if count > 0:
            await self._spend(
                keys=self._keys(name, budget),
                args=[self._scripts.now(), count, uuid.uuid4().hex, self._ttl_ms(budget)],
            )


# -- breakers -------------------------------------------------------------------------------------------

_CIRCUIT = """
local found = redis.call('HMGET', KEYS[1], 'state', 'failures', 'opened_at', 'probe_started')
local state = found[1] or 'closed'
local failures = tonumber(found[2] or '0')
local opened_at = tonumber(found[3] or '0')
local probe_started = tonumber(found[4] or '0')
local threshold, reset = tonumber(ARGV[2]), tonumber(ARGV[3])
local function save()
  redis.call('HSET', KEYS[1], 'state', state, 'failures', failures, 'opened_at', fmt(opened_at),
    'probe_started', fmt(probe_started))
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
local function view()
  local probe_in = 0
  if state == 'open' then probe_in = math.max(0, opened_at + reset - now) end
  return {state, failures, fmt(probe_in)}
end
"""
_ADMIT = """
local allowed, probe = 0, 0
if state == 'half_open' and now - probe_started >= reset then
  -- A probe that never settled (its caller vanished) gives its turn up after a reset period.
  state = 'open'
  save()
end
if state == 'closed' then
  allowed = 1
elseif state == 'open' and now >= opened_at + reset then
  state, probe_started = 'half_open', now
  allowed, probe = 1, 1
  save()
end
local v = view()
return {allowed, probe, v[1], v[2], v[3]}
"""
_SETTLE = """
local outcome, probe = ARGV[5], ARGV[6] == '1'
if probe then
  if state == 'half_open' then
    if outcome == 'success' then
      state, failures = 'closed', 0
    elseif outcome == 'failure' then
      state, opened_at = 'open', now
    else
      -- Nothing learned: the turn is free, and the reset period has passed already.
      state = 'open'
    end
    save()
  end
elseif state == 'closed' then
  if outcome == 'failure' then
    failures = failures + 1
    if failures >= threshold then state, opened_at = 'open', now end
    save()
  elseif outcome == 'success' and failures ~= 0 then
    failures = 0
    save()
  end
end
return view()
"""
_VIEW = """
return view()
"""

#: an untouched circuit is forgotten (closed again) after this long; far past any reset period
BREAKER_TTL_SECONDS = 24 * 3600.0


@_unavailable_is_coded
class RedisBreakers(BreakerPort):
    """One circuit per name as a hash; admit and settle are one script each, so atomic."""

    def __init__(self, client: Client, *, prefix: str = DEFAULT_PREFIX, clock: Clock | None = None) -> None:
        self._prefix = prefix
        scripts = self._scripts = _Scripts(client, clock)
        self._admit = scripts.register(_CIRCUIT + _ADMIT)
        self._settle = scripts.register(_CIRCUIT + _SETTLE)
        self._view = scripts.register(_CIRCUIT + _VIEW)

    def _args(self, policy: BreakerPolicy) -> list[Any]:
        return [self._scripts.now(), policy.failures, repr(float(policy.reset_seconds)), _ms(BREAKER_TTL_SECONDS)]

    def _key(self, name: str) -> str:
        return f"{self._prefix}breaker:{name}"

    async def admit(self, name: str, policy: BreakerPolicy) -> BreakerAdmission:
        allowed, probe, *view = await self._admit(keys=[self._key(name)], args=self._args(policy))
        return BreakerAdmission(allowed=bool(allowed), probe=bool(probe), view=_view(view))

    async def settle(self, name: str, policy: BreakerPolicy, outcome: BreakerOutcome, *, probe: bool) -> BreakerView:
        args = [*self._args(policy), outcome, "1" if probe else "0"]
        return _view(await self._settle(keys=[self._key(name)], args=args))

    async def view(self, name: str, policy: BreakerPolicy) -> BreakerView:
        return _view(await self._view(keys=[self._key(name)], args=self._args(policy)))


def _view(found: list[Any]) -> BreakerView:
    state, failures, probe_in = found
    if state not in ("closed", "open", "half_open"):
        raise ValueError(f"a circuit in an unknown state: {state!r}")
    name: BreakerStateName = state
    return BreakerView(name, int(failures), float(probe_in))


# -- cache and documents --------------------------------------------------------------------------------


@_unavailable_is_coded
class RedisCache(CachePort):
    """Values as JSON text with Redis's own TTL; only plain JSON goes in (TypeError otherwise)."""

    def __init__(self, client: Client, *, prefix: str = DEFAULT_PREFIX) -> None:
        self._client = client
        self._prefix = prefix

    def _key(self, key: str) -> str:
        return f"{self._prefix}cache:{key}"

    async def get(self, key: str) -> JSONValue | None:
        text = await self._client.get(self._key(key))
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError:
            log.warning("cache entry %s is not JSON: taken as missing", key)
            return None

    async def set(self, key: str, value: JSONValue, *, ttl_seconds: float) -> None:
        text = dumps(value)
        milliseconds = int(ttl_seconds * 1000)
        if milliseconds <= 0:
            await self._client.delete(self._key(key))  # expired already, as in process
            return
        await self._client.set(self._key(key), text, px=milliseconds)

    async def delete(self, key: str) -> None:
        await self._client.delete(self._key(key))


@_unavailable_is_coded
class RedisPersistedQueries(PersistedQueryPort):
    """Documents by hash, kept (with no TTL unless one is given) for every replica."""

    def __init__(self, client: Client, *, prefix: str = DEFAULT_PREFIX, ttl_seconds: float | None = None) -> None:
        self._client = client
        self._prefix = prefix
        self._ttl = ttl_seconds

    def _key(self, sha256: str) -> str:
        return f"{self._prefix}document:{sha256}"

    async def get(self, sha256: str) -> str | None:
        found = await self._client.get(self._key(sha256))
        return None if found is None else str(found)

    async def put(self, sha256: str, document: str) -> None:
        if not isinstance(document, str):
            raise TypeError("a persisted query is its document's text")
        px = _ms(self._ttl) if self._ttl is not None else None
        await self._client.set(self._key(sha256), document, px=px)


# -- the bundle -----------------------------------------------------------------------------------------


def redis_ports(client: Client, *, prefix: str = DEFAULT_PREFIX, clock: Clock | None = None) -> StatePorts:
    """Every port over ``client``, keys under ``prefix``. The caller closes the client."""
    return StatePorts(
        idempotency=RedisIdempotency(client, prefix=prefix),
        locks=RedisLocks(client, prefix=prefix),
        budgets=RedisBudgets(client, prefix=prefix, clock=clock),
        cache=RedisCache(client, prefix=prefix),
        breakers=RedisBreakers(client, prefix=prefix, clock=clock),
        documents=RedisPersistedQueries(client, prefix=prefix),
    )


def check_reachable(url: str) -> None:
    """ConfigError unless ``url`` answers a PING now (the message names the URL, password masked)."""
    shown = masked_url(url)
    try:
        probe = redis.Redis.from_url(
            url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS, socket_timeout=CONNECT_TIMEOUT_SECONDS
        )
    except ValueError as exc:
        raise ConfigError(f"REDIS_URL {shown} is not a Redis URL: {_scrubbed(exc, url)}") from None
    try:
        probe.ping()
    except (redis.RedisError, OSError) as exc:
        raise ConfigError(
            f"REDIS_URL {shown} does not answer ({type(exc).__name__}: {_scrubbed(exc, url)}); "
            "start Redis there, or unset REDIS_URL to keep state in this process"
        ) from None
    finally:
        probe.close()


def _scrubbed(exc: BaseException, url: str) -> str:
    text = str(exc)
    with contextlib.suppress(ValueError):
        from urllib.parse import urlsplit

        password = urlsplit(url).password
        if password:
            text = text.replace(password, "***")
    return text


def connect_state(url: str, *, prefix: str = DEFAULT_PREFIX) -> StatePorts:
    """The Redis ports over one connection pool to ``url``, once it answers; the bundle's
    ``aclose`` closes the pool."""
    check_reachable(url)
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=POOL_CONNECTIONS,
        timeout=COMMAND_TIMEOUT_SECONDS,
        decode_responses=True,
        socket_connect_timeout=COMMAND_TIMEOUT_SECONDS,
        socket_timeout=COMMAND_TIMEOUT_SECONDS,
        health_check_interval=30,
    )
    client = aioredis.Redis(connection_pool=pool)
    ports = redis_ports(client, prefix=prefix)

    async def close() -> None:
        await client.aclose()
        await pool.disconnect()  # a pool given to the client is not the client's to close

    ports.closer = close
    return ports
