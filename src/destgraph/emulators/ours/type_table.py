"""The 89 readable destination types, in the published enum's order, with their settings descriptors.

The type ids are the published document's. Labels, capabilities and each type's descriptors are the
emulator's own plausible writing: the public document does not list them (see the package docstring).
"""

from __future__ import annotations

from destgraph.emulators.ours.descriptors import (
    HTTP_METHODS,
    US_EU,
    DestinationType,
    alert,
    aws,
    gcp,
    oauth,
    pixel,
    secret,
    select,
    switch,
    text,
)

_T = DestinationType

#: Every readable type, in the published enum's order.
TYPES: tuple[DestinationType, ...] = (
    _T(
        "AWSEventBridge",
        "Amazon EventBridge",
        aws(
            text(
                "eventBusArn", "Event bus ARN", "arn:aws:events:us-east-1:000000000000:event-bus/default", required=True
            )
        ),
        renamed_events=False,
    ),
    _T(
        "AWSKinesis",
        "Amazon Kinesis Data Streams",
        aws(
            text("streamName", "Stream name", "ours-events", required=True),
            text("partitionKey", "Partition key", "userId"),
        ),
        renamed_events=False,
    ),
    _T(
        "AWSLambda",
        "AWS Lambda",
        aws(
            text("functionName", "Function name", "ours-dispatch-handler", required=True),
            select(
                "invocationType",
                "Invocation type",
                [("Asynchronous", "Event"), ("Synchronous", "RequestResponse")],
                default="Event",
            ),
        ),
        renamed_events=False,
    ),
    _T(
        "AWSS3",
        "Amazon S3",
        aws(
            text("bucketName", "Bucket name", "my-ours-events", required=True),
            text("prefix", "Key prefix", "ours/events/"),
        ),
        renamed_events=False,
    ),
    _T(
        "AWSSNS",
        "Amazon SNS",
        aws(text("topicArn", "Topic ARN", "arn:aws:sns:us-east-1:000000000000:ours-events", required=True)),
        renamed_events=False,
    ),
    _T(
        "ActiveCampaignApi",
        "ActiveCampaign",
        (
            text("accountUrl", "API URL", "https://youraccount.api-us1.com", required=True),
            secret("apiKey", "API key", "Your ActiveCampaign API key"),
        ),
    ),
    _T(
        "Admitad",
        "Admitad",
        (
            text("campaignCode", "Campaign code", "a1b2c3d4e5", required=True),
            secret("postbackKey", "Postback key", "Your Admitad postback key"),
        ),
    ),
    _T(
        "AdobeAnalytics",
        "Adobe Analytics",
        (
            text("reportSuiteId", "Report suite ID", "mycompanyprod", required=True),
            text("trackingServer", "Tracking server", "mycompany.sc.omtrdc.net", required=True),
            switch("useSecureTracking", "Use HTTPS tracking server", default=True),
        ),
    ),
    _T(
        "AmazonDSP",
        "Amazon DSP",
        (
            oauth("amazonAccount", "Amazon Ads account", "Connect in the dashboard"),
            text("advertiserId", "Advertiser ID", "1234567890", required=True),
            text("conversionDefinitionId", "Conversion definition ID", "9876543210"),
        ),
        oauth=True,
        lists_accounts=True,
    ),
    _T(
        "Amplitude",
        "Amplitude",
        (
            secret("apiKey", "API key", "Your Amplitude project API key"),
            select("region", "Data residency", US_EU, default="US"),
            alert("httpApiNotice", "Events are sent through Amplitude's HTTP V2 API."),
        ),
    ),
    _T("AppLovin", "AppLovin Axon", (pixel(), secret("eventKey", "Event key", "Your AppLovin event key"))),
    _T("ArtsAI", "ArtsAI", (pixel(),)),
    _T(
        "Attentive",
        "Attentive",
        (
            secret("apiKey", "API key", "Your Attentive private API key"),
            alert("consentNotice", "Only subscribers who consented to SMS in Attentive receive messages."),
        ),
    ),
    _T(
        "Audiohook",
        "Audiohook",
        (
            text("advertiserId", "Advertiser ID", "ah_12345"),
            alert(
                "enablementNotice", "Ask your Audiohook contact to enable server-side conversions for your advertiser."
            ),
        ),
    ),
    _T(
        "AzureBlob",
        "Azure Blob Storage",
        (
            text("storageAccountName", "Storage account name", "mystorageaccount", required=True),
            text("containerName", "Container name", "ours-events", required=True),
            secret("sasToken", "SAS token", "sv=2022-11-02&ss=b..."),
        ),
        renamed_events=False,
    ),
    _T(
        "BasisPostback",
        "Basis Postback",
        (text("postbackUrl", "Postback URL", "https://postback.basis.net/conversion", required=True),),
    ),
    _T(
        "BeeswaxPostback",
        "Beeswax Postback",
        (
            text("postbackUrl", "Postback URL", "https://px.beeswax.com/conversion", required=True),
            text("segmentKey", "Segment key", "buzz-12345"),
        ),
    ),
    _T(
        "BingAds",
        "Microsoft Advertising (Offline Conversions)",
        (
            oauth("microsoftAccount", "Microsoft Advertising account", "Connect in the dashboard"),
            text("customerId", "Customer ID", "123456789", required=True),
            text("accountId", "Account ID", "987654321", required=True),
            text("conversionGoalName", "Offline conversion goal name", "Purchase", required=True),
        ),
        oauth=True,
        lists_accounts=True,
    ),
    _T(
        "BingAdsWeb",
        "Microsoft Advertising UET (Web)",
        (
            text("tagId", "UET tag ID", "12345678", required=True),
            secret("accessToken", "Conversions API token", "Your UET CAPI token"),
        ),
    ),
    _T(
        "Braze",
        "Braze",
        (
            secret("apiKey", "REST API key", "Your Braze REST API key"),
            select(
                "restEndpoint",
                "REST endpoint",
                [(f"US-0{n}", f"https://rest.iad-0{n}.braze.com") for n in (1, 2, 3, 5)]
                + [("EU-01", "https://rest.fra-01.braze.eu")],
                required=True,
            ),
            text("appId", "App identifier", "00000000-0000-0000-0000-000000000000"),
        ),
    ),
    _T(
        "ConvertABTestingEvent",
        "Convert Experiences",
        (
            text("accountId", "Account ID", "10012345", required=True),
            text("projectId", "Project ID", "10067890", required=True),
        ),
    ),
    _T(
        "Customerio",
        "Customer.io",
        (
            text("siteId", "Site ID", "a1b2c3d4e5f6a7b8c9d0", required=True),
            secret("apiKey", "Tracking API key", "Your Customer.io tracking API key"),
            select("region", "Account region", US_EU, default="US"),
        ),
    ),
    _T(
        "DatabricksWarehouse",
        "Databricks",
        (
            text("serverHostname", "Server hostname", "dbc-a1b2c3d4-e5f6.cloud.databricks.com", required=True),
            text("httpPath", "HTTP path", "/sql/1.0/warehouses/a1b2c3d4e5f6", required=True),
            secret("accessToken", "Personal access token", "dapi..."),
            text("catalog", "Catalog", "main"),
        ),
        renamed_events=False,
    ),
    _T(
        "DomoWarehouse",
        "Domo",
        (
            text("clientId", "Client ID", "00000000-0000-0000-0000-000000000000", required=True),
            secret("clientSecret", "Client secret", "Your Domo client secret"),
            text("datasetId", "Dataset ID", "00000000-0000-0000-0000-000000000000"),
        ),
        renamed_events=False,
    ),
    _T(
        "Everflow",
        "Everflow",
        (
            text("trackingDomain", "Tracking domain", "www.example-tracking.com", required=True),
            text("advertiserId", "Advertiser ID", "12", required=True),
            secret("apiKey", "Network API key", "Your Everflow API key", required=False),
        ),
    ),
    _T(
        "Facebook",
        "Meta Conversions API",
        (
            pixel("Pixel ID", "123456789012345"),
            secret("accessToken", "Conversions API access token", "EAAB..."),
            text(
                "testEventCode",
                "Test event code",
                "TEST12345",
                sublabel="Only for testing in Events Manager; remove it in production.",
            ),
            switch("limitedDataUse", "Limited Data Use", default=False),
            alert("dedupeNotice", "Browser and server events are deduplicated through event_id."),
        ),
    ),
    _T(
        "FacebookAudience",
        "Meta Custom Audiences",
        (
            oauth("facebookAccount", "Meta business account", "Connect in the dashboard"),
            text("adAccountId", "Ad account ID", "act_1234567890", required=True),
        ),
        oauth=True,
        lists_accounts=True,
        renamed_events=False,
    ),
    _T(
        "FloodlightSGTM",
        "Google Floodlight (Server GTM)",
        (
            text("advertiserId", "Advertiser ID", "1234567", required=True),
            text("activityGroupTag", "Activity group tag", "conv0", required=True),
            text("activityTag", "Activity tag", "purch0", required=True),
        ),
    ),
    _T("FullContact", "FullContact", (secret("apiKey", "API key", "Your FullContact API key"),), renamed_events=False),
    _T(
        "G4Analytics",
        "Google Analytics 4 (legacy)",
        (
            text("measurementId", "Measurement ID", "G-XXXXXXXXXX", required=True),
            secret("apiSecret", "Measurement Protocol API secret", "Your GA4 API secret"),
            alert("deprecationNotice", "Deprecated: use Google Analytics 4 Measurement Protocol."),
        ),
        status="deprecated",
    ),
    _T(
        "GA4MeasurementProtocol",
        "Google Analytics 4 Measurement Protocol",
        (
            text("measurementId", "Measurement ID", "G-XXXXXXXXXX", required=True),
            secret("apiSecret", "Measurement Protocol API secret", "Your GA4 API secret"),
            switch("debugMode", "Send to the validation server", default=False),
            alert("realtimeNotice", "Events can take a few minutes to appear in GA4 reports."),
        ),
    ),
    _T(
        "GA4ServerProxy",
        "Google Analytics 4 (Server Proxy)",
        (
            text("measurementId", "Measurement ID", "G-XXXXXXXXXX", required=True),
            text("serverContainerUrl", "Server container URL", "https://sgtm.example.com", required=True),
        ),
    ),
    _T(
        "Google",
        "Google Ads",
        (
            oauth("googleAccount", "Google Ads account", "Connect in the dashboard"),
            text("customerId", "Customer ID", "123-456-7890", required=True),
            text("conversionActionId", "Conversion action ID", "987654321", required=True),
            text("loginCustomerId", "Manager (login) customer ID", "111-222-3333"),
            alert("gclidNotice", "Conversions need a gclid, gbraid or wbraid captured by the Ours Privacy tag."),
        ),
        oauth=True,
        lists_accounts=True,
    ),
    _T(
        "GoogleAds360",
        "Google Search Ads 360",
        (
            oauth("googleAccount", "Google account", "Connect in the dashboard"),
            text("agencyId", "Agency ID", "20700000000000000", required=True),
            text("advertiserId", "Advertiser ID", "21700000000000000", required=True),
            text("floodlightActivityId", "Floodlight activity ID", "12345678", required=True),
        ),
        oauth=True,
        lists_accounts=True,
    ),
    _T(
        "GoogleAdsServerContainer",
        "Google Ads (Server Container)",
        (
            text("conversionId", "Conversion ID", "AW-123456789", required=True),
            text("conversionLabel", "Conversion label", "AbCdEfGhIjKlMnOp", required=True),
            text("serverContainerUrl", "Server container URL", "https://sgtm.example.com", required=True),
        ),
    ),
    _T(
        "GoogleAudience",
        "Google Customer Match",
        (
            oauth("googleAccount", "Google Ads account", "Connect in the dashboard"),
            text("customerId", "Customer ID", "123-456-7890", required=True),
        ),
        oauth=True,
        lists_accounts=True,
        renamed_events=False,
    ),
    _T(
        "GoogleBigQuery",
        "Google BigQuery",
        gcp(text("datasetId", "Dataset ID", "ours_events", required=True)),
        renamed_events=False,
    ),
    _T(
        "GoogleBigQueryWarehouse",
        "Google BigQuery (Warehouse)",
        gcp(
            text("datasetId", "Dataset ID", "ours_warehouse", required=True),
            select(
                "location", "Dataset location", [("US (multi-region)", "US"), ("EU (multi-region)", "EU")], default="US"
            ),
        ),
        renamed_events=False,
    ),
    _T(
        "GoogleDataManagerEventIngest",
        "Google Data Manager",
        (
            oauth("googleAccount", "Google account", "Connect in the dashboard"),
            text("destinationAccountId", "Destination account ID", "1234567890", required=True),
            select(
                "eventSource",
                "Event source",
                [("Web", "WEB"), ("App", "APP"), ("In store", "IN_STORE"), ("Phone", "PHONE")],
                default="WEB",
            ),
        ),
        oauth=True,
        lists_accounts=True,
    ),
    _T(
        "GooglePubSub",
        "Google Cloud Pub/Sub",
        gcp(text("topicName", "Topic name", "ours-events", required=True)),
        renamed_events=False,
    ),
    _T(
        "GoogleStorage",
        "Google Cloud Storage",
        gcp(
            text("bucketName", "Bucket name", "my-ours-events", required=True),
            text("pathPrefix", "Path prefix", "ours/events/"),
        ),
        renamed_events=False,
    ),
    _T(
        "HTTPCustomRequest",
        "Custom HTTP Request",
        (
            text("url", "Request URL", "https://api.example.com/events", required=True),
            select("method", "HTTP method", HTTP_METHODS, default="POST", required=True),
            secret("authorizationHeader", "Authorization header value", "Bearer ...", required=False),
            text("bodyTemplate", "Body template", '{"event": "{{event}}"}'),
        ),
        renamed_events=False,
    ),
    _T(
        "HTTPDestination",
        "HTTP Destination (Webhook)",
        (
            text("url", "Endpoint URL", "https://hooks.example.com/ours", required=True),
            secret("authorizationHeader", "Authorization header value", "Bearer ...", required=False),
            text("customHeaderName", "Custom header name", "X-Api-Key"),
            secret("customHeaderValue", "Custom header value", "Header value", required=False),
            switch("batchEvents", "Send events in batches", default=False),
        ),
        renamed_events=False,
    ),
    _T(
        "Hubspot",
        "HubSpot",
        (
            oauth("hubspotAccount", "HubSpot portal", "Connect in the dashboard"),
            switch("createContacts", "Create contacts for unknown visitors", default=True),
            alert("scopesNotice", "The connected HubSpot user needs the crm.objects.contacts.write scope."),
        ),
        oauth=True,
        renamed_events=False,
    ),
    _T("IHeartMediaMagellan", "iHeartMedia Magellan", (pixel(),)),
    _T(
        "Impact",
        "Impact",
        (
            text("accountSid", "Account SID", "IRAbCdEfGhIjKl1234567", required=True),
            secret("authToken", "Auth token", "Your Impact auth token"),
            text("campaignId", "Program (campaign) ID", "12345", required=True),
        ),
    ),
    _T(
        "Iterable",
        "Iterable",
        (
            secret("apiKey", "Server-side API key", "Your Iterable API key"),
            select("dataCenter", "Data center", US_EU, default="US"),
        ),
    ),
    _T(
        "Klaviyo",
        "Klaviyo",
        (
            secret(
                "projectAPIKey",
                "Private API key",
                "pk_...",
                sublabel="A private key with full access to Events and Profiles.",
            ),
            text("listId", "List ID", "AbC123"),
            alert("profileNotice", "Profiles are created or updated from each event's user properties."),
        ),
    ),
    _T(
        "LinkedInAdsCAPI",
        "LinkedIn Conversions API",
        (
            oauth("linkedinAccount", "LinkedIn account", "Connect in the dashboard"),
            text("adAccountId", "Ad account ID", "512345678", required=True),
            text("conversionRuleId", "Conversion rule ID", "12345678", required=True),
        ),
        oauth=True,
        lists_accounts=True,
    ),
    _T("LiveIntent", "LiveIntent", (text("appId", "App ID", "a-00ab", required=True),)),
    _T(
        "LiveRampWarehouse",
        "LiveRamp",
        (
            text("sftpUsername", "SFTP username", "ours-upload", required=True),
            secret("sftpPassword", "SFTP password", "Your LiveRamp SFTP password"),
            text("audienceKey", "Audience key", "ours_audience"),
        ),
        renamed_events=False,
    ),
    _T("MNTN", "MNTN", (text("advertiserId", "Advertiser ID", "12345", required=True),)),
    _T(
        "MNTNAudience",
        "MNTN Audiences",
        (
            text("advertiserId", "Advertiser ID", "12345", required=True),
            secret("apiKey", "API key", "Your MNTN API key"),
        ),
        renamed_events=False,
    ),
    _T(
        "Mailchimp",
        "Mailchimp",
        (
            oauth("mailchimpAccount", "Mailchimp account", "Connect in the dashboard"),
            text("audienceId", "Audience ID", "a1b2c3d4e5", required=True),
            switch("doubleOptIn", "Require double opt-in", default=False),
        ),
        oauth=True,
        renamed_events=False,
    ),
    _T(
        "Mixpanel",
        "Mixpanel",
        (
            text("projectToken", "Project token", "0123456789abcdef0123456789abcdef", required=True),
            secret("apiSecret", "API secret", "Needed to import events older than five days", required=False),
            select(
                "region",
                "Data residency",
                [("United States", "US"), ("European Union", "EU"), ("India", "IN")],
                default="US",
            ),
        ),
    ),
    _T(
        "NextdoorAds",
        "Nextdoor Ads",
        (
            text("advertiserId", "Advertiser ID", "1234567890", required=True),
            secret("accessToken", "Conversions API token", "Your Nextdoor access token"),
        ),
    ),
    _T(
        "OpenAIAds",
        "OpenAI Ads",
        (
            text("advertiserId", "Advertiser ID", "adv_12345", required=True),
            secret("apiKey", "Conversions API key", "Your OpenAI Ads API key"),
        ),
    ),
    _T(
        "OursSyntheticData",
        "Ours Synthetic Data",
        (
            select("eventsPerMinute", "Events per minute", [("1", "1"), ("10", "10"), ("60", "60")], default="10"),
            alert("syntheticNotice", "Generates synthetic events for testing; no data leaves Ours Privacy."),
        ),
        renamed_events=False,
    ),
    _T(
        "Outbrain",
        "Outbrain",
        (
            text("marketerId", "Marketer ID", "00a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", required=True),
            text("conversionName", "Conversion name", "Purchase", required=True),
        ),
    ),
    _T("Partnerize", "Partnerize", (text("campaignId", "Campaign ID", "1011l123", required=True),)),
    _T(
        "Pinterest",
        "Pinterest Conversions API",
        (
            text("adAccountId", "Ad account ID", "549755885175", required=True),
            secret("conversionToken", "Conversion access token", "pina_..."),
            switch("testMode", "Test mode", default=False),
        ),
    ),
    _T(
        "Plausible",
        "Plausible Analytics",
        (
            text("domain", "Site domain", "example.com", required=True),
            text("apiHost", "API host", "https://plausible.io"),
        ),
    ),
    _T("Podscribe", "Podscribe", (text("advertiserId", "Advertiser ID", "example-brand", required=True),)),
    _T(
        "PostHog",
        "PostHog",
        (secret("projectApiKey", "Project API key", "phc_..."), text("host", "API host", "https://us.i.posthog.com")),
    ),
    _T(
        "QuantcastCAPI",
        "Quantcast Conversions API",
        (
            text("accountId", "Account ID", "p-AbCdEfGhIjKlM", required=True),
            secret("apiKey", "API key", "Your Quantcast API key"),
        ),
    ),
    _T(
        "QuoraAds",
        "Quora Ads",
        (
            text("accountId", "Ad account ID", "1234567890", required=True),
            secret("accessToken", "Conversion API token", "Your Quora access token"),
        ),
    ),
    _T(
        "Reddit",
        "Reddit Conversions API",
        (
            text("adAccountId", "Ad account ID", "t2_abc123", required=True),
            secret("conversionAccessToken", "Conversion access token", "Your Reddit conversion token"),
            switch("testMode", "Test mode", default=False),
        ),
    ),
    _T(
        "Rokt",
        "Rokt",
        (
            text("accountId", "Account ID", "1234567890123456789", required=True),
            secret("apiKey", "App key", "Your Rokt app key"),
            secret("apiSecret", "App secret", "Your Rokt app secret"),
        ),
    ),
    _T(
        "RokuCAPI",
        "Roku Conversions API",
        (
            text("advertiserId", "Advertiser ID", "roku-12345", required=True),
            secret("apiKey", "API key", "Your Roku API key"),
        ),
    ),
    _T(
        "SnapchatAdsCapi",
        "Snapchat Conversions API",
        (
            pixel("Pixel ID", "00000000-0000-0000-0000-000000000000"),
            secret("accessToken", "Conversions API token", "Your Snap access token"),
        ),
    ),
    _T(
        "Spotify",
        "Spotify Ads",
        (
            pixel("Pixel ID", "ab12cd34"),
            secret("accessToken", "Conversions API token", "Your Spotify Ads token", required=False),
        ),
    ),
    _T(
        "StackAdaptAPI",
        "StackAdapt",
        (pixel("Universal pixel ID", "AbCdEfGhIjKlMnOp"), secret("apiKey", "API key", "Your StackAdapt API key")),
    ),
    _T(
        "Taboola",
        "Taboola",
        (
            text("accountId", "Account ID", "1234567", required=True),
            text("clientId", "Client ID", "a1b2c3d4e5f6", required=True),
            secret("clientSecret", "Client secret", "Your Taboola client secret"),
        ),
    ),
    _T(
        "Tatari",
        "Tatari (pixel)",
        (
            text("tatariToken", "Tatari token", "ABC-123", required=True),
            alert("deprecationNotice", "Deprecated: use Tatari Conversions API."),
        ),
        status="deprecated",
    ),
    _T("TatariCAPI", "Tatari Conversions API", (secret("token", "API token", "Your Tatari API token"),)),
    _T(
        "TheTradeDesk",
        "The Trade Desk",
        (
            text("advertiserId", "Advertiser ID", "abc1234", required=True),
            text("trackingTagId", "Tracking tag ID", "xyz5678", required=True),
            secret("apiToken", "Conversion API token", "Your TTD token", required=False),
        ),
    ),
    _T(
        "TikTok",
        "TikTok Events API",
        (
            text("pixelCode", "Pixel code", "CABCDEFGHIJKLMNOPQRS", required=True),
            secret("accessToken", "Events API access token", "Your TikTok access token"),
            text("testEventCode", "Test event code", "TEST12345"),
        ),
    ),
    _T("UniversalAds", "Universal Ads", (pixel(),)),
    _T("VWO", "VWO", (text("accountId", "Account ID", "123456", required=True),)),
    _T(
        "Viant",
        "Viant (pixel)",
        (
            text("advertiserId", "Advertiser ID", "12345", required=True),
            alert("deprecationNotice", "Deprecated: use Viant Conversions API."),
        ),
        status="deprecated",
    ),
    _T(
        "ViantCAPI",
        "Viant Conversions API",
        (
            text("advertiserId", "Advertiser ID", "12345", required=True),
            secret("apiKey", "API key", "Your Viant API key"),
        ),
    ),
    _T(
        "Vibe",
        "Vibe",
        (
            text("advertiserId", "Advertiser ID", "vibe-12345", required=True),
            secret("apiKey", "API key", "Your Vibe API key"),
        ),
    ),
    _T(
        "VibeAudience",
        "Vibe Audiences",
        (
            text("advertiserId", "Advertiser ID", "vibe-12345", required=True),
            secret("apiKey", "API key", "Your Vibe API key"),
        ),
        renamed_events=False,
    ),
    _T("Woopra", "Woopra", (text("projectDomain", "Project domain", "example.com", required=True),)),
    _T(
        "XAds",
        "X Conversions API",
        (
            oauth("xAccount", "X Ads account", "Connect in the dashboard"),
            pixel("Pixel ID", "o1234"),
            text("eventId", "Event ID", "tw-o1234-o5678", required=True),
        ),
        oauth=True,
        lists_accounts=True,
    ),
    _T(
        "YelpCAPI",
        "Yelp Conversions API",
        (
            text("advertiserId", "Advertiser ID", "AbCdEfGhIjKl", required=True),
            secret("apiKey", "API key", "Your Yelp API key"),
        ),
    ),
    _T(
        "Zendesk",
        "Zendesk",
        (
            oauth("zendeskAccount", "Zendesk account", "Connect in the dashboard"),
            text("subdomain", "Subdomain", "yourcompany", required=True),
        ),
        oauth=True,
        renamed_events=False,
    ),
    _T(
        "ZohoCRM",
        "Zoho CRM",
        (
            oauth("zohoAccount", "Zoho account", "Connect in the dashboard"),
            select(
                "dataCenter",
                "Data center",
                [("United States", "com"), ("Europe", "eu"), ("India", "in"), ("Australia", "com.au")],
                default="com",
            ),
        ),
        oauth=True,
        renamed_events=False,
    ),
    _T(
        "ZoomInfo",
        "ZoomInfo",
        (
            text("clientId", "Client ID", "your-client-id", required=True),
            secret("privateKey", "Private key", "Paste the PEM private key"),
        ),
        renamed_events=False,
    ),
)
