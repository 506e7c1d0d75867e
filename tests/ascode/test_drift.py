"""A change made at the vendor, not through the file, shows in the next plan as drift, field by field."""

from __future__ import annotations

from typing import Any

from tests.ascode.conftest import Tool
from tests.emulators.conftest import auth_headers

LIST = "{ destinations(first: 100) { nodes { id name enabled } } }"


def changes_of(plan: dict[str, Any], workspace: str, key: str) -> dict[str, dict[str, Any]]:
    [step] = [s for s in plan["steps"] if s["workspace"] == workspace and s["key"] == key and not s["subscription"]]
    return {c["field"]: c for c in step["changes"]}


async def test_edits_made_through_the_vendors_rest_apis_show_as_drift(tool: Tool) -> None:
    await tool.export()
    ours = tool.destinations("ours-main")
    zeotap = tool.destinations("zeotap-main")
    ours_key = next(k for k, e in ours.items() if e["enabled"])
    zeotap_key = next(iter(zeotap))
    await tool.stack.data(LIST)  # read once, without no-cache: the gateway's read cache now holds these
    ours_api, zeotap_api = tool.stack.upstreams["ours"].control, tool.stack.upstreams["zeotap"].control
    patched = await ours_api.patch(
        f"/rest/v1/destinations/{ours[ours_key]['id']}",
        json={"name": "Renamed at Ours", "status": "Disabled"},
        headers=auth_headers("ours"),
    )
    assert patched.status_code == 200, patched.text
    put = await zeotap_api.put(
        f"/api/v1/workspaces/ws-demo/destinations/{zeotap[zeotap_key]['id']}",
        json={"name": "Renamed at Zeotap"},
        headers=auth_headers("zeotap"),
    )
    assert put.status_code == 200, put.text

    planned = await tool.plan(as_json=True)

    assert planned.code == 2
    assert {(s["workspace"], s["key"]) for s in planned.json["steps"]} == {
        ("ours-main", ours_key),
        ("zeotap-main", zeotap_key),
    }
    ours_changes = changes_of(planned.json, "ours-main", ours_key)
    assert ours_changes == {
        "name": {"field": "name", "before": "Renamed at Ours", "after": ours[ours_key]["name"], "drift": True},
        "enabled": {"field": "enabled", "before": False, "after": True, "drift": True},
    }
    assert changes_of(planned.json, "zeotap-main", zeotap_key)["name"]["drift"] is True
    text = await tool.plan()
    assert "drift" in text.out and "Renamed at Ours" in text.out

    assert (await tool.apply()).code == 0
    after = await tool.plan()
    assert after.code == 0, after.text
    stored = await tool.stored("ours-main", ours[ours_key]["id"])
    assert stored is not None and stored["name"] == ours[ours_key]["name"]


async def test_an_edit_at_the_vendor_is_drift_but_the_same_field_edited_in_the_file_is_not(tool: Tool) -> None:
    await tool.export()
    document = tool.read()
    entries = document["workspaces"]["ours-main"]["destinations"]
    at_vendor, in_file = list(entries)[:2]
    await tool.stack.upstreams["ours"].control.patch(
        f"/rest/v1/destinations/{entries[at_vendor]['id']}", json={"name": "Vendor side"}, headers=auth_headers("ours")
    )
    entries[in_file]["name"] = "File side"
    tool.write(document)

    plan = (await tool.plan(as_json=True)).json

    assert changes_of(plan, "ours-main", at_vendor)["name"]["drift"] is True
    assert changes_of(plan, "ours-main", in_file)["name"]["drift"] is False


async def test_a_nimriz_action_changed_at_the_vendor_shows_as_drift_of_that_subscription(tool: Tool) -> None:
    await tool.export()
    entries = tool.destinations("nimriz-main")
    key = next(k for k, e in entries.items() if e.get("subscriptions"))
    sub_key, sub = next(iter(entries[key]["subscriptions"].items()))
    api = tool.stack.upstreams["nimriz"].control
    rows = (await api.get("/api/integrations/destinations", headers=auth_headers("nimriz"))).json()["destinations"]
    [row] = [r for r in rows if r["id"] == entries[key]["id"]]
    actions = [{**a, "enabled": not a["enabled"]} if a["id"] == sub["id"] else a for a in row["actions"]]
    put = await api.put(
        f"/api/integrations/destinations/{row['id']}", json={"actions": actions}, headers=auth_headers("nimriz")
    )
    assert put.status_code == 200, put.text

    plan = (await tool.plan(as_json=True)).json

    [step] = plan["steps"]
    assert (step["kind"], step["key"], step["subscription"]) == ("subscription", key, sub_key)
    assert step["changes"] == [
        {"field": "enabled", "before": not sub["enabled"], "after": sub["enabled"], "drift": True}
    ]
