"""Actions destinations of the catalog (slug ``actions-*``): each has actions a subscription can trigger.

Google Analytics 4 Cloud keeps the id, slug, name, description and previous names of the seed's Get
Destination sample. Its "Custom Event" action carries the id the docs' Create Destination Subscription
example sends (``jiMz7MfHNeHmUckzRnUGkU``), so that example runs as written. Action ids elsewhere are derived
from the slugs (``build.stable_id``), so they are the same in every run.
"""

from __future__ import annotations

from typing import Any

from destgraph.emulators.segment.catalog.build import action, components, contact, field, metadata, option, preset

GA4_ID = "60ad61f9ff47a16b8fb7b5d9"
#: the actionId of the docs' Create Destination Subscription example
DOCS_ACTION_ID = "jiMz7MfHNeHmUckzRnUGkU"

_ANONYMOUS_ID = {"@path": "$.anonymousId"}
_USER_ID = {"@path": "$.userId"}
_TIMESTAMP = {"@path": "$.timestamp"}
_PROPERTIES = {"@path": "$.properties"}
_EVENT = {"@path": "$.event"}
_TRAITS = {"@path": "$.traits"}
_EMAIL = {"@if": {"exists": {"@path": "$.traits.email"}, "then": {"@path": "$.traits.email"}, "else": None}}


def _ga4_fields(slug: str, key: str, *, with_value: bool = False, with_name: bool = False) -> list[dict[str, Any]]:
    fields = [
        field(
            slug,
            key,
            "clientId",
            "Client ID",
            "STRING",
            "Uniquely identifies a user instance of a web client.",
            sort=0,
            required=True,
            default=_ANONYMOUS_ID,
        ),
        field(slug, key, "user_id", "User ID", "STRING", "A unique identifier for a user.", sort=1, default=_USER_ID),
        field(
            slug,
            key,
            "timestamp_micros",
            "Timestamp",
            "DATETIME",
            "The time the event happened.",
            sort=2,
            default=_TIMESTAMP,
        ),
        field(
            slug,
            key,
            "params",
            "Event Parameters",
            "OBJECT",
            "Parameters specific to the event.",
            sort=3,
            default=_PROPERTIES,
        ),
    ]
    if with_value:
        fields += [
            field(
                slug,
                key,
                "currency",
                "Currency",
                "STRING",
                "Currency of the value, in ISO 4217 format.",
                sort=4,
                default={"@path": "$.properties.currency"},
            ),
            field(
                slug,
                key,
                "value",
                "Value",
                "NUMBER",
                "The monetary value of the event.",
                sort=5,
                default={"@path": "$.properties.revenue"},
            ),
            field(
                slug,
                key,
                "items",
                "Products",
                "OBJECT",
                "The list of products in the event.",
                sort=6,
                multiple=True,
                default={"@path": "$.properties.products"},
            ),
        ]
    if with_name:
        fields.append(
            field(
                slug,
                key,
                "name",
                "Event Name",
                "STRING",
                "The unique name of the custom event.",
                sort=7,
                required=True,
                default=_EVENT,
            )
        )
    return fields


