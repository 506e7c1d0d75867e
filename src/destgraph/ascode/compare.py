"""Comparing what the file says with what the vendor holds, field by field, secrets included.

Settings merge key by key, as the graph's updates do: a key the file leaves out is not managed, a
key set to null is removed, any other value replaces the stored one. A secret is a value the graph
masks (declared secret, or masked at any depth) or one the file gives as ``${NAME}``. Its value is
never read back, so whether it changes is decided, in order, by:

1. the variable left unset (or empty): the stored secret is kept;
2. the graph's mask, when it shows the secret's last characters and the new value does not end
   with them: changed;
3. the fingerprint the state record kept of the value last applied: changed unless equal;
4. otherwise the gateway's dryRun, which compares with the stored value where the vendor gives
   it back (``ask``).

Nested values are sent whole (a vendor replaces a map such as custom headers at once), so a map
holding a kept secret cannot change without every secret in it given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from destgraph.ascode.document import SecretRef, join
from destgraph.ascode.views import SECRET
from destgraph.domain.secrets import is_masked, mask_tail


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Change:
    """One field that a step changes. A secret shows only what happens to it, never a value."""

    field: str
    before: Any = None
    after: Any = None
    #: for a secret: "set", "changed", "kept" or "removed"
    secret: str | None = None
    #: the vendor's value differs from what was last applied or exported: someone changed it there
    drift: bool = False


@dataclass(frozen=True)
class Secrets:
    """What deciding a secret needs: the environment, and the state record's fingerprints."""

    environ: Mapping[str, str]
    fingerprints: Mapping[str, str]
    fingerprint: Callable[[str, Any], str]

    def value(self, ref: SecretRef) -> str | None:
        found = self.environ.get(ref.name)
        return found if found else None


@dataclass
class SettingDiff:
    """The outcome for one top-level key: whether it is sent, the value sent, and what to show."""

    key: str
    send: bool = False
    value: Any = None
    change: Change | None = None
    #: the gateway's dryRun decides whether this (secret) key changes
    ask: bool = False
    #: fingerprints to record once the value is applied: field path to digest
    fingerprints: dict[str, str] = field(default_factory=dict)
    #: secrets kept because their variable is unset: (field path, reference)
    kept: list[tuple[str, SecretRef]] = field(default_factory=list)
    #: (field path, message, code)
    problems: list[tuple[str, str, str]] = field(default_factory=list)


