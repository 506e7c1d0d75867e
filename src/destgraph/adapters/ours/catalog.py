"""Ours Privacy destination types: the vendor's /types answer, plus the types it lists nowhere.

``/types`` lists creatable types only, so the read-only warehouse, storage and audience types (which
existing destinations can have) are added with ``creatable: false``.
"""

from __future__ import annotations

from destgraph.adapters.ours import shapes
from destgraph.adapters.shapes import BuiltOnce
from destgraph.domain.models import DestinationType, Provider, SettingDefinition, SettingType, TypeStatus

#: readable through the API but refused by POST (the OpenAPI document's read enum minus its create enum)
READ_ONLY_TYPES = {
    "AWSEventBridge": "Amazon EventBridge",
    "AWSS3": "Amazon S3",
    "AzureBlob": "Azure Blob Storage",
    "DatabricksWarehouse": "Databricks (warehouse)",
    "DomoWarehouse": "Domo (warehouse)",
    "FacebookAudience": "Facebook Audience",
    "GoogleAudience": "Google Audience",
    "GoogleBigQuery": "Google BigQuery",
    "GoogleBigQueryWarehouse": "Google BigQuery (warehouse)",
    "GoogleStorage": "Google Cloud Storage",
    "LiveRampWarehouse": "LiveRamp (warehouse)",
    "MNTNAudience": "MNTN Audience",
    "VibeAudience": "Vibe Audience",
}
#: every type a destination can have (the list endpoint's ``type`` enum); the rest exist on no Ours account
READABLE_TYPES = frozenset(
    [
        "AWSEventBridge",
        "AWSKinesis",
        "AWSLambda",
        "AWSS3",
        "AWSSNS",
        "ActiveCampaignApi",
        "Admitad",
        "AdobeAnalytics",
        "AmazonDSP",
        "Amplitude",
        "AppLovin",
        "ArtsAI",
        "Attentive",
        "Audiohook",
        "AzureBlob",
        "BasisPostback",
        "BeeswaxPostback",
        "BingAds",
        "BingAdsWeb",
        "Braze",
        "ConvertABTestingEvent",
        "Customerio",
        "DatabricksWarehouse",
        "DomoWarehouse",
        "Everflow",
        "Facebook",
        "FacebookAudience",
        "FloodlightSGTM",
        "FullContact",
        "G4Analytics",
        "GA4MeasurementProtocol",
        "GA4ServerProxy",
        "Google",
        "GoogleAds360",
        "GoogleAdsServerContainer",
        "GoogleAudience",
        "GoogleBigQuery",
        "GoogleBigQueryWarehouse",
        "GoogleDataManagerEventIngest",
        "GooglePubSub",
        "GoogleStorage",
        "HTTPCustomRequest",
        "HTTPDestination",
        "Hubspot",
        "IHeartMediaMagellan",
        "Impact",
        "Iterable",
        "Klaviyo",
        "LinkedInAdsCAPI",
        "LiveIntent",
        "LiveRampWarehouse",
        "MNTN",
        "MNTNAudience",
        "Mailchimp",
        "Mixpanel",
        "NextdoorAds",
        "OpenAIAds",
        "OursSyntheticData",
        "Outbrain",
        "Partnerize",
        "Pinterest",
        "Plausible",
        "Podscribe",
        "PostHog",
        "QuantcastCAPI",
        "QuoraAds",
        "Reddit",
        "Rokt",
        "RokuCAPI",
        "SnapchatAdsCapi",
        "Spotify",
        "StackAdaptAPI",
        "Taboola",
        "Tatari",
        "TatariCAPI",
        "TheTradeDesk",
        "TikTok",
        "UniversalAds",
        "VWO",
        "Viant",
        "ViantCAPI",
        "Vibe",
        "VibeAudience",
        "Woopra",
        "XAds",
        "YelpCAPI",
        "Zendesk",
        "ZohoCRM",
        "ZoomInfo",
    ]
)
_KINDS = {
    "Text": SettingType.STRING,
    "Secret": SettingType.SECRET,
    "Switch": SettingType.BOOLEAN,
    "Select": SettingType.SELECT,
    "Alert": SettingType.ALERT,
    "GenericOauth": SettingType.OAUTH,
}


def _build(row: shapes.DestinationTypeRow) -> DestinationType:
    return DestinationType(
        provider=Provider.OURS,
        key=row.id,
        label=row.label or row.id,
        status=TypeStatus.DEPRECATED if row.status == "deprecated" else TypeStatus.AVAILABLE,
        creatable=True,
        settings=tuple(_setting(s) for s in row.settings),
    )


def read_only_types() -> list[DestinationType]:
    return [
        DestinationType(provider=Provider.OURS, key=key, label=label, creatable=False)
        for key, label in READ_ONLY_TYPES.items()
    ]


def _setting(descriptor: shapes.SettingDescriptor) -> SettingDefinition:
    kind = _KINDS.get(descriptor.type or "", SettingType.STRING)
    return SettingDefinition(
        key=descriptor.key,
        label=descriptor.label or descriptor.key,
        type=kind,
        required=descriptor.required,
        secret=kind is SettingType.SECRET,
        default_value=descriptor.defaultValue,
        description=descriptor.sublabel or (descriptor.label if kind is SettingType.ALERT else None),
        choices=tuple(o.value for o in descriptor.options) if descriptor.options else None,
    )


#: A type list row as a destination type: the list is read whole on every catalog refresh, and
#: the shapes answer the same row object for the same content (shapes.type_rows), so each is built once.
destination_type = BuiltOnce(_build, maximum=512)
