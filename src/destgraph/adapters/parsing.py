"""Small helpers adapters share to read vendor JSON defensively."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from destgraph.errors import UpstreamProtocolError


def require(body: Any, key: str, kind: type, adapter: Any) -> Any:
    """``body[key]`` of the expected type, or UpstreamProtocolError naming what was wrong."""
    value = body.get(key) if isinstance(body, dict) else None
    if not isinstance(value, kind):
        raise UpstreamProtocolError(
            f"{adapter.provider.value} answered without a {kind.__name__} '{key}'",
            provider=adapter.provider.value,
            workspace=adapter.workspace.key,
            operation="parse",
        )
    return value


def optional_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
