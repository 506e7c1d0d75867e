"""Which state ports a gateway process uses, from its environment.

``REDIS_URL`` set (``redis://[:password@]host:port/db``, ``rediss://`` for TLS, ``unix://``):
every port on that Redis, over one shared connection pool, all keys under ``REDIS_PREFIX``
(default ``destgraph:``), so every replica given the same URL and prefix behaves as one gateway.
Unset or empty: the in-process ports, one gateway per process. ``redis`` is imported only in the
first case.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

from destgraph.state.memory import StatePorts

DEFAULT_PREFIX = "destgraph:"


def from_environment(environ: Mapping[str, str] | None = None) -> StatePorts:
    environ = os.environ if environ is None else environ
    url = environ.get("REDIS_URL", "").strip()
    if not url:
        return StatePorts.in_memory()
    from destgraph.state.redis import connect_state

    return connect_state(url, prefix=environ.get("REDIS_PREFIX") or DEFAULT_PREFIX)


def masked_url(url: str) -> str:
    """``url`` with its password (in the userinfo or a ``password=`` query argument) replaced by
    ``***``, fit for a message or a log."""
    try:
        parts = urlsplit(url)
        password, port = parts.password, parts.port
    except ValueError:
        return "<unparseable URL>"
    if not password and "password" not in parts.query.lower():
        return url
    netloc = parts.netloc
    if password:
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{parts.username or ''}:***@{host}" + (f":{port}" if port is not None else "")
    query = "&".join(
        f"{name}=***" if name.lower() == "password" else f"{name}={value}" if value or "=" in raw else name
        for raw in parts.query.split("&")
        if raw
        for name, _, value in [raw.partition("=")]
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
