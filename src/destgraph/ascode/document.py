"""The destinations file: its model, and YAML in and out with the path (and line) of every problem.

```yaml
version: 1
secrets:                                  # the references the file uses, and where
  DG_OURS_DEMO_KLAVIYO_EU_PROJECT_API_KEY: workspaces.ours-demo.destinations.klaviyo-eu.settings.projectAPIKey
workspaces:
  ours-demo:                              # a workspace key of the gateway
    provider: OURS                        # optional; checked against the gateway
    destinations:
      klaviyo-eu:                         # the entry's key: its identity in this workspace
        id: 5134151e-...                  # the vendor's id, written by export (optional)
        name: Klaviyo (EU)
        typeKey: Klaviyo                  # or service: klaviyo
        enabled: true
        settings:
          projectAPIKey: ${DG_OURS_DEMO_KLAVIYO_EU_PROJECT_API_KEY}
        subscriptions: {}                 # Segment subscriptions, Nimriz actions, keyed the same way
```

A settings value that is exactly ``${NAME}`` refers to the environment variable NAME; ``$${`` starts a
literal ``${``. Keys of a settings map that the file leaves out are left as they are; a key set to
null is removed. Duplicate keys, unknown fields and values of the wrong type are problems, each
with its dotted path and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from destgraph.ascode.errors import FileError, Problem
from destgraph.ascode.yamlio import HEADER, dump_yaml, read_tree
from destgraph.ascode.yamlio import join as join  # paths are part of the file model

VERSION = 1
#: ``${NAME}``: an environment variable holding a secret
REFERENCE = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: an entry's key: letters, digits, - and _, so that paths and variable names stay readable
KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

TOP_FIELDS = ("version", "secrets", "workspaces")
WORKSPACE_FIELDS = ("provider", "destinations")
DESTINATION_FIELDS = ("id", "name", "typeKey", "service", "enabled", "sourceIds", "settings", "subscriptions")
SUBSCRIPTION_FIELDS = (
    "id",
    "name",
    "enabled",
    "actionId",
    "actionType",
    "modelId",
    "trigger",
    "settings",
    "eventFilter",
    "propertyMapping",
)
PROVIDERS = ("SEGMENT", "OURS", "ZEOTAP", "NIMRIZ")


@dataclass(frozen=True)
class SecretRef:
    """A secret held by the environment variable ``name``."""

    name: str

    def __str__(self) -> str:
        return "${" + self.name + "}"


@dataclass(frozen=True)
class SubscriptionEntry:
    """A Segment subscription or a Nimriz action, as the file declares it."""

    key: str
    path: str
    name: str
    id: str | None = None
    enabled: bool | None = None
    action_id: str | None = None
    action_type: str | None = None
    model_id: str | None = None
    trigger: str | None = None
    settings: dict[str, Any] | None = None
    event_filter: Any = None
    property_mapping: Any = None


@dataclass(frozen=True)
class DestinationEntry:
    """One destination, as the file declares it; fields left out (None) are not managed."""

    key: str
    path: str
    name: str
    id: str | None = None
    type_key: str | None = None
    service: str | None = None
    enabled: bool | None = None
    source_ids: tuple[str, ...] | None = None
    settings: dict[str, Any] | None = None
    #: None: the destination's subscriptions are not managed by the file
    subscriptions: dict[str, SubscriptionEntry] | None = None


@dataclass(frozen=True)
class WorkspaceEntry:
    key: str
    path: str
    provider: str | None
    destinations: dict[str, DestinationEntry]


@dataclass(frozen=True)
class Document:
    """The file: workspaces by key, the secret references it lists, and the line of every path."""

    workspaces: dict[str, WorkspaceEntry]
    secrets: dict[str, str | None] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def line(self, path: str) -> int | None:
        """The line of ``path``, or of the nearest enclosing path the file has."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path.rpartition(".")[0]
        return None


def under(base: str, relative: str) -> str:
    """Two dotted paths as one."""
    return f"{base}.{relative}" if base and relative else base or relative


def references(value: Any) -> list[SecretRef]:
    """Every reference inside a value, in order."""
    if isinstance(value, SecretRef):
        return [value]
    if isinstance(value, dict):
        return [r for v in value.values() for r in references(v)]
    if isinstance(value, list):
        return [r for v in value for r in references(v)]
    return []


