"""Nimriz destination types and the vendor-neutral service each one sends to.

``SERVICES`` maps every key of the built-in catalog (catalog.py) to the service slug the gateway
shares across vendors: the same product has the same slug at every vendor (see each vendor's
services.py), and a type with no twin elsewhere has its own slug, written here once.
tests/schema/test_services.py holds this table to the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping

SERVICES: Mapping[str, str] = {
    "ad_pixel_interstitial": "ad-pixel-interstitial",
    "amplitude": "amplitude",
    "ga4": "google-analytics-4",
    "generic_http": "webhook",
    "google_ads": "google-ads",
    "gtm_server_side": "google-tag-manager",
    "linkedin": "linkedin",
    "meta": "meta",
    "mixpanel": "mixpanel",
    "posthog": "posthog",
    "segment": "segment",
    "tiktok": "tiktok",
}
