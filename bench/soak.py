"""A bounded soak of reads and writes through the gateway while the vendors misbehave.

The four emulators run as ``destgraph emulate --no-rate-limits`` serves them (uvicorn on loopback,
their own process); the gateway runs in this process (``create_app``), reaches them over real
sockets, and is itself called through httpx over ``ASGITransport`` (no socket between the clients
and the gateway, so the soak measures the gateway, not a second HTTP server).

For the whole run every vendor gets the same fault plan, re-sent every half second (``PUT
/_emulator/faults`` replaces the plan, so each PUT is whole):

- ``error_rates`` ``{"429": 0.3}``, with ``retry_after`` drawn 0 or 1 at each re-send: the
  injected 429s stand for the vendors' own limits, which ``--no-rate-limits`` switches off;
- ``after_commit`` with ``"rate": 0.1`` (the option this soak added to the fault plan), its kind
  alternating at each re-send: ``drop``/``close`` (the vendor applies the call, the reply is
  lost) or ``status`` 500 (the vendor applies the call and answers 500), so each is about 5% of
  calls over the run (a plan holds one ``after_commit``). The plan's ``methods`` would narrow
  the 429s too, so ``after_commit`` acts on reads as well (the gateway retries a read whose
  reply was lost; a 500 on a read is an error); the report gives the share of writes it hit, as
  the emulators' request logs tell it;
- Zeotap flaps: ``down`` (503 to everything) for 2-4 s, then up for 4-8 s, repeatedly.

``--workers`` clients run for ``--seconds``, each in a loop of, on a vendor drawn at random:
destination lists (type labels, settings, subscriptions) and a destination by id; creates with an
``idempotencyKey`` (a logical create is retried with the same key up to 4 times with a short
back-off until acknowledged); updates of the worker's own destinations (one settings key or the
name, a unique marker value per attempt); deletes of its own destinations (repeated up to 3
times until acknowledged or NOT_FOUND); subscription creates on Segment (an action destination
of the seed) and action creates on Nimriz (one destination all workers add to), with an
``idempotencyKey``; and updates of one shared destination per vendor on which each of the
first workers owns a different settings key (keys of tests/schema/test_write_safety.py's CASES
that can take a unique value: no booleans or choices). A write is acknowledged when the answer
has no GraphQL error, no userError and the object (or deletedId).

At the end, faults off, every outcome is read back from the emulators' own state
(``/_emulator/state/destinations/{id}`` and the vendors' list calls) and four counts must be 0:

- lost updates: for each field (name or settings key) a worker wrote, the stored value is the
  last acknowledged value, or the value of an attempt made after it (not acknowledged: an error
  or OUTCOME_UNKNOWN); with no acknowledged attempt, the value before the first attempt or any
  attempt's. A destination gone although nobody tried to delete it is a lost update too;
- duplicate creates: for each logical create (a unique name; renames keep it as a prefix), at most
  one destination (or subscription/action) carries the name, exactly the acknowledged one when
  acknowledged (none once its delete was acknowledged);
- payload/state mismatches: right after each acknowledged write on a worker's own destination
  (and on its key of a shared one), the payload's claims must equal the emulator's state: name,
  the written key's value where the payload shows it (not a secret), the value written itself,
  deletedId and the destination gone, a created subscription present under its name; a NOT_FOUND
  for a delete must mean the destination is gone;
- secrets seen: every secret the emulators hold (``GET /_emulator/secrets``, at the start and at
  the end) searched for in every string (keys and values) of every response body the gateway
  sent. Secrets shorter than 6 characters are left out, as tests/schema/test_secrets.py does:
  Segment's GA4 sample holds ``apiSecret: "test"`` beside the non-secret ``measurementId:
  "test"``, which the gateway rightly shows; the report says how many were left out.

Prints the figures as a Markdown section; ``--record`` appends it to bench/RESULTS.md. Exits 1 when
a count is not 0, after printing each finding with the emulator's request log for its object.

    .venv/bin/python bench/soak.py [--seconds 60] [--workers 8] [--seed 1] [--record]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import platform
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from _loopback import emulate_on_loopback
from destgraph.app import create_app
from destgraph.config import hash_api_key, settings_from_dict
from destgraph.domain.secrets import is_masked
from destgraph.emulators.segment import DEFAULT_SOURCE_ID

API_KEY = "dg_soak_key_0123456789"
TOKEN = "emulator-token"
TOKEN_ENV = "DESTGRAPH_SOAK_TOKEN"
RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "## Soak: writes under lost replies, 5xx after apply, 429s and a flapping vendor"

VENDORS = ("SEGMENT", "OURS", "ZEOTAP", "NIMRIZ")
EMULATOR = {"SEGMENT": "segment", "OURS": "ours", "ZEOTAP": "zeotap", "NIMRIZ": "nimriz"}
VENDOR_HEADERS = {
    "SEGMENT": {"Authorization": f"Bearer {TOKEN}"},
    "OURS": {"Authorization": f"Bearer {TOKEN}"},
    "ZEOTAP": {"Authorization": f"Bearer {TOKEN}", "X-Workspace-ID": "ws-demo"},
    "NIMRIZ": {"X-Nim-Api-Key": TOKEN},
}
#: where each vendor keeps a destination's settings in the emulator's state
STORED_SETTINGS = {"SEGMENT": "settings", "OURS": "settings", "ZEOTAP": "config", "NIMRIZ": "credentials"}
#: the type of every destination the soak creates (test_write_safety.py's CASES)
TYPES = {"SEGMENT": "amplitude", "OURS": "HTTPDestination", "ZEOTAP": "webhook", "NIMRIZ": "ad_pixel_interstitial"}
#: the settings keys written, each able to take a unique value (CASES' keys less booleans and choices)
KEYS = {
    "SEGMENT": ("groupTypeTrait", "groupValueTrait", "eventUploadThreshold", "eventUploadPeriodMillis"),
    "OURS": ("url", "authorizationHeader", "customHeaderName", "customHeaderValue"),
    "ZEOTAP": ("url", "authorization_header", "api_key"),
    "NIMRIZ": ("meta_pixel_id", "tiktok_pixel_code", "google_tag_id", "linkedin_partner_id"),
}

#: the fault plan's figures
RATE_429 = 0.3
AFTER_COMMIT_RATE = 0.1
AFTER_COMMIT = ({"kind": "drop", "mode": "close"}, {"kind": "status", "status": 500})
TICK_SECONDS = 0.5
ZEOTAP_UP_SECONDS = (4.0, 8.0)
ZEOTAP_DOWN_SECONDS = (2.0, 4.0)

CREATE_ATTEMPTS = 4
DELETE_ATTEMPTS = 3
SUBSCRIPTION_ATTEMPTS = {"SEGMENT": 2, "NIMRIZ": 4}
#: how long after --seconds the workers may finish what they started before they are cancelled
GRACE_SECONDS = 25.0
#: what a worker does, and how often
OPERATIONS = (
    ("list", 0.16),
    ("get", 0.10),
    ("create", 0.14),
    ("update", 0.26),
    ("shared update", 0.14),
    ("delete", 0.06),
    ("subscription create", 0.14),
)
OPERATION_NAMES = [name for name, _ in OPERATIONS]

CREATE = """
mutation($input: CreateDestinationInput!) {
  createDestination(input: $input) {
    destination { id nativeId name settings secretSettingKeys } userErrors { field message code } }
}
"""
UPDATE = """
mutation($input: UpdateDestinationInput!) {
  updateDestination(input: $input) {
    destination { id nativeId name settings secretSettingKeys } changes { field before after }
    userErrors { field message code } }
}
"""
DELETE = """
mutation($input: DeleteDestinationInput!) {
  deleteDestination(input: $input) { deletedId changes { field before after } userErrors { field message code } }
}
"""
CREATE_SUBSCRIPTION = """
mutation($input: CreateDestinationSubscriptionInput!) {
  createDestinationSubscription(input: $input) { subscription { id nativeId name } userErrors { field message code } }
}
"""
LIST = """
query($p: [Provider!]) {
  destinations(first: 10, filter: {providers: $p}) {
    totalCount
    nodes { id provider name typeKey enabled settings secretSettingKeys type { label }
            subscriptions(first: 5) { nodes { name trigger actionType } } } }
}
"""
GET = """
query($id: ID!) {
  destination(id: $id) {
    id name typeKey settings secretSettingKeys raw type { label settings { key secret } }
    subscriptions(first: 10) { nodes { name enabled trigger actionType } } }
}
"""

#: shorter secrets are not searched: Segment's GA4 sample holds apiSecret "test" beside the non-secret
#: firebaseAppId and measurementId "test", which the gateway rightly shows (as tests/schema/test_secrets.py)
MIN_SECRET = 6

MISSING = object()  # a settings key the stored destination does not have


def settings_for(urls: dict[str, str]) -> Any:
    workspaces = [
        {
            "key": "segment",
            "provider": "segment",
            "base_url": urls["segment"],
            "token_env": TOKEN_ENV,
            "default_source_id": DEFAULT_SOURCE_ID,
        },
        {"key": "ours", "provider": "ours", "base_url": urls["ours"], "token_env": TOKEN_ENV},
        {
            "key": "zeotap",
            "provider": "zeotap",
            "base_url": urls["zeotap"],
            "token_env": TOKEN_ENV,
            "workspace_id": "ws-demo",
        },
        {"key": "nimriz", "provider": "nimriz", "base_url": urls["nimriz"], "token_env": TOKEN_ENV},
    ]
    keys = [{"name": "soak", "sha256": hash_api_key(API_KEY), "scopes": ["read", "write"], "workspaces": ["*"]}]
    return settings_from_dict({"workspaces": workspaces, "api_keys": keys}, {TOKEN_ENV: TOKEN})


# -- what the soak remembers ------------------------------------------------------------------------


@dataclass
class Answer:
    """One response of the gateway, as the soak reads it."""

    outcomes: list[str]
    payload: dict[str, Any] | None
    errors: list[dict[str, Any]]

    def acked(self, obj: str) -> bool:
        return (
            not self.errors
            and self.payload is not None
            and not self.payload.get("userErrors")
            and self.payload.get(obj) is not None
        )

    def user_codes(self) -> list[str]:
        return [e["code"] for e in (self.payload or {}).get("userErrors") or []]

    @property
    def label(self) -> str:
        return self.outcomes[0]

    def retryable(self) -> bool:
        """Whether repeating the same request may do better: faults and unknown outcomes, not refusals."""
        return bool(self.errors) or all(code in ("OUTCOME_UNKNOWN", "CONFLICT") for code in self.user_codes())


@dataclass
class Attempt:
    """One write of one field: the value sent, when, and what the gateway answered."""

    value: Any
    started: float
    worker: int
    outcome: str = "in flight"
    acked: bool = False


@dataclass
class Tracked:
    """A destination whose fields the soak writes and checks."""

    vendor: str
    gid: str
    native_id: str
    name: str
    shared: bool = False
    #: field ("name" or a settings key) -> the value held before the first write (MISSING if none)
    initial: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, list[Attempt]] = field(default_factory=lambda: defaultdict(list))
    delete_attempted: bool = False
    delete_acked: bool = False


@dataclass
class LogicalCreate:
    """One create as the client means it: a unique name, retried with the same idempotencyKey."""

    vendor: str
    name: str
    worker: int
    started: float
    #: the destination a subscription create adds to; None for a destination create
    target: Tracked | None = None
    outcomes: list[str] = field(default_factory=list)
    acked: bool = False
    native_id: str | None = None
    tracked: Tracked | None = None


@dataclass
class Worker:
    index: int
    rng: random.Random
    owned: dict[str, list[Tracked]] = field(default_factory=lambda: defaultdict(list))
    counter: int = 0

    def next(self) -> int:
        self.counter += 1
        return self.counter


@dataclass
class Finding:
    kind: str
    vendor: str
    native_id: str | None
    what: str
    started: float | None = None


# -- values -----------------------------------------------------------------------------------------


def setting_value(key: str, worker: int, n: int) -> Any:
    """A value for ``key`` no other attempt of the run sends."""
    marker = f"{worker}x{n}"
    values: dict[str, Any] = {
        "groupTypeTrait": f"soak-type-{marker}",
        "groupValueTrait": f"soak-value-{marker}",
        "eventUploadThreshold": 100_000 * (worker + 1) + n,
        "eventUploadPeriodMillis": 100_000 * (worker + 1) + n,
        "url": f"https://hooks.example.test/soak/{marker}",
        "authorizationHeader": f"Bearer soak_ours_{marker}_secret",
        "customHeaderName": f"X-Soak-{marker}",
        "customHeaderValue": f"soak-header-{marker}",
        "authorization_header": f"Bearer soak_zeotap_{marker}_secret",
        "api_key": f"soak_zeotap_api_key_{marker}_secret",
        "meta_pixel_id": f"{worker + 1}{n:011d}",
        "tiktok_pixel_code": f"CSOAK{worker}X{n}",
        "google_tag_id": f"G-SOAK{worker}X{n}",
        "linkedin_partner_id": f"{worker + 1}{n:06d}",
    }
    return values[key]


def create_settings(vendor: str, worker: int, n: int) -> dict[str, Any]:
    marker = f"{worker}x{n}"
    return {
        "SEGMENT": {"apiKey": f"sk_soak_amplitude_{marker}_secret"},
        "OURS": {"url": f"https://hooks.example.test/created/{marker}"},
        "ZEOTAP": {"url": f"https://hooks.example.test/created/{marker}"},
        "NIMRIZ": {"meta_pixel_id": f"9{worker}{n:010d}"},
    }[vendor]


def stored_field(vendor: str, record: dict[str, Any], name: str) -> Any:
    if name == "name":
        return record.get("name", MISSING)
    return (record.get(STORED_SETTINGS[vendor]) or {}).get(name, MISSING)


def shown(value: Any) -> str:
    return "(absent)" if value is MISSING else json.dumps(value)


# -- the soak ---------------------------------------------------------------------------------------


class Soak:
    def __init__(self, urls: dict[str, str], args: argparse.Namespace) -> None:
        self.args = args
        self.control = {v: httpx.AsyncClient(base_url=urls[EMULATOR[v]], timeout=30) for v in VENDORS}
        self.vendor_api = {
            v: httpx.AsyncClient(base_url=urls[EMULATOR[v]], headers=VENDOR_HEADERS[v], timeout=30) for v in VENDORS
        }
        self.app = create_app(settings_for(urls))
        self.gateway = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://gateway", timeout=120
        )
        self.headers = {"Authorization": f"Bearer {API_KEY}"}
        self.bodies: list[bytes] = []
        self.answers: Counter[tuple[str, str]] = Counter()
        #: (vendor, or "all" for a list over every vendor; outcome) -> responses
        self.by_vendor: Counter[tuple[str, str]] = Counter()
        self.requests: Counter[str] = Counter()
        self.durations: dict[str, list[float]] = defaultdict(list)
        self.tracked: list[Tracked] = []
        self.creates: list[LogicalCreate] = []
        self.findings: list[Finding] = []
        self.workspace_ids: dict[str, str] = {}
        self.shared: dict[str, Tracked] = {}
        self.subscription_targets: dict[str, tuple[Tracked, dict[str, Any]]] = {}
        self.seeded: dict[str, list[str]] = {}
        self.down_windows: list[tuple[float, float]] = []
        self.secrets_start: set[str] = set()
        self.t0 = time.time()

    async def aclose(self) -> None:
        await self.gateway.aclose()
        await self.app.state.gateway.aclose()
        for client in [*self.control.values(), *self.vendor_api.values()]:
            await client.aclose()

    # -- calls --------------------------------------------------------------------------------------

    async def call(
        self, op: str, vendor: str, query: str, variables: dict[str, Any], payload_field: str | None = None
    ) -> Answer:
        self.requests[op] += 1
        began = time.perf_counter()
        response = await self.gateway.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.headers
        )
        self.durations[op].append(time.perf_counter() - began)
        self.bodies.append(response.content)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            answer = Answer([f"HTTP {response.status_code}"], None, [{"message": response.text[:200]}])
        else:
            errors = body.get("errors") or []
            outcomes = [f"error {(e.get('extensions') or {}).get('code', '?')}" for e in errors]
            payload = (body.get("data") or {}).get(payload_field) if payload_field else None
            for problem in (payload or {}).get("userErrors") or []:
                outcomes.append(f"userError {problem['code']}")
            answer = Answer(outcomes or ["ok"], payload, errors)
        for outcome in dict.fromkeys(answer.outcomes):
            self.answers[(op, outcome)] += 1
            if op != "setup":
                self.by_vendor[(vendor, outcome)] += 1
        return answer

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """A setup query's data (faults off): its body is scanned for secrets like every other."""
        self.requests["setup"] += 1
        response = await self.gateway.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=self.headers
        )
        self.bodies.append(response.content)
        body = response.json()
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def stored(self, vendor: str, native_id: str) -> dict[str, Any] | None:
        response = await self.control[vendor].get(f"/_emulator/state/destinations/{native_id}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        record: dict[str, Any] = response.json()
        return record

    async def secrets(self) -> set[str]:
        found: set[str] = set()
        for client in self.control.values():
            found |= set((await client.get("/_emulator/secrets")).json()["secrets"])
        return found

    def mismatch(self, vendor: str, native_id: str | None, what: str, started: float | None = None) -> None:
        self.findings.append(Finding("payload/state mismatch", vendor, native_id, what, started))

    # -- setup ----------------------------------------------------------------------------------------

    async def setup(self) -> None:
        for client in self.control.values():
            (await client.post("/_emulator/reset")).raise_for_status()
            (await client.put("/_emulator/rate-limits", json={"enabled": False})).raise_for_status()
        for workspace in (await self.data("{ workspaces { id provider } }"))["workspaces"]:
            self.workspace_ids[workspace["provider"]] = workspace["id"]
        for vendor in VENDORS:
            case = {
                "SEGMENT": {"apiKey": "sk_soak_shared_amplitude_0000000001"},
                "OURS": {"url": "https://hooks.example.test/shared"},
                "ZEOTAP": {"url": "https://hooks.example.test/shared"},
                "NIMRIZ": {},
            }[vendor]
            self.shared[vendor] = await self.setup_destination(vendor, TYPES[vendor], f"soak shared {vendor}", case)
            self.shared[vendor].shared = True
            self.seeded[vendor] = await self.seeded_ids(vendor)
        # Subscription targets: a Segment action destination of the seed, a Nimriz destination of its own.
        query = "{ destinations(first: 100, filter: {providers: [SEGMENT]}) { nodes { id nativeId name type { actions { key } } } } }"
        nodes = (await self.data(query))["destinations"]["nodes"]
        target = next(n for n in nodes if n["type"] and n["type"]["actions"])
        segment = Tracked("SEGMENT", target["id"], target["nativeId"], target["name"])
        self.subscription_targets["SEGMENT"] = (
            segment,
            {"actionId": target["type"]["actions"][0]["key"], "trigger": 'type = "track"'},
        )
        nimriz = await self.setup_destination(
            "NIMRIZ", "segment", "soak actions NIMRIZ", {"write_key": "wk_soak_actions_0000000001"}
        )
        self.subscription_targets["NIMRIZ"] = (nimriz, {"actionType": "send_event"})
        self.secrets_start = await self.secrets()

    async def setup_destination(self, vendor: str, type_key: str, name: str, settings: dict[str, Any]) -> Tracked:
        given = {"workspaceId": self.workspace_ids[vendor], "typeKey": type_key, "name": name, "settings": settings}
        answer = await self.call("setup", vendor, CREATE, {"input": given}, "createDestination")
        assert answer.acked("destination"), answer
        assert answer.payload is not None
        made = answer.payload["destination"]
        tracked = Tracked(vendor, made["id"], made["nativeId"], name)
        record = await self.stored(vendor, made["nativeId"])
        assert record is not None
        tracked.initial = {f: stored_field(vendor, record, f) for f in ("name", *KEYS[vendor])}
        return tracked

    async def seeded_ids(self, vendor: str) -> list[str]:
        query = "query($p: [Provider!]) { destinations(first: 20, filter: {providers: $p}) { nodes { id } } }"
        return [n["id"] for n in (await self.data(query, {"p": [vendor]}))["destinations"]["nodes"]]

    # -- faults -----------------------------------------------------------------------------------------

    async def conduct(self, stop: asyncio.Event) -> None:
        """Re-send each vendor's whole plan every tick; Zeotap goes down and comes back."""
        rng = random.Random(self.args.seed)
        down = False
        switch_at = time.monotonic() + rng.uniform(*ZEOTAP_UP_SECONDS)
        down_since = 0.0
        tick = 0
        while True:
            tick += 1
            now = time.monotonic()
            if now >= switch_at:
                down = not down
                if down:
                    down_since = time.time()
                else:
                    self.down_windows.append((down_since, time.time()))
                switch_at = now + rng.uniform(*(ZEOTAP_DOWN_SECONDS if down else ZEOTAP_UP_SECONDS))
            for vendor in VENDORS:
                plan = {
                    "error_rates": {"429": RATE_429},
                    "retry_after": rng.choice((0, 1)),
                    "after_commit": {**AFTER_COMMIT[tick % 2], "rate": AFTER_COMMIT_RATE},
                    "down": down and vendor == "ZEOTAP",
                }
                (await self.control[vendor].put("/_emulator/faults", json=plan)).raise_for_status()
            if stop.is_set():
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), TICK_SECONDS)
        if down:
            self.down_windows.append((down_since, time.time()))
        for client in self.control.values():
            (await client.delete("/_emulator/faults")).raise_for_status()

    # -- the workers --------------------------------------------------------------------------------

    async def work(self, worker: Worker, deadline: float) -> None:
        weights = [w for _, w in OPERATIONS]
        while time.monotonic() < deadline:
            [op] = worker.rng.choices(OPERATION_NAMES, weights)
            vendor = worker.rng.choice(VENDORS)
            owned = worker.owned[vendor]
            if op == "update" and not owned:
                op = "create"
            if op == "delete" and len(owned) < 2:
                op = "create"
            if op == "create" and len(owned) >= 4:
                op = "delete"
            if op == "shared update" and worker.index >= len(KEYS[vendor]):
                op = "update" if owned else "create"
            if op == "list":
                await self.read_list(worker, vendor)
            elif op == "get":
                await self.read_one(worker, vendor)
            elif op == "create":
                await self.create(worker, vendor)
            elif op == "update":
                await self.update(worker, worker.rng.choice(owned), "update")
            elif op == "shared update":
                await self.update(worker, self.shared[vendor], "shared update", KEYS[vendor][worker.index])
            elif op == "delete":
                await self.delete(worker, owned.pop(worker.rng.randrange(len(owned))))
            else:
                await self.create_subscription(worker, "NIMRIZ" if worker.rng.random() < 0.75 else "SEGMENT")

    async def read_list(self, worker: Worker, vendor: str) -> None:
        providers = None if worker.rng.random() < 0.2 else [vendor]
        await self.call("list", "all" if providers is None else vendor, LIST, {"p": providers})

    async def read_one(self, worker: Worker, vendor: str) -> None:
        choices = [t.gid for t in worker.owned[vendor]] + [self.shared[vendor].gid] + self.seeded[vendor][:5]
        await self.call("get", vendor, GET, {"id": worker.rng.choice(choices)})

    async def create(self, worker: Worker, vendor: str) -> None:
        n = worker.next()
        name = f"soak w{worker.index} c{n}"
        given = {
            "workspaceId": self.workspace_ids[vendor],
            "typeKey": TYPES[vendor],
            "name": name,
            "settings": create_settings(vendor, worker.index, n),
            "idempotencyKey": f"soak-{self.args.seed}-{name}",
        }
        logical = LogicalCreate(vendor, name, worker.index, time.time())
        self.creates.append(logical)
        for attempt in range(CREATE_ATTEMPTS):
            answer = await self.call("create", vendor, CREATE, {"input": given}, "createDestination")
            logical.outcomes.append(answer.label)
            if answer.acked("destination"):
                assert answer.payload is not None
                made = answer.payload["destination"]
                logical.acked, logical.native_id = True, made["nativeId"]
                record = await self.stored(vendor, made["nativeId"])
                if record is None:
                    self.mismatch(
                        vendor, made["nativeId"], f"create {name!r} acknowledged, not in state", logical.started
                    )
                    return
                if record.get("name") != made["name"] or made["name"] != name:
                    self.mismatch(
                        vendor,
                        made["nativeId"],
                        f"create {name!r}: payload name {made['name']!r}, state {record.get('name')!r}",
                    )
                self.check_settings_claims(vendor, made, record, given["settings"], f"create {name!r}")
                tracked = Tracked(vendor, made["id"], made["nativeId"], name)
                tracked.initial = {f: stored_field(vendor, record, f) for f in ("name", *KEYS[vendor])}
                logical.tracked = tracked
                self.tracked.append(tracked)
                worker.owned[vendor].append(tracked)
                return
            if not answer.retryable():
                return
            await asyncio.sleep(0.25 * 2**attempt + worker.rng.uniform(0, 0.25))

    def check_settings_claims(
        self, vendor: str, made: dict[str, Any], record: dict[str, Any], written: dict[str, Any], what: str
    ) -> None:
        """Each written key: the value the payload shows (unless a secret) and the value written, against the state."""
        secret_keys = set(made.get("secretSettingKeys") or [])
        claimed = made.get("settings") or {}
        for key, value in written.items():
            held = stored_field(vendor, record, key)
            if held != value:
                self.mismatch(
                    vendor, made["nativeId"], f"{what}: acknowledged {key}={shown(value)}, state holds {shown(held)}"
                )
            shows = claimed.get(key, MISSING)
            if key in secret_keys or is_masked(shows):
                continue
            if shows != held:
                self.mismatch(vendor, made["nativeId"], f"{what}: payload {key}={shown(shows)}, state {shown(held)}")

    async def update(self, worker: Worker, tracked: Tracked, op: str, key: str | None = None) -> None:
        vendor = tracked.vendor
        name = key or worker.rng.choice(("name", *KEYS[vendor]))
        n = worker.next()
        if name == "name":
            value: Any = f"{tracked.name} ~r{worker.index}x{n}"
            given: dict[str, Any] = {"id": tracked.gid, "name": value}
        else:
            value = setting_value(name, worker.index, n)
            given = {"id": tracked.gid, "settings": {name: value}}
        attempt = Attempt(value, time.time(), worker.index)
        tracked.fields[name].append(attempt)
        answer = await self.call(op, vendor, UPDATE, {"input": given}, "updateDestination")
        attempt.outcome, attempt.acked = answer.label, answer.acked("destination")
        if not attempt.acked:
            return
        assert answer.payload is not None
        made = answer.payload["destination"]
        record = await self.stored(vendor, tracked.native_id)
        what = f"{op} {name}={shown(value)} of {tracked.name!r} by worker {worker.index}"
        if record is None:
            self.mismatch(vendor, tracked.native_id, f"{what}: acknowledged, destination not in state", attempt.started)
            return
        if made["name"] != record.get("name"):
            self.mismatch(
                vendor,
                tracked.native_id,
                f"{what}: payload name {made['name']!r}, state {record.get('name')!r}",
                attempt.started,
            )
        if name == "name":
            if record.get("name") != value:
                self.mismatch(vendor, tracked.native_id, f"{what}: state name {record.get('name')!r}", attempt.started)
        else:
            self.check_settings_claims(vendor, made, record, {name: value}, what)

    async def delete(self, worker: Worker, tracked: Tracked) -> None:
        vendor = tracked.vendor
        tracked.delete_attempted = True
        for attempt in range(DELETE_ATTEMPTS):
            started = time.time()
            answer = await self.call("delete", vendor, DELETE, {"input": {"id": tracked.gid}}, "deleteDestination")
            if answer.acked("deletedId"):
                assert answer.payload is not None
                tracked.delete_acked = True
                if answer.payload["deletedId"] != tracked.gid:
                    self.mismatch(
                        vendor,
                        tracked.native_id,
                        f"delete of {tracked.name!r}: deletedId {answer.payload['deletedId']!r}",
                    )
                if await self.stored(vendor, tracked.native_id) is not None:
                    self.mismatch(
                        vendor, tracked.native_id, f"delete of {tracked.name!r} acknowledged, still in state", started
                    )
                return
            if answer.user_codes() == ["NOT_FOUND"]:
                if await self.stored(vendor, tracked.native_id) is not None:
                    self.mismatch(
                        vendor, tracked.native_id, f"delete of {tracked.name!r}: NOT_FOUND, still in state", started
                    )
                return
            if not answer.retryable():
                return
            await asyncio.sleep(0.25 * 2**attempt + worker.rng.uniform(0, 0.25))

    async def create_subscription(self, worker: Worker, vendor: str) -> None:
        target, template = self.subscription_targets[vendor]
        n = worker.next()
        name = f"soak w{worker.index} s{n}"
        given = {
            "destinationId": target.gid,
            "subscription": {"name": name, **template},
            "idempotencyKey": f"soak-{self.args.seed}-{name}",
        }
        logical = LogicalCreate(vendor, name, worker.index, time.time(), target=target)
        self.creates.append(logical)
        for attempt in range(SUBSCRIPTION_ATTEMPTS[vendor]):
            answer = await self.call(
                "subscription create", vendor, CREATE_SUBSCRIPTION, {"input": given}, "createDestinationSubscription"
            )
            logical.outcomes.append(answer.label)
            if answer.acked("subscription"):
                assert answer.payload is not None
                made = answer.payload["subscription"]
                logical.acked, logical.native_id = True, made["nativeId"]
                record = await self.stored(vendor, target.native_id) or {}
                held = [
                    s
                    for s in record.get("subscriptions" if vendor == "SEGMENT" else "actions", [])
                    if s["id"] == made["nativeId"]
                ]
                if [s["name"] for s in held] != [name] or made["name"] != name:
                    self.mismatch(
                        vendor,
                        target.native_id,
                        f"subscription create {name!r} acknowledged as {made['name']!r} ({made['nativeId']}), "
                        f"state holds {[s['name'] for s in held]}",
                        logical.started,
                    )
                return
            if not answer.retryable():
                return
            await asyncio.sleep(0.25 * 2**attempt + worker.rng.uniform(0, 0.25))

    # -- the end ------------------------------------------------------------------------------------

    async def listed(self, vendor: str) -> list[dict[str, Any]]:
        """Every destination the vendor lists (faults off), read from the emulator directly."""
        api = self.vendor_api[vendor]
        if vendor == "ZEOTAP":
            return list((await api.get("/api/v1/workspaces/ws-demo/destinations")).json())
        if vendor == "NIMRIZ":
            return list((await api.get("/api/integrations/destinations")).json()["destinations"])
        rows: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            if vendor == "SEGMENT":
                params = {"pagination[count]": "100", **({"pagination[cursor]": cursor} if cursor else {})}
                data = (await api.get("/destinations", params=params)).json()["data"]
                rows += data["destinations"]
                cursor = data["pagination"].get("next")
            else:
                params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
                body = (await api.get("/rest/v1/destinations", params=params)).json()
                rows += body["entities"]
                cursor = body["pagination"].get("nextCursor")
            if not cursor:
                return rows

    async def check(self) -> dict[str, Any]:
        secrets = self.secrets_start | await self.secrets()
        # Lost updates.
        for tracked in [*self.tracked, *self.shared.values()]:
            record = await self.stored(tracked.vendor, tracked.native_id)
            if record is None:
                if not tracked.delete_attempted:
                    self.findings.append(
                        Finding(
                            "lost update", tracked.vendor, tracked.native_id, f"{tracked.name!r} is gone, never deleted"
                        )
                    )
                continue
            for name, attempts in tracked.fields.items():
                held = stored_field(tracked.vendor, record, name)
                acked = [i for i, a in enumerate(attempts) if a.acked]
                last = acked[-1] if acked else -1
                allowed = [attempts[last].value] if acked else [tracked.initial.get(name, MISSING)]
                allowed += [a.value for a in attempts[last + 1 :]]
                if not any(held is v if v is MISSING else held == v for v in allowed):
                    history = ", ".join(f"{shown(a.value)} {a.outcome}" for a in attempts[-4:])
                    self.findings.append(
                        Finding(
                            "lost update",
                            tracked.vendor,
                            tracked.native_id,
                            f"{tracked.name!r} {name}: holds {shown(held)}; last attempts: {history}",
                            attempts[last].started if acked else attempts[0].started,
                        )
                    )
        # Duplicate creates.
        listed = {vendor: await self.listed(vendor) for vendor in VENDORS}
        targets = {v: await self.stored(v, t.native_id) or {} for v, (t, _) in self.subscription_targets.items()}
        for logical in self.creates:
            if logical.target is None:
                rows = listed[logical.vendor]
                prefix = logical.name + " ~"
                found = [r["id"] for r in rows if r["name"] == logical.name or r["name"].startswith(prefix)]
                gone = logical.tracked is not None and logical.tracked.delete_attempted
            else:
                held = targets[logical.vendor].get("subscriptions" if logical.vendor == "SEGMENT" else "actions", [])
                found = [s["id"] for s in held if s["name"] == logical.name]
                gone = False
            others = [i for i in found if i != logical.native_id]
            problem = None
            if logical.acked and others:
                problem = f"acknowledged as {logical.native_id}, also held as {others}"
            elif not logical.acked and len(found) > 1:
                problem = f"not acknowledged, held {len(found)} times: {found}"
            elif logical.acked and logical.native_id not in found and not gone:
                problem = f"acknowledged as {logical.native_id}, not held"
            if problem:
                where = logical.target.native_id if logical.target else logical.native_id
                self.findings.append(
                    Finding(
                        "duplicate create",
                        logical.vendor,
                        where,
                        f"{logical.name!r} {problem}; attempts: {logical.outcomes}",
                        logical.started,
                    )
                )
        # Secrets.
        scanned, hits = scan(self.bodies, secrets)
        for index, secret in hits:
            body = self.bodies[index].decode("utf-8", "replace")
            at = body.find(secret)
            excerpt = body[max(0, at - 120) : at + len(secret) + 40] if at >= 0 else body[:200]
            excerpt = excerpt.replace(secret, f"{secret[:4]}…(the secret)")
            self.findings.append(Finding("secret seen", "?", None, f"response {index}: {secret[:4]}… in {excerpt!r}"))
        logs = {v: (await self.control[v].get("/_emulator/requests")).json()["requests"] for v in VENDORS}
        searched = sum(len(s) >= MIN_SECRET for s in secrets)
        return {
            "secrets": searched,
            "short_secrets": len(secrets) - searched,
            "scanned_bytes": scanned,
            "logs": logs,
            "listed": listed,
        }

    def forensics(self, logs: dict[str, list[dict[str, Any]]]) -> None:
        """Each finding with the emulator's calls on its object (a create: its collection's POSTs near it)."""
        for finding in self.findings[:12]:
            print(f"\n{finding.kind} on {finding.vendor}: {finding.what}", file=sys.stderr)
            calls = logs.get(finding.vendor, [])
            native_id = finding.native_id
            related = [c for c in calls if native_id and native_id in c["path"]]
            if finding.kind == "duplicate create" and finding.started is not None:
                window = [
                    c
                    for c in calls
                    if c["method"] == "POST" and abs(c["started_at"] - finding.started) < 15 and c not in related
                ]
                related = sorted(related + window, key=lambda c: c["seq"])
            for c in related[-30:]:
                print(
                    f"  #{c['seq']} +{c['started_at'] - self.t0:7.3f}s {c['method']:6} {c['path']} -> {c['status']}"
                    f" intervention={c['intervention']} after_commit={c['after_commit']} applied={c['applied']}",
                    file=sys.stderr,
                )


