"""Deterministic seed data: one workspace with destinations across every type, 1-3 actions each.

Names, ids and (fake) credentials come from ``SeededRandom(seed)``; actions carry realistic event
filters and property mappings, the five override kinds taken in turn so that every kind appears
across the seed, and about one action in five is disabled. Timestamps are set back from the
emulator clock's now.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import cycle
from typing import Any

from destgraph.emulators.core import Clock, SeededRandom, SeedOptions, destination_name, isoformat
from destgraph.emulators.nimriz import catalog
from destgraph.emulators.nimriz.state import Action, Destination, NimrizState

WORKSPACE_NAMES = ("Acme Links", "Northwind Marketing", "Globex Growth", "Initech Campaigns", "Umbrella Social")

_DIGITS = string.digits
_UPPER = string.ascii_uppercase + string.digits


def build_state(options: SeedOptions, clock: Clock) -> NimrizState:
    rng = SeededRandom(options.seed)
    state = NimrizState(rng=rng, clock=clock, account_id=rng.uuid(), workspace_name=rng.choice(WORKSPACE_NAMES))
    now = clock.now()
    types = list(catalog.DESTINATION_TYPES.values())
    rng.shuffle(types)
    overrides = cycle(catalog.OVERRIDE_FIELDS)
    seeded = []
    for index in range(options.destinations):
        dtype = types[index % len(types)]
        created = rng.moment_before(now)
        updated = min(now, created + timedelta(seconds=rng.randint(0, 90 * 86400))).replace(microsecond=0)
        seeded.append(
            Destination(
                id=rng.uuid(),
                name=destination_name(rng, dtype.label),
                type=dtype.key,
                enabled=rng.random() < 0.85,
                credentials=_credentials(rng, dtype),
                actions=[_action(rng, dtype, overrides) for _ in range(rng.randint(1, 3))],
                created_at=_stamp(created),
                updated_at=_stamp(updated),
            )
        )
    # The list answers in creation order, oldest first.
    for destination in sorted(seeded, key=lambda d: d.created_at):
        state.add(destination)
    return state


def _stamp(moment: datetime) -> str:
    return isoformat(moment, millis=True)


def _chars(rng: SeededRandom, alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


_COMPANIES = ("acme", "northwind", "globex", "initech", "umbrella", "hooli", "stark", "wayne")

#: (type, key) first, then key alone: how a fake value of each credential looks
_VALUES: dict[str, Callable[[SeededRandom], str]] = {
    "write_key": lambda r: r.secret("seg_", 28),
    "measurement_id": lambda r: "G-" + _chars(r, _UPPER, 10),
    "api_secret": lambda r: r.secret("", 22),
    "posthog:api_key": lambda r: r.secret("phc_", 40),
    "api_key": lambda r: r.hex_id(32),
    "host": lambda r: r.choice(("https://eu.i.posthog.com", "https://us.i.posthog.com")),
    "project_token": lambda r: r.hex_id(32),
    "server_container_url": lambda r: f"https://sst.{r.choice(_COMPANIES)}.example.com",
    "pixel_id": lambda r: _chars(r, _DIGITS, 15),
    "meta:access_token": lambda r: r.secret("EAAfake", 60),
    "linkedin:access_token": lambda r: r.secret("AQVfake", 60),
    "tiktok:access_token": lambda r: r.hex_id(40),
    "test_event_code": lambda r: "TEST" + _chars(r, _DIGITS, 5),
    "customer_id": lambda r: f"{_chars(r, _DIGITS, 3)}-{_chars(r, _DIGITS, 3)}-{_chars(r, _DIGITS, 4)}",
    "conversion_action_id": lambda r: _chars(r, _DIGITS, 9),
    "developer_token": lambda r: r.secret("", 22),
    "refresh_token": lambda r: r.secret("1//fake", 48),
    "ad_account_id": lambda r: _chars(r, _DIGITS, 9),
    "conversion_rule_id": lambda r: _chars(r, _DIGITS, 8),
    "pixel_code": lambda r: _chars(r, _UPPER, 20),
    "endpoint_url": lambda r: f"https://hooks.{r.choice(_COMPANIES)}.example.com/nimriz",
    "url": lambda r: f"https://api.{r.choice(_COMPANIES)}.example.com/webhooks/nimriz",
    "signing_secret": lambda r: r.secret("nmz_sig_", 32),
    "authorization_header": lambda r: r.secret("Bearer fake_", 40),
    "meta_pixel_id": lambda r: _chars(r, _DIGITS, 15),
    "tiktok_pixel_code": lambda r: _chars(r, _UPPER, 20),
    "google_tag_id": lambda r: "AW-" + _chars(r, _DIGITS, 10),
    "linkedin_partner_id": lambda r: _chars(r, _DIGITS, 7),
}


def _credentials(rng: SeededRandom, dtype: catalog.DestinationType) -> dict[str, str]:
    # Of alternatives (generic_http's endpoint_url | url) pick one, so both spellings are seeded.
    keys = [rng.choice(group) for group in dtype.required]
    keys += [k for k in dtype.optional if rng.random() < 0.5]
    if not keys and dtype.optional:
        keys = [rng.choice(dtype.optional)]
    return {k: (_VALUES.get(f"{dtype.key}:{k}") or _VALUES[k])(rng) for k in keys}


_ACTION_NAMES = {
    catalog.SEND_EVENT: ("Send event", "Track clicks", "Track QR scans", "Link activity"),
    catalog.SEND_CONVERSION: ("Send conversion", "Click conversions", "Lead conversions", "Purchase conversions"),
    catalog.SEND_WEBHOOK: ("Send webhook", "Forward events", "Link lifecycle webhook"),
    catalog.INTERSTITIAL_SETTINGS: ("Interstitial settings", "Pixel interstitial"),
}


def _action(rng: SeededRandom, dtype: catalog.DestinationType, overrides: Any) -> Action:
    action_type = rng.choice(sorted(dtype.action_types))
    return Action(
        id=rng.uuid(),
        name=rng.choice(_ACTION_NAMES[action_type]),
        action_type=action_type,
        enabled=rng.random() < 0.8,
        property_mapping={
            "base": "default",
            "overrides": [_override(rng, next(overrides)) for _ in range(rng.choice((0, 1, 2, 2, 3)))],
        },
        event_filter=_event_filter(rng, action_type),
    )


def _override(rng: SeededRandom, kind: str) -> dict[str, Any]:
    if kind == "rename":
        source, target = rng.choice(
            (
                ("short_url", "url"),
                ("country", "geo_country"),
                ("referrer", "page_referrer"),
                ("utm_campaign", "campaign_name"),
            )
        )
        return {"type": "rename", "source": source, "target": target}
    if kind in ("exclude", "include"):
        names = ("ip_address", "user_agent", "referrer") if kind == "exclude" else ("tags", "domain", "utm_source")
        return {"type": kind, "property": rng.choice(names)}
    if kind == "static":
        target, value = rng.choice((("source", "nimriz"), ("platform", "web"), ("currency", "USD"), ("value", 1)))
        return {"type": "static", "target": target, "value": value}
    target, template = rng.choice(
        (
            ("event_name", "nimriz_{{event.type}}"),
            ("page_title", "{{link.title}} ({{link.domain}})"),
            ("content_name", "{{link.short_code}}"),
        )
    )
    return {"type": "template", "target": target, "template": template}


def _event_filter(rng: SeededRandom, action_type: str) -> dict[str, Any]:
    include: dict[str, Any] = {}
    exclude: dict[str, Any] = {}
    conditions: list[dict[str, Any]] = []
    if action_type == catalog.SEND_EVENT:
        include["event_types"] = rng.choice(
            (["link.clicked", "link.qr_scanned"], ["link.clicked"], ["link.qr_scanned"])
        )
        if rng.random() < 0.3:
            include["touch_types"] = [rng.choice(catalog.TOUCH_TYPES)]
    elif action_type == catalog.SEND_CONVERSION:
        include["event_types"] = ["link.clicked"]
        conditions.append({"field": "utm_source", "operator": "in", "value": ["facebook", "instagram", "google"]})
    elif action_type == catalog.SEND_WEBHOOK:
        include["event_types"] = sorted(rng.sample(catalog.EVENT_TYPES, rng.randint(1, len(catalog.EVENT_TYPES))))
    else:
        include["domain_ids"] = [rng.uuid()]
    if rng.random() < 0.25:
        include["countries"] = rng.sample(["US", "GB", "DE", "FR", "CA", "AU"], 2)
    if rng.random() < 0.2:
        include[rng.choice(("tag_ids", "space_ids"))] = [rng.uuid()]
    if rng.random() < 0.8:
        exclude["bot_traffic"] = True
    if rng.random() < 0.15:
        exclude["countries"] = ["CN"]
    if rng.random() < 0.15:
        exclude["event_types"] = ["link.updated"]
    if rng.random() < 0.2:
        conditions.append({"field": "link.tags", "operator": "contains", "value": "campaign"})
    return {"include": include, "exclude": exclude, "conditions": conditions}
