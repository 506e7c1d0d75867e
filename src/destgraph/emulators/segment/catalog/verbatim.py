"""Amplitude and Amazon Kinesis options, verbatim from the seed's samples (Create Destination, List Destinations).

The Amplitude options are the 37 the seed's create sample returns (with their defaults, which is why a new
Amplitude destination answers with about 40 settings); Kinesis carries the read-only ``secretId``.
"""

from __future__ import annotations

from typing import Any

AMPLITUDE_OPTIONS: list[dict[str, Any]] = [
    {
        "name": "apiKey",
        "type": "string",
        "defaultValue": "",
        "description": "You can find your API Key on your Amplitude [Settings page](https://amplitude.com/settings).",
        "required": True,
        "label": "API Key",
    },
    {
        "name": "appendFieldsToEventProps",
        "type": "text-map",
        "defaultValue": {},
        "description": "Web Device-mode only. Configure event fields to be appended to `event_props` for all track "
        "calls. For example, entering `context.page.title` on the left and `pageTitle` on the right will "
        "set the value of `context.page.title` at `event_properties.pageTitle`.",
        "required": False,
        "label": "Append Fields To Event Properties",
    },
    {
        "name": "batchEvents",
        "type": "boolean",
        "defaultValue": False,
        "description": "If true, events are batched together and uploaded only when the number of unsent events is "
        "greater than or equal to `eventUploadThreshold` or after `eventUploadPeriodMillis` milliseconds "
        "have passed since the first unsent event was logged.",
        "required": False,
        "label": "Batch Events",
    },
    {
        "name": "deviceIdFromUrlParam",
        "type": "boolean",
        "defaultValue": False,
        "description": "If true, the SDK will parse device ID values from url parameter `amp_device_id` if available.",
        "required": False,
        "label": "Set Device ID From URL Parameter amp_device_id",
    },
    {
        "name": "enableLocationListening",
        "type": "boolean",
        "defaultValue": True,
        "description": "Mobile Only. If a user has granted your app location permissions, enable this setting so that "
        "the SDK will also grab the location of the user. Amplitude will never prompt the user for "
        "location permission, so this must be done by your app. ",
        "required": False,
        "label": "Enable Location Listening",
    },
    {
        "name": "endpoint",
        "type": "select",
        "defaultValue": "",
        "description": "Cloud-mode Only (will not work in device-mode). Choose the endpoint corresponding to your "
        "region.",
        "required": False,
        "label": "Endpoint",
    },
    {
        "name": "eventUploadPeriodMillis",
        "type": "number",
        "defaultValue": 30000,
        "description": "Amount of time in milliseconds that the SDK waits before uploading events if `batchEvents` is "
        "`true`.",
        "required": False,
        "label": "Event Upload Period Millis (for batching events)",
    },
    {
        "name": "eventUploadThreshold",
        "type": "number",
        "defaultValue": 30,
        "description": "Minimum number of events to batch together per request if `batchEvents` is `true`.",
        "required": False,
        "label": "Event Upload Threshold (for batching events)",
    },
    {
        "name": "forceHttps",
        "type": "boolean",
        "defaultValue": False,
        "description": "If true, the events will always be uploaded to HTTPS endpoint. Otherwise the SDK will use the "
        "embedding site's protocol.",
        "required": False,
        "label": "Force Https",
    },
    {
        "name": "groupTypeTrait",
        "type": "string",
        "defaultValue": "",
        "description": 'What trait Segment should use as your Amplitude "group type" in group calls. If, for example, '
        'you set this to be `industry`, then `traits["industry"]` will be sent as `groupType` to '
        "Amplitude.",
        "required": False,
        "label": "Group Type Trait",
    },
    {
        "name": "groupValueTrait",
        "type": "string",
        "defaultValue": "",
        "description": 'What trait Segment should use as your Amplitude "group value" in group calls. If, for example, '
        'you set this to be `plan`, then `traits["plan"]` will be sent as `groupValue` to Amplitude.',
        "required": False,
        "label": "Group Value Trait",
    },
    {
        "name": "mapQueryParams",
        "type": "map",
        "defaultValue": {},
        "description": "When sending data via server side or Cloud Mode, you can send the custom query params that are "
        "automatically collected by `analytics.js` (or whatever you manually send under "
        "`context.page.search`), by entering a custom property name you would like to map that under on "
        "the left hand side. On the right hand side, please choose whether you want the query params to "
        "be set on the user profile or event metadata level. Whatever you put on the left hand side we "
        "will map the entire query parameters string from the `context.page.search`.",
        "required": False,
        "label": "Map Query Params to Custom Property",
    },
    {
        "name": "preferAnonymousIdForDeviceId",
        "type": "boolean",
        "defaultValue": False,
        "description": "By default, Segment will use `context.device.id` as the Amplitude `device_id`, using "
        "`anonymousId` if `context.device.id` isn't present.\n"
        "\n"
        "Enable this setting to flip this behavior; `anonymousId` will be used as the `device_id`, "
        "falling back to `context.device.id` if it isn't present.\n"
        "\n"
        "In browsers, enabling this setting means the user's anonymous ID, which you can set using "
        "`analytics.user().anonymousId('ID_GOES_HERE')`, will be set as the Amplitude device ID. "
        "Otherwise, Amplitude's default logic for determining device IDs will be used.",
        "required": False,
        "label": "Prefer Anonymous ID for Device ID",
    },
    {
        "name": "saveParamsReferrerOncePerSession",
        "type": "boolean",
        "defaultValue": True,
        "description": "If true then includeGclid, includeReferrer, and includeUtm will only track their respective "
        "properties once per session. New values that come in during the middle of the user's session "
        "will be ignored. Set to false to always capture new values.",
        "required": False,
        "label": "Save Referrer, URL Params, GCLID Once Per Session",
    },
    {
        "name": "secretKey",
        "type": "string",
        "defaultValue": "",
        "description": "Your Amplitude Secret Key (Only needed for user deletion)",
        "required": False,
        "label": "Secret Key",
    },
    {
        "name": "sendAlias",
        "type": "boolean",
        "defaultValue": False,
        "description": "Server-Side Only. Enabling this setting allows your Amplitude destination instance to send "
        "`alias` events to Amplitude's `usermap` endpoint. By default, Segment's Amplitude integration "
        "does not support `alias`, so when this setting is disabled, your Segment Amplitude destination "
        "will reject `alias` events as unsupported.",
        "required": False,
        "label": "Enable Alias",
    },
    {
        "name": "sendToBatchEndpoint",
        "type": "boolean",
        "defaultValue": False,
        "description": "Server-Side Only. If true, events are sent to Amplitude's `batch` endpoint rather than to their "
        "`httpapi` endpoint. Because Amplitude's `batch` endpoint throttles traffic less restrictively "
        "than the Amplitude `httpapi` endpoint, enabling this setting may help to reduce 429s - or "
        "throttling errors - from Amplitude. Amplitude's `batch` endpoint throttles data only when the "
        "rate of events sharing the same `user_id` or `device_id` exceeds an average of 1,000/second "
        "over a 30-second period. More information about Amplitude's throttling is available here in "
        "their docs: https://developers.amplitude.com/#429s-in-depth.",
        "required": False,
        "label": "Send To Batch Endpoint",
    },
    {
        "name": "trackAllPages",
        "type": "boolean",
        "defaultValue": False,
        "description": "This will track **Loaded a Page** events to Amplitude for all [`page` "
        "method](https://segment.com/docs/connections/sources/catalog/libraries/website/javascript/#page) "
        "calls. We keep this disabled by default, since Amplitude isn't generally used for pageview "
        "tracking.",
        "required": False,
        "label": "Track All Pages to Amplitude",
    },
    {
        "name": "trackAllPagesV2",
        "type": "boolean",
        "defaultValue": False,
        "description": 'Mobile only. Sends a "Loaded Screen" event and the screen name as a property to Amplitude. '
        "Moving forward, this is the preferred method of tracking screen events in Amplitude.",
        "required": False,
        "label": "Track All Screens",
    },
    {
        "name": "trackCategorizedPages",
        "type": "boolean",
        "defaultValue": True,
        "description": "This will track events to Amplitude for [`page` "
        "method](https://segment.com/docs/connections/sources/catalog/libraries/website/javascript/#page) "
        "calls that have a `category` associated with them. For example `page('Docs', 'Index')` would "
        "translate to **Viewed Docs Page**.",
        "required": False,
        "label": "Track Categorized Pages to Amplitude",
    },
    {
        "name": "trackGclid",
        "type": "boolean",
        "defaultValue": False,
        "description": "If true, captures the gclid url parameter as well as the user's initial_gclid via a set once "
        "operation.",
        "required": False,
        "label": "Track GCLID",
    },
    {
        "name": "trackNamedPages",
        "type": "boolean",
        "defaultValue": True,
        "description": "This will track events to Amplitude for [`page` "
        "method](https://segment.com/docs/connections/sources/catalog/libraries/website/javascript/#page) "
        "calls that have a `name` associated with them. For example `page('Signup')` would translate to "
        "**Viewed Signup Page**. Remember that `name` includes `category`, so `page('Conversion', "
        "'Signup')` would translate to a **Viewed Conversion Signup Page** event in Amplitude.",
        "required": False,
        "label": "Track Named Pages to Amplitude",
    },
    {
        "name": "trackProductsOnce",
        "type": "boolean",
        "defaultValue": False,
        "description": '*Beta feature* Amplitude recently added support to submit an array of products on "Order '
        'Completed" events. If this setting is set to true, we will send all the products in one single '
        "event to Amplitude.",
        "required": False,
        "label": "Track products once",
    },
    {
        "name": "trackReferrer",
        "type": "boolean",
        "defaultValue": True,
        "description": "Client Side Only - Enabling this will send referrer information as a user property to Amplitude "
        "when you call Segment's `page` method. ",
        "required": False,
        "label": "Track Referrer to Amplitude",
    },
    {
        "name": "trackRevenuePerProduct",
        "type": "boolean",
        "defaultValue": False,
        "description": "Client and server only. This setting allows you to specify whether you would like to track an "
        "Amplitude Revenue event per individual product in a user transaction or a single Revenue event "
        "for the combined revenue of all products. This setting is only relevant if you are using our "
        "eCommerce spec and passing us an Order Completed event with a list of products.",
        "required": False,
        "label": "Track Revenue Per Product",
    },
    {
        "name": "trackSessionEvents",
        "type": "boolean",
        "defaultValue": False,
        "description": "(Optional) This enables the sending of start and end session events for mobile products. "
        "Amplitude's libraries track sessions automatically and this option is not necessary for session "
        "tracking. ",
        "required": False,
        "label": "Track Session Events to Amplitude",
    },
    {
        "name": "trackUtmProperties",
        "type": "boolean",
        "defaultValue": True,
        "description": "If Amplitude is connected in device-mode this will send the UTM properties found in the "
        "querystring. If Amplitude is connected in cloud-mode this will send the UTM properties found in "
        "the `context.campaign` object. (Note: The Analytics.js library [automatically "
        "collects](https://segment.com/docs/connections/spec/common/#context-fields-automatically-collected) "
        "the `context.campaign` object)",
        "required": False,
        "label": "Track UTM Properties to Amplitude.",
    },
    {
        "name": "traitsToAppend",
        "type": "array",
        "defaultValue": [],
        "description": "Server-Side and Mobile Only. Configure values to be appended to the user property array via "
        "identify.traits. ",
        "required": False,
        "label": "Traits to Append",
    },
    {
        "name": "traitsToIncrement",
        "type": "array",
        "defaultValue": [],
        "description": "Configure `trait` to increment on identify. If the trait is present, it will increment the "
        "trait given the numerical value passed in when you call `identify` with the trait.",
        "required": False,
        "label": "Traits To Increment",
    },
    {
        "name": "traitsToPrepend",
        "type": "array",
        "defaultValue": [],
        "description": "Server-Side and Mobile Only. Configure values to be prepended to the user property array via "
        "identify.traits. ",
        "required": False,
        "label": "Traits to Prepend",
    },
    {
        "name": "traitsToSetOnce",
        "type": "array",
        "defaultValue": [],
        "description": "Server-Side and Mobile Only. Configure values to be set only once via identify.traits. ",
        "required": False,
        "label": "Traits to Set Once",
    },
    {
        "name": "unsetParamsReferrerOnNewSession",
        "type": "boolean",
        "defaultValue": False,
        "description": "If false, the existing referrer and `utm_parameter` values will be carried through each new "
        "session. If set to true, the referrer and `utm_parameter` user properties, which include "
        "`referrer`, `utm_source`, `utm_medium`, `utm_campaign`, `utm_term`, and `utm_content`, will be "
        "set to null upon instantiating a new session. **Note**: This only works if Track Referrer or "
        "Track UTM Properties to Amplitude are set to true.",
        "required": False,
        "label": "Unset Params Referrer On New Session",
    },
    {
        "name": "useAdvertisingIdForDeviceId",
        "type": "boolean",
        "defaultValue": False,
        "description": "Mobile Only (will *not* work in cloud-mode). Allows users to use advertisingIdentifier instead "
        "of identifierForVendor as the Device ID.",
        "required": False,
        "label": "Use AdvertisingId for DeviceId",
    },
    {
        "name": "useAmplitudeReferral",
        "type": "boolean",
        "defaultValue": False,
        "description": 'Let Amplitude handle referral tracking behavior. If the "Save Referrer, URL Params, GLCID Once '
        "Per Session\" setting isn't giving the desired behavior, this setting will fix it. Note: This "
        'setting may cause Amplitude to not fully respect the "Prefer Anonymous ID for Device ID" '
        "setting (Amplitude may set the device ID upon initialization before it gets set to the proper "
        "Anonymous ID) if using Analytics.js 1.0. Consider [updating to Analytics.js 2.0] "
        "(https://segment.com/docs/connections/sources/catalog/libraries/website/javascript/upgrade-to-ajs2/) ",
        "required": False,
        "label": "Use Amplitude Referral",
    },
    {
        "name": "useCustomAmplitudeProperties",
        "type": "boolean",
        "defaultValue": False,
        "description": "Enable this option if you want to send additional 'language' and 'country' parameters inside of "
        "event_properties. This is separate from the language and country collected from your user's "
        "context. (For example, you want to send the language that a video is played in). You can send "
        "these in your properties, for example: `analytics.track('Video Played', {language: "
        "'Japanese'});`",
        "required": False,
        "label": "Send Custom Language and Country Properties",
    },
    {
        "name": "useLogRevenueV2",
        "type": "boolean",
        "defaultValue": True,
        "description": "Use Amplitude's logRevenueV2 API, which allows for the tracking of event properties with the "
        'revenue event. Track an event with "price" and "quantity" properties, and it will log total '
        "revenue = price * quantity. You may also set a revenueType property to designate the type of "
        "revenue (ex: purchase, refund, etc). Negative prices can be used to indicate revenue lost.",
        "required": False,
        "label": "Use Log Revenue V2 API",
    },
    {
        "name": "versionName",
        "type": "string",
        "defaultValue": "",
        "description": "Optional. You can assign a version name for your page, and we'll send it to Amplitude for more "
        "detailed events.",
        "required": False,
        "label": "Version Name",
    },
]