def scan(bodies: list[bytes], secrets: set[str]) -> tuple[int, list[tuple[int, str]]]:
    """(bytes scanned, [(body index, secret)]): each secret of MIN_SECRET characters or more, in any string."""
    long_secrets = sorted(s for s in secrets if len(s) >= MIN_SECRET)
    hits: list[tuple[int, str]] = []
    scanned = 0
    for index, raw in enumerate(bodies):
        scanned += len(raw)
        try:
            strings = list(_strings(json.loads(raw)))
        except ValueError:
            strings = [raw.decode("utf-8", "replace")]
        text = "\x00".join(strings)
        hits += [(index, s) for s in long_secrets if s in text]
    return scanned, hits


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, str):
        yield node


# -- the report -------------------------------------------------------------------------------------


def fault_figures(logs: dict[str, list[dict[str, Any]]], t_start: float, t_end: float) -> list[str]:
    rows = [
        "| vendor | vendor calls | 429 injected | down (503) | writes the handler ran | reply lost after apply | 500 after apply | reads hit after the handler |",
        "|---|---|---|---|---|---|---|---|",
    ]
    totals = Counter[str]()
    for vendor in VENDORS:
        calls = [c for c in logs[vendor] if t_start <= c["started_at"] <= t_end]
        writes = [
            c for c in calls if c["method"] != "GET" and c["intervention"] not in ("error", "down", "rate_limited")
        ]
        reads = [
            c for c in calls if c["method"] == "GET" and c["intervention"] not in ("error", "down", "rate_limited")
        ]
        row = Counter(
            calls=len(calls),
            r429=sum(c["intervention"] == "error" and c["status"] == 429 for c in calls),
            down=sum(c["intervention"] == "down" for c in calls),
            writes=len(writes),
            drop=sum(c["after_commit"] == "drop" for c in writes),
            status=sum(c["after_commit"] == "status" for c in writes),
            reads=len(reads),
            reads_hit=sum(c["after_commit"] is not None for c in reads),
        )
        totals.update(row)
        rows.append(_fault_row(EMULATOR[vendor], row))
    rows.append(_fault_row("**all**", totals))
    return rows


