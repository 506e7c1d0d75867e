"""The GraphiQL page, opened on a query over every vendor and, in demo mode, with the demo key set.

Its scripts and styles (React, GraphiQL, the explorer plugin, js-cookie) ship inside the package,
under static/graphiql/ (tools/vendor_graphiql.py re-creates that folder from the npm registry and
lists every file in its MANIFEST.json), and destgraph serves them itself at ASSETS_PATH: the page
works on a machine with no network, and asks no other origin for anything.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import NotModifiedResponse, PathLike, StaticFiles
from starlette.types import Scope

DEFAULT_QUERY = """# Destinations of every workspace, one cursor over all of them.
# Run it with the play button; the Headers tab holds the API key.
query Everything {
  workspaces {
    key
    provider
    health { status latencyMs }
  }
  destinations(first: 10) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      provider
      name
      typeKey
      enabled
      connectionStatus
      type { label }
      workspace { key }
    }
  }
}
"""


CDN = "https://unpkg.com"
#: where destgraph serves the shipped assets, as <package>@<version>/<path> (unpkg's layout)
ASSETS_PATH = "/graphiql/assets"
STATIC_DIR = Path(__file__).resolve().parent / "static" / "graphiql"
#: every asset URL holds its version, so a browser may keep what it fetched for good
IMMUTABLE = "public, max-age=31536000, immutable"
_CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css"}


@dataclass(frozen=True)
class Asset:
    """One shipped file, as MANIFEST.json lists it."""

    package: str
    version: str
    #: its path inside the package, as npm and unpkg.com lay it out
    path: str
    #: where it is under STATIC_DIR
    file: str
    #: its SRI hash (sha384), for the page's integrity attribute
    integrity: str
    sha256: str

    @property
    def url_path(self) -> str:
        return f"{self.package}@{self.version}/{self.path}"


@functools.cache
def shipped_assets() -> dict[str, Asset]:
    """The shipped files by their URL path under ASSETS_PATH (``graphiql@3.9.0/graphiql.min.js``)."""
    manifest = json.loads((STATIC_DIR / "MANIFEST.json").read_text())
    assets = (
        Asset(
            package=entry["package"],
            version=entry["version"],
            path=entry["path"],
            file=entry["file"],
            integrity=entry["integrity"],
            sha256=entry["sha256"],
        )
        for entry in manifest["files"]
    )
    return {asset.url_path: asset for asset in assets}


@functools.cache
def _by_package_path() -> dict[tuple[str, str], Asset]:
    return {(asset.package, asset.path): asset for asset in shipped_assets().values()}


# An asset of Strawberry's page: src="https://unpkg.com/<package>@<version>/<path>", then its SRI hash.
_UNPKG_ASSET = re.compile(
    r'"https://unpkg\.com/(?P<package>(?:@[^/@"\s]+/)?[^/@"\s]+)@(?P<version>[^/"\s]+)/(?P<path>[^"\s]+)"'
    r'(?P<space>\s+)integrity="(?P<integrity>[^"]*)"'
)


def page_assets(html: str) -> list[tuple[str, str, str]]:
    """(package, version, path) of every unpkg.com file a GraphiQL page loads."""
    return [(m["package"], m["version"], m["path"]) for m in _UNPKG_ASSET.finditer(html)]


def graphiql_page(html: str, headers: Mapping[str, str], *, assets_url: str = ASSETS_PATH) -> str:
    """Strawberry's GraphiQL HTML opened on our query (and headers), its assets from ``assets_url``.

    ``assets_url`` is ASSETS_PATH (destgraph itself) by default, or a CDN or mirror with unpkg.com's
    layout. Each file the page loads becomes the shipped file of the same package and path (its
    version and SRI hash from MANIFEST.json, whatever version Strawberry names), so a mirror must
    serve exactly those; one on another origin must also send CORS headers, which SRI needs.

    Strawberry's page keeps its editors' first contents in ``EXAMPLE_QUERY`` and ``parameters.headers``;
    both are replaced here. A newer page without them still works, just opened on its own example.
    """
    base = assets_url.rstrip("/")

    def local(match: re.Match[str]) -> str:
        asset = _by_package_path().get((match["package"], match["path"]))
        version, integrity = (asset.version, asset.integrity) if asset else (match["version"], match["integrity"])
        url = f"{base}/{match['package']}@{version}/{match['path']}"
        return f'"{url}"{match["space"]}integrity="{integrity}"'

    html = _UNPKG_ASSET.sub(local, html)
    literal = json.dumps(DEFAULT_QUERY)
    html = re.sub(
        r"const EXAMPLE_QUERY = `.*?`;", lambda _: f"const EXAMPLE_QUERY = {literal};", html, count=1, flags=re.S
    )
    if headers:
        initial = json.dumps(json.dumps(dict(headers), indent=2))
        html = html.replace("React.useState(parameters.headers)", f"React.useState(parameters.headers || {initial})", 1)
    return html


class GraphiQLAssets(StaticFiles):
    """The shipped files, at their URL paths (MANIFEST.json's ``url_path``): nothing else, no listing.

    Each answer is cached for good (the version is in the path), typed, and never sniffed; ETags
    and Last-Modified answer revalidations with 304s.
    """

    def __init__(self) -> None:
        super().__init__(directory=STATIC_DIR)

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        asset = shipped_assets().get(path.replace(os.sep, "/"))
        if asset is None:
            return "", None
        return super().lookup_path(os.path.join(*asset.file.split("/")))

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        media_type = _CONTENT_TYPES.get(Path(full_path).suffix, "text/plain")
        response = FileResponse(
            full_path,
            status_code=status_code,
            stat_result=stat_result,
            media_type=media_type,
            headers={"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"},
        )
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response


def graphiql_asset_routes(*, enabled: bool = True) -> list[BaseRoute]:
    """The route serving GraphiQL's shipped assets at ASSETS_PATH (none when GraphiQL is off)."""
    return [Mount(ASSETS_PATH, app=GraphiQLAssets(), name="graphiql-assets")] if enabled else []
