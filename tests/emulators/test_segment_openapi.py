"""The emulator's own OpenAPI document: valid OpenAPI 3, every route in it, and real responses validating against it."""

from __future__ import annotations

import json

import httpx
import pytest
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_spec_validator import validate
from werkzeug.datastructures import Headers, ImmutableMultiDict

from destgraph.emulators.segment import DEFAULT_SOURCE_ID, SPEC
from destgraph.emulators.segment.app import ROUTES
from destgraph.emulators.segment.catalog import DOCS_ACTION_ID
from destgraph.emulators.segment.media import V1, V1ALPHA, V1BETA
from destgraph.emulators.segment.seed import DOCS_DESTINATION_ID, DOCS_SUBSCRIPTION_IDS, SAMPLE_KINESIS_DESTINATION_ID
from tests.emulators.conftest import EmulatorHandle

HOST = "http://emulator.test"


class _Request:
    def __init__(self, request: httpx.Request) -> None:
        self.host_url = HOST
        self.path = request.url.path
        self.method = request.method.lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(request.url.params.multi_items()), header=Headers(request.headers.multi_items())
        )
        self.content_type = request.headers.get("content-type", "application/json")
        self.body = request.content or None


class _Response:
    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.content_type = response.headers.get("content-type", "").split(";")[0]
        self.headers = Headers(response.headers.multi_items())
        self.data = response.content


def own_document() -> OpenAPI:
    document = SPEC.openapi()
    document["servers"] = [{"url": HOST}]
    # openapi-core only parses media types it knows; without these the vendor types' bodies go unchecked.
    vendor_json = dict.fromkeys((V1, V1BETA, V1ALPHA), json.loads)
    return OpenAPI.from_dict(document, config=Config(extra_media_type_deserializers=vendor_json))


def test_document_is_valid_openapi_3() -> None:
    validate(SPEC.openapi())


def test_document_describes_every_route_and_method() -> None:
    paths = SPEC.openapi()["paths"]
    for route in ROUTES:
        assert route.path in paths, route.path
        documented = {method.upper() for method in paths[route.path]}
        assert documented == set(route.methods or ()) - {"HEAD"}, route.path


def test_document_names_the_bearer_security_scheme() -> None:
    document = SPEC.openapi()
    assert document["components"]["securitySchemes"]["token"] == {"type": "http", "scheme": "bearer"}
    assert document["security"] == [{"token": []}]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/destinations?pagination[count]=3", None),
        ("GET", "/destinations?pagination[count]=0", None),
        (
            "POST",
            "/destinations",
            {"sourceId": DEFAULT_SOURCE_ID, "metadataId": "547610a5db31d978f14a5c4e", "settings": {"apiKey": "k"}},
        ),
        ("GET", f"/destinations/{DOCS_DESTINATION_ID}", None),
        ("GET", "/destinations/noSuchDestination00000", None),
        ("PATCH", f"/destinations/{DOCS_DESTINATION_ID}", {"enabled": False}),
        ("PATCH", f"/destinations/{SAMPLE_KINESIS_DESTINATION_ID}", {"settings": {"secretId": "x"}}),
        ("DELETE", f"/destinations/{SAMPLE_KINESIS_DESTINATION_ID}", None),
        ("GET", f"/destinations/{DOCS_DESTINATION_ID}/subscriptions?pagination[count]=2", None),
        (
            "POST",
            f"/destinations/{DOCS_DESTINATION_ID}/subscriptions",
            {"name": "n", "actionId": DOCS_ACTION_ID, "trigger": 'type = "track"', "enabled": True},
        ),
        ("GET", f"/destinations/{DOCS_DESTINATION_ID}/subscriptions/{DOCS_SUBSCRIPTION_IDS[0]}", None),
        (
            "PATCH",
            f"/destinations/{DOCS_DESTINATION_ID}/subscriptions/{DOCS_SUBSCRIPTION_IDS[0]}",
            {"input": {"name": "x"}},
        ),
        ("DELETE", f"/destinations/{DOCS_DESTINATION_ID}/subscriptions/{DOCS_SUBSCRIPTION_IDS[1]}", None),
        ("GET", f"/destinations/{DOCS_DESTINATION_ID}/delivery-metrics?sourceId={DEFAULT_SOURCE_ID}", None),
        ("GET", "/catalog/destinations?pagination[count]=100", None),
        ("GET", "/catalog/destinations/54521fd525e721e32a72ee91", None),
    ],
)
async def test_responses_validate_against_the_emulators_own_document(
    segment: EmulatorHandle, method: str, path: str, body: object
) -> None:
    openapi = own_document()
    response = await segment.control.request(
        method, path, json=body, headers={"Authorization": "Bearer emulator-token"}
    )
    openapi.validate_response(_Request(response.request), _Response(response))


async def test_401_validates_against_the_emulators_own_document(segment: EmulatorHandle) -> None:
    response = await segment.control.get(f"/destinations/{DOCS_DESTINATION_ID}")
    assert response.status_code == 401
    own_document().validate_response(_Request(response.request), _Response(response))
