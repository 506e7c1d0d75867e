"""GraphQL over HTTP, rule by rule, through the in-process stack.

Media types by Accept (application/graphql-response+json when accepted, application/json by
default); request errors without data (400 with graphql-response+json, 200 with application/json);
malformed requests 4xx in the GraphQL error shape with BAD_REQUEST, never plain text or a 500; 405
for other methods and for mutations over GET, 414 for long URLs, subscriptions refused over HTTP;
a keyless GET for HTML gets the GraphiQL page and runs nothing, every other keyless request is 401.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.schema.conftest import API_KEY, Stack, build_stack, close_stack

AUTH = {"Authorization": f"Bearer {API_KEY}"}
GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
#: reads every vendor: a query that ran would leave calls in the emulators' logs
READS_VENDORS = "{ workspaces { key health { status } } destinations(first: 1) { nodes { name } } }"


async def post(stack: Stack, body: Any, *, accept: str | None = None, **headers: str) -> httpx.Response:
    sent = {**AUTH, **headers}
    if accept is not None:
        sent["Accept"] = accept
    if isinstance(body, bytes):
        sent.setdefault("Content-Type", JSON)
        return await stack.client.post("/graphql", content=body, headers=sent)
    return await stack.client.post("/graphql", json=body, headers=sent)


def refusal(response: httpx.Response, status: int, code: str = "BAD_REQUEST") -> str:
    """The message of an answer in the GraphQL error shape, with no data entry; checks the shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(("application/json", GRAPHQL_RESPONSE)), response.headers
    body = response.json()
    assert set(body) == {"errors"}, body
    [error] = body["errors"]
    assert set(error) == {"message", "extensions"}, error
    assert error["extensions"] == {"code": code}, error
    assert isinstance(error["message"], str) and error["message"]
    return error["message"]


def request_error(response: httpx.Response, accept: str) -> dict[str, Any]:
    """A GraphQL request error: no data; 400 with graphql-response+json, 200 with application/json."""
    assert response.status_code == (400 if accept == GRAPHQL_RESPONSE else 200), response.text
    assert response.headers["content-type"].startswith(accept)
    body = response.json()
    assert "data" not in body, body
    assert body["errors"][0]["extensions"]["code"] in ("BAD_REQUEST", "QUERY_TOO_COMPLEX"), body
    return body


# -- media types --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (JSON, JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        (f"{GRAPHQL_RESPONSE}, {JSON};q=0.9", GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};q=0.5, {JSON}", JSON),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),
        (f"{JSON}; charset=utf-8", JSON),
    ],
)
async def test_the_answer_is_in_the_media_type_accept_prefers(stack: Stack, accept: str, media: str) -> None:
    response = await post(stack, {"query": "{ __typename }"}, accept=accept)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    assert response.json()["data"] == {"__typename": "Query"}


async def test_without_accept_the_answer_is_application_json(stack: Stack) -> None:
    request = stack.client.build_request("POST", "/graphql", json={"query": "{ __typename }"}, headers=AUTH)
    del request.headers["accept"]
    response = await stack.client.send(request)
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON


async def test_an_accept_naming_no_json_type_is_406(stack: Stack) -> None:
    for accept in ("text/html", "text/event-stream", f"{JSON};q=0, {GRAPHQL_RESPONSE};q=0"):
        message = refusal(await post(stack, {"query": "{ __typename }"}, accept=accept), 406)
        assert GRAPHQL_RESPONSE in message and JSON in message


# -- request errors: no data; 400 with graphql-response+json, 200 with application/json -----------------


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
@pytest.mark.parametrize(
    "request_body",
    [
        pytest.param({"query": "{"}, id="syntax"),
        pytest.param({"query": "{ noSuchField }"}, id="validation"),
        pytest.param(
            {"query": "query($n: String!) { __type(name: $n) { name } }", "variables": {"n": None}}, id="coercion"
        ),
        pytest.param({"query": "fragment F on Query { __typename }"}, id="no-operation"),
        pytest.param({"query": "query A { __typename }", "operationName": "B"}, id="unknown-operation-name"),
        pytest.param({"query": "query A { __typename } query B { __typename }"}, id="two-operations-no-name"),
    ],
)
async def test_request_errors_have_no_data(stack: Stack, accept: str, request_body: dict[str, Any]) -> None:
    await stack.clear_calls()
    request_error(await post(stack, request_body, accept=accept), accept)
    assert await stack.total_calls() == 0


async def test_two_operations_without_operation_name_run_neither(stack: Stack) -> None:
    document = f"query Reads {READS_VENDORS} query Other {{ __typename }}"
    await stack.clear_calls()
    body = request_error(await post(stack, {"query": document}, accept=GRAPHQL_RESPONSE), GRAPHQL_RESPONSE)
    assert "operationName" in body["errors"][0]["message"]
    assert await stack.total_calls() == 0
    named = await post(stack, {"query": document, "operationName": "Other"}, accept=GRAPHQL_RESPONSE)
    assert named.status_code == 200
    assert named.json()["data"] == {"__typename": "Query"}


