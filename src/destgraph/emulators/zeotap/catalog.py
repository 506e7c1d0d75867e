"""The 16 destination types of the seed's table and each type's config fields.

Config field kinds are the per-type docs' Text, Password, Select and Textarea (vendor-facts.md
section 2, "Per-type config docs"); a Password field is a secret. The field lists follow the
vendor's per-type pages where they exist (composable-docs.zeotap.com/destinations/...: Braze REST
Endpoint and App Group ID, Klaviyo API Revision, Snowflake Account/Warehouse/Database/Schema/Role,
S3 Bucket/Region/Path Prefix, BigQuery Project ID/Location, HTTP Request URL/Method/Custom
Headers, The Trade Desk Advertiser ID/API Environment) plus the credentials those pages ask for.
The tables are shared, read-only module constants: handlers serialise them, never copy them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TEXT = "Text"
PASSWORD = "Password"
SELECT = "Select"
TEXTAREA = "Textarea"


@dataclass(frozen=True, slots=True)
class ConfigField:
    """One key of a destination type's ``config``."""

    name: str
    label: str
    kind: str
    required: bool = False
    options: tuple[str, ...] = ()
    #: the value must start with http:// or https://
    url: bool = False

    @property
    def secret(self) -> bool:
        return self.kind == PASSWORD


@dataclass(frozen=True, slots=True)
class DestinationType:
    """A connector type: its config table, how it authenticates and what it exposes to mapping."""

    key: str
    title: str
    config: tuple[ConfigField, ...]
    #: "oauth", "api_key" or "credentials": only the wording of the test's authentication step
    auth: str
    #: the fields come from the vendor's live schema (Schema Introspection: Yes in the docs)
    introspects: bool = False

    def field(self, name: str) -> ConfigField | None:
        for candidate in self.config:
            if candidate.name == name:
                return candidate
        return None


def _f(name: str, label: str, kind: str = TEXT, *, required: bool = False, **extra: Any) -> ConfigField:
    return ConfigField(name, label, kind, required, **extra)


AWS_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "ap-northeast-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "sa-east-1",
)
BRAZE_ENDPOINTS = (
    *(f"https://rest.iad-0{n}.braze.com" for n in range(1, 9)),
    "https://rest.fra-01.braze.eu",
    "https://rest.fra-02.braze.eu",
)
SALESFORCE_OBJECTS = ("Contact", "Lead", "Account", "Opportunity", "Case")
HUBSPOT_OBJECTS = ("contacts", "companies", "deals")

