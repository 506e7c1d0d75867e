"""Which vendor destination each entry of the file is, and the state record that remembers it.

The identity rule:

- An entry is known by its workspace and its key (its map key in the file, unique per workspace);
  a subscription by its key within its destination's entry.
- An entry matches the vendor object whose id it names (``id``, written by export), or, without an
  id, the one the state record maps its key to (``FILE.state.json`` beside the file, written by
  export and by apply after every create). A rename (same key or id, new name) is an update.
- An entry with neither matches nothing: it is a create. Names are never used to guess.
- An id or state record that points at an object that no longer exists, an id in the file that the
  state record contradicts, or two entries that would match the same object, is a problem at the
  entry's path; the plan stops there rather than guess.

The state record holds, per entry, the vendor id, the values last applied (or exported) for the
fields the file manages, with every secret left out, and for each secret a keyed fingerprint
(HMAC-SHA256 under a random salt kept in the record) so a rotated ``${NAME}`` can be told from an
unchanged one; never a secret value.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from destgraph.ascode.document import DestinationEntry, Document, SubscriptionEntry, join
from destgraph.ascode.errors import FileError, Problem
from destgraph.ascode.remote import RemoteDestination, RemoteSubscription, RemoteWorkspace

STATE_VERSION = 1
STATE_NOTE = (
    "Written by destgraph export and apply: the vendor id of each entry, the values last applied "
    "(no secrets), and keyed fingerprints of the secrets applied. Keep it beside the file."
)


@dataclass
class Record:
    """What the tool remembers of one entry (or one subscription of an entry)."""

    id: str
    applied: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    subscriptions: dict[str, Record] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "applied": self.applied}
        if self.secrets:
            out["secrets"] = dict(sorted(self.secrets.items()))
        if self.subscriptions:
            out["subscriptions"] = {k: r.to_json() for k, r in sorted(self.subscriptions.items())}
        return out

    @classmethod
    def from_json(cls, body: Any, where: str) -> Record:
        if not isinstance(body, dict) or not isinstance(body.get("id"), str):
            raise FileError([Problem("", f"the state record is damaged at {where}: no id")])
        subs = body.get("subscriptions") or {}
        return cls(
            id=body["id"],
            applied=dict(body.get("applied") or {}),
            secrets={str(k): str(v) for k, v in (body.get("secrets") or {}).items()},
            subscriptions={str(k): cls.from_json(v, f"{where}.{k}") for k, v in subs.items()},
        )


class State:
    """The state record of one file: workspace and key to a Record."""

    def __init__(self, path: Path | None, *, salt: str | None = None) -> None:
        self.path = path
        self.salt = salt or secrets.token_hex(16)
        self.workspaces: dict[str, dict[str, Record]] = {}

    @staticmethod
    def beside(file: Path) -> Path:
        return file.with_name(file.name + ".state.json")

    @classmethod
    def load(cls, path: Path) -> State:
        """The record at ``path``; an empty one when there is none yet."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except OSError as exc:
            raise FileError([Problem("", f"{path}: cannot be read ({type(exc).__name__})")]) from None
        try:
            body = json.loads(text)
        except ValueError:
            raise FileError([Problem("", f"{path}: the state record is not JSON")]) from None
        if not isinstance(body, dict) or body.get("version") != STATE_VERSION or not isinstance(body.get("salt"), str):
            raise FileError([Problem("", f"{path}: not a state record of this tool (version {STATE_VERSION})")])
        state = cls(path, salt=body["salt"])
        for workspace, entries in (body.get("workspaces") or {}).items():
            if not isinstance(entries, dict):
                raise FileError([Problem("", f"{path}: the state record is damaged at {workspace}")])
            state.workspaces[workspace] = {
                key: Record.from_json(value, f"{workspace}.{key}") for key, value in entries.items()
            }
        return state

    def get(self, workspace: str, key: str) -> Record | None:
        return self.workspaces.get(workspace, {}).get(key)

    def put(self, workspace: str, key: str, record: Record) -> None:
        self.workspaces.setdefault(workspace, {})[key] = record

    def drop(self, workspace: str, key: str) -> None:
        self.workspaces.get(workspace, {}).pop(key, None)

    def fingerprint(self, where: str, value: Any) -> str:
        """A keyed digest of a secret at ``where``: equal for the same value, and no way back to it."""
        message = where.encode() + b"\0" + json.dumps(value, sort_keys=True).encode()
        return hmac.new(self.salt.encode(), message, hashlib.sha256).hexdigest()[:32]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "note": STATE_NOTE,
            "salt": self.salt,
            "workspaces": {
                w: {k: r.to_json() for k, r in sorted(entries.items())}
                for w, entries in self.workspaces.items()
                if entries
            },
        }

    def save(self) -> None:
        """Write the record whole (a temporary file, then a rename), so a crash never leaves half of one."""
        if self.path is None:
            return
        text = json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"
        directory = self.path.parent
        fd, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


# -- matching ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionMatch:
    entry: SubscriptionEntry
    #: None: the entry matches nothing and is a create
    remote: RemoteSubscription | None


