"""Cacheable GETs through the whole stack: Cache-Control, ETag and 304.

A query by GET whose answer rests on cache entries is ``private, max-age=N``, N no more than the
entries' remaining freshness, with a weak ETag per API key; If-None-Match gets a 304 without a
body. POSTs, mutations, answers with errors and answers no cache entry stands behind are no-store.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from typing import Any

import httpx

from destgraph.config import hash_api_key
from tests.schema.conftest import API_KEY, Stack, build_stack, close_stack

AUTH = {"Authorization": f"Bearer {API_KEY}"}
OTHER_KEY = "dg_test_other_reader_key"
QUERY = "query Names { destinations(first: 10) { nodes { id name } } }"
MAX_AGE = re.compile(r"^private, max-age=(\d+)$")


async def get(stack: Stack, query: str = QUERY, *, key: str = API_KEY, **headers: str) -> httpx.Response:
    return await stack.client.get(
        "/graphql", params={"query": query}, headers={"Authorization": f"Bearer {key}", **headers}
    )


def max_age(response: httpx.Response) -> int:
    found = MAX_AGE.match(response.headers.get("cache-control", ""))
    assert found, response.headers.get("cache-control")
    return int(found[1])


async def test_a_get_answered_from_the_read_cache_is_cacheable_with_an_etag(stack: Stack) -> None:
    first = await get(stack)
    assert first.status_code == 200, first.text
    assert "errors" not in first.json()
    assert 1 <= max_age(first) <= 15  # destinations stay fresh 15 s in the read cache
    assert first.headers["etag"].startswith('W/"')
    vary = {v.strip() for v in first.headers["vary"].split(",")}
    assert {"Authorization", "Accept"} <= vary
    # the tag is the body's, for this key
    digest = hashlib.sha256(b"tests\0" + first.content).hexdigest()[:32]
    assert first.headers["etag"] == f'W/"{digest}"'


async def test_if_none_match_gets_a_304_with_no_body(stack: Stack) -> None:
    await get(stack)  # the vendors' answers are in the read cache now: later answers are the same bytes
    second = await get(stack)
    await stack.clear_calls()
    again = await get(stack, **{"If-None-Match": second.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == second.headers["etag"]
    assert max_age(again) >= 1
    assert await stack.total_calls() == 0  # answered from the read cache: no vendor was asked
    # a list of tags, a strong form of the same tag, and * all match
    for header in (f'"nope", {second.headers["etag"]}', second.headers["etag"].removeprefix("W/"), "*"):
        assert (await get(stack, **{"If-None-Match": header})).status_code == 304
    assert (await get(stack, **{"If-None-Match": 'W/"another"'})).status_code == 200


async def test_max_age_is_bounded_by_the_remaining_ttl_of_what_was_read() -> None:
    built = await build_stack(workspace_options={"cache_ttl_seconds": {"destinations": 4}})
    try:
        first = await get(built)
        assert max_age(first) in (3, 4)  # just read: fresh for the whole TTL (less the request's time)
        await asyncio.sleep(1.2)
        later = await get(built)
        assert later.status_code == 200
        assert max_age(later) <= 2  # the same entries, 1.2 s older
    finally:
        await close_stack(built)


async def test_the_etag_differs_per_api_key_and_a_304_is_not_given_across_keys() -> None:
    reader = {"name": "reader", "sha256": hash_api_key(OTHER_KEY), "scopes": ["read"], "workspaces": ["*"]}
    built = await build_stack(extra_keys=[reader])
    try:
        await get(built)
        mine, theirs = await get(built), await get(built, key=OTHER_KEY)
        assert mine.json()["data"] == theirs.json()["data"]
        assert mine.headers["etag"] != theirs.headers["etag"]
        crossed = await get(built, key=OTHER_KEY, **{"If-None-Match": mine.headers["etag"]})
        assert crossed.status_code == 200
    finally:
        await close_stack(built)


async def test_a_persisted_query_by_get_is_cacheable(stack: Stack) -> None:
    digest = hashlib.sha256(QUERY.encode()).hexdigest()
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})
    registered = await stack.client.post(
        "/graphql", json={"query": QUERY, "extensions": json.loads(extensions)}, headers=AUTH
    )
    assert registered.headers["cache-control"] == "no-store"  # a POST
    by_hash = await stack.client.get("/graphql", params={"extensions": extensions}, headers=AUTH)
    assert by_hash.status_code == 200
    assert by_hash.json()["data"] == registered.json()["data"]
    assert max_age(by_hash) >= 1
    assert (
        await stack.client.get(
            "/graphql", params={"extensions": extensions}, headers={**AUTH, "If-None-Match": by_hash.headers["etag"]}
        )
    ).status_code == 304


async def test_posts_and_mutations_are_no_store(stack: Stack) -> None:
    await get(stack)
    post = await stack.client.post("/graphql", json={"query": QUERY}, headers=AUTH)
    assert post.headers["cache-control"] == "no-store"
    assert "etag" not in post.headers
    mutation = 'mutation { deleteDestination(id: "nope") { deletedId } }'
    written = await stack.client.post("/graphql", json={"query": mutation}, headers=AUTH)
    assert written.headers["cache-control"] == "no-store"
    refused = await get(stack, mutation)
    assert refused.status_code == 405
    assert refused.headers["cache-control"] == "no-store"


async def test_answers_with_errors_are_no_store(stack: Stack) -> None:
    invalid = await get(stack, "{ destinations(first: 1) { nodes { noSuchField } } }")
    assert invalid.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert invalid.headers["cache-control"] == "no-store"
    await stack.upstreams["ours"].faults(down=True)
    partial = await get(stack, "{ workspaces { key destinations(first: 2) { nodes { name } } } }")
    body: dict[str, Any] = partial.json()
    assert body["data"] and body["errors"]
    assert partial.headers["cache-control"] == "no-store"
    assert "etag" not in partial.headers


async def test_answers_no_cache_entry_stands_behind_are_no_store(stack: Stack) -> None:
    # nothing read at all
    for query in ("{ __typename }", "{ workspaces { key label } }"):
        assert (await get(stack, query)).headers["cache-control"] == "no-store"
    # a probe, which the read cache does not keep: the first answer is as of now
    probed = await get(stack, "{ workspaces { key health { status } } }")
    assert "errors" not in probed.json()
    assert probed.headers["cache-control"] == "no-store"
    # the client asked for fresh reads
    await get(stack)
    fresh = await get(stack, **{"Cache-Control": "no-cache"})
    assert fresh.headers["cache-control"] == "no-store"


async def test_probes_kept_for_their_ttl_make_a_cacheable_answer(stack: Stack) -> None:
    query = "{ workspaces { key health { status } } }"
    await get(stack, query)  # probes every workspace; kept health_ttl_seconds (10)
    kept = await get(stack, query)
    assert 1 <= max_age(kept) <= 10
