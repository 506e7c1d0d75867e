"""Deterministic seed data: the same seed gives the same destinations, ids, names and secrets.

Types lean on the common dispatch destinations (Meta, GA4, Google Ads, TikTok, Klaviyo ...), with
every tenth destination of a warehouse/storage/audience type that reads show but POST refuses.
Values are fake and shaped after each descriptor's placeholder; none is shaped like a live key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from destgraph.emulators.core import Clock, SeededRandom, SeedOptions, destination_name
from destgraph.emulators.ours.catalog import (
    CREATABLE_TYPE_IDS,
    READ_ONLY_TYPE_IDS,
    SECRET,
    SELECT,
    SWITCH,
    TYPES_BY_ID,
    Descriptor,
)
from destgraph.emulators.ours.state import Destination, DispatchProfile, OursState

COMMON_TYPES = (
    "Facebook",
    "GA4MeasurementProtocol",
    "Google",
    "TikTok",
    "Klaviyo",
    "Amplitude",
    "Mixpanel",
    "Reddit",
    "Braze",
    "HTTPDestination",
    "Hubspot",
    "Pinterest",
    "SnapchatAdsCapi",
    "LinkedInAdsCAPI",
    "Customerio",
    "Iterable",
    "PostHog",
    "BingAdsWeb",
    "XAds",
    "Mailchimp",
)
SEEDED_READ_ONLY = tuple(sorted(READ_ONLY_TYPE_IDS))


def new_state(options: SeedOptions, clock: Clock) -> OursState:
    """A fresh account holding ``options.destinations`` seeded destinations."""
    state = OursState(clock=clock, rng=SeededRandom(options.seed), seeded_at=clock.now())
    for destination in seed_destinations(state.rng, options.destinations, state.seeded_at):
        state.insert(destination)
    return state


def seed_destinations(rng: SeededRandom, count: int, now: datetime) -> Iterator[Destination]:
    """``count`` destinations created over the past year, as of ``now``."""
    # A handful of sources the destinations may be limited to, as an account would have.
    sources = [rng.uuid() for _ in range(6)]
    for index in range(count):
        if index % 10 == 7:
            type_id = rng.choice(SEEDED_READ_ONLY)
        elif rng.random() < 0.65:
            type_id = rng.choice(COMMON_TYPES)
        else:
            type_id = rng.choice(CREATABLE_TYPE_IDS)
        kind = TYPES_BY_ID[type_id]
        created = rng.moment_before(now, max_days=365) + timedelta(milliseconds=rng.randint(0, 999))
        updated = created
        if rng.random() < 0.8:
            updated = created + timedelta(milliseconds=rng.randint(0, int((now - created).total_seconds() * 1000)))
        status = "Enabled" if rng.random() < 0.8 else "Disabled"
        settings = {
            d.key: fake_value(rng, d) for d in kind.settings if d.settable and (d.required or rng.random() < 0.5)
        }
        yield Destination(
            id=rng.uuid(),
            type=type_id,
            name=destination_name(rng, kind.label),
            status=status,
            created_at=created,
            updated_at=updated,
            settings=settings,
            limited_to_source_ids=sorted(rng.sample(sources, rng.randint(1, 3))) if rng.random() < 0.3 else None,
            hashing_salt=rng.secret(length=24) if rng.random() < 0.25 else None,
            dispatch=_dispatch_profile(rng, status, now),
        )


def fake_value(rng: SeededRandom, descriptor: Descriptor) -> Any:
    """A plausible, fake value for one setting, shaped after its placeholder."""
    if descriptor.kind == SWITCH:
        return rng.random() < 0.5
    if descriptor.kind == SELECT:
        return rng.choice([value for _, value in descriptor.options])
    placeholder = descriptor.placeholder or ""
    if descriptor.kind == SECRET:
        if descriptor.key == "serviceAccountKey":
            project = f"ours-emulator-{rng.randint(100000, 999999)}"
            return json.dumps(
                {
                    "type": "service_account",
                    "project_id": project,
                    "private_key_id": rng.hex_id(40),
                    "private_key": rng.secret("fake-private-key-", 48),
                    "client_email": f"ours-dispatch@{project}.iam.gserviceaccount.com",
                }
            )
        prefix = placeholder[:-3] if placeholder.endswith("...") else "emu_"
        return rng.secret(prefix, 32)
    return _from_placeholder(rng, placeholder)


def _from_placeholder(rng: SeededRandom, placeholder: str) -> str:
    if placeholder.startswith("00000000-0000"):
        return rng.uuid()
    if len(placeholder) >= 16 and all(c in "0123456789abcdef" for c in placeholder):
        return rng.hex_id(len(placeholder))
    if "://" in placeholder or " " in placeholder or "{" in placeholder:
        return placeholder
    # Keep the shape ("G-", "act_", dashes) and redraw the digits and the X runs.
    return "".join(
        str(rng.randint(0, 9)) if c.isdigit() else rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") if c == "X" else c
        for c in placeholder
    )


def _dispatch_profile(rng: SeededRandom, status: str, now: datetime) -> DispatchProfile:
    seed = rng.getrandbits(32)
    if status == "Disabled":
        # Disabled destinations dispatch nothing now; most did at some point before.
        last = now - timedelta(days=rng.randint(2, 60), seconds=rng.randint(0, 86399))
        return DispatchProfile(seed, volume=0, success_rate=0.0, last_seen=last if rng.random() < 0.7 else None)
    roll = rng.random()
    if roll < 0.68:
        return DispatchProfile(seed, volume=rng.randint(50, 400), success_rate=rng.uniform(0.97, 1.0))
    if roll < 0.8:
        return DispatchProfile(seed, volume=rng.randint(50, 300), success_rate=rng.uniform(0.6, 0.9))
    if roll < 0.88:
        return DispatchProfile(seed, volume=rng.randint(50, 300), success_rate=rng.uniform(0.1, 0.4))
    if roll < 0.94:
        # Every dispatch stopped by a rule: attempts, but nothing decisive, so NO_DATA.
        return DispatchProfile(seed, volume=rng.randint(10, 40), success_rate=0.0, stopped_only=True)
    return DispatchProfile(seed, volume=0, success_rate=0.0)
