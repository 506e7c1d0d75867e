"""The demo: the gateway configured over the four emulators, as ``destgraph serve --demo`` runs it.

The only gateway module that knows the emulators exist; it names their ports and seeded ids,
never imports their code.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from destgraph.config import Settings, hash_api_key, settings_from_dict

DEMO_TOKEN_ENV = "DESTGRAPH_DEMO_VENDOR_TOKEN"
DEMO_KEY_ENV = "DESTGRAPH_DEMO_KEY"
ZEOTAP_WORKSPACE = "ws-demo"
#: pages on this machine, any port: the example frontend, and an app a developer runs beside the demo
LOOPBACK_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*")
#: the example frontend of a source checkout (examples/frontend/); DESTGRAPH_DEMO_FRONTEND names another
FRONTEND_ENV = "DESTGRAPH_DEMO_FRONTEND"
EXAMPLE_FRONTEND = Path(__file__).resolve().parents[2] / "examples" / "frontend"


def example_frontend(environ: Mapping[str, str] | None = None) -> Path | None:
    """The folder of the example frontend the demo serves, if there is one (an installed package
    holds none: it ships in the repository)."""
    environ = os.environ if environ is None else environ
    folder = Path(environ[FRONTEND_ENV]) if environ.get(FRONTEND_ENV) else EXAMPLE_FRONTEND
    return folder if (folder / "index.html").is_file() else None


def demo_api_key(environ: Mapping[str, str] | None = None) -> tuple[str, bool]:
    """The demo API key (from DESTGRAPH_DEMO_KEY) and whether it was generated here."""
    environ = os.environ if environ is None else environ
    key = environ.get(DEMO_KEY_ENV)
    if key:
        return key, False
    return "dg_demo_" + secrets.token_urlsafe(18), True


def _graphiql_assets(environ: Mapping[str, str]) -> dict[str, str]:
    url = environ.get("DESTGRAPH_GRAPHIQL_ASSETS")
    return {"graphiql_assets_url": url} if url else {}


def demo_settings(
    urls: Mapping[str, str], *, api_key: str, vendor_token: str, segment_source_id: str | None = None
) -> Settings:
    """Settings with one workspace per emulator, one read-write API key for everything, and CORS for
    pages on loopback (LOOPBACK_ORIGINS)."""
    document: dict[str, Any] = {
        "gateway": {
            "introspection": True,
            "graphiql": True,
            "cors_allow_origins": list(LOOPBACK_ORIGINS),
            **_graphiql_assets(os.environ),
        },
        "workspaces": [
            {
                "key": "segment-demo",
                "provider": "segment",
                "label": "Segment (demo)",
                "base_url": urls["segment"],
                "token_env": DEMO_TOKEN_ENV,
                "default_source_id": segment_source_id,
            },
            {
                "key": "ours-demo",
                "provider": "ours",
                "label": "Ours Privacy (demo)",
                "base_url": urls["ours"],
                "token_env": DEMO_TOKEN_ENV,
            },
            {
                "key": "zeotap-demo",
                "provider": "zeotap",
                "label": "Zeotap (demo)",
                "base_url": urls["zeotap"],
                "token_env": DEMO_TOKEN_ENV,
                "workspace_id": ZEOTAP_WORKSPACE,
            },
            {
                "key": "nimriz-demo",
                "provider": "nimriz",
                "label": "Nimriz (demo)",
                "base_url": urls["nimriz"],
                "token_env": DEMO_TOKEN_ENV,
            },
        ],
        "api_keys": [
            {"name": "demo", "sha256": hash_api_key(api_key), "scopes": ["read", "write"], "workspaces": ["*"]}
        ],
    }
    if segment_source_id is None:
        del document["workspaces"][0]["default_source_id"]
    return settings_from_dict(document, {DEMO_TOKEN_ENV: vendor_token})
