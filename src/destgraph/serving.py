"""How ``destgraph serve`` runs the gateway: uvicorn's options and the garbage collector.

Both were measured side by side (bench/RESULTS.md, "Levers"): the collector's defaults cost a
fifth of a list query's CPU, since every vendor list allocates tens of thousands of objects that
live for one request; uvloop takes a little off each upstream round trip.
"""

from __future__ import annotations

import gc
import importlib.util
from typing import Any

from destgraph.app import SERVER_MAX_HEAD_BYTES

#: collect the youngest generation after this many allocations (Python's default: 700). A request
#: allocates far more than 700 objects and frees nearly all of them when it ends: with the default,
#: the collector runs dozens of times a request and promotes the request's objects to older
#: generations, whose collections scan the whole heap.
YOUNG_THRESHOLD = 100_000


def tune_collector() -> None:
    """Freeze what the gateway built at start (settings, schema, catalogs: never garbage) out of the
    collector's sight, and collect the young generation less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


def uvicorn_options(*, host: str, port: int, log_level: str) -> dict[str, Any]:
    """uvicorn's options for the gateway.

    - h11, always: httptools answers a request head past its limits with a bare 400 before the app
      sees it, where the gateway answers a long URL 414 in the GraphQL error shape; h11 is given
      ``SERVER_MAX_HEAD_BYTES`` so that any URL up to 1 MiB reaches the app.
    - uvloop where it is installed (every platform but Windows).
    - log_config None: uvicorn keeps to destgraph's JSON logging; the gateway writes its own access line.
    """
    return {
        "host": host,
        "port": port,
        "log_level": log_level,
        "log_config": None,
        "access_log": False,
        "http": "h11",
        "loop": "uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        "h11_max_incomplete_event_size": SERVER_MAX_HEAD_BYTES,
    }
