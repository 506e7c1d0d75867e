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
from destgraph.state import BudgetPort, LockPort, RateBudget


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


def build_client(
    workspace: WorkspaceConfig,
    *,
    accounting: CallAccounting,
    rate_wait_seconds: float,
    budgets: BudgetPort | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> UpstreamClient:
    profile = profile_for(workspace.provider)
    return UpstreamClient(
        workspace,
        headers=profile.headers(workspace),
        extract_message=profile.extract_message,
        accounting=accounting,
        budgets=profile.budgets,
        write_budgets=profile.write_budgets,
        budget_port=budgets,
        rate_wait_seconds=rate_wait_seconds,
        transport=transport,
    )


def build_adapter(upstream: RequestUpstream, locks: LockPort) -> VendorAdapter:
    return profile_for(upstream.workspace.provider).adapter(upstream, locks)
