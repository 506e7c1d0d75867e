"""A clock the control API can move forward, so rate-limit windows and time ranges are testable."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime


class Clock:
    """Wall and monotonic time plus an offset that only grows."""

    #: seed data is dated from the start of the current hour, so the same seed gives the same data
    #: however many milliseconds apart two seedings run
    SEED_GRANULARITY = 3600

    def __init__(self) -> None:
        self._offset = 0.0
        self._pinned: float | None = None

    @property
    def offset(self) -> float:
        return self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds

    def reset(self) -> None:
        self._offset = 0.0

    def time(self) -> float:
        """Seconds since the epoch."""
        if self._pinned is not None:
            return self._pinned
        return time.time() + self._offset

    @contextlib.contextmanager
    def pinned_for_seeding(self) -> Iterator[None]:
        """Within the block, wall time stands at the start of the current hour (seeding is synchronous)."""
        now = time.time() + self._offset
        self._pinned = now - now % self.SEED_GRANULARITY
        try:
            yield
        finally:
            self._pinned = None

    def monotonic(self) -> float:
        return time.monotonic() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)


def isoformat(moment: datetime, *, millis: bool = False) -> str:
    """RFC 3339 in UTC with a Z, the way the vendors write timestamps."""
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds" if millis else "seconds")
    return text.replace("+00:00", "Z")


def parse_timestamp(text: str) -> datetime:
    """Parse an RFC 3339 timestamp (Z or offset); raises ValueError on anything else."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
