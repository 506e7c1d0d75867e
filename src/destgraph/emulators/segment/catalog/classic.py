"""Classic (non-Actions) destinations of the catalog: settings only, no subscriptions.

Amplitude and Amazon Kinesis come from the seed's samples; Blueshift, AdRoll, AppsFlyer and Google
Universal Analytics from the examples of the published OpenAPI document; the rest are written in the
same shape from Segment's public catalog pages.
"""

from __future__ import annotations

from typing import Any

from destgraph.emulators.segment.catalog.build import components, contact, metadata, option
from destgraph.emulators.segment.catalog.verbatim import AMPLITUDE_OPTIONS, KINESIS_OPTIONS

AMPLITUDE_ID = "54521fd525e721e32a72ee91"
KINESIS_ID = "57da359580412f644ff33fb9"
BLUESHIFT_ID = "547610a5db31d978f14a5c4e"

AMPLITUDE = metadata(
    id=AMPLITUDE_ID,
    name="Amplitude",
    slug="amplitude",
    description=(
        "Amplitude is an event tracking and segmentation platform for your web and mobile apps. By analyzing the "
        "actions your users perform, you can gain a better understanding to drive retention, engagement, and "
        "conversion."
    ),
    website="http://amplitude.com",
    categories=["Analytics"],
    options=AMPLITUDE_OPTIONS,
    components_=components("amplitude", "BROWSER", "IOS", "ANDROID", "SERVER"),
    methods=(True, True, True, True, False),
    platforms=(True, True, True),
    browser_unbundling=True,
    contacts=[
        contact("Mike Ottavi-Brannon", "mike@amplitude.com", "Principle Product Manager", primary=True),
        contact("Kurt Norwood", "kurt@amplitude.com", "Software Engineer"),
    ],
    regions=("eu-west-1", "us-west-2"),
    endpoints=("US", "EU"),
    mark="https://cdn.filepicker.io/api/file/Nmj7LgOQR62rdAmlbnLO",
)

KINESIS = metadata(
    id=KINESIS_ID,
    name="Amazon Kinesis",
    slug="amazon-kinesis",
    description=(
        "Amazon Kinesis Streams enables you to build custom applications that process or analyze streaming data for "
        "specialized needs. Amazon Kinesis Streams can continuously capture and store terabytes of data per hour from "
        "hundreds of thousands of sources such as website clickstreams, financial transactions, social media feeds, "
        "IT logs, and location-tracking events."
    ),
    website="https://aws.amazon.com/kinesis/",
    categories=["Analytics", "Raw Data"],
    options=KINESIS_OPTIONS,
    components_=components("amazon-kinesis", "SERVER"),
    methods=(True, True, True, True, True),
    platforms=(True, True, True),
    replay=True,
)

BLUESHIFT = metadata(
    id=BLUESHIFT_ID,
    name="Blueshift",
    slug="blueshift",
    description=(
        "Blueshift's predictive marketing automates behavioral messaging on email, push notifications, display, "
        "Facebook and more"
    ),
    website="http://getblueshift.com/",
    categories=["SMS & Push Notifications", "Advertising", "Email Marketing"],
    options=[
        option(
            "apiKey",
            "string",
            "API Key",
            "Your API key can be found in Account Profile > API Keys",
            default="",
            required=True,
        ),
        option(
            "retarget",
            "boolean",
            "Retarget",
            "This will retarget page calls on the client-side",
            default=False,
            required=True,
        ),
    ],
    components_=components("blueshift", "BROWSER", "SERVER"),
    methods=(True, True, True, False, True),
    platforms=(True, True, True),
    mark="https://cdn.filepicker.io/api/file/Fqsz0q3QPujUyMACLPLr",
)

