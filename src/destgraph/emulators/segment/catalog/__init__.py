"""The destination catalog: DestinationMetadataV1 objects, and what each implies for a destination's settings.

Entries are built once at import and shared read-only by every emulator instance and every response
that embeds them (each destination embeds its full metadata), together with their serialized JSON,
so a list of 1,000 destinations does not serialize the same metadata 1,000 times.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from destgraph.emulators.segment.catalog.actions import ACTIONS, DOCS_ACTION_ID, GA4_ID
from destgraph.emulators.segment.catalog.classic import AMPLITUDE_ID, BLUESHIFT_ID, CLASSIC, KINESIS_ID
from destgraph.emulators.segment.settings import is_read_only_option, is_secret_name, is_secret_option

__all__ = [
    "AMPLITUDE_ID",
    "BLUESHIFT_ID",
    "CATALOG",
    "DOCS_ACTION_ID",
    "GA4_ID",
    "KINESIS_ID",
    "WORKSPACE_PLACEHOLDER",
    "CatalogEntry",
    "catalog_entry",
]

#: Kinesis ``secretId`` defaults to this placeholder, which Segment fills with the workspace id
WORKSPACE_PLACEHOLDER = "#SEGMENT_WORKSPACE_ID"


@dataclass(frozen=True, eq=False)
class CatalogEntry:
    """One destination type of the catalog and the rules its options give a destination's settings."""

    metadata: Mapping[str, Any]

    @property
    def id(self) -> str:
        return str(self.metadata["id"])

    @property
    def name(self) -> str:
        return str(self.metadata["name"])

    @property
    def slug(self) -> str:
        return str(self.metadata["slug"])

    @cached_property
    def encoded(self) -> bytes:
        """The metadata as JSON, spliced into every destination response that embeds it."""
        return json.dumps(self.metadata, ensure_ascii=False, separators=(",", ":")).encode()

    @cached_property
    def options(self) -> dict[str, dict[str, Any]]:
        return {option["name"]: option for option in self.metadata["options"]}

    @cached_property
    def actions(self) -> dict[str, dict[str, Any]]:
        return {action["id"]: action for action in self.metadata["actions"]}

    @property
    def is_actions(self) -> bool:
        """Actions destinations (slug ``actions-*``) take subscriptions and return most secrets in clear."""
        return self.slug.startswith("actions-")

    @property
    def single_instance(self) -> bool:
        """At most one destination of this type per source (terraform-provider-segment issue #104)."""
        features = self.metadata["supportedFeatures"]
        return "SINGLE" in (features.get("cloudModeInstances"), features.get("deviceModeInstances"))

    @cached_property
    def read_only(self) -> frozenset[str]:
        return frozenset(name for name, option in self.options.items() if is_read_only_option(option))

    @cached_property
    def required(self) -> tuple[str, ...]:
        """Options a destination must have a non-blank value for (read-only ones are Segment's to fill)."""
        return tuple(name for name, option in self.options.items() if option["required"] and name not in self.read_only)

    @cached_property
    def masked(self) -> frozenset[str]:
        """Options whose values come back masked.

        Read-only secrets come back in clear (the seed's Kinesis sample returns ``secretId: "secrettt"``),
        and so do the secrets of Actions destinations unless their option is of type ``password`` (the
        seed's GA4 sample returns ``apiSecret: "test"``).
        """
        return frozenset(
            name
            for name, option in self.options.items()
            if is_secret_option(option)
            and name not in self.read_only
            and (not self.is_actions or option["type"] == "password")
        )

    def masks(self, key: str) -> bool:
        if key in self.options:
            return key in self.masked
        return not self.is_actions and is_secret_name(key)

    def default_settings(self, workspace_id: str) -> dict[str, Any]:
        """Every option's defaultValue, as a new destination gets them (the seed's Amplitude sample)."""
        settings: dict[str, Any] = {}
        for name, option in self.options.items():
            if "defaultValue" not in option:
                continue
            value = option["defaultValue"]
            settings[name] = workspace_id if value == WORKSPACE_PLACEHOLDER else copy.deepcopy(value)
        return settings


#: the catalog in Segment's order: by name, as the published example lists AdRoll then AppsFlyer
CATALOG: tuple[CatalogEntry, ...] = tuple(
    CatalogEntry(entry) for entry in sorted([*CLASSIC, *ACTIONS], key=lambda entry: entry["name"].lower())
)
_BY_ID = {entry.id: entry for entry in CATALOG}


def catalog_entry(metadata_id: str) -> CatalogEntry | None:
    return _BY_ID.get(metadata_id)
