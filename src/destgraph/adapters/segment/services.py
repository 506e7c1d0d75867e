"""Segment catalog slugs and the vendor-neutral service each one sends to.

``SERVICES`` maps every type key of Segment's catalog (its DestinationMetadataV1 ``slug``, as the
emulator's catalog holds them) to the service slug the gateway shares across vendors: the same
product has the same slug at every vendor (see each vendor's services.py), and a type with no twin
elsewhere has its own slug, written here once. Segment's Actions and classic flavours of one
product (GA4 Cloud and Web) share a slug. tests/schema/test_services.py holds this table to the
catalog: every type mapped, nothing mapped that the catalog lacks.
"""

from __future__ import annotations

from collections.abc import Mapping

SERVICES: Mapping[str, str] = {
    "actions-braze-cloud": "braze",
    "actions-customerio": "customerio",
    "actions-facebook-conversions-api": "meta",
    "actions-google-analytics-4": "google-analytics-4",
    "actions-google-analytics-4-web": "google-analytics-4",
    "actions-google-enhanced-conversions": "google-ads",
    "actions-webhook": "webhook",
    "adroll": "adroll",
    "amazon-kinesis": "amazon-kinesis",
    "amplitude": "amplitude",
    "appsflyer": "appsflyer",
    "blueshift": "blueshift",
    "google-analytics": "google-universal-analytics",
    "hubspot": "hubspot",
    "intercom": "intercom",
    "iterable": "iterable",
    "mixpanel": "mixpanel",
    "slack": "slack",
}