def _fault_row(label: str, row: Counter[str]) -> str:
    def share(part: int, whole: int) -> str:
        return f"{part} ({100 * part / whole:.1f}%)" if whole else "0"

    return (
        f"| {label} | {row['calls']} | {share(row['r429'], row['calls'])} | {share(row['down'], row['calls'])} "
        f"| {row['writes']} | {share(row['drop'], row['writes'])} | {share(row['status'], row['writes'])} "
        f"| {share(row['reads_hit'], row['reads'])} of {row['reads']} |"
    )


def vendor_table(soak: Soak) -> list[str]:
    outcomes = sorted({o for (_, o) in soak.by_vendor}, key=lambda o: (o != "ok", o.startswith("userError"), o))
    rows = ["| vendor | " + " | ".join(outcomes) + " |", "|---|" + "---|" * len(outcomes)]
    for vendor in (*VENDORS, "all"):
        label = EMULATOR.get(vendor, "lists over all four")
        rows.append(f"| {label} | " + " | ".join(str(soak.by_vendor[(vendor, o)]) for o in outcomes) + " |")
    return rows


def outcome_table(soak: Soak) -> list[str]:
    ops = [op for op in OPERATION_NAMES if soak.requests[op]]
    outcomes = sorted(
        {o for (op, o) in soak.answers if op in ops}, key=lambda o: (o != "ok", o.startswith("userError"), o)
    )
    rows = ["| answer | " + " | ".join(ops) + " | all |", "|---|" + "---|" * (len(ops) + 1)]
    rows.append(
        "| requests | "
        + " | ".join(str(soak.requests[op]) for op in ops)
        + f" | {sum(soak.requests[op] for op in ops)} |"
    )
    for outcome in outcomes:
        counts = [soak.answers[(op, outcome)] for op in ops]
        rows.append(f"| {outcome} | " + " | ".join(str(c) for c in counts) + f" | {sum(counts)} |")
    everything = [d for op in ops for d in soak.durations[op]]
    for label, q in (("p50 ms", 0.5), ("p95 ms", 0.95)):
        cells = [f"{quantile(soak.durations[op], q) * 1000:.0f}" for op in ops]
        rows.append(f"| {label} | " + " | ".join(cells) + f" | {quantile(everything, q) * 1000:.0f} |")
    return rows


