"""idempotencyKey on createDestination: repeats return the first result and create nothing."""

from __future__ import annotations

import asyncio

from tests.schema.conftest import Stack

CREATE = """
mutation($input: CreateDestinationInput!) {
  createDestination(input: $input) { destination { id nativeId name } userErrors { field message code } }
}
"""


async def _input(stack: Stack, **extra) -> dict:
    return {
        "workspaceId": await stack.workspace_id("OURS"),
        "typeKey": "Klaviyo",
        "name": "Once only",
        "settings": {"projectAPIKey": "pk_test_idempotent_000001"},
        "idempotencyKey": "create-klaviyo-1",
        **extra,
    }


async def _posts(stack: Stack) -> int:
    return sum(1 for c in await stack.writes("ours") if c["method"] == "POST")


async def test_a_sequential_repeat_returns_the_first_result_and_creates_nothing(stack: Stack) -> None:
    given = await _input(stack)
    first = (await stack.data(CREATE, {"input": given}))["createDestination"]
    second = (await stack.data(CREATE, {"input": given}))["createDestination"]
    assert first["destination"] is not None
    assert second == first
    assert await _posts(stack) == 1


async def test_concurrent_repeats_wait_for_the_first(stack: Stack) -> None:
    await stack.upstreams["ours"].faults(latency_ms=50)
    given = await _input(stack)
    results = await asyncio.gather(*(stack.data(CREATE, {"input": given}) for _ in range(5)))
    ids = {r["createDestination"]["destination"]["id"] for r in results}
    assert len(ids) == 1
    assert await _posts(stack) == 1


async def test_the_same_key_with_another_input_is_a_conflict(stack: Stack) -> None:
    await stack.data(CREATE, {"input": await _input(stack)})
    other = (await stack.data(CREATE, {"input": await _input(stack, name="Something else")}))["createDestination"]
    assert other["destination"] is None
    assert other["userErrors"] == [
        {
            "field": ["input", "idempotencyKey"],
            "message": "this idempotencyKey was used with a different input",
            "code": "CONFLICT",
        }
    ]
    assert await _posts(stack) == 1


async def test_a_failed_first_attempt_lets_a_retry_run(stack: Stack) -> None:
    await stack.upstreams["ours"].faults(queue=[503], methods=["POST"])
    failed = await stack.query(CREATE, {"input": await _input(stack)})
    assert failed["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    retried = (await stack.data(CREATE, {"input": await _input(stack)}))["createDestination"]
    assert retried["destination"] is not None


async def test_different_keys_create_twice(stack: Stack) -> None:
    await stack.data(CREATE, {"input": await _input(stack)})
    await stack.data(CREATE, {"input": await _input(stack, idempotencyKey="create-klaviyo-2")})
    assert await _posts(stack) == 2
