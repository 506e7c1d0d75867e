"""Zeotap writes: request bodies, the checks for what Zeotap cannot express, connection-test events.

Zeotap facts these rely on: a PUT is partial at the top level but ``config`` replaces the stored
config whole (and puts the destination back to ``pending``); config comes back with its secrets in
clear, so a config about to be sent holds real values and a mask in it can only be a mistake that
would be stored literally. Destinations have no enabled flag, no sources and no subscriptions.
Connection tests stream ``event: step`` {name, status, message} per step, then ``event: done``
{success, steps} (and the updated ``destination`` when an existing destination was tested).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from destgraph.adapters.errors import CallContext
from destgraph.domain.models import Destination, JSONObject
from destgraph.domain.secrets import holds_mask
from destgraph.domain.writes import DestinationDraft, DestinationPatch, TestOutcome, TestStep, TestStepStatus
from destgraph.errors import InvalidInputError, UpstreamProtocolError

_STEP_STATUS = {
    "passed": TestStepStatus.PASSED,
    "failed": TestStepStatus.FAILED,
    "skipped": TestStepStatus.SKIPPED,
    "running": TestStepStatus.RUNNING,
}


def create_body(draft: DestinationDraft) -> JSONObject:
    """The POST body; refuses, before any call, what a Zeotap destination cannot hold."""
    if not draft.enabled:
        raise InvalidInputError("Zeotap destinations cannot be disabled", field=("input", "enabled"))
    if draft.source_ids:
        raise InvalidInputError("Zeotap destinations have no sources", field=("input", "sourceIds"))
    if draft.subscriptions:
        raise InvalidInputError("Zeotap destinations have no subscriptions", field=("input", "subscriptions"))
    body: JSONObject = {"name": draft.name, "destination_type": draft.type_key, "config": real_config(draft.settings)}
    if draft.connection_ref is not None:
        body["connection_id"] = draft.connection_ref
    return body


def update_body(current: Destination, patch: DestinationPatch) -> JSONObject:
    """The PUT body: only the top-level fields that change (an empty body: nothing to send)."""
    _refuse_what_zeotap_lacks(patch)
    body: JSONObject = {}
    if patch.name is not None and patch.name != current.name:
        body["name"] = patch.name
    if patch.settings is not None:
        removed = patch.settings.removed
        config = real_config({k: v for k, v in patch.settings.merged.items() if k not in removed})
        # The same config again would still reset the status to pending: send it only when it changes.
        if config != current.settings:
            body["config"] = config
    return body


def rename_body(patch: DestinationPatch) -> JSONObject:
    """The PUT body of a change of name alone (enabled can only be true: Zeotap has no such flag)."""
    _refuse_what_zeotap_lacks(patch)
    return {"name": patch.name} if patch.name is not None else {}


def _refuse_what_zeotap_lacks(patch: DestinationPatch) -> None:
    if patch.enabled is False:
        raise InvalidInputError("Zeotap destinations cannot be disabled", field=("input", "enabled"))
    if patch.source_ids:
        raise InvalidInputError("Zeotap destinations have no sources", field=("input", "sourceIds"))


def real_config(settings: JSONObject) -> JSONObject:
    """Settings as a config to send: keys without a value left out, masks refused.

    Zeotap stores whatever it is sent and replaces the config whole, so a mask (ours or a
    redaction) sent as a value would replace the real secret with bullets.
    """
    config = {k: v for k, v in settings.items() if v is not None}
    for key, value in config.items():
        if holds_mask(value):
            raise InvalidInputError(
                "Zeotap stores the config whole, so this setting needs its real value, not a masked one",
                field=("input", "settings", key),
            )
    return config


class TestRun:
    """What one connection test's events said: the steps as they came, then the done event."""

    __test__ = False  # not a pytest class, whatever its name

    def __init__(self, context: CallContext) -> None:
        self._context = context
        #: latest report of each step, by name, in the order steps first appeared
        self._streamed: dict[str, TestStep] = {}
        self._done: dict[str, Any] | None = None

    def step(self, data: Any) -> TestStep:
        """A ``step`` event's step, remembered."""
        step = self._parse_step(data)
        self._streamed[step.name] = step
        return step

    def finish(self, data: Any) -> list[TestStep]:
        """Take the ``done`` event; answers its steps that no ``step`` event reported."""
        if not isinstance(data, dict):
            raise self._protocol_error("sent a done event that is not an object")
        self._done = data
        return [s for s in self._final_steps() if s.name not in self._streamed]

    def outcome(self, parse_destination: Callable[[dict[str, Any]], Destination]) -> TestOutcome:
        """The test's outcome; the destination comes from the done event when the vendor sent one."""
        if self._done is None:
            raise self.unfinished()
        steps = self._final_steps()
        success = self._done.get("success")
        if not isinstance(success, bool):
            success = bool(steps) and all(s.status is not TestStepStatus.FAILED for s in steps)
        row = self._done.get("destination")
        destination = parse_destination(row) if isinstance(row, dict) and row.get("id") else None
        return TestOutcome(success=success, steps=steps, destination=destination)

    def unfinished(self) -> UpstreamProtocolError:
        return self._protocol_error("ended the connection test stream before its done event")

    def _final_steps(self) -> tuple[TestStep, ...]:
        listed = self._done.get("steps") if self._done is not None else None
        if isinstance(listed, list):
            return tuple(self._parse_step(item) for item in listed)
        return tuple(self._streamed.values())

    def _parse_step(self, data: Any) -> TestStep:
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise self._protocol_error("sent a test step without a name")
        status = _STEP_STATUS.get(str(data.get("status", "")).lower())
        if status is None:
            raise self._protocol_error(f"sent test step {data['name']!r} with an unknown status")
        message = data.get("message")
        return TestStep(name=data["name"], status=status, message=str(message) if message else None)

    def _protocol_error(self, what: str) -> UpstreamProtocolError:
        context = self._context
        return UpstreamProtocolError(f"{context.provider} {what} ({context.operation})", **context.as_kwargs())
