"""Zeotap's in-memory state: workspaces, their destinations, reverse-ETL syncs and audience syncs.

Dicts keep insertion order, so a workspace's destinations list in creation order (seed: "Returns
all destinations in the workspace"). The encoded list body is cached per workspace and dropped
on every write, so 50 clients listing 1,000 destinations share one encoding.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from destgraph.emulators.core import SeededRandom, VendorError, isoformat
from destgraph.emulators.zeotap import probe
from destgraph.emulators.zeotap.catalog import TYPES

PENDING = "pending"
CONNECTED = "connected"
ERROR = "error"


def _encode(body: Any) -> bytes:
    # Compact like the vendor's Go encoder; non-ASCII kept as UTF-8.
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass
class Destination:
    """A destination as stored: config held as sent, secrets included."""

    id: str
    workspace_id: str
    name: str
    destination_type: str
    config: dict[str, Any]
    created_by: str
    created_at: datetime
    updated_at: datetime
    connection_id: str | None = None
    status: str = PENDING
    status_error: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "workspace_id": self.workspace_id,
            "connection_id": self.connection_id,
            "name": self.name,
            "destination_type": self.destination_type,
            # Secrets come back as stored, in clear: no source says Zeotap masks them.
            "config": self.config,
            "status": self.status,
            "status_error": self.status_error,
            "created_by": self.created_by,
            "created_at": isoformat(self.created_at),
            "updated_at": isoformat(self.updated_at),
        }


@dataclass
class Sync:
    """A reverse-ETL pipeline ("still keyed under /syncs") or an audience sync reading a destination."""

    id: str
    workspace_id: str
    destination_id: str
    name: str
    description: str
    field_mapping: list[dict[str, str]]
    sync_mode: str
    schedule: str
    config: dict[str, Any]
    status: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    last_synced_at: datetime | None
    last_run_id: str | None
    #: reverse ETL reads a model; an audience sync reads an audience
    model_id: str | None = None
    primary_key: str | None = None
    audience_id: str | None = None
    split_group_id: str | None = None
    status_error: str = ""

    @property
    def is_audience_sync(self) -> bool:
        return self.audience_id is not None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "workspace_id": self.workspace_id}
        if self.is_audience_sync:
            body |= {"audience_id": self.audience_id, "split_group_id": self.split_group_id}
        else:
            body |= {"model_id": self.model_id}
        body |= {
            "destination_id": self.destination_id,
            "name": self.name,
            "description": self.description,
            "field_mapping": self.field_mapping,
            "sync_mode": self.sync_mode,
            "schedule": self.schedule,
            "config": self.config,
        }
        if not self.is_audience_sync:
            body["primary_key"] = self.primary_key
        body |= {
            "status": self.status,
            "status_error": self.status_error,
            "created_by": self.created_by,
            "created_at": isoformat(self.created_at),
            "updated_at": isoformat(self.updated_at),
            "last_synced_at": isoformat(self.last_synced_at) if self.last_synced_at else None,
            "last_run_id": self.last_run_id,
        }
        return body


@dataclass
class Workspace:
    """A workspace and everything scoped to it."""

    id: str
    name: str
    slug: str
    created_at: datetime
    updated_at: datetime
    destinations: dict[str, Destination] = field(default_factory=dict)
    syncs: dict[str, Sync] = field(default_factory=dict)
    audience_syncs: dict[str, Sync] = field(default_factory=dict)
    _listing: bytes | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "slug": self.slug,
            "created_at": isoformat(self.created_at),
            "updated_at": isoformat(self.updated_at),
        }

    def changed(self) -> None:
        self._listing = None

    def listing(self) -> bytes:
        if self._listing is None:
            self._listing = _encode([d.to_json() for d in self.destinations.values()])
        return self._listing


class ZeotapState:
    """All workspaces of one emulator, keyed by id, plus the operations the API offers on them."""

    def __init__(self, rng: SeededRandom) -> None:
        self.workspaces: dict[str, Workspace] = {}
        #: the seed's generator, continued: ids of created records are deterministic too
        self.rng = rng

    def new_id(self) -> str:
        return self.rng.uuid()

    # -- workspaces -------------------------------------------------------------------------

    def add_workspace(self, workspace: Workspace) -> None:
        self.workspaces[workspace.id] = workspace

    def list_workspaces(self) -> list[Workspace]:
        return list(self.workspaces.values())

    def get_workspace(self, workspace_id: str) -> Workspace:
        workspace = self.workspaces.get(workspace_id)
        if workspace is None:
            raise VendorError(404, f"workspace {workspace_id} not found")
        return workspace

    # -- destinations -----------------------------------------------------------------------

    def list_destinations(self, workspace_id: str) -> bytes:
        return self.get_workspace(workspace_id).listing()

    def get_destination(self, workspace_id: str, destination_id: str) -> Destination:
        found = self.get_workspace(workspace_id).destinations.get(destination_id)
        if found is None:
            raise VendorError(404, f"destination {destination_id} not found")
        return found

    def create_destination(self, destination: Destination) -> Destination:
        workspace = self.get_workspace(destination.workspace_id)
        workspace.destinations[destination.id] = destination
        workspace.changed()
        return destination

    def update_destination(
        self, workspace_id: str, destination_id: str, changes: dict[str, Any], now: datetime
    ) -> Destination:
        """Apply a partial update: only the keys in ``changes`` are touched; config is replaced whole."""
        destination = self.get_destination(workspace_id, destination_id)
        if "name" in changes:
            destination.name = changes["name"]
        if "config" in changes:
            destination.config = changes["config"]
        if "connection_id" in changes:
            destination.connection_id = changes["connection_id"]
        if "config" in changes or "connection_id" in changes:
            # New credentials are untested until the next connection test.
            destination.status = PENDING
            destination.status_error = ""
        destination.updated_at = now
        self.workspaces[workspace_id].changed()
        return destination

    def delete_destination(self, workspace_id: str, destination_id: str) -> None:
        workspace = self.get_workspace(workspace_id)
        destination = self.get_destination(workspace_id, destination_id)
        syncs = [s.id for s in workspace.syncs.values() if s.destination_id == destination.id]
        audience_syncs = [s.id for s in workspace.audience_syncs.values() if s.destination_id == destination.id]
        if syncs or audience_syncs:
            parts = []
            if syncs:
                parts.append(f"{len(syncs)} reverse ETL sync(s) ({', '.join(syncs)})")
            if audience_syncs:
                parts.append(f"{len(audience_syncs)} audience sync(s) ({', '.join(audience_syncs)})")
            raise VendorError(
                409,
                f"destination {destination.id} cannot be deleted: it is used by {' and '.join(parts)}; "
                "delete or repoint them first",
                kind="conflict",
            )
        del workspace.destinations[destination.id]
        workspace.changed()

    def record_test(
        self, workspace_id: str, destination_id: str, steps: list[probe.Step], now: datetime
    ) -> Destination | None:
        """Store a finished connection test's outcome; None when the destination is gone meanwhile."""
        workspace = self.workspaces.get(workspace_id)
        destination = workspace.destinations.get(destination_id) if workspace else None
        if workspace is None or destination is None:
            return None
        message = probe.failure(steps)
        destination.status = ERROR if message else CONNECTED
        destination.status_error = message
        destination.updated_at = now
        workspace.changed()
        return destination

    def inspect_destination(self, destination_id: str) -> dict[str, Any] | None:
        for workspace in self.workspaces.values():
            found = workspace.destinations.get(destination_id)
            if found is not None:
                return copy.deepcopy(found.to_json())
        return None

    def secret_values(self) -> set[str]:
        found: set[str] = set()
        for workspace in self.workspaces.values():
            for destination in workspace.destinations.values():
                kind = TYPES.get(destination.destination_type)
                secret_names = {f.name for f in kind.config if f.secret or f.name == "headers"} if kind else set()
                found |= {str(v) for k, v in destination.config.items() if k in secret_names and v}
        return found

    # -- syncs and audience syncs -----------------------------------------------------------

    def _collection(self, workspace_id: str, audience: bool) -> dict[str, Sync]:
        workspace = self.get_workspace(workspace_id)
        return workspace.audience_syncs if audience else workspace.syncs

    def list_syncs(self, workspace_id: str, *, audience: bool) -> list[Sync]:
        return list(self._collection(workspace_id, audience).values())

    def get_sync(self, workspace_id: str, sync_id: str, *, audience: bool) -> Sync:
        found = self._collection(workspace_id, audience).get(sync_id)
        if found is None:
            raise VendorError(404, f"{'audience sync' if audience else 'sync'} {sync_id} not found")
        return found

    def delete_sync(self, workspace_id: str, sync_id: str, *, audience: bool) -> None:
        self.get_sync(workspace_id, sync_id, audience=audience)
        del self._collection(workspace_id, audience)[sync_id]
