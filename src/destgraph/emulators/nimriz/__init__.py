"""Emulator of the Nimriz Destinations API (``https://api.nimriz.com``), port offset 4.

Sources, in the order they win (../shared/vendor-specs/README.md):
  [seed]   ../shared/seeds/nimriz-destinations.txt, the Destinations API reference page
  [facts]  ../shared/vendor-specs/vendor-facts.md section 3, which quotes [N-AUTH], [N-REF], [N-ERR],
           [N-PAT] (nimriz.com/docs) and [N8N], the n8n node memorajo/n8n-nodes-nimriz with its
           "production contract e2e" run against the live API
  [choice] where every source is silent: the most plausible behaviour, chosen here and listed below

Emulated, with the source of each behaviour:
- POST /api/integrations/destinations creates a destination {name, type, enabled, credentials,
  actions[]} [seed]; answers 201 [choice: create status NOT FOUND, e2e asserts 2xx] with
  ``{"destination": {...}}`` [facts, N8N]. ``actions`` may be omitted (no actions): the live e2e
  creates a generic_http destination without them [facts, N8N], although the seed says "with one
  or more actions".
- GET /api/integrations/destinations answers ``{"destinations": [...]}`` [facts], the whole list in
  creation order, no pagination [seed documents none; order is a choice]. Items carry actions
  (ARCHITECTURE reads get-by-id from the list). ``?account_id=`` (sent by the n8n client) is
  optional and checked: another account's id is 403 FORBIDDEN, because "every key is tied to
  exactly one workspace" [facts, N-AUTH; the check is a choice]. Other query parameters are ignored.
- PUT /api/integrations/destinations/{id} updates settings and "replaces the destination's action list
  with the submitted actions" [seed]. Literal reading, deliberately harsh: a PUT without ``actions``
  leaves the destination with NO actions [choice]. Fields not sent (name, enabled, credentials) are
  kept; ``credentials`` sent replace the stored object whole (no merge) and are validated against
  the type; ``type`` may be sent only unchanged [choice]. Answers 200 ``{"destination": {...}}`` [facts].
- Action ids are server-assigned UUIDs: in a PUT, an ``id`` naming one of the destination's actions
  keeps that id; no id, or an id that names no action of this destination, gets a new id; the same
  id twice in one body is a VALIDATION_ERROR [choice].
- DELETE /api/integrations/destinations/{id} removes the destination and its actions [seed]; answers
  200 ``{"deleted": true, "id": ...}`` [choice: NOT FOUND in any source].
- POST /api/integrations/destinations/{id}/test-send, body ``{"action_id"}`` optional; without it the
  first enabled action is used [seed]. Unknown action id: 404 NOT_FOUND; no enabled action: 422
  NO_ENABLED_ACTION; a disabled action named explicitly: 422 ACTION_DISABLED; a disabled destination
  may still be tested [choices]. Answers 202 ``{"queued": true, "test_event": {id, destination_id,
  action_id, action_type, event_type, status: "queued", queued_at}}`` [choice: NOT FOUND]. Queued
  events are kept on the destination (the last 100) and shown by inspect_destination, never sent.
- GET /api/integrations/destinations/{id} is not documented [seed] (the n8n node calls it, no live test
  does): it answers 405 METHOD_NOT_ALLOWED with an Allow header, like every undocumented method on a
  known path [choice]. Unknown paths answer 404 NOT_FOUND.
- GET /api/v1/whoami answers ``{account_id, workspace_name}`` [facts, N-REF].
- Auth: ``Authorization: Bearer <key>`` or ``X-Nim-Api-Key: <key>`` [facts, N-AUTH]; Bearer wins when
  both are sent; missing or wrong key: 401 UNAUTHORIZED with WWW-Authenticate [choice].
- Errors are flat ``{"code", "message", "support_reference"}`` [facts: the fields; the structure is
  NOT FOUND and chosen flat because the n8n node reads ``available`` at the top level of an error
  body]; validation errors add ``field`` (first problem) and ``details`` [{field, message}] for all.
  Codes: VALIDATION_ERROR (400), INVALID_JSON (400), UNAUTHORIZED (401), FORBIDDEN (403),
  NOT_FOUND (404), METHOD_NOT_ALLOWED (405), UNSUPPORTED_MEDIA_TYPE (415: a body that is not
  application/json), NO_ENABLED_ACTION and ACTION_DISABLED (422), RATE_LIMITED (429 with
  Retry-After), INTERNAL_ERROR (500), BAD_GATEWAY, SERVICE_UNAVAILABLE, GATEWAY_TIMEOUT; 5xx carry
  customer-safe messages [facts, N-ERR glossary]. ``support_reference`` is ``ref_`` + 24 hex,
  new for every error [choice]. Validation answers 400, not 422 [choice].
- Destination fields: id (UUID), name, type, enabled, credentials, actions[], created_at, updated_at.
  The timestamps are a choice (the field list is NOT FOUND): RFC 3339 UTC with milliseconds, from the
  emulator clock.
- Types [seed names segment and generic_http; the others are snake_case keys chosen for the
  destinations the seed's action table names; credential keys are chosen]:
  segment {write_key}; ga4 {measurement_id "G-...", api_secret}; amplitude {api_key};
  posthog {api_key, host?}; mixpanel {project_token, api_secret?}; gtm_server_side
  {server_container_url}; meta {pixel_id (digits), access_token, test_event_code?}; google_ads
  {customer_id, conversion_action_id, developer_token, refresh_token}; linkedin {ad_account_id,
  conversion_rule_id, access_token}; tiktok {pixel_code, access_token}; generic_http {endpoint_url
  or url, signing_secret?, authorization_header?}; ad_pixel_interstitial {meta_pixel_id?,
  tiktok_pixel_code?, google_tag_id?, linkedin_partner_id?}. The generic_http quirk [facts, N8N]: the
  node's help text says ``endpoint_url``, its live e2e sends ``url``: either is accepted and stored
  under the key sent. Unknown type, unknown credential key, missing required key, a non-string
  value or a bad URL: 400 VALIDATION_ERROR with the field path (``credentials.write_key``).
- Action types [seed]: send_event (segment, ga4, amplitude, posthog, mixpanel, gtm_server_side),
  send_conversion (meta, google_ads, linkedin, tiktok), send_webhook (generic_http),
  interstitial_settings (ad_pixel_interstitial). The seed calls these "typical destinations"; the
  emulator enforces the pairing, so a send_conversion on segment is a VALIDATION_ERROR [choice].
- property_mapping {base: "default" (the only documented base), overrides: [...]} [seed]; the five
  override kinds [seed] with fields chosen here: rename {type, source, target}, exclude {type,
  property}, include {type, property}, static {type, target, value (scalar or null)}, template
  {type, target, template (balanced {{ }})}; other keys or missing fields: VALIDATION_ERROR.
- event_filter {include, exclude, conditions} with exactly the seed's keys: include {event_types,
  touch_types, domain_ids, tag_ids, space_ids, countries}, exclude {event_types, touch_types,
  domain_ids, tag_ids, countries, bot_traffic} (no space_ids) [seed]. event_types from the facts'
  event list (link.clicked, link.qr_scanned, link.created, link.updated, link.takedown_updated,
  domain.verification_updated); card events are named by the seed but their names are published
  nowhere, so none is accepted. touch_types short_link_click and qr_scan (the n8n node's analytics
  values). countries: ISO alpha-2 capitals; ids: non-empty strings; bot_traffic: boolean [choices].
  conditions[]: {field, operator, value} with operators equals, not_equals, contains, not_contains,
  starts_with, ends_with, in, not_in (value an array), exists, not_exists (no value) [choice].
  Missing property_mapping / event_filter default to {base: "default", overrides: []} and
  {include: {}, exclude: {}, conditions: []}; stored filters always carry the three keys.
- Unknown keys on a destination or an action body are ignored (the n8n node sends ``account_id`` and
  top-level ``property_mapping``/``event_filter``, which Nimriz documents only inside actions: they
  are dropped) [choice]; ``account_id`` in a create or PUT body is checked like the query parameter.
- Redaction: "Sensitive credentials are redacted in list responses" [seed]. The format is NOT FOUND:
  each sensitive value (the type's secret keys: write_key, api_secret, api_key, project_token,
  access_token, developer_token, refresh_token, signing_secret, authorization_header) reads
  ``[REDACTED]``; ids and URLs stay in clear. Create and PUT responses redact the same way, so no
  response ever reads a stored secret back [choice]. A ``[REDACTED]`` sent back in a PUT is stored
  literally, replacing the secret (the harsher choice): clients must omit credentials they do not
  change.
- Malformed JSON (also NaN/Infinity and lone surrogates): 400 INVALID_JSON; a JSON body that is not an
  object or an empty body where one is required: 400 VALIDATION_ERROR (field "body"). A garbage or
  unknown destination id: 404 NOT_FOUND.
- Rate limits: none documented [facts: NOT FOUND], none enforced, no rate-limit headers; a 429
  (RATE_LIMITED, Retry-After) comes only from fault injection.
- Seed data: one workspace (account_id and name from the seed) with ``destinations`` destinations
  cycling through every type (so every type appears from 12 up), realistic names, fake credentials
  (generic_http seeded under both url and endpoint_url), 1-3 actions each with realistic filters
  and mappings, the five override kinds in turn, about 1 in 5 actions and 3 in 20 destinations disabled.

Not emulated: links, domains, analytics, webhooks endpoints, bulk shortening and its idempotency
keys, OAuth2 (PKCE) and partner install tokens, key scopes and roles, several workspaces, the actual
delivery of events (test events stay queued), plan quotas, and trailing-slash paths (Starlette
redirects them with a 307 where Nimriz's behaviour is unknown).
"""

from destgraph.emulators.nimriz.app import SPEC

__all__ = ["SPEC"]