async def test_a_refused_operation_has_no_data_and_is_400_with_graphql_response_json(stack: Stack) -> None:
    deep = "{ " + "workspaces { destinations { nodes { workspace { " * 4 + "key" + " } } } }" * 4 + " }"
    for accept, status in ((GRAPHQL_RESPONSE, 400), (JSON, 200)):
        response = await post(stack, {"query": deep}, accept=accept)
        assert response.status_code == status
        body = response.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        assert "cost" in body["extensions"]


async def test_a_quota_refusal_is_429_with_retry_after_with_graphql_response_json() -> None:
    stack = await build_stack(destinations=2, upstream_calls_per_minute=1)
    try:
        query = {"query": "{ destinations(first: 1) { nodes { name } } }"}
        assert (await post(stack, query, accept=GRAPHQL_RESPONSE, **{"Cache-Control": "no-cache"})).status_code == 200
        refused = await post(stack, query, accept=GRAPHQL_RESPONSE, **{"Cache-Control": "no-cache"})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert "data" not in refused.json()
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        as_json = await post(stack, query, accept=JSON, **{"Cache-Control": "no-cache"})
        assert as_json.status_code == 200
        assert "data" not in as_json.json()
    finally:
        await close_stack(stack)


async def test_a_field_error_keeps_data_null_and_200(stack: Stack) -> None:
    response = await post(
        stack, {"query": '{ destinations(first: 1, after: "bogus") { nodes { name } } }'}, accept=GRAPHQL_RESPONSE
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_CURSOR"


# -- malformed requests: 4xx, the GraphQL error shape, BAD_REQUEST --------------------------------------


NESTED_VARIABLES = (
    b'{"query": "query($v: JSON) { __typename }", "variables": {"v": ' + b"[" * 1000 + b"]" * 1000 + b"}}"
)


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"{not json", id="not-json"),
        pytest.param(b'"{ __typename }"', id="json-string"),
        pytest.param(b"5", id="json-number"),
        pytest.param(b"null", id="json-null"),
        pytest.param(b'[{"query": "{ __typename }"}]', id="json-array"),
        pytest.param(b'{"query": "\xff\xfe{ __typename }"}', id="not-utf8"),
        pytest.param(b"", id="empty"),
        pytest.param(b"{}", id="no-query"),
        pytest.param(b'{"qeury": "{ __typename }"}', id="misspelt-query"),
        pytest.param(b'{"query": ""}', id="empty-query"),
        pytest.param(b'{"query": 5}', id="number-query"),
        pytest.param(b'{"query": {"a": 1}}', id="object-query"),
        pytest.param(b'{"query": ["{ __typename }"]}', id="array-query"),
        pytest.param(b'{"query": "{ __typename }", "variables": "{}"}', id="string-variables"),
        pytest.param(b'{"query": "{ __typename }", "variables": [1]}', id="array-variables"),
        pytest.param(b'{"query": "{ __typename }", "extensions": 0}', id="number-extensions"),
        pytest.param(b'{"query": "{ __typename }", "operationName": {"o": 1}}', id="object-operation-name"),
        pytest.param(b'{"query": "{ __typename }", "operationName": false}', id="bool-operation-name"),
        pytest.param(NESTED_VARIABLES, id="variables-nested-1000-deep"),
        pytest.param(
            b'{"query": "{ __typename }", "variables": {"v": ' + b"[" * 70 + b"]" * 70 + b"}}",
            id="variables-nested-70-deep",
        ),
    ],
)
async def test_a_malformed_body_is_400_bad_request(stack: Stack, accept: str, body: bytes) -> None:
    await stack.clear_calls()
    response = await post(stack, body, accept=accept)
    refusal(response, 400)
    assert response.headers["content-type"].startswith(accept)
    assert await stack.total_calls() == 0


async def test_deep_variables_are_named_in_the_refusal(stack: Stack) -> None:
    assert len(NESTED_VARIABLES) < 2100
    assert "nested deeper" in refusal(await post(stack, NESTED_VARIABLES), 400)


async def test_variables_nested_within_the_limit_are_read(stack: Stack) -> None:
    nested = b'{"query": "{ __typename }", "variables": {"x": ' + b"[" * 50 + b"]" * 50 + b"}}"
    response = await post(stack, nested)
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/graphql",
        "application/json; charset=latin-1",
    ],
)
async def test_a_post_that_is_not_utf8_json_is_415(stack: Stack, content_type: str | None) -> None:
    request = stack.client.build_request("POST", "/graphql", content=b'{"query": "{ __typename }"}', headers=AUTH)
    request.headers.pop("content-type", None)
    if content_type is not None:
        request.headers["content-type"] = content_type
    refusal(await stack.client.send(request), 415)


