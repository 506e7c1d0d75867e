"""What a read asks for, in unified terms: list filters and delivery-metrics windows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from destgraph.domain.models import Destination, Granularity


@dataclass(frozen=True)
class ListFilter:
    """What the caller filters on; an adapter pushes down what its vendor can, the service the rest."""

    enabled: bool | None = None
    type_keys: tuple[str, ...] = ()
    search: str | None = None
    #: vendor-neutral service slugs (klaviyo, webhook): the adapter maps a type to its slug, so
    #: ``accepts`` cannot tell; the service applies them (services/destinations.py)
    services: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return self.enabled is None and not self.type_keys and not self.search and not self.services

    def accepts(self, destination: Destination) -> bool:
        """Everything but ``services``, which needs the destination's adapter."""
        if self.enabled is not None and destination.enabled != self.enabled:
            return False
        if self.type_keys and destination.type_key not in self.type_keys:
            return False
        return not self.search or self.search.lower() in destination.name.lower()


@dataclass(frozen=True)
class MetricsWindow:
    source_id: str | None
    start_time: datetime | None
    end_time: datetime | None
    granularity: Granularity
