"""Nimriz's built-in tables: destination types, action types, event names and filter vocabularies.

The seed names two type keys (``segment``, ``generic_http``); the others are snake_case keys chosen
for the destinations the seed's action-type table names (GA4, Amplitude, PostHog, Mixpanel, GTM
server-side, Meta, Google Ads, LinkedIn, TikTok, Ad Pixel Interstitial). Credential keys are chosen
from each vendor's own API vocabulary; the seed shows only ``write_key`` for Segment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: seed, "Action types" table
SEND_EVENT = "send_event"
SEND_CONVERSION = "send_conversion"
SEND_WEBHOOK = "send_webhook"
INTERSTITIAL_SETTINGS = "interstitial_settings"
ACTION_TYPES = (SEND_EVENT, SEND_CONVERSION, SEND_WEBHOOK, INTERSTITIAL_SETTINGS)

#: vendor-facts.md section 3, "Events" (nimriz.com/use-cases/webhooks). Card events are named by the
#: seed's action table but their event names are published nowhere, so they are not accepted.
EVENT_TYPES = (
    "link.clicked",
    "link.qr_scanned",
    "link.created",
    "link.updated",
    "link.takedown_updated",
    "domain.verification_updated",
)

#: the n8n node's analytics ``touch_type`` values (vendor-facts.md section 3, [N8N])
TOUCH_TYPES = ("short_link_click", "qr_scan")

#: seed, "Filters": the keys each side of an event filter takes, exactly (exclude has no space_ids)
INCLUDE_KEYS = ("event_types", "touch_types", "domain_ids", "tag_ids", "space_ids", "countries")
EXCLUDE_KEYS = ("event_types", "touch_types", "domain_ids", "tag_ids", "countries", "bot_traffic")

#: seed, "Mapping actions": the five override types; the fields of each are this emulator's choice
OVERRIDE_FIELDS: dict[str, tuple[str, ...]] = {
    "rename": ("source", "target"),
    "exclude": ("property",),
    "include": ("property",),
    "static": ("target", "value"),
    "template": ("target", "template"),
}
#: the only documented ``property_mapping.base`` (seed sample)
MAPPING_BASES = ("default",)

#: operators of an ``event_filter.conditions[]`` element ``{field, operator, value}`` (choice)
CONDITION_OPERATORS = (
    "equals",
    "not_equals",
    "contains",
    "not_contains",
    "starts_with",
    "ends_with",
    "in",
    "not_in",
    "exists",
    "not_exists",
)
#: operators whose value is a list, and those that take no value
LIST_OPERATORS = frozenset({"in", "not_in"})
UNARY_OPERATORS = frozenset({"exists", "not_exists"})


@dataclass(frozen=True)
class DestinationType:
    """One destination type: its action types and credential keys."""

    key: str
    #: the destination's name in the seed's "Action types" table
    label: str
    action_types: frozenset[str]
    #: each group is satisfied by any one of its keys (generic_http: endpoint_url or url)
    required: tuple[tuple[str, ...], ...]
    optional: tuple[str, ...] = ()
    #: sensitive keys, redacted in every response
    secret: frozenset[str] = frozenset()
    #: keys whose value must be an http(s) URL
    urls: frozenset[str] = frozenset()
    #: key -> (regular expression, what it should look like)
    patterns: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(k for group in self.required for k in group) | frozenset(self.optional)


_EVENT = frozenset({SEND_EVENT})
_CONVERSION = frozenset({SEND_CONVERSION})

DESTINATION_TYPES: dict[str, DestinationType] = {
    t.key: t
    for t in (
        DestinationType("segment", "Segment", _EVENT, (("write_key",),), secret=frozenset({"write_key"})),
        DestinationType(
            "ga4",
            "GA4",
            _EVENT,
            (("measurement_id",), ("api_secret",)),
            secret=frozenset({"api_secret"}),
            patterns={"measurement_id": (r"G-[A-Z0-9]{4,16}", "G- followed by letters and digits")},
        ),
        DestinationType("amplitude", "Amplitude", _EVENT, (("api_key",),), secret=frozenset({"api_key"})),
        DestinationType(
            "posthog",
            "PostHog",
            _EVENT,
            (("api_key",),),
            optional=("host",),
            secret=frozenset({"api_key"}),
            urls=frozenset({"host"}),
        ),
        DestinationType(
            "mixpanel",
            "Mixpanel",
            _EVENT,
            (("project_token",),),
            optional=("api_secret",),
            secret=frozenset({"project_token", "api_secret"}),
        ),
        DestinationType(
            "gtm_server_side",
            "GTM server-side",
            _EVENT,
            (("server_container_url",),),
            urls=frozenset({"server_container_url"}),
        ),
        DestinationType(
            "meta",
            "Meta",
            _CONVERSION,
            (("pixel_id",), ("access_token",)),
            optional=("test_event_code",),
            secret=frozenset({"access_token"}),
            patterns={"pixel_id": (r"[0-9]{6,20}", "digits only")},
        ),
        DestinationType(
            "google_ads",
            "Google Ads",
            _CONVERSION,
            (("customer_id",), ("conversion_action_id",), ("developer_token",), ("refresh_token",)),
            secret=frozenset({"developer_token", "refresh_token"}),
            patterns={"customer_id": (r"[0-9]{3}-?[0-9]{3}-?[0-9]{4}", "ten digits, dashes allowed")},
        ),
        DestinationType(
            "linkedin",
            "LinkedIn",
            _CONVERSION,
            (("ad_account_id",), ("conversion_rule_id",), ("access_token",)),
            secret=frozenset({"access_token"}),
        ),
        DestinationType(
            "tiktok",
            "TikTok",
            _CONVERSION,
            (("pixel_code",), ("access_token",)),
            secret=frozenset({"access_token"}),
        ),
        DestinationType(
            "generic_http",
            "Generic HTTP",
            frozenset({SEND_WEBHOOK}),
            # The n8n node's help text says endpoint_url; its live e2e sends url: both are accepted.
            (("endpoint_url", "url"),),
            optional=("signing_secret", "authorization_header"),
            secret=frozenset({"signing_secret", "authorization_header"}),
            urls=frozenset({"endpoint_url", "url"}),
        ),
        DestinationType(
            "ad_pixel_interstitial",
            "Ad Pixel Interstitial",
            frozenset({INTERSTITIAL_SETTINGS}),
            (),
            optional=("meta_pixel_id", "tiktok_pixel_code", "google_tag_id", "linkedin_partner_id"),
        ),
    )
}

#: what a redacted credential reads as in every response (format NOT FOUND: choice)
REDACTED = "[REDACTED]"
