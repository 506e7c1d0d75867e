"""The six workloads, the seeded data they read, and the fewest upstream calls each allows.

Every system answers the same workload with its own request (a GraphQL query for destgraph and
the peer, a fixed endpoint for the floor; bench/_clients.py). A workload's ``index`` picks what
a request asks: in the *joined* variant every request is the same (a gateway may join them); in
the *distinct* variant each asks another id or page size, so no two concurrent ones are alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from _upstream import Emulators

WORKLOADS: dict[str, str] = {
    "W1": "destination(id:) of one Ours destination, 6 scalar fields",
    "W2": "three aliased destinations(first: 40): Segment, Ours, Zeotap; name, typeKey, enabled",
    "W3": "Segment destinations(first: 40) with subscriptions { nodes { id name trigger enabled } }",
    "W4": "destinationTypes of every provider: the four catalogs",
    "W5": "create, rename and delete one destination at each of the four vendors",
    "W6": "every page of 10,000 Ours destinations, 100 a page",
}
READS = ("W1", "W2", "W3", "W4")
PAGE = 100


@dataclass(frozen=True)
class Seed:
    """What the emulators were seeded with, read from them before measuring."""

    #: the Ours destinations, newest first (W1 asks one of them)
    ours_ids: tuple[str, ...]
    #: for each Segment destination in list order: whether its catalog entry has actions
    segment_has_actions: tuple[bool, ...]
    #: Segment's catalog id of amplitude, which a Segment create names (the peer's client must know it)
    amplitude_id: str


async def learn_seed(emulators: Emulators) -> Seed:
    ours = await emulators.get_json("ours", "/rest/v1/destinations", limit=100)
    segment = await emulators.get_json("segment", "/destinations", **{"pagination[count]": 1000})
    catalog = await emulators.get_json("segment", "/catalog/destinations", **{"pagination[count]": 1000})
    return Seed(
        ours_ids=tuple(row["id"] for row in ours["entities"]),
        segment_has_actions=tuple(bool(row["metadata"].get("actions")) for row in segment["data"]["destinations"]),
        amplitude_id=next(t["id"] for t in catalog["data"]["destinationsCatalog"] if t["slug"] == "amplitude"),
    )


def first_of(workload: str, index: int, distinct: bool) -> int:
    """The page size a request asks: 40 (W4: 100) when joined; near it, and different, when distinct."""
    if workload == "W4":
        return 61 + index % 40 if distinct else 100
    return 33 + index % 8 if distinct else 40


def ours_id(seed: Seed, index: int, distinct: bool) -> str:
    return seed.ours_ids[index % len(seed.ours_ids)] if distinct else seed.ours_ids[0]


def minimum_calls(workload: str, seed: Seed, *, first: int = 40) -> int:
    """The fewest vendor calls one request of the workload can make, given the vendors' APIs.

    W1: one read by id. W2: one list per workspace (40 fits one page at each: Segment takes 1000,
    Ours 100, Zeotap does not page). W3: Segment's list, then one subscription list per destination
    whose type has actions (Segment has no batch read; a type without actions has none to list).
    W4: Segment's catalog (one page of up to 1000) and Ours' type list; Zeotap and Nimriz have no
    catalog endpoint. W5: a create and a delete per vendor, and a rename per vendor: one PATCH or
    PUT, plus a read at Nimriz, whose PUT replaces the action list and so must send it back.
    W6: one Ours page of 100 per 100 destinations.
    """
    if workload == "W1":
        return 1
    if workload == "W2":
        return 3
    if workload == "W3":
        return 1 + sum(seed.segment_has_actions[:first])
    if workload == "W4":
        return 2
    if workload == "W5":
        return 4 + 5 + 4
    if workload == "W6":
        return 1
    raise ValueError(workload)
