"""Idempotency keys of writes: a repeat returns the first outcome and writes nothing twice.

Records go through the idempotency port (state/ports.py) as plain JSON: references to what the
write left (never settings, which can hold secrets in clear), the changes and the problems. A
repeat reads the objects afresh, so it answers what exists now.

The contract (README, "Idempotency"): a key is scoped by the API key and workspace and lives
``idempotency_ttl_seconds``; a repeat with the same key and another input is a CONFLICT; a repeat
while the first is running waits for it; a first attempt that failed before anything could have
been written leaves no record, so a retry runs again. A first attempt whose outcome stayed unknown
(the vendor may have applied it; reading it back could not tell) leaves the key pending: the next
repeat reconciles first, reading the vendor for what the first attempt left, and writes again only
once the vendor has had ``settle_seconds`` to show it and does not.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from destgraph.domain.problems import Problem, ProblemCode
from destgraph.services.changes import FieldChange
from destgraph.state import IdempotencyPort, IdempotencyRecord

#: how long a repeat waits for the first attempt to finish
WAIT_SECONDS = 60.0


@dataclass(frozen=True)
class Outcome:
    """What a write did, in terms that can be stored and told again."""

    #: references to what the write left (workspace, destination, subscription ids); None: nothing
    refs: dict[str, str] | None
    changes: list[FieldChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: the write was sent and whether it was applied is not known
    unknown: bool = False
    #: when the write began (epoch seconds): what reconciling looks for is not older
    started_at: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "refs": self.refs,
            "changes": [{"field": list(c.field), "before": c.before, "after": c.after} for c in self.changes],
            "problems": [{"field": list(p.field), "message": p.message, "code": p.code.value} for p in self.problems],
            "unknown": self.unknown,
            "startedAt": self.started_at,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        return cls(
            refs=data["refs"],
            changes=[FieldChange(tuple(c["field"]), c["before"], c["after"]) for c in data["changes"]],
            problems=[Problem(tuple(p["field"]), p["message"], ProblemCode(p["code"])) for p in data["problems"]],
            unknown=data["unknown"],
            started_at=data["startedAt"],
        )


Write = Callable[[], Awaitable[Outcome]]
#: reads the vendor for what an earlier attempt begun at ``started_at`` left; None: nothing shows
Reconcile = Callable[[Outcome], Awaitable[Outcome | None]]


class Idempotency:
    """One scope's keys over the idempotency port."""

    def __init__(self, port: IdempotencyPort, *, scope: str, ttl_seconds: float, settle_seconds: float) -> None:
        self._port = port
        self._scope = scope
        self._ttl = ttl_seconds
        self._settle = settle_seconds

    async def run(self, key: str, mark: str, write: Write, reconcile: Reconcile) -> tuple[Outcome | None, str | None]:
        """(outcome, None) once the write ran here or before; (None, reason) when it may not run."""
        while True:
            record = await self._port.claim(self._scope, key, mark, ttl_seconds=self._ttl)
            if record is None:
                return await self._first(key, write), None
            if record.fingerprint != mark:
                return None, "this idempotencyKey was used with a different input"
            if record.status == "running":
                record = await self._port.wait(self._scope, key, patience=WAIT_SECONDS)
                if record is not None and record.status == "running":
                    return None, "a write with this idempotencyKey is still running; repeat it later"
                continue  # done, unknown, or gone (the first attempt failed): look again
            if record.status == "done":
                return Outcome.from_json(record.result), None
            if await self._port.take_over(self._scope, key):
                return await self._reconcile(key, record, write, reconcile), None

    async def _first(self, key: str, write: Write) -> Outcome:
        try:
            outcome = await write()
        except BaseException:
            # Raised before anything could have been applied (reconciled faults come back as outcomes).
            await self._port.release(self._scope, key)
            raise
        await self._settle_record(key, outcome)
        return outcome

    async def _reconcile(self, key: str, record: IdempotencyRecord, write: Write, reconcile: Reconcile) -> Outcome:
        prior = Outcome.from_json(record.result)
        try:
            found = await reconcile(prior)
        except BaseException:
            await self._port.complete(self._scope, key, record.result, ttl_seconds=self._ttl, status="unknown")
            raise
        if found is not None:
            await self._settle_record(key, found)
            return found
        if time.time() - prior.started_at < self._settle:
            # The vendor may still be applying the first attempt: writing again could duplicate it.
            await self._port.complete(self._scope, key, record.result, ttl_seconds=self._ttl, status="unknown")
            return prior
        return await self._first(key, write)

    async def _settle_record(self, key: str, outcome: Outcome) -> None:
        if outcome.unknown:
            await self._port.complete(self._scope, key, outcome.to_json(), ttl_seconds=self._ttl, status="unknown")
        elif outcome.refs is None:
            # Nothing was written: a corrected retry with the same key must be allowed to run.
            await self._port.release(self._scope, key)
        else:
            await self._port.complete(self._scope, key, outcome.to_json(), ttl_seconds=self._ttl)


def fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
