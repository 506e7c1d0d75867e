"""Nimriz destination types and action types, built into the gateway: Nimriz has no catalog endpoint.

From Nimriz's Destinations API reference (action types and the destinations they serve, named as its
"Action types" table names them) and the credential keys its API accepts per type. The Nimriz
emulator carries the same tables; tests/adapters/test_catalog_twins.py holds this copy to it.
"""

from __future__ import annotations

from destgraph.domain.models import ActionDefinition, DestinationType, Provider, SettingDefinition, SettingType

ACTION_TYPES: dict[str, ActionDefinition] = {
    "send_event": ActionDefinition(
        key="send_event",
        name="Send event",
        description="Sends event-style activity such as clicks, QR scans, card events, or conversions.",
    ),
    "send_conversion": ActionDefinition(
        key="send_conversion", name="Send conversion", description="Sends conversion-only activity."
    ),
    "send_webhook": ActionDefinition(
        key="send_webhook", name="Send webhook", description="Sends Nimriz events to a custom HTTP endpoint."
    ),
    "interstitial_settings": ActionDefinition(
        key="interstitial_settings",
        name="Interstitial settings",
        description="Stores tracking interstitial behavior for browser-side pixels.",
    ),
}


def _credential(
    key: str, label: str, *, required: bool = True, secret: bool = True, description: str | None = None
) -> SettingDefinition:
    return SettingDefinition(
        key=key,
        label=label,
        type=SettingType.SECRET if secret else SettingType.STRING,
        required=required,
        secret=secret,
        description=description,
    )


#: generic_http takes its endpoint under either key (the n8n node's help text says endpoint_url, its
#: live e2e sends url), so neither is required alone: Nimriz refuses a destination with neither.
_ONE_URL = "The endpoint URL: give endpoint_url or url (one of the two is required)."


def _type(key: str, label: str, action: str, category: str, *settings: SettingDefinition) -> DestinationType:
    return DestinationType(
        provider=Provider.NIMRIZ,
        key=key,
        label=label,
        categories=(category,),
        settings=settings,
        actions=(ACTION_TYPES[action],),
    )


CATALOG: tuple[DestinationType, ...] = (
    _type("segment", "Segment", "send_event", "Analytics", _credential("write_key", "Write key")),
    _type(
        "ga4",
        "GA4",
        "send_event",
        "Analytics",
        _credential("measurement_id", "Measurement ID", secret=False),
        _credential("api_secret", "API secret"),
    ),
    _type("amplitude", "Amplitude", "send_event", "Analytics", _credential("api_key", "API key")),
    _type(
        "posthog",
        "PostHog",
        "send_event",
        "Analytics",
        _credential("api_key", "Project API key"),
        _credential("host", "Host", required=False, secret=False),
    ),
    _type(
        "mixpanel",
        "Mixpanel",
        "send_event",
        "Analytics",
        _credential("project_token", "Project token"),
        _credential("api_secret", "API secret", required=False),
    ),
    _type(
        "gtm_server_side",
        "GTM server-side",
        "send_event",
        "Tag management",
        _credential("server_container_url", "Server container URL", secret=False),
    ),
    _type(
        "meta",
        "Meta",
        "send_conversion",
        "Advertising",
        _credential("pixel_id", "Pixel ID", secret=False),
        _credential("access_token", "Access token"),
        _credential("test_event_code", "Test event code", required=False, secret=False),
    ),
    _type(
        "google_ads",
        "Google Ads",
        "send_conversion",
        "Advertising",
        _credential("customer_id", "Customer ID", secret=False),
        _credential("conversion_action_id", "Conversion action ID", secret=False),
        _credential("developer_token", "Developer token"),
        _credential("refresh_token", "Refresh token"),
    ),
    _type(
        "linkedin",
        "LinkedIn",
        "send_conversion",
        "Advertising",
        _credential("ad_account_id", "Ad account ID", secret=False),
        _credential("conversion_rule_id", "Conversion rule ID", secret=False),
        _credential("access_token", "Access token"),
    ),
    _type(
        "tiktok",
        "TikTok",
        "send_conversion",
        "Advertising",
        _credential("pixel_code", "Pixel code", secret=False),
        _credential("access_token", "Access token"),
    ),
    _type(
        "generic_http",
        "Generic HTTP",
        "send_webhook",
        "Webhooks",
        _credential("endpoint_url", "Endpoint URL", required=False, secret=False, description=_ONE_URL),
        _credential("url", "URL", required=False, secret=False, description=_ONE_URL),
        _credential("signing_secret", "Signing secret", required=False),
        _credential("authorization_header", "Authorization header", required=False),
    ),
    _type(
        "ad_pixel_interstitial",
        "Ad Pixel Interstitial",
        "interstitial_settings",
        "Advertising",
        _credential("meta_pixel_id", "Meta pixel ID", required=False, secret=False),
        _credential("tiktok_pixel_code", "TikTok pixel code", required=False, secret=False),
        _credential("google_tag_id", "Google tag ID", required=False, secret=False),
        _credential("linkedin_partner_id", "LinkedIn partner ID", required=False, secret=False),
    ),
)

BY_KEY = {t.key: t for t in CATALOG}
