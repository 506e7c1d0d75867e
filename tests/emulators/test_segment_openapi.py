"""The emulator's own OpenAPI document: valid OpenAPI 3, every route in it, and real responses validating against it."""

from __future__ import annotations

import pytest
from openapi_core import Config, OpenAPI
from openapi_spec_validator import validate

from destgraph.emulators.segment import DEFAULT_SOURCE_ID, SPEC
from destgraph.emulators.segment.app import ROUTES
from destgraph.emulators.segment.catalog import DOCS_ACTION_ID
from destgraph.emulators.segment.seed import DOCS_DESTINATION_ID, DOCS_SUBSCRIPTION_IDS, SAMPLE_KINESIS_DESTINATION_ID
from tests.emulators.conftest import EmulatorHandle
from tests.emulators.contract import SEGMENT_MEDIA_TYPES, OpenAPIRequest, OpenAPIResponse

HOST = "http://emulator.test"


def own_document() -> OpenAPI:
    document = SPEC.openapi()
    document["servers"] = [{"url": HOST}]
    return OpenAPI.from_dict(document, config=Config(extra_media_type_deserializers=SEGMENT_MEDIA_TYPES))


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
    openapi.validate_response(OpenAPIRequest(response.request, HOST), OpenAPIResponse(response))


async def test_401_validates_against_the_emulators_own_document(segment: EmulatorHandle) -> None:
    response = await segment.control.get(f"/destinations/{DOCS_DESTINATION_ID}")
    assert response.status_code == 401
    own_document().validate_response(OpenAPIRequest(response.request, HOST), OpenAPIResponse(response))
