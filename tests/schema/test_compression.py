"""gzip through the whole stack: for answers of 1 KiB or more, when Accept-Encoding takes it, and never
for the parts of an answer with @defer, which must reach the client as they are made."""

from __future__ import annotations

import gzip
import json

from tests.schema.conftest import API_KEY, Stack, build_stack, close_stack

AUTH = {"Authorization": f"Bearer {API_KEY}"}
#: every vendor's destinations: several KiB of JSON
LARGE = {"query": "{ destinations(first: 100) { nodes { id name typeKey provider } } }"}
SMALL = {"query": "{ __typename }"}
DEFERRED = {"query": "{ workspaces { key ... @defer { destinations(first: 100) { nodes { id name typeKey } } } } }"}
MULTIPART = "multipart/mixed; deferSpec=20220824, application/json"


async def test_a_large_answer_is_gzipped_for_a_client_that_accepts_gzip(stack: Stack) -> None:
    async with stack.client.stream(
        "POST", "/graphql", json=LARGE, headers={**AUTH, "Accept-Encoding": "gzip"}
    ) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["vary"]
    body = json.loads(gzip.decompress(raw))
    assert len(body["data"]["destinations"]["nodes"]) == 100
    assert len(raw) < len(json.dumps(body)) / 3  # JSON names repeat: gzip pays


async def test_no_compression_without_accept_encoding(stack: Stack) -> None:
    for encoding in ("identity", "br"):
        response = await stack.client.post("/graphql", json=LARGE, headers={**AUTH, "Accept-Encoding": encoding})
        assert response.status_code == 200
        assert "content-encoding" not in response.headers
        assert len(response.json()["data"]["destinations"]["nodes"]) == 100


async def test_small_answers_go_as_they_are(stack: Stack) -> None:
    response = await stack.client.post("/graphql", json=SMALL, headers={**AUTH, "Accept-Encoding": "gzip"})
    assert response.json() == {
        "data": {"__typename": "Query"},
        "extensions": response.json()["extensions"],
    }
    assert "content-encoding" not in response.headers


async def test_an_answer_in_parts_is_never_compressed(stack: Stack) -> None:
    async with stack.client.stream(
        "POST", "/graphql", json=DEFERRED, headers={**AUTH, "Accept": MULTIPART, "Accept-Encoding": "gzip"}
    ) as response:
        raw = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("multipart/mixed")
    assert "content-encoding" not in response.headers
    assert len(raw) > 4096  # large enough that it would have been compressed
    assert raw.count(b"Content-Type: application/json") >= 2  # plain parts, readable as they come


async def test_the_same_answer_merged_for_a_json_client_is_compressed(stack: Stack) -> None:
    response = await stack.client.post("/graphql", json=DEFERRED, headers={**AUTH, "Accept-Encoding": "gzip"})
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-encoding"] == "gzip"
    assert all(len(w["destinations"]["nodes"]) == 40 for w in response.json()["data"]["workspaces"])


async def test_compression_can_be_turned_off() -> None:
    built = await build_stack(compression=False)
    try:
        response = await built.client.post("/graphql", json=LARGE, headers={**AUTH, "Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert "content-encoding" not in response.headers
    finally:
        await close_stack(built)
