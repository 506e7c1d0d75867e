"""``destgraph emulate``: the command a user runs, over real loopback sockets."""

from __future__ import annotations

import asyncio

import httpx

from destgraph.emulators import VENDOR_NAMES
from tests.emulators.conftest import EmulateProcess, auth_headers

#: one list call per vendor returning all 1,000 seeded destinations (Ours pages at 100, its maximum)
LIST_CALLS = {
    "segment": "/destinations?pagination[count]=1000",
    "ours": "/rest/v1/destinations?limit=100",
    "zeotap": "/api/v1/workspaces/ws-demo/destinations",
    "nimriz": "/api/integrations/destinations",
}


def test_emulate_prints_a_table_of_urls(emulate_process: EmulateProcess) -> None:
    table = "\n".join(emulate_process.banner)
    for name, url in emulate_process.urls.items():
        assert name in table
        assert f"{url}/_emulator/" in table


def test_emulate_serves_segment_ours_zeotap_nimriz_on_consecutive_ports(emulate_process: EmulateProcess) -> None:
    ports = [int(emulate_process.urls[name].rsplit(":", 1)[1]) for name in VENDOR_NAMES]
    assert ports == [ports[0] + i for i in range(4)]
    for url in emulate_process.urls.values():
        assert httpx.get(url + "/").status_code == 200


async def test_each_emulator_serves_1000_destinations_to_50_concurrent_clients(
    emulate_process: EmulateProcess,
) -> None:
    for name, url in emulate_process.urls.items():
        async with httpx.AsyncClient(base_url=url, headers=auth_headers(name), timeout=60) as client:
            (await client.post("/_emulator/reset")).raise_for_status()
            (await client.post("/_emulator/seed", json={"seed": 3, "destinations": 1000})).raise_for_status()
            # Zeotap allows 20 calls a second per workspace: a burst of 50 is meant to be refused there.
            (await client.put("/_emulator/rate-limits", json={"enabled": False})).raise_for_status()
            responses = await asyncio.gather(*(client.get(LIST_CALLS[name]) for _ in range(50)))
            assert [r.status_code for r in responses] == [200] * 50, name
            sizes = {_count(name, r.json()) for r in responses}
            assert sizes == {100 if name == "ours" else 1000}, name
            log = (await client.get("/_emulator/counters")).json()
            assert log["by_status"] == {"200": 50}, name
            (await client.post("/_emulator/reset")).raise_for_status()


def _count(name: str, body: object) -> int:
    match name, body:
        case "segment", {"data": {"destinations": list(rows)}}:
            return len(rows)
        case "ours", {"entities": list(rows)}:
            return len(rows)
        case "zeotap", list(rows):
            return len(rows)
        case "nimriz", {"destinations": list(rows)}:
            return len(rows)
    raise AssertionError(f"unexpected {name} list body")
