"""A cross-vendor read through the gateway: latency against the slowest vendor's critical path,
and upstream calls against the fewest the vendors' APIs allow.

The four emulators run as ``destgraph emulate`` serves them (uvicorn on loopback), each with
``--latency`` ms added to every call. The gateway runs in this process and reaches them over
real sockets. For each run the script reads the emulators' request logs and reports:

- latency / critical path: the query's wall time over the longest chain of dependent upstream
  calls any one vendor needs (each link timed by the emulator itself). 1.0 means the gateway adds
  nothing; the sum of all vendors' chains is what a serial gateway would cost.
- upstream calls / minimum: the calls made over the fewest the vendors' APIs allow for the query.

    .venv/bin/python bench/gateway_read.py [--latency 20] [--runs 15]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

import httpx

from _loopback import emulate_on_loopback
from _upstream import chain_ms
from destgraph.app import create_app
from destgraph.config import hash_api_key, settings_from_dict

API_KEY = "dg_bench_key"
QUERY = """
{ workspaces { key
    destinations(first: 10) { nodes { name typeKey type { label actions { key } } subscriptions(first: 5) { nodes { name trigger } } } } } }
"""


def _settings(urls: dict[str, str], *, unlimited: bool = False) -> Any:
    """``unlimited``: no vendor budgets nor gateway-wide quota, for emulators run with --no-rate-limits."""
    env = "DESTGRAPH_BENCH_TOKEN"
    workspaces = [
        {"key": "segment", "provider": "segment", "base_url": urls["segment"], "token_env": env},
        {"key": "ours", "provider": "ours", "base_url": urls["ours"], "token_env": env},
        {
            "key": "zeotap",
            "provider": "zeotap",
            "base_url": urls["zeotap"],
            "token_env": env,
            "workspace_id": "ws-demo",
        },
        {"key": "nimriz", "provider": "nimriz", "base_url": urls["nimriz"], "token_env": env},
    ]
    keys = [{"name": "bench", "sha256": hash_api_key(API_KEY), "scopes": ["read"], "workspaces": ["*"]}]
    document: dict[str, Any] = {"workspaces": workspaces, "api_keys": keys}
    if unlimited:
        for workspace in workspaces:
            workspace["rate_limits"] = [{"calls": 10_000_000, "seconds": 1}]
        document["gateway"] = {"upstream_calls_per_minute": 100_000_000}
    return settings_from_dict(document, {env: "emulator-token"})


async def _logs(control: dict[str, httpx.AsyncClient]) -> dict[str, list[dict[str, Any]]]:
    return {name: (await c.get("/_emulator/requests")).json()["requests"] for name, c in control.items()}


def _minimum_calls(data: dict[str, Any], cold: bool) -> int:
    """What the vendors' APIs force for this query.

    One list call per workspace; Segment has no batch read of subscriptions, so one call per
    action destination shown (a destination without actions has none to list); Ours' type labels
    need its catalog once per TTL (cold runs only); Segment embeds its catalog, Zeotap's and
    Nimriz's are built in, and Nimriz actions come inside its list.
    """
    total = 4
    for workspace in data["workspaces"]:
        if workspace["key"] == "segment":
            total += sum(1 for n in workspace["destinations"]["nodes"] if n["type"] and n["type"]["actions"])
    return total + (1 if cold else 0)


async def run(urls: dict[str, str], args: argparse.Namespace) -> None:
    control = {name: httpx.AsyncClient(base_url=url) for name, url in urls.items()}
    for client in control.values():
        await client.post("/_emulator/reset")
        await client.put("/_emulator/faults", json={"latency_ms": args.latency})
    app = create_app(_settings(urls))
    gateway = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway", timeout=60)
    # Fresh reads: this measures the vendors' critical path, which the read cache would hide.
    headers = {"Authorization": f"Bearer {API_KEY}", "Cache-Control": "no-cache"}
    rows = []
    for run_index in range(args.runs):
        for client in control.values():
            await client.delete("/_emulator/requests")
        started = time.perf_counter()
        response = await gateway.post("/graphql", json={"query": QUERY}, headers=headers)
        wall_ms = (time.perf_counter() - started) * 1000
        body = response.json()
        assert "errors" not in body, body["errors"]
        logs = await _logs(control)
        chains = {name: chain_ms(calls) for name, calls in logs.items()}
        calls = sum(len(c) for c in logs.values())
        rows.append(
            {
                "cold": run_index == 0,
                "wall": wall_ms,
                "critical": max(chains.values()),
                "serial": sum(chains.values()),
                "calls": calls,
                "minimum": _minimum_calls(body["data"], cold=run_index == 0),
                "chains": chains,
            }
        )
    await gateway.aclose()
    await app.state.gateway.aclose()
    for client in control.values():
        await client.put("/_emulator/faults", json={})
        await client.aclose()

    warm = [r for r in rows if not r["cold"]]
    ratio = statistics.median(r["wall"] / r["critical"] for r in warm)
    serial_ratio = statistics.median(r["serial"] / r["critical"] for r in warm)
    print(f"query over 4 vendors, {args.latency} ms added to every upstream call, {args.runs} runs (first cold)")
    print("| run | wall ms | critical path ms | serial sum ms | wall / critical | calls | minimum |")
    print("|---|---|---|---|---|---|---|")
    for i, r in enumerate(rows):
        print(
            f"| {'cold' if r['cold'] else i} | {r['wall']:.1f} | {r['critical']:.1f} | {r['serial']:.1f} "
            f"| {r['wall'] / r['critical']:.2f} | {r['calls']} | {r['minimum']} |"
        )
    print(f"median warm wall / critical path: {ratio:.2f} (a serial gateway: {serial_ratio:.2f})")
    print(
        f"calls / minimum: cold {rows[0]['calls']}/{rows[0]['minimum']}, warm {warm[-1]['calls']}/{warm[-1]['minimum']}"
    )
    print(
        "critical chain per vendor (ms, last run): " + ", ".join(f"{k} {v:.1f}" for k, v in rows[-1]["chains"].items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=20)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with emulate_on_loopback() as urls:
        asyncio.run(run(urls, args))


if __name__ == "__main__":
    main()