def _ga4() -> dict[str, Any]:
    slug = "actions-google-analytics-4"
    actions = [
        action(
            slug,
            "customEvent",
            "Custom Event",
            "Send any custom event.",
            'type = "track"',
            _ga4_fields(slug, "customEvent", with_name=True),
            action_id=DOCS_ACTION_ID,
        ),
        action(
            slug,
            "purchase",
            "Purchase",
            "Send event when a user completes a purchase.",
            'type = "track" and event = "Order Completed"',
            _ga4_fields(slug, "purchase", with_value=True),
        ),
        action(
            slug,
            "addToCart",
            "Add to Cart",
            "Send event when a user adds items to a cart.",
            'type = "track" and event = "Product Added"',
            _ga4_fields(slug, "addToCart", with_value=True),
        ),
        action(
            slug,
            "beginCheckout",
            "Begin Checkout",
            "Send event when a user begins checkout.",
            'type = "track" and event = "Checkout Started"',
            _ga4_fields(slug, "beginCheckout", with_value=True),
        ),
        action(
            slug,
            "pageView",
            "Page View",
            "Send page view when a user views a page.",
            'type = "page"',
            _ga4_fields(slug, "pageView"),
        ),
        action(
            slug,
            "signUp",
            "Sign Up",
            "Send event when a user signs up.",
            'type = "track" and event = "Signed Up"',
            _ga4_fields(slug, "signUp"),
        ),
        action(
            slug,
            "login",
            "Login",
            "Send event when a user logs in.",
            'type = "track" and event = "Signed In"',
            _ga4_fields(slug, "login"),
        ),
    ]
    return metadata(
        id=GA4_ID,
        name="Google Analytics 4 Cloud",
        slug=slug,
        description=(
            "Google Analytics 4 (GA4) is Google’s new Analytics property, which you can use for both websites and "
            "apps. Google Analytics 4 has machine learning at its core to automatically surface helpful insights and "
            "give you a complete understanding of your customers across devices and platforms. When you have Segment "
            "installed, you can make efficient use of your existing tracking implementation by using Segment to "
            "fulfill your data collection needs across all your tools that integrate with Segment, including Google "
            "Analytics 4."
        ),
        website="https://support.google.com/analytics/answer/10089681",
        categories=["Analytics"],
        options=[
            option(
                "measurementId",
                "string",
                "Measurement ID",
                "The measurement ID associated with the web stream (G-XXXXXXXXXX).",
                required=False,
            ),
            option(
                "apiSecret",
                "string",
                "API Secret",
                "An API SECRET generated in the Google Analytics UI, under Measurement Protocol API secrets.",
                required=True,
            ),
            option(
                "firebaseAppId",
                "string",
                "Firebase App ID",
                "Identifies the Firebase app associated with the app stream.",
            ),
        ],
        components_=[],
        previous_names=[
            "Actions Google Analytic 4",
            "Actions Google Analytics 4",
            "Google Analytics 4",
            "Google Analytics 4 Cloud",
        ],
        methods=(True, True, True, True, True),
        platforms=(True, False, True),
        actions=actions,
        presets=[
            preset(actions[1], "Purchase", actions[1]["defaultTrigger"]),
            preset(actions[2], "Add to Cart", actions[2]["defaultTrigger"]),
            preset(actions[4], "Page View", actions[4]["defaultTrigger"]),
        ],
        endpoints=("US",),
    )


def _ga4_web() -> dict[str, Any]:
    # Terraform provider issue #104: a second GA4 Web instance on a source is refused with a 400
    # ("Multiple configurations of this destination type not supported."); SINGLE says so here.
    slug = "actions-google-analytics-4-web"
    actions = [
        action(
            slug,
            "setConfigurationFields",
            "Set Configuration Fields",
            "Set custom values for the GA4 page view.",
            'type = "page"',
            [
                field(
                    slug,
                    "setConfigurationFields",
                    "user_id",
                    "User ID",
                    "STRING",
                    "A unique user identifier.",
                    sort=0,
                    default=_USER_ID,
                ),
                field(
                    slug,
                    "setConfigurationFields",
                    "page_title",
                    "Page Title",
                    "STRING",
                    "The page title.",
                    sort=1,
                    default={"@path": "$.context.page.title"},
                ),
            ],
            platform="WEB",
        ),
        action(
            slug,
            "purchase",
            "Purchase",
            "Send event when a user completes a purchase.",
            'type = "track" and event = "Order Completed"',
            _ga4_fields(slug, "purchase", with_value=True),
            platform="WEB",
        ),
        action(
            slug,
            "customEvent",
            "Custom Event",
            "Send any custom event.",
            'type = "track"',
            _ga4_fields(slug, "customEvent", with_name=True),
            platform="WEB",
        ),
    ]
    return metadata(
        id="63bedc136a8484a53739e013",
        name="Google Analytics 4 Web",
        slug=slug,
        description="Send events to Google Analytics 4 from the browser with gtag.js, in device mode.",
        website="https://support.google.com/analytics/answer/10089681",
        categories=["Analytics"],
        options=[
            option(
                "measurementID",
                "string",
                "Measurement ID",
                "Your GA4 web stream's measurement ID.",
                default="",
                required=True,
            ),
            option("allowGoogleSignals", "boolean", "Allow Google Signals", default=False),
            option("cookieDomain", "string", "Cookie Domain", default="auto"),
            option("pageView", "boolean", "Send Page Views", default=True),
        ],
        components_=components(slug, "BROWSER", actions=True),
        methods=(True, True, True, False, False),
        platforms=(True, False, False),
        actions=actions,
        presets=[preset(actions[0], "Set Configuration Fields", 'type = "page"')],
        device_instances="SINGLE",
    )


