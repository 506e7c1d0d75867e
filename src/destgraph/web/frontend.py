"""A static page's own little server: one folder's files, and a config script made per request.

``destgraph serve --demo`` serves the example frontend (examples/frontend/) with it, on a port of
its own: another origin than the gateway's, so the page calls the gateway through CORS as an app
on any other origin would. ``/config.js`` (an ES module) tells the page where the gateway is, on
the host the browser used, and the key it may use; it is never cached. Every answer carries a
Content-Security-Policy that lets the page reach its own origin and the gateway's, and nothing
else.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def frontend_app(directory: Path, *, gateway_port: int, gateway_path: str = "/graphql", api_key: str = "") -> Starlette:
    """The files of ``directory`` at /, and /config.js naming the gateway on ``gateway_port``."""

    def gateway_url(request: Request) -> str:
        host = request.url.hostname or "127.0.0.1"
        host = f"[{host}]" if ":" in host else host
        return f"{request.url.scheme}://{host}:{gateway_port}{gateway_path}"

    async def config(request: Request) -> Response:
        settings = {"gatewayUrl": gateway_url(request), "apiKey": api_key}
        body = "// written by destgraph serve --demo for this run\nexport default " + json.dumps(settings) + ";\n"
        return Response(body, media_type="text/javascript", headers={"Cache-Control": "no-store"})

    app = Starlette(routes=[Route("/config.js", config), Mount("/", _PageFiles(directory=directory, html=True))])
    app.add_middleware(_PageHeaders, gateway_port=gateway_port)
    return app


#: the media type of the page's own files, by suffix
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".html": "text/html"}


class _PageFiles(StaticFiles):
    """StaticFiles, typing scripts and styles itself: a module script with another type is refused by
    the browser, and what the host's mime.types says of .mjs varies."""

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        media_type = _TYPES.get(Path(full_path).suffix)
        if media_type is not None and response.status_code != 304:
            response.headers["content-type"] = media_type + "; charset=utf-8"
        return response


class _PageHeaders:
    """Content-Security-Policy (this origin and the gateway's only), nosniff, no referrer."""

    def __init__(self, app: ASGIApp, gateway_port: int) -> None:
        self.app = app
        self.gateway_port = gateway_port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        host = request.url.hostname or "127.0.0.1"
        gateway = f"{request.url.scheme}://{f'[{host}]' if ':' in host else host}:{self.gateway_port}"
        policy = (
            "default-src 'self'; "
            f"connect-src 'self' {gateway}; "
            "img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
        extra: Mapping[str, str] = {
            "content-security-policy": policy,
            "x-content-type-options": "nosniff",
            "referrer-policy": "no-referrer",
        }

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                headers.extend((k.encode(), v.encode()) for k, v in extra.items())
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
