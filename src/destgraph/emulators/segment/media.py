"""Media types: what each operation answers with, which Accept it honours, which request bodies it reads.

Every operation accepts the three vendor types and plain ``application/json`` on Accept and
Content-Type (vendor-specs README decision; the official SDKs send application/json). A 200 carries
a media type the published document lists for that operation's 200: the first one the Accept header
names (by q-value, then order), else the operation's most stable type (docs: with no version header
a request goes to the most stable version). Success bodies are built as bytes so shared pieces (the
catalog metadata) are spliced in rather than serialized again.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from destgraph.emulators.segment.errors import invalid

V1 = "application/vnd.segment.v1+json"
V1BETA = "application/vnd.segment.v1beta+json"
V1ALPHA = "application/vnd.segment.v1alpha+json"
JSON = "application/json"
ACCEPTED_BODY_TYPES = (V1, V1BETA, V1ALPHA, JSON)

#: 200 media types of each operation family in the published document, most stable first
STABLE = (V1, JSON, V1BETA, V1ALPHA)  # destinations and catalog
ALPHA = (V1ALPHA,)  # the five subscription operations
BETA = (V1BETA, V1ALPHA)  # delivery metrics


def _accepted(header: str) -> list[str]:
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, index, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def negotiate(request: Request, offered: tuple[str, ...]) -> str:
    """The media type to answer with. An Accept naming nothing offered gets the default, not a 406."""
    for media in _accepted(request.headers.get("accept", "")):
        if media in offered:
            return media
        if media in ("*/*", "application/*"):
            return offered[0]
    return offered[0]


def check_body_type(request: Request) -> None:
    """Refuse a request body that is not JSON in one of the accepted media types (422, not 415)."""
    header = request.headers.get("content-type")
    media = (header or "").split(";")[0].strip().lower()
    if media not in ACCEPTED_BODY_TYPES:
        shown = header if header else "no Content-Type"
        raise invalid(
            "Content-Type",
            f"Unsupported request media type ({shown}): send application/json or "
            "application/vnd.segment.v1+json (v1beta, v1alpha)",
        )


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def respond(request: Request, offered: tuple[str, ...], data: bytes | dict[str, Any]) -> Response:
    """``{"data": ...}`` with status 200 in the negotiated media type; ``data`` may be pre-encoded JSON."""
    encoded = data if isinstance(data, bytes) else dumps(data)
    return Response(b'{"data":' + encoded + b"}", status_code=200, media_type=negotiate(request, offered))
