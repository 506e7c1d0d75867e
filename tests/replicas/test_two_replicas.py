"""Two gateway processes on one Redis behave as one gateway.

Everything here is a real process on loopback: ``destgraph emulate`` (the four vendors), and two
``destgraph serve --config FILE`` replicas whose environment names the same REDIS_URL and a
REDIS_PREFIX of this module's own (its keys are deleted afterwards). Tests talk GraphQL over HTTP
to either replica and count what reached the vendors in the emulators' request logs and state.
Each test would fail with in-process state: a repeat on the other replica would create again, its
writes would interleave with the other's, each would spend the vendor's whole budget, and its read
cache would not hear of the other's writes.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from destgraph.config import hash_api_key
from destgraph.emulators.core import DEFAULT_TOKEN
from destgraph.emulators.segment import DEFAULT_SOURCE_ID
from tests.processes import answers, free_port, free_port_base, stop
from tests.replicas.redis_server import delete_prefix_sync, require_redis, unique_prefix

API_KEY = "dg_replicas_0123456789abcdef"
TOKEN_ENV = "DESTGRAPH_REPLICA_VENDOR_TOKEN"
PORT_OFFSETS = {"segment": 1, "ours": 2, "zeotap": 3, "nimriz": 4}
#: the calls a minute of the workspace whose budget the replicas share in test (c)
LIMITED_CALLS = 3
STARTUP_SECONDS = 60.0
#: the longest any one exchange with a replica may take
TEST_SECONDS = 60.0

CREATE = """
mutation($input: CreateDestinationInput!) {
  createDestination(input: $input) { destination { id nativeId name } userErrors { field message code } }
}
"""
CREATE_SUB = """
mutation($input: CreateDestinationSubscriptionInput!) {
  createDestinationSubscription(input: $input) { subscription { id name } userErrors { field message code } }
}
"""
RENAME = (
    "mutation($input: UpdateDestinationInput!) { updateDestination(input: $input) { userErrors { code message } } }"
)
LIST = (
    "query($ws: [ID!]) { destinations(first: 100, filter: {workspaceIds: $ws}) { nodes { id nativeId name typeKey } } }"
)
NIMRIZ_ACTION = {
    "actionType": "send_event",
    "eventFilter": {"include": {"event_types": ["link.clicked"]}, "exclude": {"bot_traffic": True}, "conditions": []},
    "propertyMapping": {"base": "default", "overrides": [{"type": "rename", "source": "url", "target": "page_url"}]},
}


# -- processes --------------------------------------------------------------------------------------


def _wait_until_up(process: subprocess.Popen[bytes], url: str, what: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while not answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            stop(process)
            pytest.fail(f"{what} did not answer on {url}:\n{tail}", pytrace=False)
        time.sleep(0.1)


@pytest.fixture(scope="module")
def redis_url() -> str:
    return require_redis()


@pytest.fixture(scope="module")
def emulators(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """``destgraph emulate`` as its own process: each vendor's base URL by name."""
    base = free_port_base()
    log = tmp_path_factory.mktemp("emulate") / "emulate.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "destgraph", "emulate", "--port-base", str(base)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        urls = {name: f"http://127.0.0.1:{base + offset}" for name, offset in PORT_OFFSETS.items()}
        for name, url in urls.items():
            _wait_until_up(process, url + "/", f"destgraph emulate ({name})", log)
        yield urls
    finally:
        stop(process)


def _config(urls: dict[str, str]) -> str:
    def workspace(key: str, provider: str, url: str, extra: str = "") -> str:
        return (
            f'[[workspaces]]\nkey = "{key}"\nprovider = "{provider}"\nbase_url = "{url}"\n'
            f'token_env = "{TOKEN_ENV}"\n{extra}\n'
        )

    return "\n".join(
        [
            # Refused calls answer at once; the serialized writes of test (b) have time.
            "[gateway]\nrate_wait_seconds = 1.0\nrequest_deadline_seconds = 30\n",
            workspace("segment-main", "segment", urls["segment"], f'default_source_id = "{DEFAULT_SOURCE_ID}"'),
            workspace("ours-main", "ours", urls["ours"]),
            workspace("zeotap-main", "zeotap", urls["zeotap"], 'workspace_id = "ws-demo"'),
            workspace("nimriz-main", "nimriz", urls["nimriz"]),
            # The same Zeotap workspace again, under a budget of a few calls a minute (test c).
            workspace(
                "zeotap-limited",
                "zeotap",
                urls["zeotap"],
                f'workspace_id = "ws-demo"\nrate_limits = [{{ calls = {LIMITED_CALLS}, seconds = 60 }}]',
            ),
            f'[[api_keys]]\nname = "replicas"\nsha256 = "{hash_api_key(API_KEY)}"\n'
            'scopes = ["read", "write"]\nworkspaces = ["*"]\n',
        ]
    )