@dataclass(frozen=True)
class DestinationMatch:
    workspace: RemoteWorkspace
    entry: DestinationEntry
    remote: RemoteDestination | None
    subscriptions: tuple[SubscriptionMatch, ...] = ()
    #: the remote subscriptions no entry claims (only when the entry manages subscriptions)
    unclaimed: tuple[RemoteSubscription, ...] = ()


@dataclass
class Resolution:
    matches: list[DestinationMatch] = field(default_factory=list)
    #: by workspace key: the remote destinations no entry claims
    unclaimed: dict[str, list[RemoteDestination]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def resolve(document: Document, state: State, remotes: dict[str, RemoteWorkspace]) -> Resolution:
    """Match every entry of the file to what the vendors hold, by the identity rule."""
    found = Resolution()
    for workspace_key, workspace_entry in document.workspaces.items():
        remote = remotes.get(workspace_key)
        if remote is None:
            found.problems.append(
                _problem(
                    document, workspace_entry.path, f"the gateway has no workspace {workspace_key!r} this key may see"
                )
            )
            continue
        if workspace_entry.provider is not None and workspace_entry.provider != remote.provider:
            found.problems.append(
                _problem(
                    document,
                    join(workspace_entry.path, "provider"),
                    f"{workspace_key} is a {remote.provider} workspace, not {workspace_entry.provider}",
                )
            )
            continue
        by_id = remote.by_native_id()
        claims: dict[str, str] = {}
        for entry in workspace_entry.destinations.values():
            native_id, where, contradicted = _claimed_id(document, state, workspace_key, entry, found.problems)
            if contradicted:
                continue
            if native_id is None:
                found.matches.append(_match(document, state, remote, entry, None, found.problems))
                continue
            if native_id in claims:
                message = f"this entry and {claims[native_id]} both match destination {native_id}; keep one"
                found.problems.append(_problem(document, where, message, "AMBIGUOUS"))
                continue
            claims[native_id] = entry.path
            destination = by_id.get(native_id)
            if destination is None:
                message = (
                    f"destination {native_id} no longer exists at the vendor (deleted there?); to create it "
                    "again, remove the id from the file and the entry from the state record, or give the entry a new key"
                )
                found.problems.append(_problem(document, where, message, "NOT_FOUND"))
                continue
            found.matches.append(_match(document, state, remote, entry, destination, found.problems))
        found.unclaimed[workspace_key] = [d for d in remote.destinations if d.native_id not in claims]
    return found


def _claimed_id(
    document: Document, state: State, workspace: str, entry: DestinationEntry, problems: list[Problem]
) -> tuple[str | None, str, bool]:
    """The id the entry claims (None: a create), the path that claims it, and whether the two sources disagree."""
    record = state.get(workspace, entry.key)
    if entry.id is not None:
        where = join(entry.path, "id")
        if record is not None and record.id != entry.id:
            message = (
                f"the file says id {entry.id} but the state record maps this key to {record.id}; "
                "correct the id, or remove the entry from the state record"
            )
            problems.append(_problem(document, where, message, "AMBIGUOUS"))
            return None, where, True
        return entry.id, where, False
    return (record.id if record is not None else None), entry.path, False


def _match(
    document: Document,
    state: State,
    workspace: RemoteWorkspace,
    entry: DestinationEntry,
    remote: RemoteDestination | None,
    problems: list[Problem],
) -> DestinationMatch:
    if entry.subscriptions is None:
        return DestinationMatch(workspace=workspace, entry=entry, remote=remote)
    record = state.get(workspace.key, entry.key)
    remote_subs = {s.native_id: s for s in remote.subscriptions} if remote else {}
    claims: dict[str, str] = {}
    matches: list[SubscriptionMatch] = []
    for sub in entry.subscriptions.values():
        sub_record = record.subscriptions.get(sub.key) if record is not None and remote is not None else None
        if sub.id is not None and sub_record is not None and sub_record.id != sub.id:
            message = f"the file says id {sub.id} but the state record maps this key to {sub_record.id}"
            problems.append(_problem(document, join(sub.path, "id"), message, "AMBIGUOUS"))
            continue
        native_id = sub.id or (sub_record.id if sub_record else None)
        where = join(sub.path, "id") if sub.id else sub.path
        if native_id is None:
            matches.append(SubscriptionMatch(sub, None))
            continue
        if native_id in claims:
            message = f"this subscription and {claims[native_id]} both match {native_id}; keep one"
            problems.append(_problem(document, where, message, "AMBIGUOUS"))
            continue
        claims[native_id] = sub.path
        found = remote_subs.get(native_id)
        if found is None:
            message = (
                f"subscription {native_id} does not exist at the vendor"
                + (" (its destination is to be created)" if remote is None else " (deleted there?)")
                + "; remove its id to create it"
            )
            problems.append(_problem(document, where, message, "NOT_FOUND"))
            continue
        matches.append(SubscriptionMatch(sub, found))
    unclaimed = tuple(s for s in remote.subscriptions if s.native_id not in claims) if remote else ()
    return DestinationMatch(
        workspace=workspace, entry=entry, remote=remote, subscriptions=tuple(matches), unclaimed=unclaimed
    )


def _problem(document: Document, path: str, message: str, code: str = "INVALID") -> Problem:
    return Problem(path, message, code, line=document.line(path))