TYPES: dict[str, DestinationType] = {
    t.key: t
    for t in (
        DestinationType(
            "salesforce",
            "Salesforce CRM",
            (
                _f("instance_url", "Instance URL", required=True, url=True),
                _f(
                    "api_version",
                    "API Version",
                    SELECT,
                    required=True,
                    options=("61.0", "60.0", "59.0", "58.0", "57.0"),
                ),
                _f("object", "Salesforce Object", SELECT, options=SALESFORCE_OBJECTS),
                _f("refresh_token", "OAuth Refresh Token", PASSWORD),
            ),
            auth="oauth",
            introspects=True,
        ),
        DestinationType(
            "hubspot",
            "HubSpot CRM",
            (
                _f("portal_id", "Hub ID", required=True),
                _f("access_token", "Private App Access Token", PASSWORD, required=True),
                _f("object_type", "Object Type", SELECT, options=HUBSPOT_OBJECTS),
            ),
            auth="api_key",
            introspects=True,
        ),
        DestinationType(
            "google_ads",
            "Google Ads",
            (
                _f("customer_id", "Customer ID", required=True),
                _f("developer_token", "Developer Token", PASSWORD, required=True),
                _f("login_customer_id", "Manager (MCC) Customer ID"),
                _f("refresh_token", "OAuth Refresh Token", PASSWORD),
            ),
            auth="oauth",
        ),
        DestinationType(
            "facebook_ads",
            "Facebook/Meta Ads",
            (
                _f("ad_account_id", "Ad Account ID", required=True),
                _f("access_token", "System User Access Token", PASSWORD, required=True),
                _f("business_id", "Business Manager ID"),
                _f("api_version", "Graph API Version", SELECT, options=("v21.0", "v20.0", "v19.0")),
            ),
            auth="oauth",
        ),
        DestinationType(
            "linkedin_ads",
            "LinkedIn Ads",
            (
                _f("ad_account_id", "Ad Account ID", required=True),
                _f("organization_id", "Organization ID"),
                _f("refresh_token", "OAuth Refresh Token", PASSWORD),
            ),
            auth="oauth",
        ),
        DestinationType(
            "the_trade_desk",
            "The Trade Desk",
            (
                _f("advertiser_id", "Advertiser ID", required=True),
                _f("partner_id", "Partner ID", required=True),
                _f("api_key", "API Key", PASSWORD, required=True),
                _f("api_environment", "API Environment", SELECT, options=("production", "sandbox")),
            ),
            auth="api_key",
        ),
        DestinationType(
            "braze",
            "Braze",
            (
                _f("rest_endpoint", "REST Endpoint", SELECT, required=True, options=BRAZE_ENDPOINTS),
                _f("api_key", "REST API Key", PASSWORD, required=True),
                _f("app_group_id", "App Group ID"),
            ),
            auth="api_key",
        ),
        DestinationType(
            "iterable",
            "Iterable",
            (
                _f("api_key", "API Key", PASSWORD, required=True),
                _f("data_center", "Data Center", SELECT, options=("US", "EU")),
                _f("project_id", "Project ID"),
            ),
            auth="api_key",
        ),
        DestinationType(
            "klaviyo",
            "Klaviyo",
            (
                _f("private_api_key", "Private API Key", PASSWORD, required=True),
                _f("api_revision", "API Revision"),
            ),
            auth="api_key",
        ),
        DestinationType(
            "mailchimp",
            "Mailchimp",
            (
                _f("api_key", "API Key", PASSWORD, required=True),
                _f("server_prefix", "Server Prefix", required=True),
                _f("audience_id", "Audience ID"),
            ),
            auth="api_key",
        ),
        DestinationType(
            "snowflake",
            "Snowflake (as destination)",
            (
                _f("account", "Account", required=True),
                _f("warehouse", "Warehouse", required=True),
                _f("database", "Database", required=True),
                _f("schema", "Schema"),
                _f("role", "Role"),
                _f("username", "Username", required=True),
                _f("password", "Password", PASSWORD),
                _f("private_key", "Private Key (PEM)", PASSWORD),
                _f("private_key_passphrase", "Private Key Passphrase", PASSWORD),
            ),
            auth="credentials",
            introspects=True,
        ),
        DestinationType(
            "bigquery",
            "BigQuery (as destination)",
            (
                _f("project_id", "Project ID", required=True),
                _f("location", "Location", SELECT, required=True, options=("US", "EU", "us-central1", "europe-west2")),
                _f("dataset", "Default Dataset"),
                _f("service_account_json", "Service Account Key (JSON)", PASSWORD, required=True),
            ),
            auth="credentials",
            introspects=True,
        ),
        DestinationType(
            "databricks",
            "Databricks (as destination)",
            (
                _f("server_hostname", "Server Hostname", required=True),
                _f("http_path", "HTTP Path", required=True),
                _f("access_token", "Personal Access Token", PASSWORD, required=True),
                _f("catalog", "Catalog"),
                _f("schema", "Schema"),
            ),
            auth="credentials",
            introspects=True,
        ),
        DestinationType(
            "webhook",
            "Custom webhook",
            (
                _f("url", "Request URL", required=True, url=True),
                _f("method", "HTTP Method", SELECT, options=("POST", "PUT", "PATCH", "DELETE")),
                _f(
                    "content_type",
                    "Content Type",
                    SELECT,
                    options=("application/json", "application/x-www-form-urlencoded"),
                ),
                _f("batch_mode", "Batch Mode", SELECT, options=("array", "individual")),
                _f("headers", "Custom Headers", TEXTAREA),
                _f("authorization_header", "Authorization Header", PASSWORD),
                _f("api_key", "API Key", PASSWORD),
            ),
            auth="api_key",
        ),
        DestinationType(
            "s3",
            "Amazon S3",
            (
                _f("bucket", "Bucket Name", required=True),
                _f("region", "AWS Region", SELECT, required=True, options=AWS_REGIONS),
                _f("path_prefix", "Path Prefix"),
                _f("access_key_id", "Access Key ID", required=True),
                _f("secret_access_key", "Secret Access Key", PASSWORD, required=True),
            ),
            auth="credentials",
        ),
        DestinationType(
            "gcs",
            "Google Cloud Storage",
            (
                _f("bucket", "Bucket Name", required=True),
                _f("project_id", "Project ID"),
                _f("path_prefix", "Path Prefix"),
                _f("service_account_json", "Service Account Key (JSON)", PASSWORD, required=True),
            ),
            auth="credentials",
        ),
    )
}

#: the seed's "Supported Destination Types" table, in its order
TYPE_KEYS: tuple[str, ...] = tuple(TYPES)
