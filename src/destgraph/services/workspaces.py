"""Workspaces: what each can do, and whether it answers."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime

from destgraph.adapters.breaker import circuit_state
from destgraph.domain.models import Capabilities, HealthStatus, WorkspaceHealth
from destgraph.errors import UpstreamAuthFailed, UpstreamError, UpstreamRateLimited
from destgraph.services.gateway import Session

#: a probe slower than this reports DEGRADED
SLOW_PROBE_MS = 2000.0


def capabilities(session: Session, workspace_key: str) -> Capabilities:
    return session.adapter(workspace_key).capabilities


async def health(session: Session, workspace_key: str) -> WorkspaceHealth:
    """The last probe of the workspace (cached for health_ttl_seconds), with its circuit as it is now.

    While the circuit is open (or its one probe is out) the vendor is not called: UNREACHABLE, and
    when it will be probed. Once a probe is due, this probe may be the one.
    """
    adapter = session.adapter(workspace_key)
    breaker = session.gateway.clients[workspace_key].breaker
    circuit = await breaker.view()
    if circuit.state == "half_open" or (circuit.state == "open" and circuit.probe_in > 0):
        return WorkspaceHealth(
            status=HealthStatus.UNREACHABLE,
            checked_at=datetime.now(UTC),
            message=breaker.describe(circuit),
            circuit=circuit_state(circuit),
        )

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

    if circuit.state == "open":
        found = await probe()  # the circuit's probe: a probe from before it opened is no answer now
    else:
        found = await session.gateway.health.get(workspace_key, probe)
    now = circuit_state(await breaker.view())
    return found if found.circuit is now else dataclasses.replace(found, circuit=now)
