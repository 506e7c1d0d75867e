"""The GraphiQL page opens on our query, with the demo headers, its assets from where configured."""

from __future__ import annotations

from strawberry.asgi import GraphQL

from destgraph.schema.graphiql import DEFAULT_QUERY, graphiql_page
from destgraph.schema.schema import build_schema


def _strawberry_page() -> str:
    return GraphQL(build_schema()).graphql_ide_html


def test_page_opens_on_the_default_query_and_headers() -> None:
    page = graphiql_page(_strawberry_page(), {"Authorization": "Bearer k1"})
    assert "Welcome to GraphiQL" not in page
    assert "query Everything" in page
    assert "Bearer k1" in page
    assert DEFAULT_QUERY.splitlines()[3] in page


def test_assets_come_from_the_configured_mirror() -> None:
    page = graphiql_page(_strawberry_page(), {}, assets_url="http://mirror.internal/npm/")
    assert "https://unpkg.com" not in page
    assert "http://mirror.internal/npm/graphiql@" in page
