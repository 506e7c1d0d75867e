"""Deterministic seed data: two workspaces, each with destinations of all 16 types and the syncs
and audience syncs that read them.

Every status appears (connected, pending, error). A seeded destination's status agrees with its
config under the connection-test rule (probe.py): connected ones pass, error ones carry a marker
("expired", "invalid", "unreachable", "forbidden") that fails a step, and their status_error is
that step's message, so re-testing a seeded destination keeps its status. Secrets are fake.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from destgraph.emulators.core import Clock, SeededRandom, SeedOptions, destination_name
from destgraph.emulators.zeotap import probe
from destgraph.emulators.zeotap.catalog import PASSWORD, TEXT, TYPE_KEYS, TYPES
from destgraph.emulators.zeotap.fields import mappable_fields
from destgraph.emulators.zeotap.state import CONNECTED, ERROR, PENDING, Destination, Sync, Workspace, ZeotapState

DEMO_WORKSPACE = "ws-demo"
SANDBOX_WORKSPACE = "ws-sandbox"
WORKSPACES = ((DEMO_WORKSPACE, "Demo Workspace", "demo"), (SANDBOX_WORKSPACE, "Sandbox", "sandbox"))

PRODUCTS = {
    "salesforce": "Salesforce",
    "hubspot": "HubSpot",
    "google_ads": "Google Ads",
    "facebook_ads": "Meta Ads",
    "linkedin_ads": "LinkedIn Ads",
    "the_trade_desk": "The Trade Desk",
    "braze": "Braze",
    "iterable": "Iterable",
    "klaviyo": "Klaviyo",
    "mailchimp": "Mailchimp",
    "snowflake": "Snowflake",
    "bigquery": "BigQuery",
    "databricks": "Databricks",
    "webhook": "Webhook",
    "s3": "S3 Export",
    "gcs": "GCS Export",
}

REGIONS = ("us-east-1", "eu-west-1", "us-west-2")
AUDIENCES = ("High-value customers", "Cart abandoners", "Churn risk", "Newsletter subscribers")
#: "Modes: Upsert, Mirror, Append" and "Mirror, Additive, Subtractive" (vendor-facts.md section 2)
SYNC_MODES = ("upsert", "upsert", "mirror", "append")
AUDIENCE_MODES = ("mirror", "additive", "subtractive")
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _chars(rng: SeededRandom, alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def _service_account(rng: SeededRandom, project: str) -> str:
    account = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": rng.hex_id(40),
        "private_key": "emulator-fake-key-" + rng.secret(length=48),
        "client_email": f"zeotap-sync@{project}.iam.gserviceaccount.com",
        "client_id": str(rng.randint(10**20, 10**21 - 1)),
    }
    return json.dumps(account, separators=(",", ":"))


def _project(rng: SeededRandom) -> str:
    company = rng.choice(("acme", "globex", "initech", "umbrella", "hooli"))
    return f"{company}-{rng.choice(('analytics', 'data', 'cdp'))}-{rng.randint(100, 999)}"


_CONFIGS: dict[str, Callable[[SeededRandom], dict[str, Any]]] = {
    "salesforce": lambda rng: {
        "instance_url": f"https://{rng.choice(('acme', 'globex', 'initech', 'northwind'))}.my.salesforce.com",
        "api_version": rng.choice(("61.0", "60.0", "59.0", "58.0")),
        "object": rng.choice(("Contact", "Contact", "Lead", "Account")),
        "refresh_token": "5Aep861" + rng.secret(length=80),
    },
    "hubspot": lambda rng: {
        "portal_id": str(rng.randint(10_000_000, 49_999_999)),
        "access_token": f"pat-na1-{rng.uuid()}",
        "object_type": rng.choice(("contacts", "contacts", "companies", "deals")),
    },
    "google_ads": lambda rng: {
        "customer_id": str(rng.randint(1_000_000_000, 9_999_999_999)),
        "developer_token": rng.secret(length=22),
        "login_customer_id": str(rng.randint(1_000_000_000, 9_999_999_999)),
        "refresh_token": "1//0" + rng.secret(length=60),
    },
    "facebook_ads": lambda rng: {
        "ad_account_id": f"act_{rng.randint(10**14, 10**15 - 1)}",
        "access_token": "EAAG" + rng.secret(length=120),
        "business_id": str(rng.randint(10**14, 10**15 - 1)),
        "api_version": rng.choice(("v21.0", "v20.0")),
    },
    "linkedin_ads": lambda rng: {
        "ad_account_id": str(rng.randint(500_000_000, 599_999_999)),
        "organization_id": str(rng.randint(1_000_000, 99_999_999)),
        "refresh_token": "AQ" + rng.secret(length=100),
    },
    "the_trade_desk": lambda rng: {
        "advertiser_id": _chars(rng, "abcdefghijklmnopqrstuvwxyz0123456789", 7),
        "partner_id": _chars(rng, "abcdefghijklmnopqrstuvwxyz0123456789", 7),
        "api_key": rng.secret(length=40),
        "api_environment": "production",
    },
    "braze": lambda rng: {
        "rest_endpoint": rng.choice(
            ("https://rest.iad-01.braze.com", "https://rest.iad-05.braze.com", "https://rest.fra-01.braze.eu")
        ),
        "api_key": rng.uuid(),
        "app_group_id": rng.uuid(),
    },
    "iterable": lambda rng: {
        "api_key": rng.hex_id(32),
        "data_center": rng.choice(("US", "EU")),
        "project_id": str(rng.randint(10_000, 99_999)),
    },
    "klaviyo": lambda rng: {
        "private_api_key": "pk_" + rng.hex_id(34),
        "api_revision": rng.choice(("2024-02-15", "2024-10-15")),
    },
    "mailchimp": lambda rng: (
        lambda dc: {
            "api_key": f"{rng.hex_id(32)}-{dc}",
            "server_prefix": dc,
            "audience_id": rng.hex_id(10),
        }
    )(f"us{rng.randint(1, 21)}"),
    "snowflake": lambda rng: {
        "account": f"{_chars(rng, 'abcdefghijklmnopqrstuvwxyz', 2)}{rng.randint(10000, 99999)}.{rng.choice(REGIONS)}",
        "warehouse": rng.choice(("COMPUTE_WH", "ZEOTAP_WH", "REVERSE_ETL_WH")),
        "database": rng.choice(("ANALYTICS", "MARKETING", "CDP")),
        "schema": rng.choice(("PUBLIC", "ACTIVATION", "ZEOTAP")),
        "role": rng.choice(("ZEOTAP_ROLE", "TRANSFORMER")),
        "username": rng.choice(("ZEOTAP_SVC", "CDP_WRITER", "REVERSE_ETL")),
        "password": rng.secret(length=24),
    },
    "bigquery": lambda rng: (
        lambda project: {
            "project_id": project,
            "location": rng.choice(("US", "EU")),
            "dataset": rng.choice(("activation", "zeotap_exports", "marketing")),
            "service_account_json": _service_account(rng, project),
        }
    )(_project(rng)),
    "databricks": lambda rng: {
        "server_hostname": f"dbc-{rng.hex_id(8)}-{rng.hex_id(4)}.cloud.databricks.com",
        "http_path": f"/sql/1.0/warehouses/{rng.hex_id(16)}",
        "access_token": "dapi" + rng.hex_id(32),
        "catalog": rng.choice(("main", "marketing")),
        "schema": rng.choice(("activation", "default")),
    },
    "webhook": lambda rng: {
        "url": f"https://hooks.{rng.choice(('example.com', 'acme.io', 'globex.dev'))}/zeotap/{rng.hex_id(8)}",
        "method": rng.choice(("POST", "POST", "PUT")),
        "content_type": "application/json",
        "batch_mode": rng.choice(("array", "individual")),
        "headers": {"X-Source": "zeotap-composable", "X-Tenant": rng.hex_id(6)},
        "authorization_header": "Bearer " + rng.secret(length=32),
    },
    "s3": lambda rng: {
        "bucket": f"{rng.choice(('acme', 'globex', 'initech'))}-{rng.choice(('cdp-exports', 'data-lake'))}",
        "region": rng.choice(("us-east-1", "us-west-2", "eu-west-1", "eu-central-1")),
        "path_prefix": rng.choice(("zeotap/", "exports/audiences/", "signalsmith/")),
        "access_key_id": "EMUAK" + _chars(rng, _UPPER, 15),
        "secret_access_key": rng.secret(length=40),
    },
    "gcs": lambda rng: (
        lambda project: {
            "bucket": f"{project}-exports",
            "project_id": project,
            "path_prefix": "zeotap/",
            "service_account_json": _service_account(rng, project),
        }
    )(_project(rng)),
}


def _break(destination_type: str, config: dict[str, Any], rng: SeededRandom) -> dict[str, Any]:
    """Make ``config`` fail one connection-test step, the way real credentials go bad."""
    kind = TYPES[destination_type]
    mode = rng.choice(("expired", "invalid", "expired", "unreachable", "forbidden"))
    broken = dict(config)
    if mode in ("expired", "invalid"):
        secret = next(f for f in kind.config if f.kind == PASSWORD and broken.get(f.name))
        broken[secret.name] = f"{broken[secret.name]}-{mode}"
        return broken
    text = next(f for f in kind.config if f.kind == TEXT)
    current = str(broken.get(text.name) or "")
    if text.url:
        broken[text.name] = f"https://{mode}.{current.removeprefix('https://')}"
    else:
        broken[text.name] = f"{mode}-{current}" if current else f"{mode}-{rng.hex_id(6)}"
    return broken


def _destination(
    rng: SeededRandom, workspace_id: str, index: int, members: list[str], now: datetime, created_at: datetime
) -> Destination:
    # The first 16 cover every type; then a mix. Status cycles so every status is present.
    destination_type = TYPE_KEYS[index] if index < len(TYPE_KEYS) else rng.choice(TYPE_KEYS)
    status = (CONNECTED, CONNECTED, PENDING, CONNECTED, ERROR)[index % 5]
    config = _CONFIGS[destination_type](rng)
    if status == ERROR or (status == PENDING and rng.random() < 0.3):
        config = _break(destination_type, config, rng)
    status_error = ""
    if status == ERROR:
        status_error = probe.failure(probe.run(TYPES[destination_type], config, existing=True))
    age = int((now - created_at).total_seconds())
    updated_at = created_at + timedelta(seconds=rng.randint(0, max(0, age - 1)))
    kind = TYPES[destination_type]
    return Destination(
        id=rng.uuid(),
        workspace_id=workspace_id,
        name=destination_name(rng, PRODUCTS[destination_type]),
        destination_type=destination_type,
        config=config,
        created_by=rng.choice(members),
        created_at=created_at,
        updated_at=updated_at,
        connection_id=rng.uuid() if kind.auth == "oauth" and rng.random() < 0.5 else None,
        status=status,
        status_error=status_error,
    )


def _field_mapping(rng: SeededRandom, destination: Destination) -> list[dict[str, str]]:
    fields = mappable_fields(destination.destination_type, destination.config)
    if not fields:
        columns = ("customer_id", "email", "segment", "updated_at")
        return [{"source_column": c, "destination_field": c} for c in columns]
    chosen = [f for f in fields if f.required] + [f for f in fields if not f.required][: rng.randint(1, 3)]
    return [{"source_column": f.name.lower(), "destination_field": f.name} for f in chosen]


def _last_run(rng: SeededRandom, since: datetime, now: datetime) -> datetime:
    minutes = max(1, min(1440, int((now - since).total_seconds() // 60)))
    return now - timedelta(minutes=rng.randint(1, minutes))


def _sync(rng: SeededRandom, destination: Destination, members: list[str], now: datetime, *, audience: bool) -> Sync:
    created_at = max(destination.created_at, rng.moment_before(now, max_days=300))
    status = "active" if rng.random() < 0.8 else "paused"
    status_error = ""
    if destination.status == ERROR and status == "active":
        status, status_error = "error", f"destination error: {destination.status_error}"
    ran = status != "paused" or rng.random() < 0.5
    product = PRODUCTS[destination.destination_type]
    if audience:
        title = f"{rng.choice(AUDIENCES)} → {product}"
    else:
        title = f"{rng.choice(('Customers', 'Accounts', 'Orders', 'Leads'))} → {product}"
    return Sync(
        id=rng.uuid(),
        workspace_id=destination.workspace_id,
        destination_id=destination.id,
        name=title,
        description=rng.choice(("", "Managed by the data team", "Nightly activation")),
        field_mapping=_field_mapping(rng, destination),
        sync_mode=rng.choice(AUDIENCE_MODES if audience else SYNC_MODES),
        schedule=rng.choice(("0 * * * *", "*/15 * * * *", "0 6 * * *", "0 2 * * 1")),
        config={},
        status=status,
        status_error=status_error,
        created_by=rng.choice(members),
        created_at=created_at,
        updated_at=created_at,
        last_synced_at=_last_run(rng, created_at, now) if ran else None,
        last_run_id=rng.uuid() if ran else None,
        model_id=None if audience else rng.uuid(),
        primary_key=None if audience else rng.choice(("customer_id", "email", "account_id")),
        audience_id=rng.uuid() if audience else None,
    )


def seed_state(options: SeedOptions, clock: Clock) -> ZeotapState:
    """The state for ``options``: the same ids, names, configs and secrets for the same seed."""
    rng = SeededRandom(options.seed)
    now = clock.now().replace(microsecond=0)
    state = ZeotapState(rng)
    for workspace_id, title, slug in WORKSPACES:
        created = rng.moment_before(now - timedelta(days=365), max_days=365)
        workspace = Workspace(id=workspace_id, name=title, slug=slug, created_at=created, updated_at=created)
        state.add_workspace(workspace)
        members = [rng.uuid() for _ in range(4)]
        # Sorted, so the list's creation order and created_at agree.
        moments = sorted(rng.moment_before(now, max_days=365) for _ in range(options.destinations))
        for index, created_at in enumerate(moments):
            destination = _destination(rng, workspace_id, index, members, now, created_at)
            workspace.destinations[destination.id] = destination
            # Index 0 always has a sync and index 1 an audience sync; the rest by chance, some both.
            if index == 0 or (index > 1 and rng.random() < 0.3):
                sync = _sync(rng, destination, members, now, audience=False)
                workspace.syncs[sync.id] = sync
            if index == 1 or (index > 1 and rng.random() < 0.2):
                sync = _sync(rng, destination, members, now, audience=True)
                workspace.audience_syncs[sync.id] = sync
    return state
