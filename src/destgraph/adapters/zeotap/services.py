"""Zeotap destination types and the vendor-neutral service each one sends to.

``SERVICES`` maps every key of the built-in catalog (catalog.py) to the service slug the gateway
shares across vendors: the same product has the same slug at every vendor (see each vendor's
services.py), and a type with no twin elsewhere has its own slug, written here once.
tests/schema/test_services.py holds this table to the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping

SERVICES: Mapping[str, str] = {
    "bigquery": "bigquery",
    "braze": "braze",
    "databricks": "databricks",
    "facebook_ads": "meta",
    "gcs": "google-cloud-storage",
    "google_ads": "google-ads",
    "hubspot": "hubspot",
    "iterable": "iterable",
    "klaviyo": "klaviyo",
    "linkedin_ads": "linkedin",
    "mailchimp": "mailchimp",
    "s3": "amazon-s3",
    "salesforce": "salesforce",
    "snowflake": "snowflake",
    "the_trade_desk": "the-trade-desk",
    "webhook": "webhook",
}
