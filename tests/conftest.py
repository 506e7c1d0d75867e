"""Fixtures every tier shares."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def vendor_specs_dir() -> Path:
    """../shared/vendor-specs beside the repository (or DESTGRAPH_VENDOR_SPECS)."""
    path = Path(os.environ.get("DESTGRAPH_VENDOR_SPECS", REPO_ROOT.parent / "shared" / "vendor-specs"))
    if not path.is_dir():
        pytest.fail(f"vendor OpenAPI documents not found at {path}; set DESTGRAPH_VENDOR_SPECS")
    return path
