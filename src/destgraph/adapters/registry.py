"""The vendor registry: which adapter, auth headers, error reader and rate budgets each provider gets.

The only place outside the vendor packages that names them: adding a vendor is one package under
adapters/ plus one line here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

from destgraph.adapters.accounting import CallAccounting
from destgraph.adapters.base import BaseAdapter
from destgraph.adapters.contract import VendorAdapter
from destgraph.adapters.upstream import MessageExtractor, RequestUpstream, UpstreamClient
from destgraph.config import WorkspaceConfig
from destgraph.domain.models import Provider
from destgraph.state import BudgetPort, CachePort, LockPort, RateBudget
from destgraph.state.ports import BreakerPort


@dataclass(frozen=True)
class VendorProfile:
    adapter: type[BaseAdapter]
    headers: Callable[[WorkspaceConfig], Mapping[str, str]]
    extract_message: MessageExtractor
    #: the vendor's documented budgets for one workspace; the client stays under them
    budgets: tuple[RateBudget, ...] = ()
    #: budgets of particular writes, by the name adapters pass to send_json(budget=...)
    write_budgets: Mapping[str, RateBudget] | None = None


def profile_for(provider: Provider) -> VendorProfile:
    # Imported here so each adapter module stays importable on its own.
    from destgraph.adapters import nimriz, ours, segment, zeotap

    profiles = {
        Provider.SEGMENT: segment.PROFILE,
        Provider.OURS: ours.PROFILE,
        Provider.ZEOTAP: zeotap.PROFILE,
        Provider.NIMRIZ: nimriz.PROFILE,
    }
    return profiles[provider]


def describe(provider: Provider) -> str:
    """What the vendor is, in a sentence, as its adapter says."""
    return profile_for(provider).adapter.description


def build_client(
    workspace: WorkspaceConfig,
    *,
    accounting: CallAccounting,
    rate_wait_seconds: float,
    budgets: BudgetPort | None = None,
    shares: Mapping[str, float] | None = None,
    cache: CachePort | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    breakers: BreakerPort | None = None,
) -> UpstreamClient:
    profile = profile_for(workspace.provider)
    return UpstreamClient(
        workspace,
        headers=profile.headers(workspace),
        extract_message=profile.extract_message,
        accounting=accounting,
        budgets=_budgets_of(workspace, profile),
        write_budgets=profile.write_budgets,
        budget_port=budgets,
        shares=shares,
        cache=cache,
        rate_wait_seconds=rate_wait_seconds,
        transport=transport,
        breakers=breakers,
    )


def _budgets_of(workspace: WorkspaceConfig, profile: VendorProfile) -> tuple[RateBudget, ...]:
    """The workspace's configured rate limits, else the vendor's documented ones."""
    if workspace.rate_limits is None:
        return profile.budgets
    return tuple(RateBudget(calls=limit.calls, seconds=limit.seconds) for limit in workspace.rate_limits)


def build_adapter(upstream: RequestUpstream, locks: LockPort) -> VendorAdapter:
    return profile_for(upstream.workspace.provider).adapter(upstream, locks)
