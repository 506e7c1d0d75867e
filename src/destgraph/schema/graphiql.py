"""The GraphiQL page, opened on a query over every vendor and, in demo mode, with the demo key set."""

from __future__ import annotations

import json
import re
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


CDN = "https://unpkg.com"


def graphiql_page(html: str, headers: Mapping[str, str], *, assets_url: str = CDN) -> str:
    """Strawberry's GraphiQL HTML opened on our query (and headers), its assets from ``assets_url``.

    Strawberry's page keeps its editors' first contents in ``EXAMPLE_QUERY`` and ``parameters.headers``;
    both are replaced here. A newer page without them still works, just opened on its own example.
    """
    if assets_url.rstrip("/") != CDN:
        html = html.replace(CDN, assets_url.rstrip("/"))
    literal = json.dumps(DEFAULT_QUERY)
    html = re.sub(
        r"const EXAMPLE_QUERY = `.*?`;", lambda _: f"const EXAMPLE_QUERY = {literal};", html, count=1, flags=re.S
    )
    if headers:
        initial = json.dumps(json.dumps(dict(headers), indent=2))
        html = html.replace("React.useState(parameters.headers)", f"React.useState(parameters.headers || {initial})", 1)
    return html