@pytest.fixture(scope="module")
def replicas(
    emulators: dict[str, str], redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[tuple[str, Path]]]:
    """Two ``destgraph serve`` processes on one Redis under a prefix of their own: (URL, log) each."""
    folder = tmp_path_factory.mktemp("replicas")
    config = folder / "destgraph.toml"
    config.write_text(_config(emulators))
    prefix = unique_prefix("replicas")
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": prefix,
        TOKEN_ENV: DEFAULT_TOKEN,
    }
    processes: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    ports: set[int] = set()
    try:
        for index in range(2):
            port = free_port(ports)
            ports.add(port)
            log = folder / f"replica-{index}.log"
            with log.open("wb") as out:
                command = [sys.executable, "-m", "destgraph", "serve", "--config", str(config), "--port", str(port)]
                processes.append(
                    subprocess.Popen(
                        [*command, "--log-level", "warning"], stdout=out, stderr=subprocess.STDOUT, env=env
                    )
                )
            urls.append(f"http://127.0.0.1:{port}")
        for index, (process, url) in enumerate(zip(processes, urls, strict=True)):
            _wait_until_up(process, url + "/healthz", f"replica {index}", folder / f"replica-{index}.log")
        yield [(url, folder / f"replica-{index}.log") for index, url in enumerate(urls)]
    finally:
        for process in processes:
            stop(process)
        delete_prefix_sync(redis_url, prefix)


# -- clients ----------------------------------------------------------------------------------------


@dataclass
class Replica:
    client: httpx.AsyncClient
    #: what the process printed, for the message of a failed exchange
    log: Path

    async def query(self, query: str, variables: dict[str, Any] | None = None, *, fresh: bool = False) -> Any:
        headers = {"Authorization": f"Bearer {API_KEY}"}
        if fresh:
            headers["Cache-Control"] = "no-cache"
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, f"{response.text}\n{self.log.read_text(errors='replace')[-3000:]}"
        return response.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None, *, fresh: bool = False) -> Any:
        body = await self.query(query, variables, fresh=fresh)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    async def workspace_id(self, key: str) -> str:
        data = await self.data("query($k: String!) { workspace(key: $k) { id } }", {"k": key})
        return str(data["workspace"]["id"])


@dataclass
class Vendor:
    """One emulator's control API."""

    control: httpx.AsyncClient

    async def calls(self) -> list[dict[str, Any]]:
        response = await self.control.get("/_emulator/requests")
        response.raise_for_status()
        return list(response.json()["requests"])

    async def clear(self) -> None:
        (await self.control.delete("/_emulator/requests")).raise_for_status()

    async def faults(self, **plan: Any) -> None:
        (await self.control.put("/_emulator/faults", json=plan)).raise_for_status()

    async def no_faults(self) -> None:
        (await self.control.delete("/_emulator/faults")).raise_for_status()

    async def stored(self, native_id: str) -> dict[str, Any]:
        response = await self.control.get(f"/_emulator/state/destinations/{native_id}")
        response.raise_for_status()
        return dict(response.json())


@dataclass
class Cluster:
    one: Replica
    two: Replica
    vendors: dict[str, Vendor]


@pytest.fixture
async def cluster(replicas: list[tuple[str, Path]], emulators: dict[str, str]) -> Any:
    clients = [httpx.AsyncClient(base_url=url, timeout=TEST_SECONDS) for url, _ in replicas]
    controls = {name: httpx.AsyncClient(base_url=url, timeout=10) for name, url in emulators.items()}
    try:
        # Bounded in time: every exchange has its timeout, and every test makes a few.
        one, two = (Replica(client, log) for client, (_, log) in zip(clients, replicas, strict=True))
        yield Cluster(one, two, {n: Vendor(c) for n, c in controls.items()})
    finally:
        for control in controls.values():
            await control.delete("/_emulator/faults")
            await control.aclose()
        for client in clients:
            await client.aclose()


# -- (a) idempotency keys ---------------------------------------------------------------------------


async def _ours_posts(vendor: Vendor) -> int:
    return sum(1 for call in await vendor.calls() if call["method"] == "POST")


async def _create_input(replica: Replica, key: str, name: str) -> dict[str, Any]:
    return {
        "workspaceId": await replica.workspace_id("ours-main"),
        "typeKey": "Klaviyo",
        "name": name,
        "settings": {"projectAPIKey": "pk_test_replicas_00000001"},
        "idempotencyKey": key,
    }


