"""Idempotency keys for creates: a repeat returns the first result and creates nothing.

Records go through the idempotency port (state/ports.py), as plain JSON: the created destination's
reference (never its settings, which can hold secrets in clear), the changes and the problems. A
repeat reads the destination afresh, so it answers what exists now. Keys are scoped by the caller
(API key name) and workspace, and live ``idempotency_ttl_seconds``. A repeat with the same key and
another input is a conflict; a repeat while the first is still running waits for it; a first
attempt that raised, or created nothing, leaves no record, so a retry runs again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from destgraph.domain.models import DestinationRef
from destgraph.domain.problems import Problem, ProblemCode
from destgraph.services.changes import FieldChange
from destgraph.state import IdempotencyPort

#: how long a repeat waits for the first attempt to finish
WAIT_SECONDS = 60.0


@dataclass(frozen=True)
class Outcome:
    """What a create did, in terms that can be stored and told again."""

    destination: DestinationRef | None
    changes: list[FieldChange]
    problems: list[Problem]

    def to_json(self) -> dict[str, Any]:
        destination = self.destination
        return {
            "destination": {"workspace": destination.workspace, "nativeId": destination.native_id}
            if destination
            else None,
            "changes": [{"field": list(c.field), "before": c.before, "after": c.after} for c in self.changes],
            "problems": [{"field": list(p.field), "message": p.message, "code": p.code.value} for p in self.problems],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        ref = data.get("destination")
        return cls(
            destination=DestinationRef(ref["workspace"], ref["nativeId"]) if ref else None,
            changes=[FieldChange(tuple(c["field"]), c["before"], c["after"]) for c in data["changes"]],
            problems=[Problem(tuple(p["field"]), p["message"], ProblemCode(p["code"])) for p in data["problems"]],
        )


@dataclass(frozen=True)
class Repeat:
    """The claim of a key: ``outcome`` None means the caller runs the write; ``conflict`` says why not."""

    outcome: Outcome | None = None
    conflict: str | None = None


class Idempotency:
    """One scope's keys over the idempotency port."""

    def __init__(self, port: IdempotencyPort, *, scope: str, ttl_seconds: float) -> None:
        self._port = port
        self._scope = scope
        self._ttl = ttl_seconds

    async def run(
        self, key: str, mark: str, write: Callable[[], Awaitable[Outcome]]
    ) -> tuple[Outcome | None, str | None]:
        """(outcome, None) once the write ran here or before; (None, reason) when it may not run."""
        record = await self._port.claim(self._scope, key, mark, ttl_seconds=self._ttl)
        if record is not None:
            if record.fingerprint != mark:
                return None, "this idempotencyKey was used with a different input"
            if record.status == "running":
                record = await self._port.wait(self._scope, key, patience=WAIT_SECONDS)
            if record is None:  # the first attempt failed meanwhile: this repeat runs it
                return await self.run(key, mark, write)
            if record.status == "running":
                return None, "a create with this idempotencyKey is still running; repeat it later"
            return Outcome.from_json(record.result), None
        try:
            outcome = await write()
        except BaseException:
            await self._port.release(self._scope, key)
            raise
        if outcome.destination is None:
            # Nothing was created: a corrected retry with the same key must be allowed to run.
            await self._port.release(self._scope, key)
        else:
            await self._port.complete(self._scope, key, outcome.to_json(), ttl_seconds=self._ttl)
        return outcome, None


def fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
