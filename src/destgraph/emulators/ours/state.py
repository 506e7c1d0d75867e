"""In-memory state of one Ours Privacy account: its destinations and their dispatch history.

Destinations are held by id, plus an index sorted by (createdAt, insertion sequence) so that
newest-first pages are a bisect and a walk, not a sort per request. Cursors are keyset positions in
that order, so creates and deletes between pages neither repeat nor skip a destination.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import random
from bisect import bisect_left, insort
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from destgraph.emulators.core import Clock, SeededRandom, isoformat
from destgraph.emulators.ours.catalog import MASK, TYPES_BY_ID, DestinationType
from destgraph.emulators.ours.errors import bad_request, not_found
from destgraph.emulators.ours.validation import Patch, validate_settings

#: Mixed into cursors so an edited cursor is caught as malformed ("Do not decode or modify it").
_CURSOR_KEY = "ours-emulator-cursor-v1"
HEALTH_WINDOW = timedelta(hours=24)


@dataclass
class Destination:
    """One destination as the account holds it: settings in clear, secrets included."""

    id: str
    type: str
    name: str | None
    status: str
    created_at: datetime
    updated_at: datetime | None
    settings: dict[str, Any]
    limited_to_source_ids: list[str] | None = None
    hashing_salt: str | None = None
    #: insertion order, the tie-break of equal createdAt values
    seq: int = 0
    #: seeds this destination's dispatch history (see OursState.destination_health)
    dispatch: DispatchProfile | None = None

    @property
    def kind(self) -> DestinationType:
        return TYPES_BY_ID[self.type]

    @property
    def sort_key(self) -> tuple[int, int]:
        return (_millis(self.created_at), self.seq)

    def to_json(self, *, mask: bool = True) -> dict[str, Any]:
        secrets = self.kind.secret_keys if mask else frozenset()
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "status": self.status,
            "createdAt": isoformat(self.created_at, millis=True),
            "updatedAt": isoformat(self.updated_at, millis=True) if self.updated_at else None,
            "settings": {k: MASK if k in secrets else v for k, v in self.settings.items()},
            "limitedToSourceIds": list(self.limited_to_source_ids) if self.limited_to_source_ids is not None else None,
            "hashingSalt": self.hashing_salt,
        }


@dataclass(frozen=True)
class DispatchProfile:
    """Hourly dispatch counts for the 48 hours before seeding, drawn from ``seed`` on demand.

    ``success_rate`` is the share of decisive (succeeded or failed) dispatches that succeeded;
    ``volume`` 0 means no dispatch in those hours; ``last_seen`` an older last dispatch, if any.
    """

    seed: int
    volume: int
    success_rate: float
    stopped_only: bool = False
    last_seen: datetime | None = None

    def buckets(self, seeded_at: datetime) -> list[tuple[datetime, int, int, int, int]]:
        """(at, succeeded, failed, stopped, globally stopped) per hour, newest first."""
        rng = random.Random(self.seed)
        rows = []
        for hour in range(48 if self.volume else 0):
            # 10 to 50 minutes into the hour: clear of both window edges while the clock is near seed time
            at = seeded_at - timedelta(hours=hour, seconds=rng.randint(600, 3000))
            sent = rng.randint(self.volume // 2, self.volume)
            decisive = 0 if self.stopped_only else sent
            succeeded = round(decisive * min(1.0, max(0.0, self.success_rate + rng.uniform(-0.01, 0.01))))
            rows.append((at, succeeded, decisive - succeeded, rng.randint(0, sent // 20 + 1), rng.randint(0, 2)))
        return rows


@dataclass
class OursState:
    """An account's destinations (seed.new_state builds it seeded)."""

    clock: Clock
    rng: SeededRandom
    #: the emulator clock when the state was built; seeded dispatch history is relative to it
    seeded_at: datetime
    destinations: dict[str, Destination] = field(default_factory=dict)
    _order: list[tuple[int, int, str]] = field(default_factory=list)
    _seq: int = 0

    # -- operations, named after the vendor's ----------------------------------------------------

    def list_destinations(
        self, *, limit: int, cursor: str | None, status: str | None, type_id: str | None
    ) -> tuple[list[Destination], str | None]:
        """A newest-first page and the cursor of the next one (None on the last page)."""
        scope = f"{status or ''}|{type_id or ''}"
        end = len(self._order)
        if cursor:
            end = bisect_left(self._order, _decode_cursor(cursor, scope))
        page: list[Destination] = []
        index = end - 1
        while index >= 0 and len(page) <= limit:
            destination = self.destinations[self._order[index][2]]
            if (status is None or destination.status == status) and (type_id is None or destination.type == type_id):
                page.append(destination)
            index -= 1
        if len(page) <= limit:
            return page, None
        page = page[:limit]
        return page, _encode_cursor(page[-1].sort_key, scope)

    def create_destination(self, kind: DestinationType, name: str | None, settings: dict[str, Any]) -> Destination:
        now = self._now()
        destination = Destination(
            id=self.rng.uuid(),
            type=kind.id,
            name=name,
            status="Enabled",
            created_at=now,
            updated_at=now,
            settings=settings,
        )
        self.insert(destination)
        return destination

    def find_destination(self, destination_id: str) -> Destination:
        destination = self.destinations.get(destination_id)
        if destination is None:
            raise not_found(destination_id)
        return destination

    def update_destination(self, destination_id: str, patch: Patch) -> Destination:
        destination = self.find_destination(destination_id)
        kind = destination.kind
        settings = destination.settings
        if patch.clear_settings:
            if kind.required_keys:
                issues = [f"settings.{key}: Required for destination type {kind.id}" for key in kind.required_keys]
                raise bad_request("Invalid settings", issues, field=f"settings.{kind.required_keys[0]}")
            settings = {}
        elif patch.settings:
            settings = validate_settings(kind, patch.settings, stored=settings)
        # Validation is done: apply everything at once, so a refused PATCH changes nothing.
        destination.settings = settings
        if "name" in patch.fields:
            destination.name = patch.fields["name"]
        if "status" in patch.fields:
            destination.status = patch.fields["status"]
        if "hashingSalt" in patch.fields:
            destination.hashing_salt = patch.fields["hashingSalt"]
        if "limitedToSourceIds" in patch.fields:
            sources = patch.fields["limitedToSourceIds"]
            destination.limited_to_source_ids = list(sources) if sources is not None else None
        destination.updated_at = max(self._now(), destination.created_at)
        return destination

    def delete_destination(self, destination_id: str) -> None:
        destination = self.find_destination(destination_id)
        key = (*destination.sort_key, destination.id)
        index = bisect_left(self._order, key)
        del self._order[index]
        del self.destinations[destination_id]

    def destination_health(self, destination_id: str) -> dict[str, Any]:
        """Dispatch health over the trailing 24 hours, from the destination's seeded history."""
        destination = self.find_destination(destination_id)
        end = self.clock.now()
        start = end - HEALTH_WINDOW
        succeeded = failed = stopped = global_stops = 0
        last: datetime | None = None
        profile = destination.dispatch
        rows = profile.buckets(self.seeded_at) if profile else []
        for at, ok, ko, stop, global_stop in rows:
            if at > end or at < destination.created_at:
                continue
            last = at if last is None or at > last else last
            if at > start:
                succeeded, failed = succeeded + ok, failed + ko
                stopped, global_stops = stopped + stop, global_stops + global_stop
        if last is None and profile is not None and profile.last_seen is not None:
            last = profile.last_seen
        decisive = succeeded + failed
        rate = succeeded / decisive if decisive else None
        if rate is None:
            status = "NO_DATA"
        elif rate >= 0.95:
            status = "HEALTHY"
        elif rate >= 0.5:
            status = "DEGRADED"
        else:
            status = "UNHEALTHY"
        return {
            "status": status,
            "windowStart": isoformat(start, millis=True),
            "windowEnd": isoformat(end, millis=True),
            "totalDispatches": decisive + stopped + global_stops,
            "successCount": succeeded,
            "failureCount": failed,
            "stoppedCount": stopped,
            "globalStopCount": global_stops,
            "successRate": round(rate, 4) if rate is not None else None,
            "lastDispatchedAt": isoformat(last, millis=True) if last else None,
        }

    def inspect_destination(self, destination_id: str) -> dict[str, Any] | None:
        destination = self.destinations.get(destination_id)
        return destination.to_json(mask=False) if destination else None

    def secret_values(self) -> set[str]:
        """Every Secret-kind setting value held, plus every hashingSalt.

        Ours returns hashingSalt unmasked, but the gateway treats it as a secret (ARCHITECTURE,
        "Secrets"), so leak tests must look for it too.
        """
        found: set[str] = set()
        for destination in self.destinations.values():
            secret_keys = destination.kind.secret_keys
            found.update(str(v) for k, v in destination.settings.items() if k in secret_keys and v)
            if destination.hashing_salt:
                found.add(destination.hashing_salt)
        return found

    # -- internals --------------------------------------------------------------------------------

    def insert(self, destination: Destination) -> None:
        """Hold ``destination``, last in insertion order (seeding and create)."""
        self._seq += 1
        destination.seq = self._seq
        self.destinations[destination.id] = destination
        insort(self._order, (*destination.sort_key, destination.id))

    def _now(self) -> datetime:
        # Millisecond precision, as the vendor's ISO strings carry; stored and sorted alike.
        now = self.clock.now()
        return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000 + 0.5)


def _encode_cursor(key: tuple[int, int], scope: str) -> str:
    payload = json.dumps([key[0], key[1], scope], separators=(",", ":"))
    mac = hashlib.sha256(f"{_CURSOR_KEY}{payload}".encode()).hexdigest()[:16]
    return base64.urlsafe_b64encode(f"{payload}.{mac}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, scope: str) -> tuple[int, int]:
    """The (createdAt ms, sequence) a cursor points after; 400 if malformed or from other filters."""
    malformed = bad_request("Invalid cursor", "Malformed cursor: pass pagination.nextCursor unchanged", field="cursor")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        payload, _, mac = raw.rpartition(".")
        if hashlib.sha256(f"{_CURSOR_KEY}{payload}".encode()).hexdigest()[:16] != mac:
            raise malformed
        created, seq, issued_for = json.loads(payload)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise malformed from exc
    if not isinstance(created, int) or not isinstance(seq, int) or not isinstance(issued_for, str):
        raise malformed
    if issued_for != scope:
        raise bad_request(
            "Invalid cursor",
            "Cursor was issued for different status/type filters; repeat the filters of the request that returned it",
            field="cursor",
        )
    return created, seq
