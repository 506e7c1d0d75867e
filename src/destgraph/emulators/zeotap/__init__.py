"""Zeotap Composable (formerly SignalSmith) emulator: destinations, their connection tests and the
syncs that block their deletion.

Sources: the seed (../shared/seeds/zeotap-destinations.txt, which wins), then vendor-facts.md
section 2 ([Z-NEW] composable-docs.zeotap.com, [Z-OLD] the SignalSmith-branded docs), then the
per-type destination pages for config fields. Zeotap publishes no OpenAPI file; openapi.py
describes the API as emulated.

Emulated, with the source of each behaviour:
- Endpoints of the seed's table under ``/api/v1/workspaces/{id}/destinations``: list, create,
  get, PUT, delete, ``POST /test`` and ``POST /{destId}/test`` (SSE), ``GET /{destId}/fields``
  (seed); ``GET /api/v1/workspaces`` without X-Workspace-ID [Z-NEW]; list/get/delete of
  ``/syncs`` and ``/audience-syncs``, objects as [Z-NEW] lists them (facts).
- Auth: ``Authorization: Bearer`` plus ``X-Workspace-ID`` on workspace-scoped paths (facts,
  [Z-OLD] authentication); statuses in errors.py. Two seeded workspaces: ``ws-demo`` and
  ``ws-sandbox``, each with ``--destinations`` destinations; the one token reaches both.
- Lists are bare JSON arrays, every row, in creation order, unpaginated; ``page``/``page_size``
  are ignored (seed and facts: every list example is a bare array).
- Destination object fields and names exactly as the seed's Destination Object table; ids are
  UUIDs; timestamps RFC 3339 in whole seconds with Z (seed example).
- Create: name, destination_type, config required; connection_id optional; 400 ``{"error"}``
  naming the field; the 16 types of the seed's table; 201 with the object; status ``pending``.
- Errors are always ``{"error": "..."}`` (facts): 400, 401, 403, 404, 405, 409, 429, and
  injected 5xx. Malformed JSON, a non-object body, an empty body or a Content-Type other than
  application/json on POST/PUT is 400 ("Content-Type must be application/json", facts).
- Rate limits per workspace: 100 requests a minute and 20 a second; 429 with Retry-After (whole
  seconds) and no other rate-limit header, on success or failure (facts). The key is the path's
  workspace, else X-Workspace-ID, else the token.
- DELETE answers ``{"status": "deleted"}`` (seed); refused while a reverse-ETL sync or an
  audience sync references the destination ("Cannot be deleted if active Reverse ETL pipelines
  or Syncs reference it", seed).
- Connection tests stream ``text/event-stream``: ``event: step`` with {name, status, message},
  then ``event: done`` with {success, steps} or {success, destination, steps} (seed); the
  existing-connection test stores the outcome (seed: "the destination's status is updated").

Choices where every source is silent:
- Missing X-Workspace-ID: 400; X-Workspace-ID other than the path's workspace: 403; unknown
  workspace: 404; the token is checked first (401).
- PUT is partial at the top level (seed: "Only include fields you want to change"); ``config``
  is replaced whole, not merged key by key, and is validated like on create, so a partial
  config missing required keys is a 400; sending ``config`` or ``connection_id`` puts the
  destination back to ``pending`` with an empty status_error (new credentials are untested);
  a name-only change keeps the status; every PUT bumps updated_at. ``destination_type`` may be
  sent only with the current value (a GET-then-PUT round trip works); another type is 400.
  ``null`` for name, destination_type or config is 400; ``connection_id: null`` clears it.
  Read-only fields (id, workspace_id, status, status_error, created_*, updated_at) in a body are
  ignored, as a Go JSON decoder would.
- Config validation on create and PUT: keys outside the type's table are 400; required keys
  missing or empty are 400; Text, Password and Select values must be strings, a Select value
  one of its options, a URL field http(s); Textarea takes a string or a JSON object (the seed's
  webhook ``headers`` is an object). The type tables are in catalog.py, the mappable fields in fields.py. connection_id must be a
  UUID or null; connections themselves are not emulated, so any UUID is accepted. Names are 1 to
  255 characters and need not be unique.
- Secrets (Password fields) are returned as stored, in clear, on list, get, PUT and in the done
  event: masking on GET is NOT FOUND in any source, and clear text is the harsher choice.
- Delete: 409 ``{"error"}`` naming the referencing sync ids, for syncs of any status (paused
  ones too: the reference is a stored foreign key, not a running pipeline).
- Connection-test outcome (probe.py): connectivity fails on a missing required field, a non-http
  URL or a value containing "unreachable"; authentication fails when a Password value contains
  "invalid" or "expired"; permissions fail on a value containing "forbidden"; later steps are
  ``skipped``. Step messages: "Successfully connected" (new) and "Connected successfully"
  (existing) as in the seed; "OAuth token valid" for OAuth types (seed), "API key valid" or
  "Credentials accepted" otherwise. The new-connection test checks only that destination_type is
  known and config is an object (400 JSON, not a stream, otherwise); unknown keys are ignored.
  The existing-connection test ignores any body, sets ``connected`` or ``error`` with the failed
  step's message as status_error, and bumps updated_at. Each event is preceded by the fault
  plan's ``sse_step_delay_ms`` (the slow-SSE fault), when the plan applies to the path.
- Describe fields answers ``[{"name", "label", "type", "required"}]``: Salesforce fields of the
  configured object, HubSpot properties of the configured object type, ad platforms' identifier
  fields, Braze/Iterable/Klaviyo/Mailchimp profile fields (Klaviyo's are its page's "Default
  Destination Fields"), webhook payload keys, warehouse columns in the warehouse's own types,
  and ``[]`` for S3 and GCS ("Field Mapping: No"). Types whose docs say "Schema Introspection:
  Yes" (Salesforce, HubSpot, Snowflake, BigQuery, Databricks) answer 400 when the connection
  test would fail, since their schema is read from the vendor.
- ``created_by`` of API-created destinations is a UUID derived from the token (one account per
  token); ids of created records come from the seeded generator, so they repeat after a reset.
- Workspace objects are {id, name, slug, created_at, updated_at}; sync and audience-sync status
  is active, paused or error (facts name active and, in Insights, paused and failing counts).

Not emulated: api-keys, permissions (``GET .../destinations/{destId}/permissions``), sources,
models, audiences, sync create/update/trigger/runs, connections, the ``{data, pagination}``
envelope [Z-OLD] mentions for "large collections", Firebase token expiry, per-key scopes,
Content-Type on bodiless requests, and the vendor's real connector calls.
"""

from destgraph.emulators.zeotap.app import build_spec

SPEC = build_spec()

__all__ = ["SPEC"]