def quantile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def write_table(soak: Soak) -> list[str]:
    rows = [
        "| vendor | logical creates: acked / gave up | subscription creates: acked / gave up | updates: acked / OUTCOME_UNKNOWN / error | deletes attempted / acked |",
        "|---|---|---|---|---|",
    ]
    for vendor in VENDORS:
        creates = [c for c in soak.creates if c.vendor == vendor and c.target is None]
        subs = [c for c in soak.creates if c.vendor == vendor and c.target is not None]
        attempts = [
            a
            for t in [*soak.tracked, *soak.shared.values()]
            if t.vendor == vendor
            for f in t.fields.values()
            for a in f
        ]
        unknown = sum(a.outcome == "userError OUTCOME_UNKNOWN" for a in attempts)
        acked = sum(a.acked for a in attempts)
        deletes = [t for t in soak.tracked if t.vendor == vendor and t.delete_attempted]
        sub_cell = (
            f"{sum(c.acked for c in subs)} / {sum(not c.acked for c in subs)}"
            if vendor in ("SEGMENT", "NIMRIZ")
            else "-"
        )
        rows.append(
            f"| {EMULATOR[vendor]} | {sum(c.acked for c in creates)} / {sum(not c.acked for c in creates)} | {sub_cell} "
            f"| {acked} / {unknown} / {len(attempts) - acked - unknown} | {len(deletes)} / {sum(t.delete_acked for t in deletes)} |"
        )
    return rows


