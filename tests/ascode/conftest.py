"""export, plan and apply in process: the commands' coroutines over the gateway app over the emulators.

``Tool`` runs each command as the CLI would (same coroutine, same consoles, exit status), with the
gateway reached through an ASGI transport, and reads the emulators through their control API.
"""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from rich.console import Console

from destgraph.ascode import Connection, run_apply, run_export, run_plan
from tests.emulators.conftest import auth_headers
from tests.schema.conftest import API_KEY, WORKSPACES, Stack, build_stack, close_stack

#: emulator name by workspace key of the stack
VENDOR_OF = {key: name for name, key in WORKSPACES.items()}


@dataclass
class Ran:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def text(self) -> str:
        return self.out + self.err


def console() -> Console:
    return Console(file=io.StringIO(), width=200, color_system=None, highlight=False, soft_wrap=True)


def _ran(code: int, out: Console, err: Console) -> Ran:
    assert isinstance(out.file, io.StringIO) and isinstance(err.file, io.StringIO)
    return Ran(code, out.file.getvalue(), err.file.getvalue())


@dataclass
class Tool:
    stack: Stack
    directory: Path
    environ: dict[str, str] = field(default_factory=dict)
    outputs: list[str] = field(default_factory=list)
    key: str = API_KEY

    @property
    def connection(self) -> Connection:
        return Connection(url="http://gateway/graphql", key=self.key, transport=httpx.ASGITransport(app=self.stack.app))

    @property
    def file(self) -> Path:
        return self.directory / "destinations.yaml"

    @property
    def state_file(self) -> Path:
        return self.directory / "destinations.yaml.state.json"

    def _keep(self, ran: Ran) -> Ran:
        self.outputs.append(ran.text)
        return ran

    async def export(self) -> Ran:
        out, err = console(), console()
        code = await run_export(self.connection, output=self.file, out=out, err=err)
        return self._keep(_ran(code, out, err))

    async def plan(
        self, *, prune: bool = False, as_json: bool = False, environ: Mapping[str, str] | None = None
    ) -> Ran:
        out, err = console(), console()
        code = await run_plan(
            self.connection, self.file, prune=prune, as_json=as_json, out=out, err=err, environ=environ or self.environ
        )
        return self._keep(_ran(code, out, err))

    async def apply(
        self, *, prune: bool = False, as_json: bool = False, environ: Mapping[str, str] | None = None
    ) -> Ran:
        out, err = console(), console()
        code = await run_apply(
            self.connection,
            self.file,
            prune=prune,
            yes=True,
            as_json=as_json,
            out=out,
            err=err,
            environ=environ or self.environ,
        )
        return self._keep(_ran(code, out, err))

    def read(self) -> dict[str, Any]:
        loaded: dict[str, Any] = yaml.safe_load(self.file.read_text())
        return loaded

    def write(self, document: dict[str, Any]) -> None:
        self.file.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))

    def destinations(self, workspace: str) -> dict[str, Any]:
        found: dict[str, Any] = self.read()["workspaces"][workspace]["destinations"]
        return found

    async def held(self, workspace: str) -> list[dict[str, Any]]:
        """The destinations the workspace's emulator holds, as its REST API lists them."""
        name = VENDOR_OF[workspace]
        control = self.stack.upstreams[name].control
        paths = {
            "segment": "/destinations?pagination[count]=200",
            "ours": "/rest/v1/destinations?limit=100",
            "zeotap": "/api/v1/workspaces/ws-demo/destinations",
            "nimriz": "/api/integrations/destinations",
        }
        rows: list[dict[str, Any]] = []
        path: str | None = paths[name]
        while path is not None:
            body = (await control.get(path, headers=auth_headers(name))).json()
            if name == "segment":
                rows += body["data"]["destinations"]
                path = None
            elif name == "ours":
                rows += body["entities"]
                cursor = body.get("pagination", {}).get("nextCursor")
                path = f"{paths[name]}&cursor={cursor}" if cursor else None
            elif name == "nimriz":
                rows += body["destinations"]
                path = None
            else:
                rows += body
                path = None
        return rows

    async def named(self, workspace: str, name: str) -> list[dict[str, Any]]:
        return [row for row in await self.held(workspace) if row.get("name") == name]

    async def stored(self, workspace: str, native_id: str) -> dict[str, Any] | None:
        return await self.stack.stored(VENDOR_OF[workspace], native_id)

    async def seeded_secrets(self) -> set[str]:
        found: set[str] = set()
        for upstream in self.stack.upstreams.values():
            found |= set((await upstream.control.get("/_emulator/secrets")).json()["secrets"])
        return {s for s in found if isinstance(s, str) and len(s) >= 6}


@pytest.fixture
async def tool(tmp_path: Path) -> AsyncIterator[Tool]:
    stack = await build_stack()
    try:
        yield Tool(stack=stack, directory=tmp_path)
    finally:
        await close_stack(stack)
