"""The destination-type catalog: 89 readable types, 76 creatable, and the lookups over them.

Type ids and the readable/creatable split come from the published OpenAPI document; the types
themselves are in type_table.py. Everything here is built once at import and shared read-only.
"""

from __future__ import annotations

from typing import Any

from destgraph.emulators.ours.descriptors import (
    ALERT,
    GENERIC_OAUTH,
    MASK,
    SECRET,
    SELECT,
    SWITCH,
    TEXT,
    Descriptor,
    DestinationType,
)
from destgraph.emulators.ours.type_table import TYPES

__all__ = [
    "ALERT",
    "CREATABLE_TYPE_IDS",
    "GENERIC_OAUTH",
    "MASK",
    "READABLE_TYPE_IDS",
    "READ_ONLY_TYPE_IDS",
    "SECRET",
    "SELECT",
    "STATUSES",
    "SWITCH",
    "TEXT",
    "TYPES",
    "TYPES_BY_ID",
    "TYPES_RESPONSE",
    "Descriptor",
    "DestinationType",
]

#: The 13 types reads may show but POST refuses (the document's readable enum minus its creatable one).
READ_ONLY_TYPE_IDS: frozenset[str] = frozenset(
    {
        "AWSEventBridge",
        "AWSS3",
        "AzureBlob",
        "DatabricksWarehouse",
        "DomoWarehouse",
        "FacebookAudience",
        "GoogleAudience",
        "GoogleBigQuery",
        "GoogleBigQueryWarehouse",
        "GoogleStorage",
        "LiveRampWarehouse",
        "MNTNAudience",
        "VibeAudience",
    }
)

#: The creatable enum in the published document's own order (POST body and the types endpoint's id).
CREATABLE_TYPE_IDS: tuple[str, ...] = (
    "Audiohook", "BasisPostback", "Outbrain", "OursSyntheticData", "FullContact", "ZoomInfo", "TheTradeDesk",
    "Braze", "LiveIntent", "ConvertABTestingEvent", "Customerio", "BingAds", "BingAdsWeb", "HTTPDestination",
    "Woopra", "HTTPCustomRequest", "Google", "GoogleAdsServerContainer", "G4Analytics", "GA4ServerProxy",
    "GA4MeasurementProtocol", "GoogleAds360", "Facebook", "Mixpanel", "Amplitude", "TikTok", "Reddit", "Podscribe",
    "Pinterest", "Mailchimp", "AWSKinesis", "AWSLambda", "AWSSNS", "GooglePubSub", "LinkedInAdsCAPI",
    "ActiveCampaignApi", "StackAdaptAPI", "Hubspot", "Klaviyo", "XAds", "QuoraAds", "SnapchatAdsCapi", "Partnerize",
    "NextdoorAds", "Tatari", "TatariCAPI", "Viant", "ViantCAPI", "Impact", "Spotify", "Taboola", "AmazonDSP",
    "AppLovin", "IHeartMediaMagellan", "Vibe", "GoogleDataManagerEventIngest", "Zendesk", "Iterable", "ArtsAI",
    "QuantcastCAPI", "FloodlightSGTM", "VWO", "Attentive", "Admitad", "Plausible", "PostHog", "RokuCAPI", "Everflow",
    "BeeswaxPostback", "AdobeAnalytics", "UniversalAds", "OpenAIAds", "YelpCAPI", "MNTN", "ZohoCRM", "Rokt",
)  # fmt: skip

TYPES_BY_ID: dict[str, DestinationType] = {t.id: t for t in TYPES}
READABLE_TYPE_IDS: tuple[str, ...] = tuple(t.id for t in TYPES)
STATUSES = ("Disabled", "Enabled")

#: ``GET /rest/v1/destinations/types`` answers the same for every key: rendered once, shared read-only.
TYPES_RESPONSE: dict[str, Any] = {"entities": [TYPES_BY_ID[type_id].to_json() for type_id in CREATABLE_TYPE_IDS]}