def _braze() -> dict[str, Any]:
    slug = "actions-braze-cloud"
    actions = [
        action(
            slug,
            "updateUserProfile",
            "Update User Profile",
            "Update a user's profile attributes in Braze.",
            'type = "identify"',
            [
                field(
                    slug,
                    "updateUserProfile",
                    "external_id",
                    "External User ID",
                    "STRING",
                    "The unique user identifier.",
                    sort=0,
                    default=_USER_ID,
                ),
                field(
                    slug,
                    "updateUserProfile",
                    "email",
                    "Email",
                    "STRING",
                    "The user's email.",
                    sort=1,
                    default=_EMAIL,
                    allow_null=True,
                ),
                field(
                    slug,
                    "updateUserProfile",
                    "custom_attributes",
                    "Custom Attributes",
                    "OBJECT",
                    "Hash of custom attributes to send to Braze.",
                    sort=2,
                    default=_TRAITS,
                ),
            ],
        ),
        action(
            slug,
            "trackEvent",
            "Track Event",
            "Record a custom event in Braze.",
            'type = "track"',
            [
                field(
                    slug,
                    "trackEvent",
                    "external_id",
                    "External User ID",
                    "STRING",
                    "The unique user identifier.",
                    sort=0,
                    default=_USER_ID,
                ),
                field(
                    slug,
                    "trackEvent",
                    "name",
                    "Event Name",
                    "STRING",
                    "The event name.",
                    sort=1,
                    required=True,
                    default=_EVENT,
                ),
                field(
                    slug,
                    "trackEvent",
                    "time",
                    "Time",
                    "DATETIME",
                    "When the event occurred.",
                    sort=2,
                    required=True,
                    default=_TIMESTAMP,
                ),
                field(
                    slug,
                    "trackEvent",
                    "properties",
                    "Event Properties",
                    "OBJECT",
                    "Properties of the event.",
                    sort=3,
                    default=_PROPERTIES,
                ),
            ],
        ),
        action(
            slug,
            "trackPurchase",
            "Track Purchase",
            "Record purchases in Braze.",
            'event = "Order Completed"',
            [
                field(
                    slug,
                    "trackPurchase",
                    "external_id",
                    "External User ID",
                    "STRING",
                    "The unique user identifier.",
                    sort=0,
                    default=_USER_ID,
                ),
                field(
                    slug,
                    "trackPurchase",
                    "products",
                    "Products",
                    "OBJECT",
                    "Products purchased.",
                    sort=1,
                    required=True,
                    multiple=True,
                    default={"@path": "$.properties.products"},
                ),
            ],
        ),
        action(
            slug,
            "createAlias",
            "Create Alias",
            "Create a new user alias for an existing identified user.",
            None,
            [
                field(
                    slug,
                    "createAlias",
                    "alias_name",
                    "Alias Name",
                    "STRING",
                    "The alias identifier.",
                    sort=0,
                    required=True,
                ),
                field(
                    slug,
                    "createAlias",
                    "alias_label",
                    "Alias Label",
                    "STRING",
                    "A label indicating the alias type.",
                    sort=1,
                    required=True,
                ),
            ],
        ),
    ]
    return metadata(
        id="60f9d0d048950c356be2e4da",
        name="Braze Cloud Mode (Actions)",
        slug=slug,
        description="Braze is a customer engagement platform that powers personalized, real-time messaging.",
        website="https://www.braze.com",
        categories=["SMS & Push Notifications", "Email Marketing"],
        options=[
            option(
                "api_key",
                "password",
                "API Key",
                "Created under Developer Console in the Braze Dashboard.",
                required=True,
            ),
            option("app_id", "string", "App ID", "The app identifier used to reference specific Apps in requests."),
            option(
                "endpoint",
                "select",
                "REST Endpoint",
                "Your Braze REST endpoint.",
                default="https://rest.iad-01.braze.com",
                required=True,
            ),
        ],
        components_=components(slug, "SERVER", actions=True),
        methods=(True, True, True, True, True),
        platforms=(True, True, True),
        actions=actions,
        presets=[
            preset(actions[0], "Update User Profile", 'type = "identify"'),
            preset(actions[1], "Track Calls", 'type = "track" and event != "Order Completed"'),
            preset(actions[2], "Order Completed Calls", 'type = "track" and event = "Order Completed"'),
        ],
        contacts=[contact("Braze Partner Team", "partners@braze.com", "Partner Engineering", primary=True)],
    )


