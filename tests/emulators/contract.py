"""Hold emulator responses to the vendors' published OpenAPI documents.

Every response an emulator client receives in a test passes through ``ContractChecker.check``
(an httpx response hook), which validates it with openapi-core against the vendor's document in
../shared/vendor-specs/. Deliberate deviations are listed in ``DEVIATIONS`` with their source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC_FILES = {
    "segment": "segment-public-api-openapi.yaml",
    "ours": "ours-privacy-openapi.json",
}


@dataclass(frozen=True)
class Deviation:
    vendor: str
    status: int | None
    reason: str

    def covers(self, vendor: str, response: httpx.Response) -> bool:
        return self.vendor == vendor and (self.status is None or self.status == response.status_code)


#: Responses the published documents do not describe, and why the emulator sends them anyway.
DEVIATIONS = (
    Deviation(
        "segment",
        401,
        "docs.segmentapis.com status table: 401 for a missing or invalid token; "
        "the OpenAPI document declares no 401 (segment-public-api.md section 6)",
    ),
    Deviation(
        "segment",
        400,
        "seed, Update Destination: only read-only settings gives HTTP 400, which "
        "the OpenAPI document does not declare (segment-public-api.md section 2)",
    ),
    Deviation("segment", 405, "unsupported method on a known path; undeclared, in the errors envelope"),
    Deviation("segment", 500, "injected fault: the docs status table lists 5xx, the document declares none"),
    Deviation("segment", 502, "injected fault, as 500"),
    Deviation("segment", 503, "injected fault or down switch, as 500"),
    Deviation("segment", 504, "injected fault, as 500"),
    Deviation("ours", 405, "unsupported method: the API Overview lists 405, the document does not"),
    Deviation("ours", 429, "injected fault only: Ours documents no rate limit"),
    Deviation("ours", 502, "injected fault; the document declares 500 only"),
    Deviation("ours", 503, "injected fault or down switch; the document declares 500 only"),
    Deviation("ours", 504, "injected fault; the document declares 500 only"),
)


class OpenAPIRequest:
    """openapi-core's Request protocol over an httpx.Request, as sent to ``host_url``."""

    def __init__(self, request: httpx.Request, host_url: str) -> None:
        self.host_url = host_url
        self.path = request.url.path
        self.method = request.method.lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(request.url.params.multi_items()),
            header=Headers(request.headers.multi_items()),
        )
        self.content_type = request.headers.get("content-type", "application/json")
        self.body = request.content or None


class OpenAPIResponse:
    """openapi-core's Response protocol over an httpx.Response."""

    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.content_type = response.headers.get("content-type", "").split(";")[0]
        self.headers = Headers(response.headers.multi_items())
        # openapi-core has no deserializer for text/event-stream: hand it the text the schema describes.
        self.data = response.text if self.content_type == "text/event-stream" else response.content


#: openapi-core only reads JSON media types it knows by name; Segment's own ones must be taught,
#: or their bodies pass unchecked
SEGMENT_MEDIA_TYPES = dict.fromkeys(
    (
        "application/vnd.segment.v1+json",
        "application/vnd.segment.v1beta+json",
        "application/vnd.segment.v1alpha+json",
    ),
    json.loads,
)


@cache
def _openapi(path: Path) -> tuple[OpenAPI, str]:
    text = path.read_text()
    document: dict[str, Any] = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    config = Config(extra_media_type_deserializers=SEGMENT_MEDIA_TYPES)
    return OpenAPI.from_dict(document, config=config), document["servers"][0]["url"]


class ContractViolation(AssertionError):
    """An emulator response that does not match the vendor's published document."""


class ContractChecker:
    def __init__(self, vendor: str, specs_dir: Path) -> None:
        self.vendor = vendor
        self.openapi, self.host_url = _openapi(specs_dir / SPEC_FILES[vendor])
        self.checked = 0

    async def check(self, response: httpx.Response) -> None:
        path = response.request.url.path
        if path == "/" or path.startswith("/_emulator"):
            return
        await response.aread()
        if any(d.covers(self.vendor, response) for d in DEVIATIONS):
            return
        try:
            self.openapi.validate_response(OpenAPIRequest(response.request, self.host_url), OpenAPIResponse(response))
        except Exception as exc:
            detail = getattr(exc, "__cause__", None) or exc
            raise ContractViolation(
                f"{self.vendor} {response.request.method} {path} -> {response.status_code} "
                f"breaks the published document: {exc!r}: {detail!r}\nbody: {response.text[:800]}"
            ) from exc
        self.checked += 1
