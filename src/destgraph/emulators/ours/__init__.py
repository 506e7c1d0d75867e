"""Emulator of the Ours Privacy REST API, destinations (``https://app.oursprivacy.com``), port offset 2.

Sources, in the order they win (../shared/vendor-specs/README.md):
  [seed]   ../shared/seeds/ours-privacy-destinations.txt, the Destinations page
  [oas]    ../shared/vendor-specs/ours-privacy-openapi.json, the official OpenAPI 3 document (2026-08)
  [facts]  ../shared/vendor-specs/vendor-facts.md section 1, quoting [D-OV] API Overview, [D-AUTH]
           Authentication, [D-SRC] Sources, and the Stainless SDKs
  [choice] where every source is silent: the most plausible behaviour, chosen here

Emulated, with the source of each behaviour:
- GET /rest/v1/destinations answers ``{entities, pagination: {nextCursor, hasMore}}`` [seed, oas];
  newest first, createdAt descending, ties broken by insertion order, newest first [facts: D-SRC
  order; tie-break choice]. ``limit`` defaults to 25, below 1 is clamped to 1, above 100 to 100
  [oas]; a value that is not an integer is 400 [choice]; empty means the default [choice].
  ``cursor`` is opaque, malformed is 400 [seed, oas]: it is a keyset position (createdAt ms,
  sequence) with a checksum, so an edited cursor is malformed too, and a cursor issued for other
  ``status``/``type`` filters is 400 [choice]; an empty cursor is no cursor [choice]. The last page
  has ``nextCursor: null, hasMore: false``. Pages are keyset-based, so creates and deletes between
  pages never repeat or skip a destination. ``status`` (Disabled|Enabled) and ``type`` (the 89
  readable types) filter; any other value is 400 [oas enums; the 400 is a choice]. Unknown query
  parameters are ignored [choice].
- POST /rest/v1/destinations takes ``{type, name?, settings?}`` [oas] and answers **200** with the
  full entity [seed, oas, facts], status ``Enabled`` [seed: the Klaviyo example reads back
  Enabled; POST cannot set a status], id a UUID [seed: "885d88b9-..."], createdAt = updatedAt =
  now (RFC 3339, milliseconds, Z) [choice], name null when not sent [choice]. Only the settings keys
  sent are stored: defaults are not filled in [choice].
- Bodies are strict [choice, reasoned from oas]: a top-level key the operation's schema does not
  name is 400 ``Unrecognized key(s) in object`` (zod's wording). The PATCH schema having to declare
  id/createdAt/updatedAt/type "to support GET -> PATCH round-trips" only makes sense if unknown keys
  are refused. So POST refuses status, hashingSalt and limitedToSourceIds (not in its schema).
- ``type`` missing/null is 400 ``type: Required``; a read-only type (the 13 of the 89 readable ids
  outside the 76 creatable ones: warehouse, cloud-storage and audience-sync) is 400 [seed, oas];
  any other unknown type is 400 [oas enum].
- Settings are validated against the type's descriptors [seed, oas; the checks are the brief's]:
  unknown key, Alert key ("Do not include their key in POST or PATCH settings" [seed]),
  GenericOauth key (connected in the dashboard, never through the API [choice]), a Text/Secret
  value that is not a string, a Switch value that is not a boolean, a Select value outside its
  options' values, and a required key missing (or empty) are each 400 ``Invalid settings`` with
  ``details`` naming every offending key as ``settings.<key>: ...`` joined by ``; ``. ``null`` for a
  key on POST is the same as not sending it [choice].
- Secret-kind settings read back as ``******`` in every response (GET, list, POST, PATCH) [seed].
  ``******`` sent for a Secret on PATCH keeps the stored secret; a new value replaces it [seed];
  ``******`` where no secret is stored (e.g. on POST) is 400 [choice]. ``hashingSalt`` is not a
  setting: it is returned as stored, unmasked [choice; the gateway masks it itself].
- PATCH /rest/v1/destinations/{id}: omitted fields unchanged; ``settings`` merged key by key, ``null``
  deletes a key [facts: D-OV, oas]; null on name, hashingSalt, limitedToSourceIds clears them
  [facts: D-OV]; null status is ignored (status is required on the entity) [choice]; ``settings:
  null`` clears every setting, 400 if the type has required settings [choice]; null on a required
  key is 400 [choice]. id, createdAt, updatedAt and type are accepted (type-checked) and ignored
  [oas]. A refused PATCH changes nothing. Answers 200 with the full entity [seed, facts]; updatedAt
  moves to now on every successful PATCH, even one that changes nothing [choice]. Nested setting
  values are not deep-merged (no setting kind holds an object) [facts].
- DELETE /rest/v1/destinations/{id} answers 200 with the JSON boolean ``true`` [seed, oas].
- GET /rest/v1/destinations/types lists the 76 creatable types only (its ``id`` enum is the creatable
  enum) [oas], account-agnostic, each {id, label, status ga|deprecated, capabilities {oauth,
  listsAccounts, supportsRenamedEvents}, settings [descriptors]} [oas]. Descriptor kinds are exactly
  Text, Secret, Switch, Select, Alert and GenericOauth with the document's field sets [oas, facts].
  Labels, capabilities and descriptors are written here [choice]: realistic ones for the common
  types (Klaviyo projectAPIKey Secret, Meta pixelId + accessToken + testEventCode, GA4 measurementId
  + apiSecret, Amplitude apiKey + region Select, HTTPDestination url + header settings, GenericOauth
  on Hubspot, Google Ads, Mailchimp ...). Deprecated: G4Analytics, Tatari, Viant (superseded by
  GA4MeasurementProtocol, TatariCAPI, ViantCAPI) [choice]. Audiohook has no required setting, since
  the seed's own example creates one from ``{"type": "Audiohook"}`` alone [seed].
- GET /rest/v1/destinations/{id}/health [oas]: trailing 24 h ending at the emulator clock's now,
  from a dispatch history seeded per destination (hourly counts for the 48 h before seeding):
  HEALTHY >= 95 %, DEGRADED 50-95 %, UNHEALTHY < 50 %, NO_DATA without succeeded/failed dispatches
  [oas]; successRate rounded to 4 places, null on NO_DATA [oas; rounding choice]. Destinations made
  through the API have no dispatches (NO_DATA, lastDispatchedAt null); disabled seeded ones last
  dispatched days ago or never; some enabled ones have only stopped dispatches (NO_DATA, attempts >
  0) [choices]. Moving the clock 24 h on empties every window.
- GET /rest/v1/openapi.json needs no authentication [facts: D-OV] and serves the emulated document
  (openapi.py), also at /_emulator/openapi.json.

Layout: descriptors.py (setting kinds, Descriptor, DestinationType), type_table.py (the 89 types),
catalog.py (enums and lookups), validation.py, state.py, seed.py, handlers.py, errors.py, openapi.py,
app.py (routes, auth, SPEC).
- Auth: ``Authorization: Bearer <key>`` [facts: D-AUTH]. Missing or unknown key: 401 [oas]. Scopes
  [facts: D-AUTH, oas]: the configured token has scope ``all``; the key ``<token>;scopes=<s1>,<s2>``
  stands for a key with only those scopes, and an operation needing another one (destination:list,
  :create, :find, :update, :delete; types needs list, health needs find) is 403 before anything is
  done [facts: "returns 403 Forbidden before any operation is executed"] [choice: the key syntax].
- Errors are always ``{"error": string, "details"?: string}`` [oas]: 400 (malformed JSON, including
  bodies nested too deep or with integers past Python's digit limit, body not an object, missing body, Content-Type other than application/json or +json [choice: 400, since
  no 415 is declared], invalid fields), 401, 403, 404 (unknown id, including ids that are not
  UUIDs; unknown paths), 405 for another method on a known path, with Allow [facts: D-OV lists
  405], 500 (never a stack trace). Auth is checked before routing, so an unknown path without a key
  is 401 [choice].
- Control API extras: ``inspect_destination`` (``/_emulator/state/destinations/{id}``) shows the record
  with secrets in clear; ``secret_values`` (``/_emulator/secrets``) lists every Secret-kind value and
  every hashingSalt (Ours returns the salt unmasked, the gateway must not).
- No rate limits are documented [facts: NOT FOUND], so none are enforced and no rate-limit headers
  are sent; a 429 comes only from fault injection.
- Seed data: ``destinations`` destinations across many types (two thirds from the twenty common
  dispatch types, every tenth one a read-only warehouse/storage/audience type), ~80 % Enabled, fake
  secrets shaped after each placeholder, limitedToSourceIds on ~30 % (from six source ids),
  hashingSalt on ~25 %, createdAt spread over the past year, updatedAt between createdAt and now.

Not emulated: sources, mappings, allowed events, consent and data-governance settings, versions and
publishing (edits are live at once here, not drafts [facts: D-VER]), OAuth connection flows (GenericOauth
settings are never stored), event ingestion and dispatch (health history is seeded, not live), key
revocation/expiry and org status checks, idempotency keys (none documented), 409 (no destination
operation declares it), request-size limits, and any rate limit.
"""

from destgraph.emulators.ours.app import SPEC

__all__ = ["SPEC"]