ADROLL = metadata(
    id="54521fd525e721e32a72ee8e",
    name="AdRoll",
    slug="adroll",
    description=(
        "AdRoll is a retargeting network that allows you to show ads to visitors who've landed on your site while "
        "browsing the web. "
    ),
    website="http://adroll.com",
    categories=["Advertising"],
    options=[
        option("_version", "number", "_version", default=2),
        option(
            "advId",
            "string",
            "Advertiser ID",
            "You can find your Advertiser ID in your AdRoll dashboard by clicking the **green or red dot** in the "
            "lower-left corner. It should be 22 characters long and look something like this: `WYJD6WNIAJC2XG6PT7UK4B`.",
            default="",
            required=True,
        ),
        option(
            "events",
            "text-map",
            "Events",
            "AdRoll allows you to create a Segment Name and ID for conversions events. Use this mapping to trigger the "
            "*AdRoll Segment ID* (on the right) when the Event Name (on the left) is passed in a Track method.",
            default={},
        ),
        option(
            "pixId",
            "string",
            "Pixel ID",
            "You can find your Pixel ID in your AdRoll dashboard by clicking the **green or red dot** in the "
            "lower-left corner. It should be 22 characters long, and look something like this: "
            "`6UUA5LKILFESVE44XH6SVX`.",
            default="",
            required=True,
        ),
    ],
    components_=components("adroll", "BROWSER"),
    methods=(True, True, True, False, False),
    platforms=(True, False, False),
    mark="https://cdn.filepicker.io/api/file/IKo2fU59RROBsNtj4lHs",
)

APPSFLYER = metadata(
    id="54521fd525e721e32a72ee8f",
    name="AppsFlyer",
    slug="appsflyer",
    description="Mobile app measurement and tracking.",
    website="http://www.appsflyer.com/",
    categories=["Attribution", "Deep Linking"],
    options=[
        option(
            "androidAppID",
            "string",
            "Android App ID",
            "Your Android App's ID. Find this in your AppsFlyer's 'My App' dashboard. It should look something like "
            "'com.appsflyer.myapp'.",
            default="",
            required=True,
        ),
        option(
            "appleAppID",
            "string",
            "Apple App ID (iOS)",
            "Your App's ID, which is accessible from iTunes or in AppsFlyer's 'My App' dashboard.",
            default="",
            required=True,
        ),
        option(
            "appsFlyerDevKey",
            "string",
            "AppsFlyer Dev Key",
            "Your unique developer ID from AppsFlyer, which is accessible from your AppsFlyer account.",
            default="",
            required=True,
        ),
        option(
            "canOmitAppsFlyerId",
            "boolean",
            "Can Omit AppsFlyerId",
            "*Only applicable for Appsflyer's Business Tiers customers using server-side or cloud mode destination.*",
            default=False,
        ),
        option(
            "fallbackToIdfv",
            "boolean",
            "Fallback to send IDFV when advertisingId key not present (Server-Side Only)",
            'Send the IDFV when the IDFA is zeroed out and "Can Omit AppsFlyerId" is enabled.',
            default=False,
        ),
    ],
    components_=components("appsflyer", "IOS", "ANDROID", "SERVER", owner="PARTNER"),
    methods=(True, True, True, True, True),
    platforms=(False, True, True),
    partner_owned=True,
    mark="https://cdn.filepicker.io/api/file/AnJUEBvxRouLLOvIeQuK",
)

