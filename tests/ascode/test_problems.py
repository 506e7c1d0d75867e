"""Bad input and plans that cannot apply: each problem at its path in the file, exit 1, nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ascode.conftest import Tool
from tests.emulators.conftest import auth_headers


def problems(plan: dict[str, Any]) -> dict[str, str]:
    return {p["path"]: p["code"] for p in plan["problems"]}


def one_entry(workspace: str, key: str, entry: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "workspaces": {workspace: {"destinations": {key: entry}}}}


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("workspaces: [unclosed\n", "(file) (line 2)", "not valid YAML"),
        (
            "workspaces:\n  ours-main:\n    destinations:\n      a: {name: A, typeKey: X}\n      a: {name: B}\n",
            "workspaces.ours-main.destinations.a (line 5)",
            "duplicate key",
        ),
        (
            "workspaces:\n  ours-main:\n    destinations:\n      k:\n        name: 7\n        typeKey: Klaviyo\n",
            "workspaces.ours-main.destinations.k.name (line 5)",
            "must be a string",
        ),
        (
            "workspaces:\n  ours-main:\n    destinations:\n      k:\n        name: K\n        typeKey: Klaviyo\n        colour: red\n",
            "workspaces.ours-main.destinations.k.colour (line 7)",
            "unknown field 'colour'",
        ),
        (
            "workspaces:\n  ours-main:\n    destinations:\n      k:\n        name: K\n        typeKey: Klaviyo\n        settings:\n          apiKey: ${not a ref}\n",
            "workspaces.ours-main.destinations.k.settings.apiKey (line 8)",
            "not a ${NAME} reference",
        ),
        ("version: 2\n", "version (line 1)", "version must be 1"),
        (
            "workspaces:\n  ours-main:\n    destinations:\n      k: {name: K}\n",
            "workspaces.ours-main.destinations.k.typeKey",
            "give typeKey",
        ),
    ],
)
async def test_a_file_that_cannot_be_read_is_refused_with_its_path(
    tool: Tool, text: str, where: str, words: str
) -> None:
    tool.file.write_text(text)

    for ran in (await tool.plan(), await tool.apply()):
        assert ran.code == 1
        assert where in ran.err and words in ran.err, ran.err
        assert "Traceback" not in ran.text
    as_json = await tool.plan(as_json=True)
    assert as_json.code == 1 and as_json.json["problems"]


async def test_the_gateways_validation_comes_back_at_the_settings_path(tool: Tool) -> None:
    tool.write(
        one_entry("ours-main", "klaviyo-eu", {"name": "Klaviyo EU", "typeKey": "Klaviyo", "settings": {"bogus": 1}})
    )

    ran = await tool.plan(as_json=True)

    assert ran.code == 1
    assert problems(ran.json) == {
        "workspaces.ours-main.destinations.klaviyo-eu.settings.bogus": "UNKNOWN_SETTING",
        "workspaces.ours-main.destinations.klaviyo-eu.settings.projectAPIKey": "REQUIRED",
    }
    assert all(p["line"] for p in ran.json["problems"])
    applied = await tool.apply()
    assert applied.code == 1
    assert await tool.named("ours-main", "Klaviyo EU") == []


async def test_a_new_destination_needs_its_secret_variables_set(tool: Tool) -> None:
    entry = {"name": "Klaviyo EU", "typeKey": "Klaviyo", "settings": {"projectAPIKey": "${KLAVIYO_EU_KEY}"}}
    tool.write(one_entry("ours-main", "klaviyo-eu", entry))

    ran = await tool.plan()

    assert ran.code == 1
    assert "workspaces.ours-main.destinations.klaviyo-eu.settings.projectAPIKey" in ran.out
    assert "set KLAVIYO_EU_KEY" in ran.out


async def test_a_service_with_several_types_at_the_vendor_is_ambiguous(tool: Tool) -> None:
    entry = {"name": "GA4", "service": "google-analytics-4", "settings": {}}
    tool.write(one_entry("segment-main", "ga4", entry))

    ran = await tool.plan(as_json=True)

    assert ran.code == 1
    [problem] = ran.json["problems"]
    assert (problem["path"], problem["code"]) == ("workspaces.segment-main.destinations.ga4.service", "AMBIGUOUS")
    assert "actions-google-analytics-4" in problem["message"]
    tool.write(one_entry("zeotap-main", "x", {"name": "X", "service": "no-such-service"}))
    assert problems((await tool.plan(as_json=True)).json) == {
        "workspaces.zeotap-main.destinations.x.service": "NOT_FOUND"
    }


async def test_an_id_of_a_destination_that_no_longer_exists_is_an_error_never_a_create(tool: Tool) -> None:
    await tool.export()
    document = tool.read()
    entries = document["workspaces"]["ours-main"]["destinations"]
    gone, twin = list(entries)[:2]
    deleted = await tool.stack.upstreams["ours"].control.delete(
        f"/rest/v1/destinations/{entries[gone]['id']}", headers=auth_headers("ours")
    )
    assert deleted.status_code == 200
    entries["copy-of-twin"] = dict(entries[twin])  # a second entry claiming the same destination
    tool.write(document)

    ran = await tool.plan(as_json=True)

    assert ran.code == 1
    assert problems(ran.json) == {
        f"workspaces.ours-main.destinations.{gone}.id": "NOT_FOUND",
        "workspaces.ours-main.destinations.copy-of-twin.id": "AMBIGUOUS",
    }
    assert ran.json["steps"] == [] or all(s["action"] != "create" for s in ran.json["steps"])


async def test_a_state_record_of_a_deleted_destination_is_an_error_at_the_entry(tool: Tool) -> None:
    entry = {"name": "Short lived", "typeKey": "Klaviyo", "settings": {"projectAPIKey": "${SHORT_KEY}"}}
    tool.write(one_entry("ours-main", "short-lived", entry))
    tool.environ = {"SHORT_KEY": "pk_test_short_lived_00000001"}
    assert (await tool.apply()).code == 0
    [row] = await tool.named("ours-main", "Short lived")
    await tool.stack.upstreams["ours"].control.delete(
        f"/rest/v1/destinations/{row['id']}", headers=auth_headers("ours")
    )

    ran = await tool.plan(as_json=True)

    assert problems(ran.json) == {"workspaces.ours-main.destinations.short-lived": "NOT_FOUND"}
    assert "state record" in ran.json["problems"][0]["message"]


async def test_a_type_cannot_change_in_place(tool: Tool) -> None:
    await tool.export()
    document = tool.read()
    entries = document["workspaces"]["zeotap-main"]["destinations"]
    key = next(iter(entries))
    entries[key]["typeKey"] = "klaviyo" if entries[key]["typeKey"] != "klaviyo" else "braze"
    tool.write(document)

    assert f"workspaces.zeotap-main.destinations.{key}.typeKey" in problems((await tool.plan(as_json=True)).json)


async def test_changing_a_nimriz_credential_needs_every_secret_of_the_destination(tool: Tool) -> None:
    await tool.export()
    document = tool.read()
    entries = document["workspaces"]["nimriz-main"]["destinations"]
    key = next(k for k, e in entries.items() if e["typeKey"] == "meta")
    entries[key]["settings"]["pixel_id"] = "123456789012345"
    reference = entries[key]["settings"]["access_token"][2:-1]
    tool.write(document)

    ran = await tool.plan(as_json=True)

    assert problems(ran.json) == {f"workspaces.nimriz-main.destinations.{key}.settings.access_token": "REQUIRED"}
    assert f"set {reference}" in ran.json["problems"][0]["message"]
    tool.environ = {reference: "EAAB_test_new_meta_token_000001"}
    assert (await tool.apply()).code == 0
    assert (await tool.plan()).code == 0
    stored = await tool.stored("nimriz-main", entries[key]["id"])
    assert stored is not None and stored["credentials"]["pixel_id"] == "123456789012345"


async def test_an_unknown_workspace_and_a_wrong_provider_are_errors(tool: Tool) -> None:
    tool.write({"version": 1, "workspaces": {"nope": {}, "ours-main": {"provider": "ZEOTAP"}}})

    assert problems((await tool.plan(as_json=True)).json) == {
        "workspaces.nope": "INVALID",
        "workspaces.ours-main.provider": "INVALID",
    }


async def test_apply_without_a_terminal_or_yes_asks_for_yes(tool: Tool) -> None:
    from destgraph.ascode import run_apply
    from tests.ascode.conftest import console

    entry = {"name": "Never", "typeKey": "Klaviyo", "settings": {"projectAPIKey": "${NEVER_KEY}"}}
    tool.write(one_entry("ours-main", "never", entry))
    out, err = console(), console()
    code = await run_apply(
        tool.connection, tool.file, out=out, err=err, environ={"NEVER_KEY": "pk_test_never_000000001"}
    )
    assert code == 1
    assert "--yes" in err.file.getvalue()  # type: ignore[attr-defined]
    declined = await run_apply(
        tool.connection, tool.file, out=out, err=err, environ={"NEVER_KEY": "x" * 20}, confirm=lambda _: False
    )
    assert declined == 1
    assert await tool.named("ours-main", "Never") == []