def encode(value: Any) -> Any:
    """A settings value as the file writes it: references as ``${NAME}``, literal ``${`` escaped."""
    if isinstance(value, SecretRef):
        return str(value)
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, str) and (value.startswith("${") or value.startswith("$$")):
        return "$" + value
    return value


# -- reading ----------------------------------------------------------------------------------------


def load_document(path: Path) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileError([Problem("", f"{path}: no such file", "NOT_FOUND")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FileError([Problem("", f"{path}: cannot be read ({type(exc).__name__})")]) from None
    return parse_document(text)


def parse_document(text: str) -> Document:
    """The document in ``text``; FileError with every problem found (path and line each)."""
    lines: dict[str, int] = {}
    plain = read_tree(text, lines)
    problems: list[Problem] = []
    document = _Reader(lines, problems).document(plain)
    if problems:
        raise FileError(problems)
    return document


class _Reader:
    """Plain data to a Document, every problem recorded with its path and line."""

    def __init__(self, lines: dict[str, int], problems: list[Problem]) -> None:
        self._lines = lines
        self._problems = problems

    def problem(self, path: str, message: str, code: str = "INVALID") -> None:
        line = None
        probe = path
        while probe and line is None:
            line = self._lines.get(probe)
            probe = probe.rpartition(".")[0]
        self._problems.append(Problem(path, message, code, line=line))

    def document(self, plain: Any) -> Document:
        if plain is None:
            plain = {}
        if not isinstance(plain, dict):
            self.problem("", "the file must be a mapping with version, secrets and workspaces")
            return Document(workspaces={})
        self._fields(plain, "", TOP_FIELDS)
        version = plain.get("version", VERSION)
        if version != VERSION:
            self.problem("version", f"version must be {VERSION}")
        secrets = self._secrets(plain.get("secrets"))
        workspaces: dict[str, WorkspaceEntry] = {}
        raw = plain.get("workspaces")
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            self.problem("workspaces", "workspaces must be a mapping of workspace keys")
            raw = {}
        for key, body in raw.items():
            entry = self._workspace(key, body)
            if entry is not None:
                workspaces[key] = entry
        return Document(workspaces=workspaces, secrets=secrets, lines=dict(self._lines))

    def _fields(self, body: Mapping[str, Any], path: str, allowed: tuple[str, ...]) -> None:
        for name in body:
            if name not in allowed:
                self.problem(join(path, name), f"unknown field {name!r}; expected one of {', '.join(allowed)}")

    def _secrets(self, raw: Any) -> dict[str, str | None]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.problem("secrets", "secrets must be a mapping of variable names")
            return {}
        out: dict[str, str | None] = {}
        for name, where in raw.items():
            if not ENV_NAME.match(name):
                self.problem(join("secrets", name), f"{name!r} is not an environment variable name")
            elif where is not None and not isinstance(where, str):
                self.problem(join("secrets", name), "must be a string (where the reference is used) or empty")
            else:
                out[name] = where
        return out

    def _workspace(self, key: str, body: Any) -> WorkspaceEntry | None:
        path = join("workspaces", key)
        if body is None:
            body = {}
        if not isinstance(body, dict):
            self.problem(path, "a workspace must be a mapping with destinations")
            return None
        self._fields(body, path, WORKSPACE_FIELDS)
        provider = body.get("provider")
        if provider is not None and provider not in PROVIDERS:
            self.problem(join(path, "provider"), f"provider must be one of {', '.join(PROVIDERS)}")
            provider = None
        raw = body.get("destinations")
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            self.problem(join(path, "destinations"), "destinations must be a mapping of entry keys")
            raw = {}
        destinations: dict[str, DestinationEntry] = {}
        for entry_key, entry_body in raw.items():
            entry = self._destination(join(path, "destinations", entry_key), entry_key, entry_body)
            if entry is not None:
                destinations[entry_key] = entry
        return WorkspaceEntry(key=key, path=path, provider=provider, destinations=destinations)

    def _key(self, path: str, key: str) -> bool:
        if KEY.match(key):
            return True
        self.problem(path, f"key {key!r} must start with a letter or digit and hold only letters, digits, - and _")
        return False

    def _destination(self, path: str, key: str, body: Any) -> DestinationEntry | None:
        if not self._key(path, key):
            return None
        if not isinstance(body, dict):
            self.problem(path, "a destination must be a mapping (name, typeKey or service, settings ...)")
            return None
        self._fields(body, path, DESTINATION_FIELDS)
        name = self._string(body, path, "name", required=True)
        type_key = self._string(body, path, "typeKey")
        service = self._string(body, path, "service")
        if body.get("typeKey") is None and body.get("service") is None:
            self.problem(
                join(path, "typeKey"), "give typeKey (the vendor's type) or service (e.g. klaviyo)", "REQUIRED"
            )
        subscriptions: dict[str, SubscriptionEntry] | None = None
        raw_subs = body.get("subscriptions")
        if "subscriptions" in body:
            subscriptions = {}
            if raw_subs is None:
                raw_subs = {}
            if not isinstance(raw_subs, dict):
                self.problem(join(path, "subscriptions"), "subscriptions must be a mapping of subscription keys")
                raw_subs = {}
            for sub_key, sub_body in raw_subs.items():
                sub = self._subscription(join(path, "subscriptions", sub_key), sub_key, sub_body)
                if sub is not None:
                    subscriptions[sub_key] = sub
        return DestinationEntry(
            key=key,
            path=path,
            name=name or "",
            id=self._id(body, path),
            type_key=type_key,
            service=service,
            enabled=self._bool(body, path, "enabled"),
            source_ids=self._strings(body, path, "sourceIds"),
            settings=self._settings(body, path, "settings"),
            subscriptions=subscriptions,
        )

    def _subscription(self, path: str, key: str, body: Any) -> SubscriptionEntry | None:
        if not self._key(path, key):
            return None
        if not isinstance(body, dict):
            self.problem(path, "a subscription must be a mapping (name, enabled, trigger ...)")
            return None
        self._fields(body, path, SUBSCRIPTION_FIELDS)
        return SubscriptionEntry(
            key=key,
            path=path,
            name=self._string(body, path, "name", required=True) or "",
            id=self._id(body, path),
            enabled=self._bool(body, path, "enabled"),
            action_id=self._string(body, path, "actionId"),
            action_type=self._string(body, path, "actionType"),
            model_id=self._string(body, path, "modelId"),
            trigger=self._string(body, path, "trigger"),
            settings=self._settings(body, path, "settings"),
            event_filter=self._json(body, path, "eventFilter"),
            property_mapping=self._json(body, path, "propertyMapping"),
        )

    def _string(self, body: Mapping[str, Any], path: str, name: str, *, required: bool = False) -> str | None:
        value = body.get(name)
        if value is None:
            if required:
                self.problem(join(path, name), f"{name} is required", "REQUIRED")
            return None
        if not isinstance(value, str):
            self.problem(join(path, name), f"{name} must be a string")
            return None
        return value

    def _id(self, body: Mapping[str, Any], path: str) -> str | None:
        value = body.get("id")
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if value is not None and (not isinstance(value, str) or not value):
            self.problem(join(path, "id"), "id must be the vendor's id, a string")
            return None
        return value

    def _bool(self, body: Mapping[str, Any], path: str, name: str) -> bool | None:
        value = body.get(name)
        if value is not None and not isinstance(value, bool):
            self.problem(join(path, name), f"{name} must be true or false")
            return None
        return value

    def _strings(self, body: Mapping[str, Any], path: str, name: str) -> tuple[str, ...] | None:
        value = body.get(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(join(path, name), f"{name} must be a list of strings")
            return None
        return tuple(value)

    def _settings(self, body: Mapping[str, Any], path: str, name: str) -> dict[str, Any] | None:
        value = body.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(join(path, name), f"{name} must be a mapping of setting keys")
            return None
        decoded = self._decode(value, join(path, name))
        return decoded if isinstance(decoded, dict) else None

    def _json(self, body: Mapping[str, Any], path: str, name: str) -> Any:
        value = body.get(name)
        return None if value is None else self._decode(value, join(path, name))

    def _decode(self, value: Any, path: str) -> Any:
        """References to SecretRef, ``$${`` to a literal ``${``; a malformed reference is a problem."""
        if isinstance(value, dict):
            return {k: self._decode(v, join(path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self._decode(v, join(path, str(i))) for i, v in enumerate(value)]
        if isinstance(value, str):
            match = REFERENCE.match(value)
            if match:
                return SecretRef(match.group(1))
            if value.startswith("$$"):
                return value[1:]
            if value.startswith("${"):
                self.problem(path, "not a ${NAME} reference (NAME: letters, digits, _); write $${ for a literal ${")
        return value


def dump_document(plain: Mapping[str, Any], *, header: str = HEADER) -> str:
    """YAML for a plain document (settings already encoded with ``encode``)."""
    return dump_yaml(plain, header=header)
