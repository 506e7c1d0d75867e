"""Emulator of the Segment Public API (api.segmentapis.com): destinations, subscriptions, metrics, catalog.

Sources, in the order they win (vendor-specs README): the seed's Destinations page and its samples
(``seeds/segment-public-api-destinations*.txt``); then API 73.2.0 as ``vendor-specs/segment-public-api.md``
section 9 gives it; then the 2022 OpenAPI document (``segment-public-api-openapi.yaml``, "the document"),
against which every response the tests receive is validated.

Emulated, with the source of each behaviour:

- Paths and operations: the 13 of the document (seed; segment-public-api.md section 2).
- Envelopes: ``{"data": {...}}`` with each operation's own key (destinations, destination,
  destinationSubscription on create but subscription on get and update, deliveryMetricsSummary,
  destinationsCatalog, destinationMetadata); deletes answer ``{"data":{"status":"SUCCESS"}}``; create answers
  200 (seed samples; section 1). Errors ``{"errors":[{type, message, field?}]}`` as application/json (document).
- The update-subscription response has the seed sample's own shape: ``reverseETLModelId`` instead of
  ``modelId``, plus ``createdAt``, ``updatedAt`` and ``relatedResources`` (seed sample, copied as printed).
- Pagination: ``pagination[count]`` required on the three lists (422 without it: README decision), 1..1000
  (API 73.2.0), ``pagination[cursor]``/``pagination.cursor`` both parse; cursors base64 of the offset as the
  document's examples (``MA==``, ``MQ==``); output current, next (not on the last page), previous (not on the
  first), totalEntries (section 3). Lists are in creation order; the catalog by name.
- Media types: see ``media.py`` (section 1 table; README decision for application/json).
- Create: sourceId, metadataId and settings required (422 naming the missing one); settings get every
  option's defaultValue (seed: the Amplitude sample returns about 40 settings); unknown setting keys are
  kept (seed: ``retarget``); every destination embeds its full metadata (section 8); enabled defaults to true
  and name to "" (seed create sample; document examples).
- Secrets: masked as ten U+2022 bullets plus the last four characters (seed: ``••••••••••dada``); four
  characters or fewer become bullets alone (document: ``XYZ`` -> ten bullets). The rule for which options
  are secret is in ``settings.py``. Two quirks copied from the seed: read-only options come back in clear
  (Kinesis ``secretId: "secrettt"``), and Actions destinations return secrets in clear unless their option
  is of type ``password`` (GA4 ``apiSecret: "test"``).
- Update: name (nullable: null clears it), enabled, settings merged key by key; unknown body keys tolerated
  (the document's example sends destinationId); only read-only settings -> 400, a mix -> read-only ignored
  (seed). A masked value sent back is STORED AS SENT, overwriting the secret: nothing says Segment
  recognises its own mask (the harsher choice).
- Subscriptions (alpha): create needs name, actionId, trigger, enabled (document); ``trigger`` must be valid
  FQL (``destgraph.domain.fql``; 422 naming ``trigger``); update fields are wrapped in ``input`` (a bare body is
  a 422); response carries actionSlug and modelId (seed samples).
- Delivery metrics (beta): sourceId required; startTime/endTime RFC 3339; granularity DAY|HOUR|MINUTE,
  default MINUTE; windows and limits per API 73.2.0 (see ``metrics.py``); documented metric names and
  breakdowns (seed sample); values deterministic per seed and destination, proportional to the window.
- Errors: 404 NotFound "Resource not found" for unknown destination, subscription or catalog id (document);
  422 validation; 401 for a missing or wrong token (docs); 429 with Retry-After (API 73.2.0) and ``data``
  {remainingPoints, msBeforeNext, consumedPoints} (docs). Type strings: see ``errors.py``.
- Rate limits and X-RateLimit-* headers: see ``limits.py``.
- A second destination of a type whose supportedFeatures say SINGLE on the same source is a 400
  "Multiple configurations of this destination type not supported." (terraform-provider-segment issue #104).

Choices where every source is silent:

- Unknown ``metadataId`` or ``sourceId`` on create: 404 with ``field`` naming it (a referenced resource that
  does not exist), not 422.
- Read-only settings sent on create are ignored; Segment fills them (Kinesis secretId gets the workspace id).
- Settings are type-checked against the catalog option types (boolean, number, string/select/password,
  array, map/text-map) and required options (not read-only) must be non-blank: 422 ``settings.<name>``.
- A request body whose Content-Type is none of the four accepted types (or absent) is a 422 naming
  ``Content-Type`` (415 is not a status the document declares). Malformed JSON or a non-object body: 422.
- An Accept header naming no type the operation offers gets the operation's default type, not a 406.
- Subscriptions on a destination whose metadata has no actions: create and list are 422 naming
  ``destinationId``; get, update and remove are 404 (there is none). An actionId that is not one of the
  metadata's actions: 422 naming ``actionId``. Subscription ``settings`` on update replace the whole object.
- Delivery metrics for a sourceId that is not the destination's source: 404 naming ``sourceId``. Range errors
  name ``startTime``. DAY without ``startTime``: 422 (its 30-day default exceeds its 14-day limit; both are
  documented). A window reaching into the future counts only up to now.
- Cursor past the end: an empty page. Deleting while paging shifts offsets (cursors are offsets).
- Sources: ``DEFAULT_SOURCE_ID`` (rh5BDZp6QDHvXFCkibm1pR, the docs' example) is the first source of every
  seed; two more come from the seed. The first four seeded destinations carry the docs' example ids (see
  ``seed.py``), so the docs' examples run as written.
- With rate limits switched off the X-RateLimit-* headers are left out (there is no budget to report).

Not emulated: other Public API resources (sources, warehouses, destination filters, functions, spaces,
reverse ETL models and schedules), the audit trail events the operations may generate, the "Destination
Subscriptions feature enabled" workspace flag, 409 and 413, EU endpoints, token scopes (any accepted token
has every permission), and actual event delivery.
"""

from destgraph.emulators.segment.app import SPEC
from destgraph.emulators.segment.seed import DEFAULT_SOURCE_ID

__all__ = ["DEFAULT_SOURCE_ID", "SPEC"]
