"""Zeotap's sixteen destination types, built into the gateway: Zeotap's API has no catalog endpoint.

Taken from Zeotap Composable's destination docs: the type keys and labels of the Destinations API's
"Supported Destination Types" table, and each connector's configuration fields (Text, Password,
Select, Textarea; secrets are Password fields). The Zeotap emulator carries the same tables;
tests/adapters/test_catalog_twins.py holds this copy to it.
"""

from __future__ import annotations

from destgraph.domain.models import DestinationType, Provider, SettingDefinition, SettingType


def _text(key: str, label: str, *, required: bool = False) -> SettingDefinition:
    return SettingDefinition(key=key, label=label, type=SettingType.STRING, required=required)


def _secret(key: str, label: str, *, required: bool = False) -> SettingDefinition:
    return SettingDefinition(key=key, label=label, type=SettingType.SECRET, required=required, secret=True)


def _select(key: str, label: str, choices: tuple[str, ...], *, required: bool = False) -> SettingDefinition:
    return SettingDefinition(key=key, label=label, type=SettingType.SELECT, required=required, choices=choices)


def _type(key: str, label: str, category: str, *settings: SettingDefinition) -> DestinationType:
    return DestinationType(
        provider=Provider.ZEOTAP, key=key, label=label, categories=(category,), settings=settings, creatable=True
    )


#: Braze's REST endpoints, the Select of its REST Endpoint field
BRAZE_ENDPOINTS: tuple[str, ...] = (
    *(f"https://rest.iad-0{n}.braze.com" for n in range(1, 9)),
    "https://rest.fra-01.braze.eu",
    "https://rest.fra-02.braze.eu",
)
#: the Select of Amazon S3's AWS Region field
AWS_REGIONS: tuple[str, ...] = (
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

CATALOG: tuple[DestinationType, ...] = (
    _type(
        "salesforce",
        "Salesforce CRM",
        "CRM",
        _text("instance_url", "Instance URL", required=True),
        _select("api_version", "API Version", ("61.0", "60.0", "59.0", "58.0", "57.0"), required=True),
        _select("object", "Salesforce Object", ("Contact", "Lead", "Account", "Opportunity", "Case")),
        _secret("refresh_token", "OAuth Refresh Token"),
    ),
    _type(
        "hubspot",
        "HubSpot CRM",
        "CRM",
        _text("portal_id", "Hub ID", required=True),
        _secret("access_token", "Private App Access Token", required=True),
        _select("object_type", "Object Type", ("contacts", "companies", "deals")),
    ),
    _type(
        "google_ads",
        "Google Ads",
        "Advertising",
        _text("customer_id", "Customer ID", required=True),
        _secret("developer_token", "Developer Token", required=True),
        _text("login_customer_id", "Manager (MCC) Customer ID"),
        _secret("refresh_token", "OAuth Refresh Token"),
    ),
    _type(
        "facebook_ads",
        "Facebook/Meta Ads",
        "Advertising",
        _text("ad_account_id", "Ad Account ID", required=True),
        _secret("access_token", "System User Access Token", required=True),
        _text("business_id", "Business Manager ID"),
        _select("api_version", "Graph API Version", ("v21.0", "v20.0", "v19.0")),
    ),
    _type(
        "linkedin_ads",
        "LinkedIn Ads",
        "Advertising",
        _text("ad_account_id", "Ad Account ID", required=True),
        _text("organization_id", "Organization ID"),
        _secret("refresh_token", "OAuth Refresh Token"),
    ),
    _type(
        "the_trade_desk",
        "The Trade Desk",
        "Advertising",
        _text("advertiser_id", "Advertiser ID", required=True),
        _text("partner_id", "Partner ID", required=True),
        _secret("api_key", "API Key", required=True),
        _select("api_environment", "API Environment", ("production", "sandbox")),
    ),
    _type(
        "braze",
        "Braze",
        "Marketing",
        _select("rest_endpoint", "REST Endpoint", BRAZE_ENDPOINTS, required=True),
        _secret("api_key", "REST API Key", required=True),
        _text("app_group_id", "App Group ID"),
    ),
    _type(
        "iterable",
        "Iterable",
        "Marketing",
        _secret("api_key", "API Key", required=True),
        _select("data_center", "Data Center", ("US", "EU")),
        _text("project_id", "Project ID"),
    ),
    _type(
        "klaviyo",
        "Klaviyo",
        "Marketing",
        _secret("private_api_key", "Private API Key", required=True),
        _text("api_revision", "API Revision"),
    ),
    _type(
        "mailchimp",
        "Mailchimp",
        "Marketing",
        _secret("api_key", "API Key", required=True),
        _text("server_prefix", "Server Prefix", required=True),
        _text("audience_id", "Audience ID"),
    ),
    _type(
        "snowflake",
        "Snowflake (as destination)",
        "Warehouse",
        _text("account", "Account", required=True),
        _text("warehouse", "Warehouse", required=True),
        _text("database", "Database", required=True),
        _text("schema", "Schema"),
        _text("role", "Role"),
        _text("username", "Username", required=True),
        _secret("password", "Password"),
        _secret("private_key", "Private Key (PEM)"),
        _secret("private_key_passphrase", "Private Key Passphrase"),
    ),
    _type(
        "bigquery",
        "BigQuery (as destination)",
        "Warehouse",
        _text("project_id", "Project ID", required=True),
        _select("location", "Location", ("US", "EU", "us-central1", "europe-west2"), required=True),
        _text("dataset", "Default Dataset"),
        _secret("service_account_json", "Service Account Key (JSON)", required=True),
    ),
    _type(
        "databricks",
        "Databricks (as destination)",
        "Warehouse",
        _text("server_hostname", "Server Hostname", required=True),
        _text("http_path", "HTTP Path", required=True),
        _secret("access_token", "Personal Access Token", required=True),
        _text("catalog", "Catalog"),
        _text("schema", "Schema"),
    ),
    _type(
        "webhook",
        "Custom webhook",
        "Other",
        _text("url", "Request URL", required=True),
        _select("method", "HTTP Method", ("POST", "PUT", "PATCH", "DELETE")),
        _select("content_type", "Content Type", ("application/json", "application/x-www-form-urlencoded")),
        _select("batch_mode", "Batch Mode", ("array", "individual")),
        # A Textarea, not a Password field, so not a secret by Zeotap's own terms; the seed sends it as
        # an object. Its values often are credentials (the seed's X-API-Key): the masking policy
        # (domain/secrets.py) masks every value under a headers map whatever this flag says.
        SettingDefinition(
            key="headers",
            label="Custom Headers",
            type=SettingType.MAP,
            description="Header name to value; every value is masked in responses, as header values often are credentials.",
        ),
        _secret("authorization_header", "Authorization Header"),
        _secret("api_key", "API Key"),
    ),
    _type(
        "s3",
        "Amazon S3",
        "Storage",
        _text("bucket", "Bucket Name", required=True),
        _select("region", "AWS Region", AWS_REGIONS, required=True),
        _text("path_prefix", "Path Prefix"),
        _text("access_key_id", "Access Key ID", required=True),
        _secret("secret_access_key", "Secret Access Key", required=True),
    ),
    _type(
        "gcs",
        "Google Cloud Storage",
        "Storage",
        _text("bucket", "Bucket Name", required=True),
        _text("project_id", "Project ID"),
        _text("path_prefix", "Path Prefix"),
        _secret("service_account_json", "Service Account Key (JSON)", required=True),
    ),
)

BY_KEY = {t.key: t for t in CATALOG}
