"""The adapter fixtures reach each emulator and read back what it stores."""

from __future__ import annotations

from destgraph.domain.queries import ListFilter
from tests.adapters.conftest import VendorUnderTest


async def test_ours_adapter_reads_through_its_emulator(ours: VendorUnderTest) -> None:
    page = await ours.adapter().list_destinations(cursor=None, limit=5, filter=ListFilter())
    assert len(page.destinations) == 5
    stored = await ours.stored(page.destinations[0].native_id)
    assert stored is not None
    assert [c["route"] for c in await ours.calls()] == ["GET /rest/v1/destinations"]