GOOGLE_UNIVERSAL_ANALYTICS = metadata(
    id="54521fd725e721e32a72eebb",
    name="Google Universal Analytics",
    slug="google-analytics",
    description=(
        "Google Universal Analytics is the most popular analytics tool for the web. It’s free and provides a wide "
        "range of features. It’s especially good at measuring traffic sources and ad campaigns."
    ),
    website="http://google.com/analytics",
    categories=["Analytics"],
    status="DEPRECATED",
    options=[
        option(
            "anonymizeIp",
            "boolean",
            "Anonymize IP Addresses",
            "For client side libraries. Read more about anonymizing IP addresses from the Google support documentation.",
            default=False,
        ),
        option("classic", "boolean", "Use Classic Analytics on Your Site", default=False),
        option("contentGroupings", "map", "Content Groupings", default={}),
        option("dimensions", "map", "Custom Dimensions", default={}),
        option("domain", "string", "Cookie Domain Name", default=""),
        option("enhancedEcommerce", "boolean", "Enable Enhanced Ecommerce", default=False),
        option("ignoredReferrers", "array", "Ignored Referrers", default=[]),
        option("metrics", "map", "Custom Metrics", default={}),
        option("mobileTrackingId", "string", "Mobile Tracking ID", default=""),
        option("nonInteraction", "boolean", "Add the non-interaction flag to all events", default=False),
        option("sampleRate", "number", "Sample Rate", default=100),
        option("sendUserId", "boolean", "Send User-ID to GA", default=False),
        option("serversideTrackingId", "string", "Serverside Tracking ID", default=""),
        option("siteSpeedSampleRate", "number", "Site Speed Sample Rate", default=1),
        option("trackCategorizedPages", "boolean", "Track Categorized Pages", default=True),
        option("trackNamedPages", "boolean", "Track Named Pages", default=True),
        option(
            "trackingId",
            "string",
            "Website Tracking ID",
            "Your website's Tracking ID is in the **Tracking Info** tab on the Admin Page of Google Analytics.",
            default="",
            required=True,
        ),
    ],
    components_=components("google-analytics", "BROWSER", "IOS", "ANDROID", "SERVER"),
    methods=(True, True, True, False, False),
    platforms=(True, True, True),
    mark="https://cdn.filepicker.io/api/file/zebLRcY3RtOlynDXTgNk",
)

MIXPANEL = metadata(
    id="54521fd525e721e32a72ee9a",
    name="Mixpanel",
    slug="mixpanel",
    description=(
        "Mixpanel is an event tracking tool that lets you segment and analyze your users to see how they use your "
        "product."
    ),
    website="https://mixpanel.com",
    categories=["Analytics"],
    options=[
        option(
            "token",
            "string",
            "Token",
            "You can find your token under **Project Settings** in the Mixpanel UI.",
            default="",
            required=True,
        ),
        option(
            "apiSecret",
            "string",
            "API Secret",
            "Required for cloud-mode alias and for importing events older than five days.",
            default="",
        ),
        option("people", "boolean", "Use Mixpanel People", default=False),
        option("trackAllPages", "boolean", "Track All Pages to Mixpanel", default=False),
        option(
            "setAllTraitsByDefault", "boolean", "Set All Traits as Super Properties or People Properties", default=True
        ),
        option("superProperties", "array", "Properties to register as Super Properties", default=[]),
        option("eventIncrements", "array", "Events to increment in People", default=[]),
        option("crossSubdomainCookie", "boolean", "Cross Subdomain Cookie", default=True),
        option("enableEuropeanUnionEndpoint", "boolean", "Enable European Union Endpoint", default=False),
    ],
    components_=components("mixpanel", "BROWSER", "IOS", "ANDROID", "SERVER"),
    methods=(True, True, True, True, True),
    platforms=(True, True, True),
    browser_unbundling=True,
    regions=("us-west-2", "eu-west-1"),
    endpoints=("US", "EU"),
)

HUBSPOT = metadata(
    id="54521fd525e721e32a72eea9",
    name="HubSpot",
    slug="hubspot",
    description=(
        "HubSpot is an all-in-one marketing tool that helps attract new leads and convert them into paying "
        "customers, with landing page creation, email automation and lead scoring."
    ),
    website="http://www.hubspot.com",
    categories=["CRM", "Email Marketing"],
    options=[
        option(
            "portalId",
            "string",
            "Hub ID",
            "Your Hub ID, found in the top right corner of your HubSpot account.",
            default="",
            required=True,
        ),
        option(
            "apiKey",
            "string",
            "API Key",
            "Your HubSpot API key, needed for server-side calls. Treat it as a secret.",
            default="",
        ),
        option("loadFormsSDK", "boolean", "Load Forms SDK", default=False),
        option("enableEuropeanUnionEndpoint", "boolean", "Enable EU Endpoint", default=False),
    ],
    components_=components("hubspot", "BROWSER", "SERVER"),
    methods=(True, True, True, False, False),
    platforms=(True, False, True),
)

