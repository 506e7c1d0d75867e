"""The real Redis the Redis tests run against: found, or the test fails (CI) or is skipped.

``REDIS_URL`` names it (default ``redis://127.0.0.1:6379/0``). Every test keeps its keys under a
prefix of its own and deletes them afterwards, so tests share the server with each other and with
anything else using it. With ``CI`` set, a Redis that does not answer fails the test: CI must
start one (see START_COMMAND); elsewhere the test is skipped with the reason.
"""

from __future__ import annotations

import os
import uuid

import pytest
import redis
import redis.asyncio as aioredis

from destgraph.state.select import masked_url

DEFAULT_URL = "redis://127.0.0.1:6379/0"
START_COMMAND = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or DEFAULT_URL


def require_redis() -> str:
    """The URL of a Redis that answers PING now; else pytest.fail under CI, pytest.skip elsewhere."""
    url = redis_url()
    probe = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        probe.ping()
    except (redis.RedisError, OSError) as exc:
        message = (
            f"Redis must run at {masked_url(url)} (REDIS_URL) for this test: "
            f"{type(exc).__name__}: {str(exc).rstrip('.')}. "
            f"Start it with: {START_COMMAND}"
        )
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    finally:
        probe.close()
    return url


def unique_prefix(label: str = "test") -> str:
    return f"destgraph-{label}:{uuid.uuid4().hex[:12]}:"


async def delete_prefix(client: aioredis.Redis, prefix: str) -> int:
    """Delete every key under ``prefix``; how many there were."""
    keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=500)]
    if keys:
        await client.delete(*keys)
    return len(keys)


def delete_prefix_sync(url: str, prefix: str) -> int:
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
        return len(keys)
    finally:
        client.close()