async def test_a_create_repeated_on_the_other_replica_creates_nothing(cluster: Cluster) -> None:
    ours = cluster.vendors["ours"]
    given = await _create_input(cluster.one, "replicas-create-1", "Once across replicas")
    await ours.clear()

    first = (await cluster.one.data(CREATE, {"input": given}))["createDestination"]
    repeat = (await cluster.two.data(CREATE, {"input": given}))["createDestination"]

    assert first["userErrors"] == [] and first["destination"] is not None
    assert repeat == first
    assert await _ours_posts(ours) == 1


async def test_concurrent_repeats_on_both_replicas_wait_for_the_first(cluster: Cluster) -> None:
    ours = cluster.vendors["ours"]
    given = await _create_input(cluster.one, "replicas-create-2", "Once, concurrently")
    await ours.clear()
    await ours.faults(latency_ms=300, methods=["POST"])  # the first is still running when the others come

    results = await asyncio.gather(
        *(replica.data(CREATE, {"input": given}) for replica in [cluster.one, cluster.two] * 3)
    )

    ids = {r["createDestination"]["destination"]["id"] for r in results}
    assert len(ids) == 1
    assert await _ours_posts(ours) == 1


# -- (b) per-destination write locks ----------------------------------------------------------------


async def test_concurrent_nimriz_action_creates_through_both_replicas_lose_nothing(cluster: Cluster) -> None:
    nimriz = cluster.vendors["nimriz"]
    workspace = await cluster.one.workspace_id("nimriz-main")
    nodes = (await cluster.one.data(LIST, {"ws": [workspace]}, fresh=True))["destinations"]["nodes"]
    target = next(n for n in nodes if n["typeKey"] == "segment")
    before = len((await nimriz.stored(target["nativeId"]))["actions"])
    # Each read-modify-write of the action list takes a while: unserialized, they would overwrite each other.
    await nimriz.faults(latency_ms=40)

    bodies = await asyncio.gather(
        *(
            replica.query(
                CREATE_SUB,
                {"input": {"destinationId": target["id"], "subscription": {**NIMRIZ_ACTION, "name": f"Replica {i}"}}},
            )
            for i, replica in enumerate([cluster.one, cluster.two] * 4)
        )
    )

    assert all(not b.get("errors") for b in bodies), [b.get("errors") for b in bodies]
    assert all(b["data"]["createDestinationSubscription"]["userErrors"] == [] for b in bodies)
    actions = (await nimriz.stored(target["nativeId"]))["actions"]
    assert len(actions) == before + 8
    assert {f"Replica {i}" for i in range(8)} <= {a["name"] for a in actions}


# -- (c) the vendor's rate budget -------------------------------------------------------------------


async def test_the_vendor_budget_is_shared_by_the_replicas(cluster: Cluster) -> None:
    zeotap = cluster.vendors["zeotap"]
    workspace = await cluster.one.workspace_id("zeotap-limited")
    await zeotap.clear()

    # Fresh reads (no cache): each is one vendor call, and the workspace allows three a minute.
    bodies = await asyncio.gather(
        *(replica.query(LIST, {"ws": [workspace]}, fresh=True) for replica in [cluster.one, cluster.two] * 4)
    )

    answered = [b for b in bodies if not b.get("errors")]
    refused = [b for b in bodies if b.get("errors")]
    calls = await zeotap.calls()
    assert len(calls) <= LIMITED_CALLS, calls
    assert [c for c in calls if c["status"] == 429] == []
    assert len(answered) == len(calls) == LIMITED_CALLS
    assert {e["extensions"]["code"] for b in refused for e in b["errors"]} == {"UPSTREAM_RATE_LIMITED"}
    # Neither replica had the whole budget to itself: each refused some.
    assert any(b.get("errors") for b in bodies[0::2]) and any(b.get("errors") for b in bodies[1::2])


# -- (d) the read cache -----------------------------------------------------------------------------


async def test_a_write_on_one_replica_is_seen_by_the_next_read_on_the_other(cluster: Cluster) -> None:
    zeotap = cluster.vendors["zeotap"]
    workspace = await cluster.one.workspace_id("zeotap-main")
    before = (await cluster.one.data(LIST, {"ws": [workspace]}))["destinations"]["nodes"]
    await zeotap.clear()
    again = (await cluster.two.data(LIST, {"ws": [workspace]}))["destinations"]["nodes"]
    assert again == before
    assert await zeotap.calls() == []  # the other replica's read came from the shared cache
    target = before[0]

    renamed = await cluster.one.data(RENAME, {"input": {"id": target["id"], "name": "Renamed on replica one"}})
    assert renamed["updateDestination"]["userErrors"] == []

    after = (await cluster.two.data(LIST, {"ws": [workspace]}))["destinations"]["nodes"]
    assert {n["id"]: n["name"] for n in after}[target["id"]] == "Renamed on replica one"