KINESIS_OPTIONS: list[dict[str, Any]] = [
    {
        "name": "region",
        "type": "string",
        "defaultValue": "us-west-2",
        "description": "The Kinesis Stream's AWS region key",
        "required": True,
        "label": "AWS Kinesis Stream Region",
    },
    {
        "name": "roleAddress",
        "type": "string",
        "defaultValue": "",
        "description": "The address of the AWS role that will be writing to Kinesis (ex: "
        "arn:aws:iam::874699288871:role/example-role)",
        "required": True,
        "label": "Role Address",
    },
    {
        "name": "secretId",
        "type": "string",
        "defaultValue": "#SEGMENT_WORKSPACE_ID",
        "description": "The External ID to your IAM role. This value is read-only. Reach out to support if you wish to "
        "change it. This value is also a secret and should be treated as a password.",
        "required": True,
        "label": "Secret ID (Read-Only)",
    },
    {
        "name": "stream",
        "type": "string",
        "defaultValue": "",
        "description": "The Kinesis Stream Name",
        "required": True,
        "label": "AWS Kinesis Stream Name",
    },
    {
        "name": "useMessageId",
        "type": "boolean",
        "defaultValue": False,
        "description": "You can enable this option if you want to use the Segment generated `messageId` for the "
        "**Partition Key**. If you have issues with too many `provisionedthroughputexceededexceptions` "
        "errors, this means that your Segment events are not being evenly distributed across your "
        "buckets as you do not have even user event distribution (*default partition key is `userId` or "
        "`anonymousId`*). This option should provide much more stable and even distribution.",
        "required": False,
        "label": "Use Segment Message ID",
    },
]