def machine() -> str:
    try:
        cores = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        cores = str(os.cpu_count())
    return f"nproc {cores}, Python {platform.python_version()}"


async def run(urls: dict[str, str], args: argparse.Namespace, started: float) -> tuple[list[str], int]:
    soak = Soak(urls, args)
    try:
        await soak.setup()
        stop = asyncio.Event()
        conductor = asyncio.create_task(soak.conduct(stop))
        await asyncio.sleep(0.2)  # the first plans are in place
        run_start = time.time()
        deadline = time.monotonic() + args.seconds
        workers = [Worker(i, random.Random(args.seed * 1000 + i)) for i in range(args.workers)]
        tasks = [asyncio.create_task(soak.work(w, deadline)) for w in workers]
        done, pending = await asyncio.wait(tasks, timeout=args.seconds + GRACE_SECONDS)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            task.result()
        run_end = time.time()
        stop.set()
        await conductor
        figures = await soak.check()
    finally:
        await soak.aclose()

    counts = Counter(f.kind for f in soak.findings)
    invariants = [
        ("lost updates", counts["lost update"]),
        ("duplicate creates", counts["duplicate create"]),
        ("payload/state mismatches", counts["payload/state mismatch"]),
        ("secrets seen", counts["secret seen"]),
    ]
    updates = sum(len(f) for t in [*soak.tracked, *soak.shared.values()] for f in t.fields.values())
    shared_keys = sum(len(t.fields) for t in soak.shared.values())
    down = soak.down_windows
    cancelled = (
        f"{len(pending)} of {args.workers} workers cancelled, still busy {GRACE_SECONDS:g} s after the deadline"
        if pending
        else f"every worker finished what it had started within {GRACE_SECONDS:g} s of the deadline"
    )
    command = f".venv/bin/python bench/soak.py --seconds {args.seconds:g} --workers {args.workers} --seed {args.seed}"
    lines = [
        HEADING,
        "",
        f"`{command}{' --record' if args.record else ''}` ({datetime.date.today().isoformat()}; {machine()}; "
        "`destgraph emulate --no-rate-limits` under uvicorn on loopback, the gateway in process over httpx "
        f"ASGITransport; {cancelled})",
        "",
        f"{run_end - run_start:.1f} s of load, {time.time() - started:.0f} s wall in all; every vendor: "
        f"{RATE_429:.0%} 429 (Retry-After 0 or 1), after_commit at rate {AFTER_COMMIT_RATE} (drop/close and "
        f"status 500 in turn, {TICK_SECONDS:g} s each); Zeotap down {len(down)} times, "
        f"{sum(b - a for a, b in down):.1f} s in all. As the emulators logged it:",
        "",
        *fault_figures(figures["logs"], run_start, run_end),
        "",
        "Answers of the gateway, by operation (a response with several codes counts under each):",
        "",
        *outcome_table(soak),
        "",
        "The same answers by the vendor asked:",
        "",
        *vendor_table(soak),
        "",
        *write_table(soak),
        "",
        f"Checked from the emulators' state: {len(soak.tracked)} destinations the workers created, "
        f"{updates} field writes ({shared_keys} keys of the 4 shared destinations written concurrently), "
        f"{len(soak.creates)} logical creates; {figures['secrets']} secrets searched in {len(soak.bodies)} "
        f"response bodies ({figures['scanned_bytes'] / 1024:.0f} KiB; {figures['short_secrets']} shorter than "
        f"{MIN_SECRET} characters left out).",
        "",
        "| check | count |",
        "|---|---|",
        *(f"| {name} | {count} |" for name, count in invariants),
    ]
    if soak.findings:
        soak.forensics(figures["logs"])
    failed = sum(count for _, count in invariants)
    return lines, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--record", action="store_true", help=f"append the section to {RESULTS.name}")
    args = parser.parse_args()
    started = time.time()
    with emulate_on_loopback("--no-rate-limits", "--seed", str(args.seed)) as urls:
        lines, failed = asyncio.run(run(urls, args, started))
    section = "\n".join(lines)
    print(section)
    if args.record:
        with RESULTS.open("a", encoding="utf-8") as results:
            results.write("\n" + section + "\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
