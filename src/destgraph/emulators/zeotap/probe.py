"""The connection test: three steps whose outcome follows from the config alone, deterministically.

connectivity    fails when a required config field is missing or empty, a URL field does not
                start with http(s)://, or any text value contains "unreachable"
authentication  fails when a secret (Password) value contains "invalid" or "expired"
permissions     fails when any config value contains "forbidden"

After a failed step the later ones are ``skipped``. The seed shows the step names, the
``passed`` status and the messages "Successfully connected" (new connection), "Connected
successfully" (existing) and "OAuth token valid"; the failure wording is the emulator's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from destgraph.emulators.zeotap.catalog import PASSWORD, DestinationType

PASSED = "passed"
FAILED = "failed"
SKIPPED = "skipped"
STEP_NAMES = ("connectivity", "authentication", "permissions")


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    status: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "message": self.message}


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict | list):
        return [json.dumps(value)]
    return []


def _contains(value: Any, *markers: str) -> str | None:
    for text in _texts(value):
        lowered = text.lower()
        for marker in markers:
            if marker in lowered:
                return marker
    return None


def _connectivity(kind: DestinationType, config: dict[str, Any]) -> str | None:
    for spec in kind.config:
        value = config.get(spec.name)
        if spec.required and (value is None or value == ""):
            return f"Could not connect to {kind.title}: config.{spec.name} is required"
        if spec.url and isinstance(value, str) and value and not value.startswith(("http://", "https://")):
            return f"Could not connect to {kind.title}: config.{spec.name} is not an http(s) URL"
    for key, value in config.items():
        if _contains(value, "unreachable"):
            return f"Could not connect to {kind.title}: dial tcp: lookup of config.{key} failed (host unreachable)"
    return None


def _authentication(kind: DestinationType, config: dict[str, Any]) -> str | None:
    for spec in kind.config:
        if spec.kind != PASSWORD:
            continue
        marker = _contains(config.get(spec.name), "invalid", "expired")
        if marker == "expired":
            return f"Authentication failed: the {spec.label} has expired (401 Unauthorized)"
        if marker == "invalid":
            return f"Authentication failed: {kind.title} rejected the {spec.label} (401 Unauthorized)"
    return None


def _permissions(kind: DestinationType, config: dict[str, Any]) -> str | None:
    for key, value in config.items():
        if _contains(value, "forbidden"):
            return f"Insufficient permissions: {kind.title} denied write access (403 Forbidden, config.{key})"
    return None


_PASSED_AUTH = {
    "oauth": "OAuth token valid",
    "api_key": "API key valid",
    "credentials": "Credentials accepted",
}


def run(kind: DestinationType, config: dict[str, Any], *, existing: bool) -> list[Step]:
    """The steps of a connection test of ``config``, in order."""
    checks = (
        ("connectivity", _connectivity, "Connected successfully" if existing else "Successfully connected"),
        ("authentication", _authentication, _PASSED_AUTH[kind.auth]),
        ("permissions", _permissions, "Write access verified"),
    )
    steps: list[Step] = []
    failed = False
    for step_name, check, ok_message in checks:
        if failed:
            steps.append(Step(step_name, SKIPPED, "Skipped because a previous step failed"))
            continue
        problem = check(kind, config)
        if problem is None:
            steps.append(Step(step_name, PASSED, ok_message))
        else:
            failed = True
            steps.append(Step(step_name, FAILED, problem))
    return steps


def failure(steps: list[Step]) -> str:
    """The message of the failed step ("" when every step passed): an error destination's status_error."""
    return next((s.message for s in steps if s.status == FAILED), "")
