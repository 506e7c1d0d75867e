"""In-memory state of one Segment workspace: sources, destinations and their subscriptions.

Methods are named after the Public API's operations. Records hold settings unmasked; masking happens
in ``Destination.to_json`` on the way out. Each destination caches its encoded (masked) JSON until it
changes, so listing 1,000 destinations is a join of cached bytes.
"""

from __future__ import annotations

import copy
from itertools import islice
from typing import Any

from destgraph.domain.fql import FQLSyntaxError, parse
from destgraph.emulators.core import Clock, SeededRandom, SeedOptions, isoformat
from destgraph.emulators.segment import metrics, seed
from destgraph.emulators.segment.catalog import CATALOG, CatalogEntry, catalog_entry
from destgraph.emulators.segment.errors import bad_request, invalid, not_found
from destgraph.emulators.segment.records import Destination, Subscription
from destgraph.emulators.segment.settings import is_blank, is_secret_name, is_secret_option, type_problem


class SegmentState:
    """One workspace's sources, destinations and subscriptions, seeded deterministically."""

    def __init__(self, options: SeedOptions, clock: Clock) -> None:
        self.clock = clock
        self.seed = options.seed
        self.rng = SeededRandom(options.seed)
        self.workspace_id = self.rng.segment_id()
        self.sources: list[str] = seed.sources(self.rng)
        self.destinations: dict[str, Destination] = {}
        seed.populate(self, options.destinations)

    # -- destinations ------------------------------------------------------------------------

    def list_destinations(self, offset: int, count: int) -> tuple[list[Destination], int]:
        return list(islice(self.destinations.values(), offset, offset + count)), len(self.destinations)

    def get_destination(self, destination_id: str) -> Destination:
        found = self.destinations.get(destination_id)
        if found is None:
            raise not_found()
        return found

    def create_destination(
        self, *, source_id: str, metadata_id: str, name: str, enabled: bool, settings: dict[str, Any]
    ) -> Destination:
        entry = catalog_entry(metadata_id)
        if entry is None:
            raise not_found("metadataId")
        if source_id not in self.sources:
            raise not_found("sourceId")
        if entry.single_instance and any(
            d.entry is entry and d.source_id == source_id for d in self.destinations.values()
        ):
            raise bad_request(None, "Multiple configurations of this destination type not supported.")
        # Read-only options are Segment's to fill: a value sent for one is ignored.
        writable = {key: value for key, value in settings.items() if key not in entry.read_only}
        _check_settings(entry, writable)
        merged = entry.default_settings(self.workspace_id) | copy.deepcopy(writable)
        _check_required(entry, merged)
        destination = Destination(
            id=self.rng.hex_id(24),
            name=name,
            enabled=enabled,
            source_id=source_id,
            entry=entry,
            settings=merged,
        )
        self.destinations[destination.id] = destination
        return destination

    def update_destination(
        self, destination_id: str, *, name: str | None, enabled: bool | None, settings: dict[str, Any] | None
    ) -> Destination:
        """Name, enabled, and settings merged key by key; read-only settings alone are a 400 (seed)."""
        destination = self.get_destination(destination_id)
        entry = destination.entry
        settings = settings or {}
        read_only = [key for key in settings if key in entry.read_only]
        writable = {key: value for key, value in settings.items() if key not in entry.read_only}
        if read_only and not writable and name is None and enabled is None:
            raise bad_request(
                f"settings.{read_only[0]}",
                f"Cannot update read-only settings: {', '.join(read_only)}",
            )
        _check_settings(entry, writable)
        # A masked value sent back is stored as sent: nothing says Segment recognises its own mask.
        merged = destination.settings | copy.deepcopy(writable)
        _check_required(entry, merged, only=writable)
        destination.settings = merged
        if name is not None:
            destination.name = name
        if enabled is not None:
            destination.enabled = enabled
        destination.changed()
        return destination

    def delete_destination(self, destination_id: str) -> None:
        self.get_destination(destination_id)
        del self.destinations[destination_id]

    # -- subscriptions -----------------------------------------------------------------------

    def _subscribable(self, destination_id: str) -> Destination:
        destination = self.get_destination(destination_id)
        if not destination.entry.actions:
            raise invalid(
                "destinationId",
                f"Destination {destination_id} ({destination.entry.name}) has no actions, so it takes no subscriptions",
            )
        return destination

    def list_subscriptions_from_destination(
        self, destination_id: str, offset: int, count: int
    ) -> tuple[list[Subscription], int]:
        destination = self._subscribable(destination_id)
        rows = list(islice(destination.subscriptions.values(), offset, offset + count))
        return rows, len(destination.subscriptions)

    def create_destination_subscription(
        self,
        destination_id: str,
        *,
        name: str,
        action_id: str,
        trigger: str,
        enabled: bool,
        settings: dict[str, Any],
        model_id: str,
    ) -> Subscription:
        destination = self._subscribable(destination_id)
        action = destination.entry.actions.get(action_id)
        if action is None:
            raise invalid("actionId", f"actionId {action_id} is not an action of {destination.entry.name}")
        check_trigger(trigger)
        now = isoformat(self.clock.now(), millis=True)
        subscription = Subscription(
            id=self.rng.segment_id(),
            destination_id=destination.id,
            name=name,
            action_id=action_id,
            action_slug=action["slug"],
            trigger=trigger,
            enabled=enabled,
            settings=copy.deepcopy(settings),
            model_id=model_id,
            created_at=now,
            updated_at=now,
        )
        destination.subscriptions[subscription.id] = subscription
        return subscription

    def get_subscription_from_destination(self, destination_id: str, subscription_id: str) -> Subscription:
        found = self.get_destination(destination_id).subscriptions.get(subscription_id)
        if found is None:
            raise not_found()
        return found

    def update_subscription_for_destination(
        self, destination_id: str, subscription_id: str, changes: dict[str, Any]
    ) -> Subscription:
        """Fields of ``input``: name, trigger, enabled, settings (replaced whole), reverseETLModelId."""
        subscription = self.get_subscription_from_destination(destination_id, subscription_id)
        if "trigger" in changes:
            check_trigger(changes["trigger"])
        for key, attribute in (("name", "name"), ("trigger", "trigger"), ("enabled", "enabled")):
            if key in changes:
                setattr(subscription, attribute, changes[key])
        if "settings" in changes:
            subscription.settings = copy.deepcopy(changes["settings"])
        if "reverseETLModelId" in changes:
            subscription.model_id = changes["reverseETLModelId"]
        subscription.updated_at = isoformat(self.clock.now(), millis=True)
        return subscription

    def remove_subscription_from_destination(self, destination_id: str, subscription_id: str) -> None:
        self.get_subscription_from_destination(destination_id, subscription_id)
        del self.destinations[destination_id].subscriptions[subscription_id]

    # -- delivery metrics and catalog --------------------------------------------------------

    def list_delivery_metrics_summary_from_destination(
        self, destination_id: str, *, source_id: str, params: dict[str, str]
    ) -> dict[str, Any]:
        destination = self.get_destination(destination_id)
        now = self.clock.now()
        window = metrics.window_of(params, now)
        if source_id != destination.source_id:
            # The summary is per source-destination link; another source has none with this destination.
            raise not_found("sourceId")
        return {
            "sourceId": source_id,
            "destinationMetadataId": destination.entry.id,
            "metrics": metrics.summary(
                seed=self.seed,
                destination_id=destination.id,
                enabled=destination.enabled,
                window=window,
                now=now,
            ),
        }

    def get_destinations_catalog(self, offset: int, count: int) -> tuple[list[CatalogEntry], int]:
        return list(CATALOG[offset : offset + count]), len(CATALOG)

    def get_destination_metadata(self, metadata_id: str) -> CatalogEntry:
        entry = catalog_entry(metadata_id)
        if entry is None:
            raise not_found()
        return entry

    # -- control API ---------------------------------------------------------------------------

    def inspect_destination(self, destination_id: str) -> dict[str, Any] | None:
        destination = self.destinations.get(destination_id)
        if destination is None:
            return None
        record = destination.to_json(masked=False)
        record["metadataId"] = destination.entry.id
        record["subscriptions"] = [s.to_json() for s in destination.subscriptions.values()]
        return record

    def secret_values(self) -> set[str]:
        found: set[str] = set()
        for destination in self.destinations.values():
            options = destination.entry.options
            for key, value in destination.settings.items():
                option = options.get(key)
                secret = is_secret_option(option) if option is not None else is_secret_name(key)
                if secret and isinstance(value, str) and value:
                    found.add(value)
        return found


def check_trigger(trigger: str) -> None:
    """A subscription trigger must be valid FQL (422 naming ``trigger`` and the position otherwise)."""
    try:
        parse(trigger)
    except FQLSyntaxError as exc:
        raise invalid("trigger", f"trigger is not valid FQL: {exc}") from exc


def _check_settings(entry: CatalogEntry, settings: dict[str, Any]) -> None:
    for key, value in settings.items():
        option = entry.options.get(key)
        if option is None:
            continue  # unknown keys are stored and echoed (the seed's create sample keeps "retarget")
        problem = type_problem(option, value)
        if problem is not None:
            raise invalid(f"settings.{key}", f"settings.{key} {problem} ({option['type']})")


def _check_required(entry: CatalogEntry, settings: dict[str, Any], *, only: dict[str, Any] | None = None) -> None:
    for name in entry.required:
        if only is not None and name not in only:
            continue
        if is_blank(settings.get(name)):
            label = entry.options[name].get("label", name)
            raise invalid(f"settings.{name}", f"settings.{name} ({label}) is required by {entry.name}")