def _webhooks() -> dict[str, Any]:
    slug = "actions-webhook"

    def request_fields(key: str, *, batch: bool = False) -> list[dict[str, Any]]:
        fields = [
            field(
                slug,
                key,
                "url",
                "URL",
                "STRING",
                "URL to deliver data to.",
                sort=0,
                required=True,
                placeholder="https://example.com/segment",
            ),
            field(
                slug,
                key,
                "method",
                "Method",
                "STRING",
                "HTTP method to use.",
                sort=1,
                required=True,
                default="POST",
                choices=[{"label": m, "value": m} for m in ("POST", "PUT", "PATCH")],
            ),
            field(slug, key, "headers", "Headers", "OBJECT", "HTTP headers to send with each request.", sort=2),
            field(
                slug,
                key,
                "data",
                "Data",
                "OBJECT",
                "Payload to deliver to webhook URL (JSON-encoded).",
                sort=3,
                default={"@path": "$."},
            ),
        ]
        if batch:
            fields.append(
                field(
                    slug, key, "batch_size", "Batch Size", "NUMBER", "Maximum events per batch.", sort=4, default=1000
                )
            )
        return fields

    actions = [
        action(slug, "send", "Send", "Send an HTTP request.", 'type = "track"', request_fields("send")),
        action(
            slug,
            "sendBatch",
            "Send Batch",
            "Send a batch of events in one HTTP request.",
            None,
            request_fields("sendBatch", batch=True),
        ),
    ]
    return metadata(
        id="614a3c7d791c91c41bae7599",
        name="Webhooks (Actions)",
        slug=slug,
        description="Send an HTTP request for each event, to any URL, with the payload you map.",
        website="https://segment.com/docs/connections/destinations/catalog/actions-webhook/",
        categories=["Raw Data"],
        options=[
            option(
                "sharedSecret",
                "string",
                "Shared Secret",
                "If set, Segment signs each request with an HMAC of the body, sent in X-Signature.",
            ),
        ],
        components_=components(slug, "SERVER", actions=True),
        methods=(True, True, True, True, True),
        platforms=(True, True, True),
        actions=actions,
        cloud_instances="MULTIPLE",
    )


def _facebook_capi() -> dict[str, Any]:
    slug = "actions-facebook-conversions-api"

    def event_fields(key: str, *, with_value: bool = False) -> list[dict[str, Any]]:
        fields = [
            field(
                slug,
                key,
                "event_time",
                "Event Time",
                "DATETIME",
                "When the event happened.",
                sort=0,
                required=True,
                default=_TIMESTAMP,
            ),
            field(
                slug,
                key,
                "action_source",
                "Action Source",
                "STRING",
                "Where the conversion occurred.",
                sort=1,
                required=True,
                default="website",
                choices=[{"label": s, "value": s} for s in ("website", "app", "email", "other")],
            ),
            field(
                slug,
                key,
                "user_data",
                "User Data",
                "OBJECT",
                "Customer information parameters.",
                sort=2,
                required=True,
                default={"externalId": _USER_ID, "email": _EMAIL},
            ),
            field(
                slug,
                key,
                "event_id",
                "Event ID",
                "STRING",
                "Used to deduplicate browser and server events.",
                sort=3,
                default={"@path": "$.messageId"},
            ),
        ]
        if with_value:
            fields += [
                field(
                    slug,
                    key,
                    "currency",
                    "Currency",
                    "STRING",
                    "ISO 4217 currency code.",
                    sort=4,
                    required=True,
                    default={"@path": "$.properties.currency"},
                ),
                field(
                    slug,
                    key,
                    "value",
                    "Value",
                    "NUMBER",
                    "The value of the conversion.",
                    sort=5,
                    required=True,
                    default={"@path": "$.properties.revenue"},
                ),
            ]
        return fields

    actions = [
        action(
            slug,
            "purchase",
            "Purchase",
            "Send a purchase event.",
            'type = "track" and event = "Order Completed"',
            event_fields("purchase", with_value=True),
        ),
        action(slug, "pageView", "Page View", "Send a page view event.", 'type = "page"', event_fields("pageView")),
        action(
            slug,
            "addToCart",
            "Add to Cart",
            "Send an add-to-cart event.",
            'type = "track" and event = "Product Added"',
            event_fields("addToCart", with_value=True),
        ),
        action(
            slug,
            "initiateCheckout",
            "Initiate Checkout",
            "Send a checkout event.",
            'type = "track" and event = "Checkout Started"',
            event_fields("initiateCheckout", with_value=True),
        ),
        action(
            slug,
            "viewContent",
            "View Content",
            "Send a view-content event.",
            'type = "track" and event = "Product Viewed"',
            event_fields("viewContent"),
        ),
        action(slug, "custom", "Custom Event", "Send a custom event.", None, event_fields("custom")),
    ]
    return metadata(
        id="61806e472cd47ea1104885fc",
        name="Facebook Conversions API (Actions)",
        slug=slug,
        description="Send web, app and offline events straight from Segment to Meta's Conversions API.",
        website="https://developers.facebook.com/docs/marketing-api/conversions-api",
        categories=["Advertising"],
        options=[
            option("pixelId", "string", "Pixel ID", "Your Facebook Pixel ID.", required=True),
            option("token", "password", "Access Token", "Your Facebook Access Token.", required=True),
            option(
                "testEventCode", "string", "Test Event Code", "Sends events to the Test Events tool in Events Manager."
            ),
        ],
        components_=components(slug, "SERVER", actions=True),
        methods=(True, True, True, False, False),
        platforms=(True, True, True),
        actions=actions,
        presets=[
            preset(actions[0], "Purchase", actions[0]["defaultTrigger"]),
            preset(actions[1], "Page View", 'type = "page"'),
        ],
        cloud_instances="MULTIPLE",
    )


