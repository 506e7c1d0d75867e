"""``destgraph export``: what the vendors hold now, as one destinations file and its state record.

Workspaces come in the gateway's order, destinations and subscriptions in key order, settings in
key order: two exports of the same state are the same text. An entry's key is its name as a slug
(``Klaviyo (EU)`` -> ``klaviyo-eu``), its type key when the name has no letters or digits, with
``-2``, ``-3`` ... for names shared inside one workspace (or one destination), given in the order of
(name, id) so that they do not depend on the vendor's order. Each secret becomes a reference
``${DG_<WORKSPACE>_<ENTRY>[_<SUBSCRIPTION>]_<FIELD>}``, listed under ``secrets``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from destgraph.ascode.client import GraphQLClient
from destgraph.ascode.document import SecretRef, dump_document, encode, join
from destgraph.ascode.identity import Record, State
from destgraph.ascode.remote import RemoteDestination, RemoteSubscription, read_destinations, read_workspaces
from destgraph.ascode.views import destination_view, subscription_view


@dataclass(frozen=True)
class Export:
    text: str
    state: State
    destinations: int
    subscriptions: int
    secrets: int


def slug(text: str) -> str:
    """``Retention Amplitude - staging`` -> ``retention-amplitude-staging``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def env_part(text: str) -> str:
    """``projectAPIKey`` -> ``PROJECT_API_KEY``; ``segment-demo`` -> ``SEGMENT_DEMO``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", spaced)
    folded = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "_", folded).strip("_").upper()


def unique(base: str, taken: set[str], *, fallback: str) -> str:
    base = base or fallback
    if base[:1] in ("", "-", "_"):
        base = fallback
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    taken.add(key)
    return key


class _Names:
    """Reference names, unique over the whole file."""

    def __init__(self) -> None:
        self.used: dict[str, str] = {}

    def allocate(self, parts: list[str], where: str) -> SecretRef:
        base = "_".join(p for p in (env_part(x) for x in ["DG", *parts]) if p)
        name, n = base, 1
        while name in self.used:
            n += 1
            name = f"{base}_{n}"
        self.used[name] = where
        return SecretRef(name)


async def export_destinations(client: GraphQLClient, *, state_path: Path | None) -> Export:
    names = _Names()
    state = State(state_path)
    workspaces: dict[str, Any] = {}
    count_destinations = count_subscriptions = 0
    for listed in await read_workspaces(client):
        workspace = await read_destinations(client, listed)
        entries: dict[str, Any] = {}
        for key, remote in _keyed(workspace.destinations):
            path = join("workspaces", workspace.key, "destinations", key)
            entries[key], record = _entry(names, workspace.key, key, path, remote)
            state.put(workspace.key, key, record)
            count_destinations += 1
            count_subscriptions += len(remote.subscriptions)
        workspaces[workspace.key] = {"provider": workspace.provider, "destinations": dict(sorted(entries.items()))}
    plain = {"version": 1, "secrets": dict(sorted(names.used.items())), "workspaces": workspaces}
    return Export(
        text=dump_document(plain),
        state=state,
        destinations=count_destinations,
        subscriptions=count_subscriptions,
        secrets=len(names.used),
    )


def _keyed(destinations: tuple[RemoteDestination, ...]) -> list[tuple[str, RemoteDestination]]:
    taken: set[str] = set()
    ordered = sorted(destinations, key=lambda d: (d.name, d.native_id))
    return [(unique(slug(d.name), taken, fallback=slug(d.type_key) or "destination"), d) for d in ordered]


def _keyed_subscriptions(subscriptions: tuple[RemoteSubscription, ...]) -> list[tuple[str, RemoteSubscription]]:
    taken: set[str] = set()
    ordered = sorted(subscriptions, key=lambda s: (s.name, s.native_id))
    fallback = "subscription"
    return [(unique(slug(s.name), taken, fallback=slug(s.action_type or "") or fallback), s) for s in ordered]


def _entry(
    names: _Names, workspace: str, key: str, path: str, remote: RemoteDestination
) -> tuple[dict[str, Any], Record]:
    def reference(field: tuple[str, ...]) -> SecretRef:
        return names.allocate([workspace, key, *field[1:]], join(path, *field))

    entry: dict[str, Any] = {"id": remote.native_id, **destination_view(remote, reference)}
    if "settings" in entry:
        entry["settings"] = encode(entry["settings"])
    record = Record(id=remote.native_id, applied=destination_view(remote))
    if remote.subscriptions:
        subscriptions: dict[str, Any] = {}
        for sub_key, sub in _keyed_subscriptions(remote.subscriptions):
            sub_path = join(path, "subscriptions", sub_key)

            def sub_reference(field: tuple[str, ...], sub_key: str = sub_key, sub_path: str = sub_path) -> SecretRef:
                return names.allocate([workspace, key, sub_key, *field[1:]], join(sub_path, *field))

            body: dict[str, Any] = {"id": sub.native_id, **subscription_view(sub, sub_reference)}
            for field in ("settings", "eventFilter", "propertyMapping"):
                if field in body:
                    body[field] = encode(body[field])
            subscriptions[sub_key] = body
            record.subscriptions[sub_key] = Record(id=sub.native_id, applied=subscription_view(sub))
        entry["subscriptions"] = dict(sorted(subscriptions.items()))
    return entry, record
