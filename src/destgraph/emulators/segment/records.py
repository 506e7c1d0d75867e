"""The records a Segment workspace holds: destinations and their subscriptions, each with its JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from destgraph.emulators.segment.catalog import CatalogEntry
from destgraph.emulators.segment.media import dumps
from destgraph.emulators.segment.settings import mask


@dataclass(eq=False)
class Subscription:
    """A destination subscription (alpha): an action of the destination, fired by an FQL trigger."""

    id: str
    destination_id: str
    name: str
    action_id: str
    action_slug: str
    trigger: str
    enabled: bool
    settings: dict[str, Any]
    model_id: str
    created_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        """The shape of the create, get and list samples (seed)."""
        return {
            "id": self.id,
            "name": self.name,
            "actionId": self.action_id,
            "actionSlug": self.action_slug,
            "destinationId": self.destination_id,
            "modelId": self.model_id,
            "enabled": self.enabled,
            "trigger": self.trigger,
            "settings": self.settings,
        }

    def to_update_json(self) -> dict[str, Any]:
        """The seed's update sample has another shape: reverseETLModelId instead of modelId, plus timestamps."""
        return {
            "id": self.id,
            "name": self.name,
            "actionId": self.action_id,
            "actionSlug": self.action_slug,
            "destinationId": self.destination_id,
            "reverseETLModelId": self.model_id,
            "trigger": self.trigger,
            "enabled": self.enabled,
            "settings": self.settings,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "relatedResources": [],
        }


@dataclass(eq=False)
class Destination:
    """A destination instance: a catalog entry connected to a source, with its settings."""

    id: str
    name: str
    enabled: bool
    source_id: str
    entry: CatalogEntry
    settings: dict[str, Any]
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    _encoded: bytes | None = field(default=None, repr=False)

    def masked_settings(self) -> dict[str, Any]:
        entry = self.entry
        return {key: mask(value) if entry.masks(key) else value for key, value in self.settings.items()}

    def to_json(self, *, masked: bool = True) -> dict[str, Any]:
        """DestinationV1, in the seed samples' key order, with the full metadata embedded."""
        return {
            "id": self.id,
            "enabled": self.enabled,
            "name": self.name,
            "settings": self.masked_settings() if masked else self.settings,
            "metadata": self.entry.metadata,
            "sourceId": self.source_id,
        }

    def encoded(self) -> bytes:
        if self._encoded is None:
            head = {"id": self.id, "enabled": self.enabled, "name": self.name, "settings": self.masked_settings()}
            # The shared metadata is spliced in as bytes: serializing it per destination dominates large lists.
            self._encoded = (
                dumps(head)[:-1] + b',"metadata":' + self.entry.encoded + b',"sourceId":' + dumps(self.source_id) + b"}"
            )
        return self._encoded

    def changed(self) -> None:
        self._encoded = None
