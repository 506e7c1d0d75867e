"""The tool is a client like any other: the key's workspaces and scopes bound what it reads and writes."""

from __future__ import annotations

from pathlib import Path

from destgraph.config import hash_api_key
from tests.ascode.conftest import Tool
from tests.schema.conftest import build_stack, close_stack

READER = "dg_test_reader_of_ours_0123456789"


async def test_a_read_only_key_exports_its_workspaces_and_cannot_plan_a_write(tmp_path: Path) -> None:
    reader = {"name": "reader", "sha256": hash_api_key(READER), "scopes": ["read"], "workspaces": ["ours-main"]}
    stack = await build_stack(extra_keys=[reader])
    try:
        tool = Tool(stack=stack, directory=tmp_path, key=READER)
        assert (await tool.export()).code == 0
        document = tool.read()
        assert list(document["workspaces"]) == ["ours-main"]
        assert (await tool.plan()).code == 0  # reading needs no write scope

        key = next(iter(document["workspaces"]["ours-main"]["destinations"]))
        document["workspaces"]["ours-main"]["destinations"][key]["name"] = "Not allowed"
        document["workspaces"]["zeotap-main"] = {"destinations": {}}
        tool.write(document)
        ran = await tool.plan(as_json=True)

        assert ran.code == 1
        assert {p["path"]: p["code"] for p in ran.json["problems"]} == {
            "workspaces.zeotap-main": "INVALID",  # a workspace the key may not see
            f"workspaces.ours-main.destinations.{key}": "FORBIDDEN",  # no write scope: no dryRun either
        }
        del document["workspaces"]["zeotap-main"]
        tool.write(document)
        forbidden = await tool.apply()
        assert forbidden.code == 1 and "FORBIDDEN" in forbidden.out
        stored = await tool.stored("ours-main", document["workspaces"]["ours-main"]["destinations"][key]["id"])
        assert stored is not None and stored["name"] != "Not allowed"
    finally:
        await close_stack(stack)