def redact(value: Any) -> Any:
    """A value fit to show: every reference and every masked value as ``(secret)``."""
    if isinstance(value, SecretRef) or is_masked(value):
        return SECRET
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def same(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, 1 is 1.0, maps compare without order."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def resolve(value: Any, secrets: Secrets, path: str) -> tuple[Any, list[tuple[str, str, str]], dict[str, str]]:
    """A value with every reference replaced by its variable's value, for a create or a whole send.

    An unset reference is a problem: there is no stored secret to keep. Returns the value, the
    problems and the fingerprints of the secrets it holds.
    """
    problems: list[tuple[str, str, str]] = []
    fingerprints: dict[str, str] = {}

    def walk(node: Any, at: str) -> Any:
        if isinstance(node, SecretRef):
            found = secrets.value(node)
            if found is None:
                problems.append((at, f"set {node.name}: there is no stored secret to keep here", "REQUIRED"))
                return None
            fingerprints[at] = secrets.fingerprint(at, found)
            return found
        if isinstance(node, dict):
            return {k: walk(v, join(at, k)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, join(at, str(i))) for i, v in enumerate(node)]
        return node

    return walk(value, path), problems, fingerprints


def compare_settings(
    given: Mapping[str, Any],
    stored: Mapping[str, Any],
    secret_keys: frozenset[str],
    secrets: Secrets,
    *,
    prefix: str = "settings",
    applied: Mapping[str, Any] | None = None,
) -> list[SettingDiff]:
    """One SettingDiff per key the file gives; ``applied``: the state record's settings, for drift."""
    diffs = []
    for key, value in given.items():
        path = join(prefix, key)
        present = key in stored
        current = stored.get(key, MISSING)
        drift = applied is not None and key in applied and present and not same(applied[key], _shown(current))
        secret_position = present and (is_masked(current) or (key in secret_keys and current not in (None, "")))
        if value is None:
            if present and current is not None:
                change = Change(path, redact(current), None, drift=drift)
                if secret_position:
                    change = Change(path, secret="removed", drift=drift)
                diffs.append(SettingDiff(key, send=True, value=None, change=change))
            continue
        diffs.append(_compare_key(key, path, value, current, secret_position, secrets, drift))
    return diffs


def _shown(value: Any) -> Any:
    """A stored value as the state record keeps it (secrets as placeholders)."""
    return SECRET if is_masked(value) else redact(value)


@dataclass
class _Leaf:
    path: str
    ref: SecretRef | None
    value: Any
    current: Any
    status: str = "same"
    drift: bool = False


def _compare_key(
    key: str, path: str, given: Any, current: Any, secret_position: bool, secrets: Secrets, drift: bool
) -> SettingDiff:
    diff = SettingDiff(key)
    leaves: list[_Leaf] = []
    if secret_position and not isinstance(given, dict | list):
        leaves.append(_Leaf(path, given if isinstance(given, SecretRef) else None, given, current))
        plain_equal = True
    else:
        plain_equal = _pair(given, current, path, leaves)
    for leaf in leaves:
        _decide(leaf, secrets)
    changed = [leaf for leaf in leaves if leaf.status in ("changed", "ask")]
    kept = [leaf for leaf in leaves if leaf.status == "kept"]
    diff.kept = [(leaf.path, leaf.ref) for leaf in kept if leaf.ref is not None]
    if plain_equal and not changed:
        return diff
    whole = len(leaves) == 1 and leaves[0].path == path and not isinstance(given, dict | list)
    if plain_equal and kept and all(leaf.status == "ask" for leaf in changed):
        # Only the gateway could tell, and it cannot be asked without every secret of the value:
        # the fingerprints recorded when it was last applied normally answer before this point.
        return diff
    if not whole:
        for leaf in kept:
            assert leaf.ref is not None
            diff.problems.append(
                (leaf.path, f"set {leaf.ref.name}: {path} is sent whole when any part of it changes", "REQUIRED")
            )
    diff.send = True
    diff.ask = bool(changed) and all(leaf.status == "ask" for leaf in changed) and plain_equal
    diff.value = _resolved(given, {leaf.path: leaf.value for leaf in leaves}, path)
    diff.fingerprints = {
        leaf.path: secrets.fingerprint(leaf.path, leaf.value) for leaf in leaves if leaf.status != "kept"
    }
    if leaves and not whole:
        # A value holding secrets (custom headers) may come back masked where it was sent in clear:
        # remember every part of it, so the next plan can tell it unchanged.
        for where, part in _scalars(diff.value, path):
            diff.fingerprints.setdefault(where, secrets.fingerprint(where, part))
    leaf_drift = any(leaf.drift for leaf in leaves)
    if whole:
        diff.change = Change(path, secret="changed", drift=drift or leaf_drift)
    else:
        diff.change = Change(
            path,
            None if current is MISSING else redact(current),
            redact(given),
            secret="changed" if changed else None,
            drift=drift or leaf_drift,
        )
    return diff


def _pair(given: Any, current: Any, path: str, leaves: list[_Leaf]) -> bool:
    """Walk a given value beside the stored one: secret leaves to ``leaves``; True when the rest agrees."""
    if isinstance(given, SecretRef) or is_masked(current):
        leaves.append(_Leaf(path, given if isinstance(given, SecretRef) else None, given, current))
        return True
    if isinstance(given, dict):
        if not isinstance(current, dict):
            _collect(given, path, leaves)
            return False
        equal = given.keys() == current.keys()
        for k, v in given.items():
            equal = _pair(v, current.get(k, MISSING), join(path, k), leaves) and equal
        return equal
    if isinstance(given, list):
        if not isinstance(current, list) or len(given) != len(current):
            _collect(given, path, leaves)
            return False
        equal = True
        for i, (v, c) in enumerate(zip(given, current, strict=True)):
            equal = _pair(v, c, join(path, str(i)), leaves) and equal
        return equal
    return current is not MISSING and same(given, current)


def _collect(given: Any, path: str, leaves: list[_Leaf]) -> None:
    """References inside a value the vendor holds nothing comparable for."""
    if isinstance(given, SecretRef):
        leaves.append(_Leaf(path, given, given, MISSING))
    elif isinstance(given, dict):
        for k, v in given.items():
            _collect(v, join(path, k), leaves)
    elif isinstance(given, list):
        for i, v in enumerate(given):
            _collect(v, join(path, str(i)), leaves)


def _decide(leaf: _Leaf, secrets: Secrets) -> None:
    if leaf.ref is not None:
        found = secrets.value(leaf.ref)
        if found is None:
            leaf.status = "kept"
            return
        leaf.value = found
    value = leaf.value
    current = leaf.current
    if current is MISSING or not is_masked(current):
        leaf.status = "same" if current is not MISSING and same(value, current) else "changed"
        return
    recorded = secrets.fingerprints.get(leaf.path)
    digest = secrets.fingerprint(leaf.path, value)
    tail = mask_tail(current)
    if tail and not str(value).endswith(tail):
        leaf.status = "changed"
        leaf.drift = recorded == digest  # the file did not change it: the vendor did
    elif recorded is not None:
        leaf.status = "same" if recorded == digest else "changed"
    else:
        leaf.status = "ask"


def _resolved(given: Any, values: Mapping[str, Any], path: str) -> Any:
    if path in values:
        return values[path]
    if isinstance(given, dict):
        return {k: _resolved(v, values, join(path, k)) for k, v in given.items()}
    if isinstance(given, list):
        return [_resolved(v, values, join(path, str(i))) for i, v in enumerate(given)]
    return given


def _scalars(value: Any, path: str) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in _scalars(v, join(path, k))]
    if isinstance(value, list):
        return [found for i, v in enumerate(value) for found in _scalars(v, join(path, str(i)))]
    return [] if isinstance(value, SecretRef) or value is None else [(path, value)]
