"""The circuit breaker of one vendor workspace: a vendor that keeps failing is left alone for a while.

Every upstream call (``UpstreamClient._call`` and ``stream``; not a join of a GET in flight) asks
the workspace's breaker first. After ``breaker_failures`` consecutive failures that mean the vendor
is unwell (unreachable, a 5xx, no answer in time) the circuit opens: calls then fail at once with
``CircuitOpen`` (UPSTREAM_UNAVAILABLE, retryable, ``retry_after`` the seconds until the next probe)
without touching the network. ``breaker_reset_seconds`` after it opened, one call goes through as
the probe (half-open) while the others are still refused; its success closes the circuit, its
failure opens it for another period. So a down vendor is called a few times a minute, whatever the
request rate.

What the vendor answered is no failure: a 4xx refusal, a 429, an auth failure, a body we cannot read
all show a vendor that is up, and reset the count. Nor is a write's 5xx (``UpstreamOutcomeUnknown``
with a reply), a call cancelled or cut short on our side before it was sent, or a turn our own rate
budget refused: those tell nothing either way.

State lives behind ``state.BreakerPort`` (plain values, one atomic step per method), held in the
app's ``StatePorts``: a shared implementation makes replicas open and probe a vendor together.

Not a library: purgatory (3.0.1) lets every call through once its circuit is half-open (twenty
concurrent requests after the reset are twenty calls to a vendor that may still be down), counts a
cancelled call as a failure, and its in-memory store hands out its mutable state objects; aiobreaker
(1.2.0, 2021) also admits every call when half-open, replaces the error of the call that opens the
circuit with its own, keeps state through a synchronous store and ships no type information.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from destgraph.adapters.accounting import CallAccounting
from destgraph.domain.models import CircuitState
from destgraph.errors import UpstreamError, UpstreamOutcomeUnknown, UpstreamUnavailable
from destgraph.state.ports import BreakerOutcome, BreakerPolicy, BreakerPort, BreakerView

_STATES = {"closed": CircuitState.CLOSED, "open": CircuitState.OPEN, "half_open": CircuitState.HALF_OPEN}


class CircuitOpen(UpstreamUnavailable):
    """Refused by the workspace's open circuit: no call was made, and none is retried."""


def outcome_of(error: BaseException | None) -> BreakerOutcome:
    """What one exchange with the vendor tells of its health (None: it answered, and well)."""
    if error is None:
        return "success"
    if isinstance(error, UpstreamOutcomeUnknown):
        # A write's 5xx came from a vendor that answered; a lost reply is a vendor unwell.
        return "neutral" if error.settled else "failure"
    if isinstance(error, CircuitOpen):
        return "neutral"
    if isinstance(error, UpstreamUnavailable):  # UpstreamTimeout included
        return "failure"
    if isinstance(error, UpstreamError):
        return "success"  # 4xx, 429, 401/403, an unreadable body: the vendor is there
    return "neutral"  # cancelled, or a fault of ours


def circuit_state(view: BreakerView) -> CircuitState:
    return _STATES[view.state]


@dataclass(frozen=True)
class Ticket:
    """One admitted call; hand it back to ``settle``."""

    probe: bool
    #: the circuit was closed with no failure counted when the call was admitted
    clean: bool = False


class CircuitBreaker:
    """One workspace's breaker, over the breaker port; keeps the circuit gauge of /metrics current."""

    def __init__(
        self,
        port: BreakerPort,
        *,
        provider: str,
        workspace: str,
        policy: BreakerPolicy,
        accounting: CallAccounting,
    ) -> None:
        self.provider = provider
        self.workspace = workspace
        self.policy = policy
        self.name = f"{provider}:{workspace}"
        self._port = port
        self._accounting = accounting
        accounting.circuit(provider=provider, workspace=workspace, state="closed")

    async def admit(self, operation: str) -> Ticket:
        """A ticket for one call, or CircuitOpen at once."""
        admission = await self._port.admit(self.name, self.policy)
        self._seen(admission.view)
        if not admission.allowed:
            self._accounting.refused(provider=self.provider, workspace=self.workspace)
            raise self.refusal(admission.view, operation)
        view = admission.view
        return Ticket(probe=admission.probe, clean=view.state == "closed" and view.failures == 0)

    async def settle(self, ticket: Ticket, outcome: BreakerOutcome) -> None:
        if ticket.clean and outcome != "failure":
            # A success or nothing learned leaves a clean closed circuit as it is: the store is not
            # asked (on Redis, one round trip less for nearly every call). A failure another replica
            # counted meanwhile is then reset by the next success that settles, not by this one.
            return
        self._seen(await self._port.settle(self.name, self.policy, outcome, probe=ticket.probe))

    async def view(self) -> BreakerView:
        view = await self._port.view(self.name, self.policy)
        self._seen(view)
        return view

    def refusal(self, view: BreakerView, operation: str) -> CircuitOpen:
        return CircuitOpen(
            self.describe(view),
            provider=self.provider,
            workspace=self.workspace,
            operation=operation,
            retry_after=float(max(1, math.ceil(view.probe_in))),
        )

    def describe(self, view: BreakerView) -> str:
        """The circuit in words: what it refuses, and when the vendor is tried again."""
        if view.state == "half_open":
            return f"{self.provider} circuit half-open: a probe is in flight; calls are refused until it answers"
        if view.state == "open":
            when = f"in {math.ceil(view.probe_in)} s" if view.probe_in > 0 else "with the next call"
            return (
                f"{self.provider} circuit open after {view.failures} consecutive failures: calls are refused"
                f" without trying the vendor; it will be probed {when}"
            )
        return f"{self.provider} circuit closed"

    def _seen(self, view: BreakerView) -> None:
        self._accounting.circuit(provider=self.provider, workspace=self.workspace, state=view.state)