INTERCOM = metadata(
    id="54521fd625e721e32a72eeb0",
    name="Intercom",
    slug="intercom",
    description=(
        "Intercom is a customer relationship management and messaging tool for web app owners, with live chat, "
        "targeted messages and a help center."
    ),
    website="https://www.intercom.com",
    categories=["Customer Success", "Email Marketing"],
    options=[
        option("appId", "string", "App ID", "Your Intercom app ID.", default="", required=True),
        option(
            "apiKey",
            "string",
            "Access Token",
            "Your Intercom access token, from the Developer Hub. This value is also a secret.",
            default="",
        ),
        option("activator", "string", "Custom Inbox Button Selector", default="#IntercomDefaultWidget"),
        option("richLinkProperties", "array", "Rich Link Properties", default=[]),
        option("collectContext", "boolean", "Send Context with Track Calls", default=False),
    ],
    components_=components("intercom", "BROWSER", "IOS", "ANDROID", "SERVER"),
    methods=(True, True, True, True, False),
    platforms=(True, True, True),
    status="PUBLIC_BETA",
)

SLACK = metadata(
    id="5478a8ff7f9ae1cfb6fc5bb4",
    name="Slack",
    slug="slack",
    description="Slack is a team communication and collaboration tool. Post Segment events to Slack channels.",
    website="https://slack.com",
    categories=["Raw Data"],
    options=[
        option(
            "incomingWebhookUrl",
            "string",
            "Incoming Webhook URL",
            "The Slack Incoming Webhook URL to post messages to.",
            default="",
            required=True,
        ),
        option("channels", "text-map", "Event Channels", "Which channel each event posts to.", default={}),
        option("templates", "text-map", "Event Templates", "A Handlebars template per event.", default={}),
        option("username", "string", "Bot Username", default="Segment"),
        option("icon", "string", "Icon URL", default=""),
        option("whitelistedTraits", "array", "Whitelisted Traits", default=[]),
    ],
    components_=components("slack", "SERVER"),
    methods=(True, False, True, False, False),
    platforms=(True, True, True),
)

ITERABLE = metadata(
    id="55f1e9b91a3ae45e58e4d0fb",
    name="Iterable",
    slug="iterable",
    description=("Iterable is a growth-marketing platform for segmentation, triggered email, SMS and push campaigns."),
    website="https://iterable.com",
    categories=["Email Marketing", "SMS & Push Notifications"],
    options=[
        option("apiKey", "string", "API Key", "Your Iterable server-side API key.", default="", required=True),
        option("trackAllPages", "boolean", "Track All Pages", default=False),
        option("trackNamedPages", "boolean", "Track Named Pages", default=False),
        option("trackCategorizedPages", "boolean", "Track Categorized Pages", default=False),
        option("dataCenterLocation", "select", "Data Center Location", "US or EU.", default="US"),
    ],
    components_=components("iterable", "SERVER"),
    methods=(True, True, True, False, True),
    platforms=(True, True, True),
    partner_owned=True,
    contacts=[contact("Integrations Team", "integrations@iterable.com", "Partner Engineering", primary=True)],
)

CLASSIC: list[dict[str, Any]] = [
    AMPLITUDE,
    KINESIS,
    BLUESHIFT,
    ADROLL,
    APPSFLYER,
    GOOGLE_UNIVERSAL_ANALYTICS,
    MIXPANEL,
    HUBSPOT,
    INTERCOM,
    SLACK,
    ITERABLE,
]