async def test_a_json_body_with_charset_utf8_is_read(stack: Stack) -> None:
    response = await post(stack, b'{"query": "{ __typename }"}', **{"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"query": "{ __typename }", "variables": "{not json"},
        {"query": "{ __typename }", "variables": "[1]"},
        {"query": "{ __typename }", "extensions": "5"},
        {"variables": "{}"},
    ],
)
async def test_malformed_get_parameters_are_400(stack: Stack, params: dict[str, str]) -> None:
    refusal(await stack.client.get("/graphql", params=params, headers=AUTH), 400)


async def test_get_runs_a_query_with_json_variables(stack: Stack) -> None:
    params = {"query": "query($n: String!) { __type(name: $n) { name } }", "variables": json.dumps({"n": "Query"})}
    response = await stack.client.get("/graphql", params=params, headers={**AUTH, "Accept": GRAPHQL_RESPONSE})
    assert response.status_code == 200
    assert response.json()["data"] == {"__type": {"name": "Query"}}


# -- methods and URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])
async def test_other_methods_are_405_with_allow(stack: Stack, method: str) -> None:
    response = await stack.client.request(method, "/graphql", json={"query": "{ __typename }"}, headers=AUTH)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    if method != "HEAD":
        refusal(response, 405)


async def test_a_keyless_put_is_401(stack: Stack) -> None:
    refusal(await stack.client.put("/graphql", json={"query": "{ __typename }"}), 401, "UNAUTHENTICATED")


async def test_mutations_over_get_are_405_and_write_nothing(stack: Stack) -> None:
    [target] = (await stack.destinations_of("OURS", "id name"))[:1]
    mutation = "mutation($input: DeleteDestinationInput!) { deleteDestination(input: $input) { userErrors { code } } }"
    await stack.clear_calls()
    for accept in (GRAPHQL_RESPONSE, JSON):
        params = {"query": mutation, "variables": json.dumps({"input": {"id": target["id"]}})}
        response = await stack.client.get("/graphql", params=params, headers={**AUTH, "Accept": accept})
        assert "POST" in refusal(response, 405)
        assert response.headers["allow"] == "POST"
    assert await stack.total_calls() == 0
    assert [n["id"] for n in await stack.destinations_of("OURS", "id")].count(target["id"]) == 1


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_subscriptions_over_http_are_refused_pointing_to_websockets(stack: Stack, method: str) -> None:
    document = 'subscription { destinationTestProgress(input: {id: "x"}) { name } }'
    for accept in (GRAPHQL_RESPONSE, JSON, "text/event-stream, application/json"):
        if method == "GET":
            response = await stack.client.get(
                "/graphql", params={"query": document}, headers={**AUTH, "Accept": accept}
            )
        else:
            response = await post(stack, {"query": document}, accept=accept)
        assert "websocket" in refusal(response, 400)


async def test_a_url_over_max_url_bytes_is_414() -> None:
    stack = await build_stack(destinations=2, max_url_bytes=4096)
    try:
        long_query = "{ __typename }" + " " * 5000
        response = await stack.client.get("/graphql", params={"query": long_query}, headers=AUTH)
        assert "POST" in refusal(response, 414)
        short = await stack.client.get("/graphql", params={"query": "{ __typename }"}, headers=AUTH)
        assert short.status_code == 200
    finally:
        await close_stack(stack)


# -- keys and the GraphiQL page --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        READS_VENDORS,
        "{ __schema { types { name } } }",
        'mutation { deleteDestination(input: {id: "x"}) { userErrors { code } } }',
    ],
)
async def test_a_keyless_get_for_html_serves_graphiql_and_runs_nothing(stack: Stack, query: str) -> None:
    await stack.clear_calls()
    for params in ({"query": query}, {"query": query, "variables": "{}"}, {"extensions": '{"persistedQuery": 1}'}):
        response = await stack.client.get("/graphql", params=params, headers={"Accept": "text/html"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "graphiql" in response.text.lower()
        assert "__schema" not in response.text.split("<script")[0]
    assert await stack.total_calls() == 0


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("GET", {}),
        ("GET", {"Accept": "application/json"}),
        ("GET", {"Accept": "*/*"}),
        ("POST", {"Accept": "text/html"}),
        ("POST", {}),
    ],
)
async def test_every_other_keyless_request_is_401(stack: Stack, method: str, headers: dict[str, str]) -> None:
    await stack.clear_calls()
    if method == "GET":
        response = await stack.client.get("/graphql", params={"query": READS_VENDORS}, headers=headers)
    else:
        response = await stack.client.post("/graphql", json={"query": READS_VENDORS}, headers=headers)
    refusal(response, 401, "UNAUTHENTICATED")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert await stack.total_calls() == 0


async def test_without_graphiql_a_keyless_get_for_html_is_401() -> None:
    stack = await build_stack(destinations=2, graphiql=False)
    try:
        response = await stack.client.get(
            "/graphql", params={"query": "{ __typename }"}, headers={"Accept": "text/html"}
        )
        refusal(response, 401, "UNAUTHENTICATED")
    finally:
        await close_stack(stack)


async def test_with_a_key_a_get_for_html_without_query_is_the_page(stack: Stack) -> None:
    page = await stack.client.get("/graphql", headers={**AUTH, "Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    # with a query, a browser's Accept (*/* last) gets the answer in application/json
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    answer = await stack.client.get("/graphql", params={"query": "{ __typename }"}, headers={**AUTH, "Accept": browser})
    assert answer.headers["content-type"] == JSON
    assert answer.json()["data"] == {"__typename": "Query"}
