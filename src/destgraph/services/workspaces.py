"""Workspaces: what each can do, and whether it answers."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from destgraph.domain.models import Capabilities, HealthStatus, WorkspaceHealth
from destgraph.errors import UpstreamAuthFailed, UpstreamError, UpstreamRateLimited
from destgraph.services.gateway import Session

#: a probe slower than this reports DEGRADED
SLOW_PROBE_MS = 2000.0


def capabilities(session: Session, workspace_key: str) -> Capabilities:
    return session.adapter(workspace_key).capabilities


async def health(session: Session, workspace_key: str) -> WorkspaceHealth:
    adapter = session.adapter(workspace_key)

    async def probe() -> WorkspaceHealth:
        started = time.perf_counter()
        status, message = HealthStatus.OK, None
        try:
            await adapter.probe()
        except UpstreamAuthFailed as exc:
            status, message = HealthStatus.AUTH_FAILED, exc.message
        except UpstreamRateLimited as exc:
            status, message = HealthStatus.DEGRADED, exc.message
        except UpstreamError as exc:
            status, message = HealthStatus.UNREACHABLE, exc.message
        latency = (time.perf_counter() - started) * 1000
        if status is HealthStatus.OK and latency > SLOW_PROBE_MS:
            status, message = HealthStatus.DEGRADED, f"probe took {latency:.0f} ms"
        return WorkspaceHealth(
            status=status, checked_at=datetime.now(UTC), latency_ms=round(latency, 2), message=message
        )

    return await session.gateway.health.get(workspace_key, probe)