def _customerio() -> dict[str, Any]:
    slug = "actions-customerio"
    person = [
        field(
            slug,
            "createUpdatePerson",
            "id",
            "Person ID",
            "STRING",
            "The ID used to uniquely identify a person.",
            sort=0,
            required=True,
            default=_USER_ID,
        ),
        field(
            slug,
            "createUpdatePerson",
            "email",
            "Email Address",
            "STRING",
            "The person's email address.",
            sort=1,
            default=_EMAIL,
            allow_null=True,
        ),
        field(
            slug,
            "createUpdatePerson",
            "custom_attributes",
            "Person Attributes",
            "OBJECT",
            "Optional attributes for the person.",
            sort=2,
            default=_TRAITS,
        ),
    ]
    actions = [
        action(
            slug,
            "createUpdatePerson",
            "Create or Update Person",
            "Update a person in Customer.io.",
            'type = "identify"',
            person,
        ),
        action(
            slug,
            "trackEvent",
            "Track Event",
            "Track an event for a known or anonymous person.",
            'type = "track"',
            [
                field(
                    slug,
                    "trackEvent",
                    "id",
                    "Person ID",
                    "STRING",
                    "The person the event is for.",
                    sort=0,
                    default=_USER_ID,
                ),
                field(
                    slug,
                    "trackEvent",
                    "name",
                    "Event Name",
                    "STRING",
                    "The event name.",
                    sort=1,
                    required=True,
                    default=_EVENT,
                ),
                field(
                    slug,
                    "trackEvent",
                    "data",
                    "Event Attributes",
                    "OBJECT",
                    "Event properties.",
                    sort=2,
                    default=_PROPERTIES,
                ),
            ],
        ),
        action(
            slug,
            "trackPageView",
            "Track Page View",
            "Track a page view.",
            'type = "page"',
            [
                field(
                    slug,
                    "trackPageView",
                    "url",
                    "Page URL",
                    "STRING",
                    "The URL of the page visited.",
                    sort=0,
                    required=True,
                    default={"@path": "$.context.page.url"},
                ),
            ],
        ),
        action(
            slug,
            "deletePerson",
            "Delete Person",
            "Delete a person.",
            'event = "User Deleted"',
            [
                field(
                    slug,
                    "deletePerson",
                    "person_id",
                    "Person ID",
                    "STRING",
                    "The ID of the person to delete.",
                    sort=0,
                    required=True,
                    default=_USER_ID,
                ),
            ],
        ),
    ]
    return metadata(
        id="5f7dd6d21ad74f3842b1fc47",
        name="Customer.io (Actions)",
        slug=slug,
        description="Customer.io sends automated messages based on what people do in your product.",
        website="https://customer.io",
        categories=["Email Marketing", "SMS & Push Notifications"],
        options=[
            option(
                "siteId",
                "string",
                "Site ID",
                "Customer.io site ID, under Account Settings > API Credentials.",
                required=True,
            ),
            option(
                "apiKey",
                "password",
                "API Key",
                "Customer.io API key, under Account Settings > API Credentials.",
                required=True,
            ),
            option("accountRegion", "select", "Account Region", "The region your account lives in.", default="US"),
        ],
        components_=components(slug, "SERVER", actions=True),
        methods=(True, True, True, True, False),
        platforms=(True, True, True),
        actions=actions,
        presets=[
            preset(actions[0], "Create or Update Person", 'type = "identify"'),
            preset(actions[1], "Track Event", 'type = "track"'),
            preset(actions[2], "Track Page View", 'type = "page"'),
        ],
        partner_owned=True,
        contacts=[contact("Customer.io Integrations", "integrations@customer.io", "Partner Engineering", primary=True)],
        endpoints=("US", "EU"),
    )


