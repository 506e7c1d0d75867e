"""Services: one vendor-neutral slug for the same product across vendors (adapters/<vendor>/services.py)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from destgraph.adapters.nimriz import catalog as nimriz_catalog
from destgraph.adapters.nimriz.services import SERVICES as NIMRIZ
from destgraph.adapters.ours.catalog import READABLE_TYPES
from destgraph.adapters.ours.services import SERVICES as OURS
from destgraph.adapters.segment.services import SERVICES as SEGMENT
from destgraph.adapters.zeotap import catalog as zeotap_catalog
from destgraph.adapters.zeotap.services import SERVICES as ZEOTAP
from destgraph.emulators.ours.catalog import READABLE_TYPE_IDS as OURS_EMULATED
from destgraph.emulators.segment.catalog import CATALOG as SEGMENT_EMULATED
from tests.schema.conftest import Stack

TABLES: dict[str, Mapping[str, str]] = {"SEGMENT": SEGMENT, "OURS": OURS, "ZEOTAP": ZEOTAP, "NIMRIZ": NIMRIZ}

#: every type key each vendor has: the built-in catalogs, and for Segment and Ours their emulators' catalogs
CATALOG_KEYS: dict[str, set[str]] = {
    "SEGMENT": {entry.slug for entry in SEGMENT_EMULATED},
    "OURS": set(OURS_EMULATED),
    "ZEOTAP": {t.key for t in zeotap_catalog.CATALOG},
    "NIMRIZ": {t.key for t in nimriz_catalog.CATALOG},
}


def keys_of(slug: str) -> dict[str, set[str]]:
    return {provider: {k for k, s in table.items() if s == slug} for provider, table in TABLES.items()}


@pytest.mark.parametrize("provider", sorted(TABLES))
def test_every_catalog_type_is_mapped_and_nothing_else(provider: str) -> None:
    table = TABLES[provider]
    assert sorted(CATALOG_KEYS[provider] - set(table)) == [], "types with no service"
    assert sorted(set(table) - CATALOG_KEYS[provider]) == [], "services for types that do not exist"
    assert all(slug and slug == slug.lower() and " " not in slug for slug in table.values())


def test_the_ours_table_covers_every_type_the_adapter_can_read() -> None:
    assert set(OURS) == set(READABLE_TYPES)


# the same product has the same slug at every vendor that offers it
TWINS: dict[str, dict[str, set[str]]] = {
    "amplitude": {"SEGMENT": {"amplitude"}, "OURS": {"Amplitude"}, "ZEOTAP": set(), "NIMRIZ": {"amplitude"}},
    "braze": {"SEGMENT": {"actions-braze-cloud"}, "OURS": {"Braze"}, "ZEOTAP": {"braze"}, "NIMRIZ": set()},
    "google-analytics-4": {
        "SEGMENT": {"actions-google-analytics-4", "actions-google-analytics-4-web"},
        "OURS": {"G4Analytics", "GA4MeasurementProtocol", "GA4ServerProxy"},
        "ZEOTAP": set(),
        "NIMRIZ": {"ga4"},
    },
    "klaviyo": {"SEGMENT": set(), "OURS": {"Klaviyo"}, "ZEOTAP": {"klaviyo"}, "NIMRIZ": set()},
    "mixpanel": {"SEGMENT": {"mixpanel"}, "OURS": {"Mixpanel"}, "ZEOTAP": set(), "NIMRIZ": {"mixpanel"}},
    "webhook": {
        "SEGMENT": {"actions-webhook"},
        "OURS": {"HTTPDestination", "HTTPCustomRequest"},
        "ZEOTAP": {"webhook"},
        "NIMRIZ": {"generic_http"},
    },
    "hubspot": {"SEGMENT": {"hubspot"}, "OURS": {"Hubspot"}, "ZEOTAP": {"hubspot"}, "NIMRIZ": set()},
    "iterable": {"SEGMENT": {"iterable"}, "OURS": {"Iterable"}, "ZEOTAP": {"iterable"}, "NIMRIZ": set()},
    "meta": {
        "SEGMENT": {"actions-facebook-conversions-api"},
        "OURS": {"Facebook", "FacebookAudience"},
        "ZEOTAP": {"facebook_ads"},
        "NIMRIZ": {"meta"},
    },
    "google-ads": {
        "SEGMENT": {"actions-google-enhanced-conversions"},
        "OURS": {"Google", "GoogleAdsServerContainer", "GoogleAudience"},
        "ZEOTAP": {"google_ads"},
        "NIMRIZ": {"google_ads"},
    },
    "tiktok": {"SEGMENT": set(), "OURS": {"TikTok"}, "ZEOTAP": set(), "NIMRIZ": {"tiktok"}},
    "linkedin": {"SEGMENT": set(), "OURS": {"LinkedInAdsCAPI"}, "ZEOTAP": {"linkedin_ads"}, "NIMRIZ": {"linkedin"}},
    "posthog": {"SEGMENT": set(), "OURS": {"PostHog"}, "ZEOTAP": set(), "NIMRIZ": {"posthog"}},
    "bigquery": {
        "SEGMENT": set(),
        "OURS": {"GoogleBigQuery", "GoogleBigQueryWarehouse"},
        "ZEOTAP": {"bigquery"},
        "NIMRIZ": set(),
    },
    "amazon-kinesis": {"SEGMENT": {"amazon-kinesis"}, "OURS": {"AWSKinesis"}, "ZEOTAP": set(), "NIMRIZ": set()},
}


@pytest.mark.parametrize("slug", sorted(TWINS))
def test_the_same_product_has_the_same_slug_across_vendors(slug: str) -> None:
    assert keys_of(slug) == TWINS[slug]


def test_a_slug_shared_within_a_vendor_is_one_product() -> None:
    """A vendor gives several types one slug only for a product it offers in several flavours."""
    shared = {
        (provider, slug)
        for provider, table in TABLES.items()
        for slug in set(table.values())
        if list(table.values()).count(slug) > 1
    }
    assert {slug for _, slug in shared} <= {
        "google-analytics-4",
        "webhook",
        "meta",
        "google-ads",
        "bigquery",
        "microsoft-advertising",
        "mntn",
        "tatari",
        "viant",
        "vibe",
    }


KLAVIYO = (
    '{ destinations(first: 100, filter: {services: ["klaviyo"]}) { nodes { provider nativeId typeKey service } } }'
)


async def test_filter_by_service_finds_the_klaviyo_destinations_of_every_vendor(stack: Stack) -> None:
    expected: set[tuple[str, str]] = set()
    for provider, name in (("SEGMENT", "segment"), ("OURS", "ours"), ("ZEOTAP", "zeotap"), ("NIMRIZ", "nimriz")):
        klaviyo_keys = keys_of("klaviyo")[provider]
        for row in await stack.destinations_of(provider, "nativeId typeKey service"):
            assert row["service"] == TABLES[provider][row["typeKey"]]
            if row["typeKey"] in klaviyo_keys:
                expected.add((provider, row["nativeId"]))
                # the emulator holds it as seeded
                assert await stack.stored(name, row["nativeId"]) is not None
    assert {provider for provider, _ in expected} == {"OURS", "ZEOTAP"}

    nodes = (await stack.data(KLAVIYO))["destinations"]["nodes"]
    assert {(n["provider"], n["nativeId"]) for n in nodes} == expected
    assert all(n["service"] == "klaviyo" for n in nodes)
    assert {n["typeKey"] for n in nodes} == {"Klaviyo", "klaviyo"}


async def test_the_service_filter_is_pushed_down_to_ours_type_filter(stack: Stack) -> None:
    await stack.clear_calls()
    await stack.data(KLAVIYO)
    lists = [c for c in await stack.upstreams["ours"].calls() if c["path"] == "/rest/v1/destinations"]
    assert lists and all("type=Klaviyo" in c["query"].split("&") for c in lists), lists


async def test_the_service_filter_combines_with_type_keys(stack: Stack) -> None:
    query = (
        '{ destinations(first: 100, filter: {services: ["klaviyo"], typeKeys: ["klaviyo"]}) { nodes { provider } } }'
    )
    nodes = (await stack.data(query))["destinations"]["nodes"]
    assert nodes and {n["provider"] for n in nodes} == {"ZEOTAP"}
    none = '{ destinations(first: 100, filter: {services: ["no-such-service"]}) { nodes { provider } } }'
    assert (await stack.data(none))["destinations"]["nodes"] == []


SERVICES = "query($s: String) { services(search: $s) { slug label offers { provider typeKey type { key service } } } }"


async def test_services_list_klaviyo_with_the_vendors_that_offer_it(stack: Stack) -> None:
    data = await stack.data(SERVICES)
    by_slug = {s["slug"]: s for s in data["services"]}
    assert [s["slug"] for s in data["services"]] == sorted(by_slug)
    klaviyo = by_slug["klaviyo"]
    assert klaviyo["label"] == "Klaviyo"
    assert {(o["provider"], o["typeKey"]) for o in klaviyo["offers"]} == {("OURS", "Klaviyo"), ("ZEOTAP", "klaviyo")}
    assert all(o["type"]["key"] == o["typeKey"] and o["type"]["service"] == "klaviyo" for o in klaviyo["offers"])
    webhook = by_slug["webhook"]
    assert {o["provider"] for o in webhook["offers"]} == {"SEGMENT", "OURS", "ZEOTAP", "NIMRIZ"}
    # every type of every catalog is offered under exactly one service
    offered = [(o["provider"], o["typeKey"], s["slug"]) for s in data["services"] for o in s["offers"]]
    assert len(offered) == len({(p, k) for p, k, _ in offered})
    assert all(TABLES[provider][key] == slug for provider, key, slug in offered)

    searched = (await stack.data(SERVICES, {"s": "KLAV"}))["services"]
    assert [s["slug"] for s in searched] == ["klaviyo"]


async def test_destination_types_name_their_service(stack: Stack) -> None:
    query = "{ destinationTypes(provider: NIMRIZ, first: 100) { nodes { key service } } }"
    nodes = (await stack.data(query))["destinationTypes"]["nodes"]
    assert {n["key"]: n["service"] for n in nodes} == dict(NIMRIZ)
