"""The GraphiQL page, opened on a query over every vendor and, in demo mode, with the demo key set."""

from __future__ import annotations

import json
from collections.abc import Mapping

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


def graphiql_page(html: str, headers: Mapping[str, str]) -> str:
    """Strawberry's GraphiQL HTML with our default query and headers."""
    options = {"defaultQuery": DEFAULT_QUERY}
    if headers:
        options["defaultHeaders"] = json.dumps(dict(headers), indent=2)
    script = (
        "<script>window.__DESTGRAPH_GRAPHIQL__ = " + json.dumps(options) + ";"
        "if (!localStorage.getItem('graphiql:query')) {"
        "  localStorage.setItem('graphiql:query', window.__DESTGRAPH_GRAPHIQL__.defaultQuery);}"
        "if (window.__DESTGRAPH_GRAPHIQL__.defaultHeaders && !localStorage.getItem('graphiql:headers')) {"
        "  localStorage.setItem('graphiql:headers', window.__DESTGRAPH_GRAPHIQL__.defaultHeaders);}"
        "</script>"
    )
    return html.replace("<head>", "<head>" + script, 1)