def _google_ads() -> dict[str, Any]:
    slug = "actions-google-enhanced-conversions"
    conversion = [
        field(
            slug,
            "uploadClickConversion",
            "conversion_action",
            "Conversion Action ID",
            "NUMBER",
            "The ID of the conversion action in Google Ads.",
            sort=0,
            required=True,
            dynamic=True,
        ),
        field(
            slug,
            "uploadClickConversion",
            "gclid",
            "GCLID",
            "STRING",
            "The Google click ID.",
            sort=1,
            default={"@path": "$.properties.gclid"},
        ),
        field(
            slug,
            "uploadClickConversion",
            "conversion_timestamp",
            "Conversion Timestamp",
            "DATETIME",
            "When the conversion happened.",
            sort=2,
            required=True,
            default=_TIMESTAMP,
        ),
        field(
            slug,
            "uploadClickConversion",
            "value",
            "Value",
            "NUMBER",
            "The value of the conversion.",
            sort=3,
            default={"@path": "$.properties.total"},
        ),
    ]
    actions = [
        action(
            slug,
            "uploadClickConversion",
            "Upload Click Conversion",
            "Send an offline click conversion.",
            'event = "Order Completed"',
            conversion,
        ),
        action(
            slug,
            "uploadCallConversion",
            "Upload Call Conversion",
            "Send an offline call conversion.",
            None,
            [
                field(
                    slug,
                    "uploadCallConversion",
                    "caller_id",
                    "Caller ID",
                    "STRING",
                    "The caller's phone number.",
                    sort=0,
                    required=True,
                ),
            ],
        ),
        action(
            slug,
            "uploadConversionAdjustment",
            "Upload Conversion Adjustment",
            "Send a conversion adjustment (retraction or restatement).",
            None,
            [
                field(
                    slug,
                    "uploadConversionAdjustment",
                    "adjustment_type",
                    "Adjustment Type",
                    "STRING",
                    "RETRACTION, RESTATEMENT or ENHANCEMENT.",
                    sort=0,
                    required=True,
                ),
            ],
        ),
    ]
    return metadata(
        id="60ae8b97dcb6cc52d5d0d5ab",
        name="Google Ads Conversions",
        slug=slug,
        description="Upload offline conversions and enhanced conversions to Google Ads.",
        website="https://support.google.com/google-ads/answer/9888656",
        categories=["Advertising"],
        options=[
            option("customerId", "string", "Customer ID", "Your Google Ads account ID, without dashes.", required=True),
            option(
                "conversionTrackingId", "string", "Conversion ID", "The conversion tracking ID (legacy).", default=""
            ),
        ],
        components_=components(slug, "SERVER", actions=True),
        methods=(True, False, False, False, False),
        platforms=(True, True, True),
        actions=actions,
        presets=[preset(actions[0], "Upload Click Conversion", 'event = "Order Completed"')],
        status="PUBLIC_BETA",
    )


ACTIONS: list[dict[str, Any]] = [
    _ga4(),
    _ga4_web(),
    _braze(),
    _webhooks(),
    _facebook_capi(),
    _customerio(),
    _google_ads(),
]
