"""CORS through the whole stack: which pages a browser lets call the gateway.

Allowed origins (exact, ``*`` patterns, regular expressions) get the CORS headers their page needs,
on answers and 401s alike; any other origin gets none, on a preflight too; a preflight needs no
key and runs nothing; with no origins configured (the default) there is no CORS at all.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from destgraph.config import GatewayOptions
from destgraph.demo import LOOPBACK_ORIGINS
from destgraph.errors import ConfigError
from destgraph.web.cors import origin_rules
from tests.schema.conftest import API_KEY, Stack, build_stack, close_stack, stack_settings

AUTH = {"Authorization": f"Bearer {API_KEY}"}
APP = "https://app.example.com"
QUERY = {"query": "{ workspaces { key } destinations(first: 2) { nodes { name } } }"}
ORIGINS = [APP, "http://localhost:*", "https://*.example.org", r"/https://(alpha|beta)\.example\.net/"]


@pytest.fixture
async def cors_stack() -> AsyncIterator[Stack]:
    built = await build_stack(cors_allow_origins=ORIGINS)
    try:
        yield built
    finally:
        await close_stack(built)


def cors_headers(headers: object) -> dict[str, str]:
    return {k.lower(): v for k, v in dict(headers).items() if k.lower().startswith("access-control-")}  # type: ignore[call-overload]


def preflight(origin: str, method: str = "POST", headers: str = "authorization, content-type") -> dict[str, str]:
    return {"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers}


@pytest.mark.parametrize(
    "origin", [APP, "http://localhost:5173", "https://docs.example.org", "https://beta.example.net"]
)
async def test_an_allowed_origin_gets_its_cors_headers(cors_stack: Stack, origin: str) -> None:
    response = await cors_stack.client.post("/graphql", json=QUERY, headers={**AUTH, "Origin": origin})
    assert response.status_code == 200
    assert "errors" not in response.json()
    assert response.headers["access-control-allow-origin"] == origin
    assert "Origin" in response.headers["vary"]
    exposed = {h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"x-request-id", "etag", "retry-after"} <= exposed
    assert "access-control-allow-credentials" not in response.headers  # off by default


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example.com",
        "http://app.example.com",  # another scheme is another origin
        "http://localhost.evil.com:8000",
        "http://localhost:80.evil.com",
        "https://example.org",  # *. needs a subdomain
        "https://gamma.example.net",
        "null",
    ],
)
async def test_a_disallowed_origin_gets_no_cors_header(cors_stack: Stack, origin: str) -> None:
    response = await cors_stack.client.post("/graphql", json=QUERY, headers={**AUTH, "Origin": origin})
    assert response.status_code == 200  # the browser, not the server, withholds the answer from the page
    assert cors_headers(response.headers) == {}
    refused = await cors_stack.client.options("/graphql", headers=preflight(origin))
    assert refused.status_code == 403
    assert cors_headers(refused.headers) == {}
    assert refused.json() == {
        "errors": [{"message": refused.json()["errors"][0]["message"], "extensions": {"code": "FORBIDDEN"}}]
    }


async def test_a_preflight_needs_no_key_and_runs_nothing(cors_stack: Stack) -> None:
    await cors_stack.clear_calls()
    response = await cors_stack.client.options("/graphql", headers=preflight(APP))
    assert response.status_code == 200
    headers = cors_headers(response.headers)
    assert headers["access-control-allow-origin"] == APP
    assert {m.strip() for m in headers["access-control-allow-methods"].split(",")} == {"GET", "POST"}
    allowed = {h.strip().lower() for h in headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "x-request-id"} <= allowed
    assert headers["access-control-max-age"] == "600"
    assert await cors_stack.total_calls() == 0  # no vendor was asked anything


async def test_a_preflight_for_a_header_or_method_not_allowed_is_a_coded_refusal(cors_stack: Stack) -> None:
    for asked in (preflight(APP, headers="authorization, x-secret"), preflight(APP, method="DELETE")):
        response = await cors_stack.client.options("/graphql", headers=asked)
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
        assert response.headers["access-control-allow-origin"] == APP  # so that the browser says why


async def test_a_401_to_an_allowed_origin_carries_cors_headers(cors_stack: Stack) -> None:
    response = await cors_stack.client.post("/graphql", json=QUERY, headers={"Origin": APP})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.headers["access-control-allow-origin"] == APP  # the page can read why


async def test_cors_is_off_by_default(stack: Stack) -> None:
    response = await stack.client.post("/graphql", json=QUERY, headers={**AUTH, "Origin": APP})
    assert response.status_code == 200
    assert cors_headers(response.headers) == {}
    # without CORS, a preflight is just a keyless OPTIONS: refused by the auth like any other
    refused = await stack.client.options("/graphql", headers=preflight(APP))
    assert refused.status_code == 401
    assert cors_headers(refused.headers) == {}


async def test_credentials_are_sent_only_when_configured() -> None:
    built = await build_stack(cors_allow_origins=[APP], cors_allow_credentials=True, cors_max_age_seconds=60)
    try:
        response = await built.client.options("/graphql", headers=preflight(APP))
        assert response.headers["access-control-allow-credentials"] == "true"
        assert response.headers["access-control-max-age"] == "60"
    finally:
        await close_stack(built)


def test_the_demo_allows_pages_on_loopback_at_any_port() -> None:
    exact, expression = origin_rules(LOOPBACK_ORIGINS)
    assert exact == [] and expression is not None
    allowed = re.compile(expression)
    for origin in ("http://localhost:8001", "http://127.0.0.1:5173", "http://[::1]:3000"):
        assert allowed.fullmatch(origin), origin
    for origin in ("http://localhost", "https://localhost:8001", "http://127.0.0.1.evil.com:80", "http://10.0.0.1:80"):
        assert not allowed.fullmatch(origin), origin


@pytest.mark.parametrize(
    ("origins", "extra", "message"),
    [
        (["/https://(unclosed/"], {}, "not a regular expression"),
        (["app.example.com"], {}, "not an origin"),
        (["https://app.example.com/path"], {}, "not an origin"),
        (["*"], {"cors_allow_credentials": True}, "every site"),
    ],
)
def test_unreadable_cors_settings_are_configuration_errors(
    origins: list[str], extra: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        stack_settings(cors_allow_origins=origins, **extra)


def test_any_origin_is_allowed_with_a_star() -> None:
    assert GatewayOptions(cors_allow_origins=("*",)).cors_allow_origins == ("*",)
    assert origin_rules(["*"]) == (["*"], None)
