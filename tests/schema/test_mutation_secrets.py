"""No secret sent in a mutation appears in a response, an error or a log line."""

from __future__ import annotations

import json
import logging

import pytest

from tests.schema.conftest import Stack

SECRET = "sk_test_never_shown_9f8e7d6c5b4a"
CREATE = """
mutation($input: CreateDestinationInput!) {
  createDestination(input: $input) { destination { id settings raw } changes { field before after } userErrors { field message code } }
}
"""


@pytest.mark.parametrize(
    ("provider", "type_key", "settings"),
    [
        ("SEGMENT", "amplitude", {"apiKey": SECRET}),
        ("OURS", "Klaviyo", {"projectAPIKey": SECRET}),
        ("ZEOTAP", "webhook", {"url": "https://hooks.example.com/x", "headers": {"X-API-Key": SECRET}}),
        ("NIMRIZ", "segment", {"write_key": SECRET}),
    ],
)
async def test_secrets_never_leave_in_responses_errors_or_logs(
    stack: Stack, caplog: pytest.LogCaptureFixture, provider: str, type_key: str, settings: dict
) -> None:
    caplog.set_level(logging.DEBUG)
    workspace = await stack.workspace_id(provider)
    bodies = []
    for dry_run in (True, False):
        bodies.append(
            await stack.query(
                CREATE,
                {
                    "input": {
                        "workspaceId": workspace,
                        "typeKey": type_key,
                        "name": "Secret keeper",
                        "settings": settings,
                        "dryRun": dry_run,
                    }
                },
            )
        )
    created = bodies[-1]["data"]["createDestination"]["destination"]
    assert created is not None, bodies[-1]
    # A vendor refusal that echoes the input, and an upstream fault, must not carry it either.
    await stack.upstreams[provider.lower()].faults(queue=[503], methods=["POST", "PUT", "PATCH"])
    bodies.append(
        await stack.query(
            CREATE,
            {"input": {"workspaceId": workspace, "typeKey": type_key, "name": "Secret keeper 2", "settings": settings}},
        )
    )
    update = """mutation($i: UpdateDestinationInput!) { updateDestination(input: $i) { changes { field before after } userErrors { message } } }"""
    bodies.append(await stack.query(update, {"i": {"id": created["id"], "settings": settings}}))
    text = json.dumps(bodies)
    assert SECRET not in text
    assert SECRET not in caplog.text
