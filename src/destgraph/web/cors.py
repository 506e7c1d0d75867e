"""CORS from the gateway's options: which pages a browser lets call the gateway.

Starlette's CORSMiddleware does the work (exact origins, and one regular expression for the
patterns); two things differ. An origin that is not allowed gets no CORS header at all, on a
preflight or an answer (Starlette's failed preflight still names the allowed methods and headers,
and it exposes headers to any origin), and a refused preflight answers in the GraphQL error shape
with a code, like every other refusal a client gets.
The middleware sits outside ApiKeyAuth: a preflight carries no key, is answered here, and runs
nothing; an actual request from an allowed origin is authenticated as any other, and its answer,
a 401 included, carries the CORS headers its page needs to read it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Send

from destgraph.config import GatewayOptions

#: what ``*`` stands for in a pattern: one or more host labels, or (after the last colon) a port
_LABELS = r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_PORT = r"[0-9]{1,5}"


def origin_rules(origins: Iterable[str]) -> tuple[list[str], str | None]:
    """The exact origins, and one regular expression for the patterns and expressions (None: none).

    ``http://localhost:*`` matches any port of localhost, ``https://*.example.com`` any subdomain
    (not example.com itself), ``/…/`` is a regular expression matched against the whole origin.
    """
    exact: list[str] = []
    expressions: list[str] = []
    for origin in origins:
        if len(origin) > 2 and origin.startswith("/") and origin.endswith("/"):
            expressions.append(f"(?:{origin[1:-1]})")
        elif origin != "*" and "*" in origin:
            expressions.append(_pattern(origin))
        else:
            exact.append(origin)
    return exact, "|".join(expressions) if expressions else None


def _pattern(origin: str) -> str:
    host, colon, port = origin.rpartition(":")
    if colon and port == "*" and "//" in host:
        return _wildcards(host) + ":" + _PORT
    return _wildcards(origin)


def _wildcards(text: str) -> str:
    return _LABELS.join(re.escape(part) for part in text.split("*"))


class GatewayCORS(CORSMiddleware):
    """CORSMiddleware, configured from GatewayOptions, refusing preflights without CORS headers."""

    def __init__(self, app: ASGIApp, options: GatewayOptions) -> None:
        exact, expression = origin_rules(options.cors_allow_origins)
        super().__init__(
            app,
            allow_origins=exact,
            allow_origin_regex=expression,
            allow_methods=options.cors_allow_methods,
            allow_headers=options.cors_allow_headers,
            allow_credentials=options.cors_allow_credentials,
            expose_headers=options.cors_expose_headers,
            max_age=options.cors_max_age_seconds,
        )

    async def send(self, message: Message, send: Send, request_headers: Headers) -> None:
        origin = request_headers.get("origin")
        if message["type"] == "http.response.start" and origin is not None and not self.is_allowed_origin(origin):
            # Starlette would still add the exposed headers (and credentials) for any origin
            message.setdefault("headers", [])
            MutableHeaders(scope=message).add_vary_header("Origin")
            await send(message)
            return
        await super().send(message, send, request_headers)

    def preflight_response(self, request_headers: Headers) -> Response:
        origin = request_headers["origin"]
        if not self.is_allowed_origin(origin=origin):
            return _refusal(403, "CORS: this origin may not call the gateway", "FORBIDDEN")
        answer = super().preflight_response(request_headers)
        if answer.status_code == 200:
            return answer
        allowed = {k: v for k, v in answer.headers.items() if k.lower() not in ("content-length", "content-type")}
        what = bytes(answer.body).decode("utf-8", "replace").removeprefix("Disallowed CORS ")
        return _refusal(400, f"CORS: the preflight asks for {what} the gateway does not allow", "BAD_REQUEST", allowed)


def _refusal(status: int, message: str, code: str, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    vary = {"Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}
    return Response(body, status_code=status, media_type="application/json", headers={**vary, **(headers or {})})
