"""Automatic persisted queries (Apollo's protocol) and trusted documents, through the in-process stack."""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import websockets

from destgraph.app import create_app
from destgraph.errors import ConfigError
from tests.schema.conftest import API_KEY, Stack, build_stack, close_stack, stack_settings

AUTH = {"Authorization": f"Bearer {API_KEY}"}
GRAPHQL_RESPONSE = "application/graphql-response+json"
QUERY = "query Keys { workspaces { key } }"
NOT_FOUND = {"errors": [{"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(digest: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


async def post(stack: Stack, body: dict[str, Any], accept: str | None = None) -> Any:
    headers = {**AUTH, **({"Accept": accept} if accept else {})}
    return await stack.client.post("/graphql", json=body, headers=headers)


def code_of(response: Any) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


async def test_apq_round_trip_miss_register_hit(stack: Stack) -> None:
    digest = sha256(QUERY)
    miss = await post(stack, {"extensions": persisted(digest)})
    assert miss.status_code == 200
    assert miss.json() == NOT_FOUND

    registered = await post(stack, {"query": QUERY, "extensions": persisted(digest)})
    assert registered.status_code == 200
    expected = registered.json()["data"]
    assert len(expected["workspaces"]) == 4
    assert await stack.app.state.gateway.state.documents.get(digest) == QUERY

    hit = await post(stack, {"extensions": persisted(digest)})
    assert hit.status_code == 200
    assert hit.json()["data"] == expected


async def test_a_miss_is_404_with_graphql_response_json(stack: Stack) -> None:
    miss = await post(stack, {"extensions": persisted(sha256("{ __typename }"))}, accept=GRAPHQL_RESPONSE)
    assert miss.status_code == 404
    assert miss.json() == NOT_FOUND
    assert miss.headers["content-type"].startswith(GRAPHQL_RESPONSE)


async def test_a_hash_that_is_not_the_querys_is_refused_and_stores_nothing(stack: Stack) -> None:
    wrong = sha256("{ somethingElse }")
    response = await post(stack, {"query": QUERY, "extensions": persisted(wrong)})
    assert response.status_code == 400
    assert code_of(response) == "BAD_REQUEST"
    assert "data" not in response.json()
    assert await stack.app.state.gateway.state.documents.get(wrong) is None
    assert (await post(stack, {"extensions": persisted(wrong)})).json() == NOT_FOUND


@pytest.mark.parametrize(
    "extension",
    [
        {"persistedQuery": {"version": 2, "sha256Hash": sha256(QUERY)}},
        {"persistedQuery": {"version": True, "sha256Hash": sha256(QUERY)}},
        {"persistedQuery": {"version": 1, "sha256Hash": "abc"}},
        {"persistedQuery": {"version": 1}},
        {"persistedQuery": "yes"},
    ],
)
async def test_a_malformed_persisted_query_is_400(stack: Stack, extension: dict[str, Any]) -> None:
    response = await post(stack, {"extensions": extension})
    assert response.status_code == 400
    assert code_of(response) == "BAD_REQUEST"


async def test_an_invalid_document_is_not_stored(stack: Stack) -> None:
    document = "{ noSuchField }"
    response = await post(stack, {"query": document, "extensions": persisted(sha256(document))})
    assert response.status_code == 200
    assert code_of(response) == "BAD_REQUEST"
    assert await stack.app.state.gateway.state.documents.get(sha256(document)) is None


async def test_get_with_a_persisted_query(stack: Stack) -> None:
    digest = sha256(QUERY)
    extensions = json.dumps(persisted(digest))
    miss = await stack.client.get("/graphql", params={"extensions": extensions}, headers=AUTH)
    assert miss.status_code == 200
    assert miss.json() == NOT_FOUND
    # Apollo clients register over GET too (useGETForHashedQueries)
    registered = await stack.client.get("/graphql", params={"query": QUERY, "extensions": extensions}, headers=AUTH)
    assert registered.status_code == 200
    hit = await stack.client.get("/graphql", params={"extensions": extensions}, headers=AUTH)
    assert hit.status_code == 200
    assert hit.json()["data"] == registered.json()["data"]
    assert len(hit.json()["data"]["workspaces"]) == 4


async def test_a_persisted_mutation_is_not_run_over_get(stack: Stack) -> None:
    mutation = 'mutation { deleteDestination(input: {id: "x", dryRun: true}) { userErrors { code } } }'
    await stack.app.state.gateway.state.documents.put(sha256(mutation), mutation)
    response = await stack.client.get(
        "/graphql", params={"extensions": json.dumps(persisted(sha256(mutation)))}, headers=AUTH
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


# -- trusted documents ---------------------------------------------------------------------------------

TRUSTED = "query Trusted { workspaces { key } }"
OTHER = "query Other { workspaces { provider } }"


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "trusted.json"
    path.write_text(json.dumps({sha256(TRUSTED): TRUSTED}))
    return path


@pytest.fixture
async def trusted_stack(manifest: Path) -> AsyncIterator[Stack]:
    built = await build_stack(destinations=2, trusted_documents=str(manifest), trusted_only=True)
    try:
        yield built
    finally:
        await close_stack(built)


async def test_trusted_only_runs_a_registered_document_by_hash_or_by_text(trusted_stack: Stack) -> None:
    by_hash = await post(trusted_stack, {"extensions": persisted(sha256(TRUSTED))})
    assert by_hash.status_code == 200
    assert len(by_hash.json()["data"]["workspaces"]) == 4
    by_text = await post(trusted_stack, {"query": TRUSTED})
    assert by_text.json()["data"] == by_hash.json()["data"]
    both = await post(trusted_stack, {"query": TRUSTED, "extensions": persisted(sha256(TRUSTED))})
    assert both.json()["data"] == by_hash.json()["data"]


@pytest.mark.parametrize("accept", [None, GRAPHQL_RESPONSE])
async def test_trusted_only_refuses_an_unregistered_document(trusted_stack: Stack, accept: str | None) -> None:
    await trusted_stack.clear_calls()
    for body in (
        {"query": OTHER},
        {"extensions": persisted(sha256(OTHER))},
        {"query": OTHER, "extensions": persisted(sha256(OTHER))},  # an APQ registration registers nothing
        {"query": "{ __typename }"},
    ):
        response = await post(trusted_stack, body, accept=accept)
        assert response.status_code == 400, response.text
        assert set(response.json()) == {"errors"}
        assert code_of(response) == "PERSISTED_QUERY_NOT_IN_LIST"
    assert await trusted_stack.total_calls() == 0
    assert await trusted_stack.app.state.gateway.state.documents.get(sha256(OTHER)) is None


async def test_trusted_only_holds_over_websockets_too(trusted_stack: Stack) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(trusted_stack.app, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
        await asyncio.sleep(0.02)
    url = f"ws://127.0.0.1:{port}/graphql"
    try:
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"], additional_headers=AUTH) as ws:
            await ws.send(json.dumps({"type": "connection_init"}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": OTHER}}))
            refused = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert (refused["type"], refused["id"]) == ("error", "1")
            assert refused["payload"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
            await ws.send(json.dumps({"id": "2", "type": "subscribe", "payload": {"query": TRUSTED}}))
            answered = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert answered["type"] == "next", answered
            assert len(answered["payload"]["data"]["workspaces"]) == 4
        async with websockets.connect(url, subprotocols=["graphql-ws"], additional_headers=AUTH) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "start", "payload": {"query": OTHER}}))
            refused = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert (refused["type"], refused["id"]) == ("error", "1")
            assert refused["payload"]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
    finally:
        server.should_exit = True
        await task


async def test_trusted_documents_from_a_directory_run_by_hash(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    text = "query FromFile {\r\n  workspaces { key }\r\n}\n"  # hashed as written: CRLF and final newline kept
    (tmp_path / "docs" / "keys.graphql").write_bytes(text.encode())
    stack = await build_stack(destinations=2, trusted_documents=str(tmp_path / "docs"))
    try:
        hit = await post(stack, {"extensions": persisted(sha256(text))})
        assert hit.status_code == 200, hit.text
        assert len(hit.json()["data"]["workspaces"]) == 4
        # without trusted_only, other documents still run and APQ still registers
        assert (await post(stack, {"query": OTHER})).status_code == 200
    finally:
        await close_stack(stack)


def test_a_manifest_whose_hash_is_not_its_documents_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({sha256(OTHER): TRUSTED}))
    with pytest.raises(ConfigError, match="is not the SHA-256 of its document"):
        create_app(stack_settings(trusted_documents=str(path)))
    with pytest.raises(ConfigError, match="does not exist"):
        create_app(stack_settings(trusted_documents=str(tmp_path / "missing.json")))
