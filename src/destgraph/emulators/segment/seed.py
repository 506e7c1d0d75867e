"""Deterministic seed data: the workspace's sources, its destinations and their subscriptions.

The first seeded destinations are the ones the docs' examples name, so those examples run as written
(``tests/emulators/test_segment_curl.py`` replays them with curl):

1. ``fP7qoQw2HTWt9WdMr718gn``: Google Analytics 4 Cloud, with subscriptions ``kyMKN6LUgMvF8dwRMEz3cX``,
   ``zXCqmEMHJojkD45GcBAPt`` and ``3ELMSracBm5MMikXBYfo1c`` (get, remove and update examples).
2. ``65c2bdbede6f2d8297f943db``: Amplitude (the Delete Destination example).
3. ``qtiZHLLqqsHmpvLXNtP5du``: the seed's Get Destination sample as printed (GA4, disabled, unnamed,
   ``apiSecret: "test"``).
4. ``5GFhvtz8fha42Cm4B9E6L8``: the seed's List Destinations sample (Amazon Kinesis, ``secretId: "secrettt"``).

All four belong to source ``rh5BDZp6QDHvXFCkibm1pR`` (``DEFAULT_SOURCE_ID``), the source of every docs
example and the first source of every seed. The others are drawn from the seed: names, catalog types,
settings with fake secrets, 1 to 4 subscriptions with valid FQL triggers on Actions destinations.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from destgraph.emulators.core import SeededRandom, destination_name, isoformat
from destgraph.emulators.segment.catalog import AMPLITUDE_ID, CATALOG, GA4_ID, KINESIS_ID, CatalogEntry, catalog_entry
from destgraph.emulators.segment.records import Destination, Subscription
from destgraph.emulators.segment.settings import is_secret_option

if TYPE_CHECKING:
    from destgraph.emulators.segment.state import SegmentState

#: the source of every docs example, first source of every seed: use it as the gateway's default sourceId
DEFAULT_SOURCE_ID = "rh5BDZp6QDHvXFCkibm1pR"
DOCS_DESTINATION_ID = "fP7qoQw2HTWt9WdMr718gn"
DOCS_SUBSCRIPTION_IDS = ("kyMKN6LUgMvF8dwRMEz3cX", "zXCqmEMHJojkD45GcBAPt", "3ELMSracBm5MMikXBYfo1c")
DOCS_DELETED_DESTINATION_ID = "65c2bdbede6f2d8297f943db"
SAMPLE_GA4_DESTINATION_ID = "qtiZHLLqqsHmpvLXNtP5du"
SAMPLE_KINESIS_DESTINATION_ID = "5GFhvtz8fha42Cm4B9E6L8"
EXTRA_SOURCES = 2

#: triggers seeded subscriptions use when their action has no defaultTrigger; all parse as FQL
TRIGGERS = (
    'type = "track"',
    'type = "track" and event = "Order Completed"',
    'type = "identify"',
    'type = "page"',
    'event = "Product Added" or event = "Product Viewed"',
    'type = "track" and properties.revenue > 0',
    'match(event, "Checkout *")',
    'type = "track" and contains(context.page.path, "/pricing")',
    'type = "identify" and length(traits.email) > 0',
    '!(type = "screen")',
)


def sources(rng: SeededRandom) -> list[str]:
    return [DEFAULT_SOURCE_ID, *(rng.segment_id() for _ in range(EXTRA_SOURCES))]


def populate(state: SegmentState, count: int) -> None:
    fixtures = [_docs_ga4, _docs_amplitude, _sample_ga4, _sample_kinesis]
    for build in fixtures[:count]:
        destination = build(state)
        state.destinations[destination.id] = destination
    for _ in range(max(0, count - len(fixtures))):
        destination = _generated(state)
        state.destinations[destination.id] = destination


def _destination(
    entry: CatalogEntry, *, id: str, name: str, enabled: bool, source_id: str, settings: dict[str, Any]
) -> Destination:
    return Destination(id=id, name=name, enabled=enabled, source_id=source_id, entry=entry, settings=settings)


def _entry(metadata_id: str) -> CatalogEntry:
    entry = catalog_entry(metadata_id)
    assert entry is not None, metadata_id
    return entry


def _docs_ga4(state: SegmentState) -> Destination:
    entry = _entry(GA4_ID)
    rng = state.rng
    destination = _destination(
        entry,
        id=DOCS_DESTINATION_ID,
        name=destination_name(rng, "GA4"),
        enabled=True,
        source_id=DEFAULT_SOURCE_ID,
        settings=_settings(rng, entry, state.workspace_id),
    )
    actions = list(entry.actions.values())
    for subscription_id, action in zip(DOCS_SUBSCRIPTION_IDS, (actions[0], actions[1], actions[4]), strict=True):
        _subscribe(state, destination, action, subscription_id=subscription_id)
    return destination


def _docs_amplitude(state: SegmentState) -> Destination:
    entry = _entry(AMPLITUDE_ID)
    return _destination(
        entry,
        id=DOCS_DELETED_DESTINATION_ID,
        name=destination_name(state.rng, "Amplitude"),
        enabled=True,
        source_id=DEFAULT_SOURCE_ID,
        settings=_settings(state.rng, entry, state.workspace_id),
    )


def _sample_ga4(state: SegmentState) -> Destination:
    settings = {"apiSecret": "test", "firebaseAppId": "test", "measurementId": "test"}
    return _destination(
        _entry(GA4_ID),
        id=SAMPLE_GA4_DESTINATION_ID,
        name="",
        enabled=False,
        source_id=DEFAULT_SOURCE_ID,
        settings=settings,
    )


def _sample_kinesis(state: SegmentState) -> Destination:
    settings = {"region": "us-west", "roleAddress": "arn::...", "secretId": "secrettt", "stream": "bla"}
    return _destination(
        _entry(KINESIS_ID),
        id=SAMPLE_KINESIS_DESTINATION_ID,
        name="",
        enabled=True,
        source_id=DEFAULT_SOURCE_ID,
        settings=settings,
    )


def _generated(state: SegmentState) -> Destination:
    rng = state.rng
    source_id = rng.choice(state.sources)
    entry = rng.choice(CATALOG)
    while entry.single_instance and any(
        d.entry is entry and d.source_id == source_id for d in state.destinations.values()
    ):
        entry = rng.choice(CATALOG)
    product = entry.name.removesuffix(" (Actions)").removesuffix(" Cloud Mode")
    destination = _destination(
        entry,
        id=rng.segment_id() if rng.random() < 0.7 else rng.hex_id(24),
        # The API returns "" for an unnamed destination; some seeded ones are.
        name="" if rng.random() < 0.1 else destination_name(rng, product),
        enabled=rng.random() < 0.8,
        source_id=source_id,
        settings=_settings(rng, entry, state.workspace_id),
    )
    if entry.actions:
        actions = list(entry.actions.values())
        for _ in range(rng.randint(1, 4)):
            _subscribe(state, destination, rng.choice(actions))
    return destination


def _settings(rng: SeededRandom, entry: CatalogEntry, workspace_id: str) -> dict[str, Any]:
    """Defaults, plus a plausible value for every option a destination must or usually would fill."""
    settings = entry.default_settings(workspace_id)
    for name, option in entry.options.items():
        if name in entry.read_only:
            continue
        kind = option["type"]
        if is_secret_option(option) and kind in ("string", "password"):
            settings[name] = rng.secret(length=32)
        elif kind in ("string", "select") and not settings.get(name) and option["required"]:
            settings[name] = _plausible(rng, name)
        elif kind == "boolean" and rng.random() < 0.2:
            settings[name] = not settings.get(name, False)
    return settings


def _plausible(rng: SeededRandom, name: str) -> str:
    """A value shaped like what the option holds: a URL, a GA measurement id, a stream, an ARN, an id."""
    lowered = name.lower()
    if "url" in lowered:
        return f"https://hooks.example.com/services/{rng.hex_id(12)}"
    if "measurement" in lowered:
        return "G-" + rng.hex_id(10).upper()
    if lowered == "stream":
        return f"segment-events-{rng.hex_id(6)}"
    if "role" in lowered:
        return f"arn:aws:iam::{rng.randint(10**11, 10**12 - 1)}:role/segment-kinesis"
    if lowered.endswith("id"):
        return rng.hex_id(16).upper() if rng.random() < 0.5 else str(rng.randint(10**6, 10**9))
    return rng.hex_id(16)


def _subscribe(
    state: SegmentState, destination: Destination, action: dict[str, Any], *, subscription_id: str | None = None
) -> Subscription:
    rng = state.rng
    trigger = action["defaultTrigger"] or rng.choice(TRIGGERS)
    moment = isoformat(rng.moment_before(state.clock.now(), max_days=365), millis=True)
    subscription = Subscription(
        id=subscription_id or rng.segment_id(),
        destination_id=destination.id,
        name=action["name"] if rng.random() < 0.6 else f"{action['name']} ({rng.choice(['web', 'app', 'server'])})",
        action_id=action["id"],
        action_slug=action["slug"],
        trigger=trigger,
        enabled=rng.random() < 0.85,
        settings={f["fieldKey"]: copy.deepcopy(f["defaultValue"]) for f in action["fields"] if "defaultValue" in f},
        model_id="",
        created_at=moment,
        updated_at=moment,
    )
    destination.subscriptions[subscription.id] = subscription
    return subscription
