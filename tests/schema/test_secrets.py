"""No secret an emulator holds ever appears in a GraphQL response."""

from __future__ import annotations

import json

from tests.schema.conftest import Stack

EVERYTHING = """
query All($after: String) {
  destinations(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id settings raw secretSettingKeys
      type { settings { key defaultValue } }
      subscriptions(first: 100) { nodes { settings raw trigger } }
    }
  }
}
"""


async def _secrets(stack: Stack) -> set[str]:
    found: set[str] = set()
    for upstream in stack.upstreams.values():
        response = await upstream.control.get("/_emulator/secrets")
        assert response.status_code == 200, upstream.name
        values = response.json()["secrets"]
        assert values, f"{upstream.name} holds no secrets to check"
        found |= {v for v in values if isinstance(v, str) and len(v) >= 6}
    return found


async def test_no_seeded_secret_appears_in_any_response(stack: Stack) -> None:
    secrets = await _secrets(stack)
    after, pages = None, []
    while True:
        body = await stack.query(EVERYTHING, {"after": after})
        assert not body.get("errors"), body.get("errors")
        pages.append(json.dumps(body))
        info = body["data"]["destinations"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    text = "\n".join(pages)
    leaked = sorted(s for s in secrets if s in text)
    assert leaked == []
