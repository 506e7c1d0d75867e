"""Many clients repeating a dashboard query against the vendors' real rate limits.

Twenty clients each repeat a dashboard query (destinations of the four vendors with their type
labels and subscriptions) for ``--seconds``; halfway, a write renames one destination of each
vendor through the gateway. The four emulators run as ``destgraph emulate`` serves them, with their
vendors' documented rate limits on (Zeotap 100 a minute and 20 a second, Segment 600 a minute).
The gateway runs in this process over real loopback sockets. The script reports, from the answers
and the emulators' own request logs:

- answers and errors (any GraphQL error counts);
- vendor 429s (from the emulators' logs: any is a failure of the gateway's pacing);
- upstream calls per vendor, the most in any sliding minute (and second), against each limit;
- read-your-writes: every client's first read that began after the renames finished shows them.

    .venv/bin/python bench/dashboard.py [--seconds 60] [--clients 20] [--record]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import datetime
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from _loopback import emulate_on_loopback
from destgraph.app import create_app
from destgraph.config import hash_api_key, settings_from_dict

API_KEY = "dg_bench_dashboard"
DASHBOARD = """
{ workspaces { key
    destinations(first: 10) { nodes { id name typeKey type { label } subscriptions(first: 5) { nodes { name } } } } } }
"""
RENAME = "mutation($input: UpdateDestinationInput!) { updateDestination(input: $input) { userErrors { code } } }"
#: each vendor's documented limits for one workspace, as (calls, seconds)
LIMITS = {"segment": [(600, 60)], "ours": [], "zeotap": [(100, 60), (20, 1)], "nimriz": []}


def settings(urls: dict[str, str]) -> Any:
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
    keys = [{"name": "dashboard", "sha256": hash_api_key(API_KEY), "scopes": ["read", "write"], "workspaces": ["*"]}]
    return settings_from_dict({"workspaces": workspaces, "api_keys": keys}, {env: "emulator-token"})


@dataclass
class Tally:
    answers: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    #: per client, (when the read began, the names it saw of the renamed destinations)
    reads: dict[int, list[tuple[float, set[str]]]] = field(default_factory=dict)


async def client_loop(index: int, gateway: httpx.AsyncClient, until: float, tally: Tally, watched: set[str]) -> None:
    headers = {"Authorization": f"Bearer {API_KEY}"}
    while time.monotonic() < until:
        began = time.monotonic()
        body = (await gateway.post("/graphql", json={"query": DASHBOARD}, headers=headers)).json()
        tally.answers += 1
        for error in body.get("errors") or ():
            code = error.get("extensions", {}).get("code", "?")
            tally.errors[code] = tally.errors.get(code, 0) + 1
        names = {
            node["name"]
            for workspace in (body.get("data") or {}).get("workspaces") or ()
            for node in workspace["destinations"]["nodes"]
            if node["id"] in watched
        }
        tally.reads.setdefault(index, []).append((began, names))


def busiest(starts: list[float], seconds: float) -> int:
    """The most calls that started within any window of ``seconds``."""
    starts = sorted(starts)
    return max((bisect.bisect_right(starts, t + seconds - 1e-9) - i for i, t in enumerate(starts)), default=0)


async def run(urls: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    control = {name: httpx.AsyncClient(base_url=url) for name, url in urls.items()}
    for client in control.values():
        await client.post("/_emulator/reset")
    app = create_app(settings(urls))
    gateway = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway", timeout=60)
    headers = {"Authorization": f"Bearer {API_KEY}"}
    first = (await gateway.post("/graphql", json={"query": DASHBOARD}, headers=headers)).json()
    targets = {w["key"]: w["destinations"]["nodes"][0]["id"] for w in first["data"]["workspaces"]}
    for client in control.values():
        await client.delete("/_emulator/requests")

    tally = Tally()
    started = time.monotonic()
    until = started + args.seconds
    loops = [
        asyncio.create_task(client_loop(i, gateway, until, tally, set(targets.values()))) for i in range(args.clients)
    ]
    await asyncio.sleep(args.seconds / 2)
    renamed = {vendor: f"Renamed during the run ({vendor})" for vendor in targets}
    for vendor, destination_id in targets.items():
        given = {"id": destination_id, "name": renamed[vendor]}
        answer = (
            await gateway.post("/graphql", json={"query": RENAME, "variables": {"input": given}}, headers=headers)
        ).json()
        assert not answer.get("errors") and not answer["data"]["updateDestination"]["userErrors"], answer
    written = time.monotonic()
    await asyncio.gather(*loops)
    elapsed = time.monotonic() - started

    logs = {name: (await c.get("/_emulator/requests")).json()["requests"] for name, c in control.items()}
    await gateway.aclose()
    await app.state.gateway.aclose()
    for client in control.values():
        await client.aclose()

    stale_clients = 0
    for reads in tally.reads.values():
        after = [names for began, names in reads if began >= written]
        if after and not set(renamed.values()) <= after[0]:
            stale_clients += 1
    vendors = {}
    for name, calls in logs.items():
        starts = [c["started_at"] for c in calls]
        vendors[name] = {
            "calls": len(calls),
            "429s": sum(1 for c in calls if c["status"] == 429),
            "windows": [(busiest(starts, seconds), calls_allowed, seconds) for calls_allowed, seconds in LIMITS[name]],
            "busiest_minute": busiest(starts, 60),
        }
    return {
        "tally": tally,
        "vendors": vendors,
        "elapsed": elapsed,
        "stale_clients": stale_clients,
        "clients": args.clients,
    }


def report(result: dict[str, Any], args: argparse.Namespace) -> tuple[str, bool]:
    tally: Tally = result["tally"]
    errors = sum(tally.errors.values())
    lines = [
        f"{result['clients']} clients, {result['elapsed']:.0f} s, vendors' rate limits on; one rename per vendor halfway",
        "",
        f"- answers: {tally.answers}, errors: {errors} {dict(sorted(tally.errors.items())) or ''}".rstrip(),
        f"- clients whose first read after the renames missed them: {result['stale_clients']} of {len(tally.reads)}",
        "",
        "| vendor | upstream calls | vendor 429s | busiest minute | limits (busiest window / allowed) |",
        "|---|---|---|---|---|",
    ]
    ok = errors == 0 and result["stale_clients"] == 0
    for name, figures in result["vendors"].items():
        limits = (
            ", ".join(f"{used}/{allowed} per {seconds:g} s" for used, allowed, seconds in figures["windows"])
            or "none documented"
        )
        lines.append(f"| {name} | {figures['calls']} | {figures['429s']} | {figures['busiest_minute']} | {limits} |")
        ok = ok and figures["429s"] == 0 and all(used <= allowed for used, allowed, _ in figures["windows"])
    lines += ["", f"all targets met: {'yes' if ok else 'NO'}"]
    return "\n".join(lines), ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--record", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()
    with emulate_on_loopback() as urls:
        result = asyncio.run(run(urls, args))
    text, ok = report(result, args)
    print(text)
    if args.record:
        command = (
            "`.venv/bin/python bench/dashboard.py"
            + (f" --seconds {args.seconds:g}" if args.seconds != 60 else "")
            + "`"
        )
        machine = f"{os.cpu_count()} cores, Python {platform.python_version()}"
        section = (
            f"\n## Dashboard: {args.clients} clients against the vendors' real limits\n\n"
            f"{command} ({datetime.date.today().isoformat()}; {machine}; `destgraph emulate` with rate limits on)\n\n{text}\n"
        )
        with (Path(__file__).parent / "RESULTS.md").open("a") as results:
            results.write(section)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
