"""destgraph serve's runtime: the collector's tuning and uvicorn's options."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from destgraph.app import SERVER_MAX_HEAD_BYTES
from destgraph.serving import YOUNG_THRESHOLD, tune_collector, uvicorn_options


@pytest.fixture
def collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_the_collector_leaves_what_was_built_at_start_alone_and_runs_less_often(collector: None) -> None:
    built_at_start = [[index] for index in range(1000)]
    assert gc.get_freeze_count() == 0
    tune_collector()
    # frozen: in the permanent generation, which no collection scans
    assert gc.get_freeze_count() >= len(built_at_start)
    assert not any(item is built_at_start[0] for item in gc.get_objects(generation=2))
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD


def test_uvicorn_parses_with_h11_and_lets_a_long_url_reach_the_gateway() -> None:
    options = uvicorn_options(host="127.0.0.1", port=8000, log_level="info")
    # httptools would answer a long URL with a bare 400 before the app could answer 414
    assert options["http"] == "h11"
    assert options["h11_max_incomplete_event_size"] == SERVER_MAX_HEAD_BYTES
    assert options["log_config"] is None and options["access_log"] is False
    assert options["loop"] in ("uvloop", "asyncio")
