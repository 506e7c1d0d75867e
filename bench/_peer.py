"""The peer gateway: Hive Gateway serving a supergraph GraphQL Mesh composes from the emulators.

Setup, in order:
1. ``npm ci`` into bench/peer/node_modules when it is missing (versions pinned in
   bench/peer/package.json and its lock file), on the machine's Node.
2. Each emulator's own OpenAPI document (``/_emulator/openapi.json``) is downloaded into a work
   folder. Segment's is patched: its ``pagination`` query parameter is ``style: deepObject,
   explode: true``, which Mesh serializes in form style (``count=40``), and Segment refuses that
   with a 422; without ``explode`` Mesh sends ``pagination[count]=40``, as Segment's SDKs do.
3. ``mesh-compose`` (bench/peer/mesh.config.ts) writes the supergraph, each vendor prefixed.
4. ``hive-gateway supergraph`` serves it from a folder that holds only the supergraph, so the
   gateway finds no config file of ours to load.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx

PEER_DIR = Path(__file__).with_name("peer")
WORK_DIR = PEER_DIR / "work"
BIN = PEER_DIR / "node_modules" / ".bin"
DOCUMENTS = ("segment", "ours", "zeotap", "nimriz")


def ensure_installed() -> None:
    """Install the pinned packages unless they are there already."""
    if (BIN / "hive-gateway").exists() and (BIN / "mesh-compose").exists():
        return
    command = "ci" if (PEER_DIR / "package-lock.json").exists() else "install"
    subprocess.run(
        ["npm", command, "--prefix", str(PEER_DIR), "--no-audit", "--no-fund", "--loglevel=error"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def versions() -> dict[str, str]:
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    manifest = PEER_DIR / "node_modules" / "@graphql-hive" / "gateway" / "package.json"
    return {"node": node, "hive-gateway": json.loads(manifest.read_text())["version"]}


def _drop_deep_object_explode(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("style") == "deepObject":
            node.pop("explode", None)
        for value in node.values():
            _drop_deep_object_explode(value)
    elif isinstance(node, list):
        for value in node:
            _drop_deep_object_explode(value)


def _download_documents(urls: dict[str, str], folder: Path) -> None:
    for name in DOCUMENTS:
        document = httpx.get(urls[name] + "/_emulator/openapi.json", timeout=30).raise_for_status().json()
        if name == "segment":
            _drop_deep_object_explode(document)
        (folder / f"{name}.json").write_text(json.dumps(document))


def compose(name: str, urls: dict[str, str], *, big_url: str | None = None) -> Path:
    """The folder, under bench/peer/work/NAME, holding only the supergraph over these emulators."""
    folder = WORK_DIR / name
    shutil.rmtree(folder, ignore_errors=True)
    serve = folder / "serve"
    serve.mkdir(parents=True)
    _download_documents(urls, folder)
    env = {**os.environ, "PEER_WORK": str(folder)}
    env.update({f"{vendor.upper()}_URL": urls[vendor] for vendor in DOCUMENTS})
    if big_url is not None:
        env["OURSBIG_URL"] = big_url
    log = folder / "compose.log"
    with log.open("w") as out:
        done = subprocess.run(
            [str(BIN / "mesh-compose"), "-c", "mesh.config.ts", "-o", str(serve / "supergraph.graphql")],
            cwd=PEER_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if done.returncode != 0:
        raise RuntimeError(f"mesh-compose failed; see {log}")
    return serve


def command(port: int) -> list[str]:
    """``hive-gateway supergraph`` on 127.0.0.1:port, one process (no --fork), as destgraph runs."""
    return [str(BIN / "hive-gateway"), "supergraph", "supergraph.graphql", "--host", "127.0.0.1", "--port", str(port)]
