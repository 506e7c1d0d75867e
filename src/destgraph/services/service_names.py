"""Services: the same product across vendors, under one vendor-neutral slug.

Each vendor package's services table (adapters/<vendor>/services.py) names the service every one of
its types sends to; ``list_services`` reads the catalog of each workspace asked (one cached call per
workspace) and groups every type under its service, asking each workspace's adapter for the slug.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from destgraph.domain.models import DestinationType
from destgraph.errors import UpstreamError
from destgraph.services import catalog
from destgraph.services.gateway import Session

#: names for people of services whose vendors' labels differ (else the shortest label of its types)
LABELS: dict[str, str] = {
    "amazon-kinesis": "Amazon Kinesis",
    "amazon-s3": "Amazon S3",
    "bigquery": "Google BigQuery",
    "customerio": "Customer.io",
    "databricks": "Databricks",
    "google-ads": "Google Ads",
    "google-analytics-4": "Google Analytics 4",
    "google-cloud-storage": "Google Cloud Storage",
    "hubspot": "HubSpot",
    "linkedin": "LinkedIn",
    "meta": "Meta",
    "microsoft-advertising": "Microsoft Advertising",
    "snowflake": "Snowflake",
    "the-trade-desk": "The Trade Desk",
    "tiktok": "TikTok",
    "webhook": "Webhook (HTTP)",
}


@dataclass(frozen=True)
class Offer:
    """One type of one workspace's catalog that sends to the service."""

    workspace: str
    type: DestinationType


@dataclass
class Service:
    slug: str
    label: str
    offers: list[Offer] = field(default_factory=list)

    def matches(self, search: str | None) -> bool:
        if not search:
            return True
        needle = search.lower()
        return (
            needle in self.slug
            or needle in self.label.lower()
            or any(catalog.matches(offer.type, search) for offer in self.offers)
        )


@dataclass
class ServiceList:
    services: list[Service]
    #: workspaces whose catalog could not be read (their types are missing), with the error
    failures: list[tuple[str, UpstreamError]] = field(default_factory=list)


async def list_services(session: Session, workspace_keys: Sequence[str], *, search: str | None) -> ServiceList:
    """Every type of these workspaces, grouped by service, in slug order (offers in workspace order)."""

    async def of(key: str) -> list[DestinationType] | UpstreamError:
        try:
            return await catalog.list_types(session, key)
        except UpstreamError as exc:
            return exc

    result = ServiceList(services=[])
    by_slug: dict[str, Service] = {}
    for key, found in zip(workspace_keys, await asyncio.gather(*(of(k) for k in workspace_keys)), strict=True):
        if isinstance(found, UpstreamError):
            result.failures.append((key, found))
            continue
        adapter = session.adapter(key)
        for destination_type in sorted(found, key=lambda t: t.key):
            slug = adapter.service_of(destination_type.key)
            service = by_slug.setdefault(slug, Service(slug=slug, label=""))
            service.offers.append(Offer(workspace=key, type=destination_type))
    for slug in sorted(by_slug):
        service = by_slug[slug]
        service.label = LABELS.get(slug) or min((o.type.label for o in service.offers), key=lambda s: (len(s), s))
        if service.matches(search):
            result.services.append(service)
    return result
