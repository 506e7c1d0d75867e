"""The GraphiQL page opens on our query, with the demo headers, its assets from destgraph itself
(shipped in the package) or from where configured."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from strawberry.asgi import GraphQL

from destgraph.app import create_app
from destgraph.config import GatewayOptions, hash_api_key, settings_from_dict
from destgraph.schema.graphiql import (
    ASSETS_PATH,
    DEFAULT_QUERY,
    IMMUTABLE,
    STATIC_DIR,
    graphiql_page,
    page_assets,
    shipped_assets,
)
from destgraph.schema.schema import build_schema

KEY = "dg_unit_graphiql_key"


def _strawberry_page() -> str:
    return GraphQL(build_schema()).graphql_ide_html


def _sources(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]*)"', page)


def test_page_opens_on_the_default_query_and_headers() -> None:
    page = graphiql_page(_strawberry_page(), {"Authorization": "Bearer k1"})
    assert "Welcome to GraphiQL" not in page
    assert "query Everything" in page
    assert "Bearer k1" in page
    assert DEFAULT_QUERY.splitlines()[3] in page


def test_assets_come_from_destgraph_itself_by_default() -> None:
    assert GatewayOptions().graphiql_assets_url == ASSETS_PATH == "/graphiql/assets"
    page = graphiql_page(_strawberry_page(), {})
    assert "unpkg.com" not in page
    sources = _sources(page)
    scripts_and_styles = [s for s in sources if not s.startswith("data:")]
    assert len(scripts_and_styles) == 7  # react, react-dom, js-cookie, graphiql js+css, explorer js+css
    for source in scripts_and_styles:
        assert source.startswith(ASSETS_PATH + "/"), source
        asset = shipped_assets()[source.removeprefix(ASSETS_PATH + "/")]
        # each tag carries the SRI hash of the shipped file
        assert re.search(re.escape(f'"{source}"') + r'\s+integrity="' + re.escape(asset.integrity) + '"', page)


def test_every_file_strawberrys_page_loads_is_shipped() -> None:
    """A Strawberry upgrade whose page loads another file fails here: run tools/vendor_graphiql.py."""
    shipped = {(a.package, a.path) for a in shipped_assets().values()}
    loaded = page_assets(_strawberry_page())
    assert loaded, "Strawberry's page no longer loads its assets from unpkg.com: graphiql_page needs a look"
    missing = [f"{package}@{version}/{path}" for package, version, path in loaded if (package, path) not in shipped]
    assert not missing, f"not shipped (update tools/vendor_graphiql.py's PINS and run it): {missing}"


def test_shipped_files_match_their_manifest() -> None:
    manifest = json.loads((STATIC_DIR / "MANIFEST.json").read_text())
    listed = {entry["file"] for entry in manifest["files"]}
    on_disk = {p.relative_to(STATIC_DIR).as_posix() for p in STATIC_DIR.rglob("*") if p.is_file()}
    assert on_disk == listed | {"MANIFEST.json"}
    packages = {(p["package"], p["version"]) for p in manifest["packages"]}
    for entry in manifest["files"]:
        data = (STATIC_DIR / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert len(data) == entry["bytes"]
        assert (entry["package"], entry["version"]) in packages
        assert entry["license"]
    # every package comes with its license file
    licensed = {(e["package"], e["version"]) for e in manifest["files"] if e["kind"] == "license"}
    assert licensed == packages


def test_assets_come_from_the_configured_mirror() -> None:
    page = graphiql_page(_strawberry_page(), {}, assets_url="http://mirror.internal/npm/")
    assert "https://unpkg.com" not in page
    assert "http://mirror.internal/npm/graphiql@" in page
    graphiql = next(a for a in shipped_assets().values() if a.package == "graphiql" and a.path == "graphiql.min.js")
    # the shipped version, with its SRI hash: a mirror must serve exactly these bytes
    assert f'"http://mirror.internal/npm/{graphiql.url_path}"' in page
    assert graphiql.integrity in page


def test_a_cdn_gets_the_shipped_versions_too() -> None:
    page = graphiql_page(_strawberry_page(), {}, assets_url="https://cdn.jsdelivr.net/npm")
    sources = [s for s in _sources(page) if not s.startswith("data:")]
    assert sources
    assert {s.removeprefix("https://cdn.jsdelivr.net/npm/") for s in sources} <= set(shipped_assets())


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_from_dict(
        {
            "workspaces": [{"key": "n", "provider": "nimriz", "base_url": "http://127.0.0.1:9", "token_env": "T"}],
            "api_keys": [{"name": "k", "sha256": hash_api_key(KEY)}],
        },
        {"T": "token"},
    )
    app = create_app(settings, graphiql_headers={"Authorization": f"Bearer {KEY}"})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://gateway") as c:
        yield c


async def test_a_keyless_browser_gets_the_page_and_every_asset_it_loads(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert f"Bearer {KEY}" in page.text
    sources = [s for s in _sources(page.text) if not s.startswith("data:")]
    assert sources
    for source in sources:
        asset = await client.get(source)
        assert asset.status_code == 200, source
        expected = "text/javascript" if source.endswith(".js") else "text/css"
        assert asset.headers["content-type"] == f"{expected}; charset=utf-8"
        assert asset.headers["cache-control"] == IMMUTABLE
        assert asset.headers["x-content-type-options"] == "nosniff"
        assert (
            hashlib.sha256(asset.content).hexdigest() == shipped_assets()[source.removeprefix(ASSETS_PATH + "/")].sha256
        )


async def test_assets_revalidate_and_answer_head(client: httpx.AsyncClient) -> None:
    url = f"{ASSETS_PATH}/react@18.2.0/umd/react.production.min.js"
    first = await client.get(url)
    again = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["cache-control"] == IMMUTABLE
    head = await client.head(url)
    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(first.content))
    assert (await client.post(url)).status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/",
        "/graphiql@3.9.0/",
        "/graphiql@3.9.0",
        "/MANIFEST.json",
        "/graphiql-3.9.0/graphiql.min.js",  # the file's place on disk is not its URL
        "/graphiql@3.8.3/graphiql.min.js",  # a version not shipped
        "/../graphiql.py",
        "/%2e%2e/graphiql.py",
        "/graphiql@3.9.0/../../graphiql.py",
    ],
)
async def test_nothing_but_the_shipped_files_and_no_listing(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(ASSETS_PATH + path, follow_redirects=True)  # the bare mount redirects to "/"
    assert response.status_code == 404, response.text[:200]


async def test_licenses_are_served_beside_their_files(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{ASSETS_PATH}/graphiql@3.9.0/LICENSE")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "MIT License" in response.text


async def test_no_assets_when_graphiql_is_off() -> None:
    settings = settings_from_dict(
        {
            "gateway": {"graphiql": False},
            "workspaces": [{"key": "n", "provider": "nimriz", "base_url": "http://127.0.0.1:9", "token_env": "T"}],
        },
        {"T": "token"},
    )
    transport = httpx.ASGITransport(create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
        assert (await c.get(f"{ASSETS_PATH}/react@18.2.0/umd/react.production.min.js")).status_code == 404
