"""Zeotap Composable answers, as the adapter reads them: bare arrays and bare objects.

Only the fields the gateway uses are declared; everything else stays in the raw row.
"""

from __future__ import annotations

from typing import Any

from destgraph.adapters.shapes import VendorShape


class Destination(VendorShape):
    id: str
    name: str | None = None
    destination_type: str = ""
    status: str | None = None
    status_error: str | None = None
    config: dict[str, Any] | None = None
    created_at: str | None = None
    updated_at: str | None = None


class Field(VendorShape):
    """One row of describe fields."""

    name: str
    label: str | None = None
    type: str | None = None
    required: bool = False


class Sync(VendorShape):
    """A reverse-ETL or audience sync: only what tells whether it uses a destination (required: a sync
    whose destination cannot be read must not pass for one that uses none)."""

    id: str
    name: str | None = None
    destination_id: str
