"""How each system is asked each workload, and how its answer's errors are counted.

``unit(workload, index, distinct)`` makes one request of the workload (for W5, and for the
peer's W3, the few requests a client needs) and returns how many errors the answers held:
GraphQL errors, userErrors, a vendor error the peer answered as data, an HTTP status other than
200. ``page(after)`` is one page of W6's walk. The peer has no unified model, so its requests are
the closest per-vendor equivalents; where it needs two round trips or cannot answer, it says so
in its docstring and the report counts it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx

from _systems import API_KEY, VENDOR_TOKEN, WALK_KEY
from _workloads import Seed, first_of, ours_id
from destgraph.domain.ids import GlobalId
from destgraph.emulators.segment import DEFAULT_SOURCE_ID

#: each system's row in the report
DESTGRAPH = "destgraph"
CACHED = "destgraph, read cache on"
FLOOR = "floor"
PEER = "peer (Hive Gateway + Mesh)"
SYSTEMS = (DESTGRAPH, CACHED, FLOOR, PEER)

#: idle connections are dropped after 2 s, before the servers' own 5 s keep-alive timeout (uvicorn's and
#: node's) can close one just as a request goes out on it while the other systems take their turn
_LIMITS = httpx.Limits(max_connections=64, max_keepalive_connections=64, keepalive_expiry=2.0)
VENDORS = ("segment", "ours", "zeotap", "nimriz")
#: the type and required settings of what W5 creates at each vendor (as tests/schema/test_write_safety.py)
CREATES = {
    "segment": ("amplitude", {"apiKey": "sk_bench_amplitude_000001"}),
    "ours": ("HTTPDestination", {"url": "https://hooks.example.test/bench"}),
    "zeotap": ("webhook", {"url": "https://hooks.example.test/bench"}),
    "nimriz": ("ad_pixel_interstitial", {}),
}


class SystemClient:
    """One system as the workloads reach it; ``label`` names its row in the report."""

    label = ""

    def __init__(self, url: str, seed: Seed, headers: dict[str, str]) -> None:
        self.seed = seed
        self.http = httpx.AsyncClient(base_url=url, headers=headers, limits=_LIMITS, timeout=60)
        #: what the errors said (code and message, cut short), for the report; the suite empties it
        self.seen: Counter[str] = Counter()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def unit(self, workload: str, index: int, distinct: bool) -> int:
        try:
            if workload == "W5":
                return await self.writes(f"Bench {self.label} {index}")
            return int(await getattr(self, workload.lower())(index, distinct))
        except httpx.HTTPError as exc:  # a timeout or a reset connection is an error of this request
            self.seen[type(exc).__name__] += 1
            return 1

    def _read(self, response: httpx.Response) -> tuple[int, dict[str, Any]]:
        """The errors of one answer, noted in ``seen``, and its data."""
        if response.status_code != 200:
            self.seen[f"HTTP {response.status_code}"] += 1
            return 1, {}
        body = response.json()
        errors = body.get("errors") or []
        for error in errors:
            code = (error.get("extensions") or {}).get("code", "")
            self.seen[f"{code} {error.get('message', '')}".strip()[:100]] += 1
        return len(errors), body.get("data") or {}

    async def writes(self, name: str) -> int:
        raise NotImplementedError

    async def page(self, after: str | None) -> tuple[str | None, int]:
        """W6: one page of 100; the cursor of the next (None at the end) and the errors seen."""
        raise NotImplementedError


# -- destgraph ---------------------------------------------------------------------------------------

W1 = "query($id: ID!) { destination(id: $id) { id nativeId provider name typeKey enabled } }"
W2 = (
    "query($first: Int!) { "
    + " ".join(
        f"{alias}: destinations(first: $first, filter: {{providers: [{provider}]}}) {{ nodes {{ name typeKey enabled }} }}"
        for alias, provider in (("s", "SEGMENT"), ("o", "OURS"), ("z", "ZEOTAP"))
    )
    + " }"
)
W3 = (
    "query($first: Int!) { destinations(first: $first, filter: {providers: [SEGMENT]}) {"
    " nodes { id typeKey subscriptions { nodes { id name trigger enabled } } } } }"
)
W4 = (
    "query($first: Int!) { "
    + " ".join(
        f"{p[0].lower()}: destinationTypes(provider: {p}, first: $first) {{ totalCount nodes {{ key label }} }}"
        for p in ("SEGMENT", "OURS", "ZEOTAP", "NIMRIZ")
    )
    + " }"
)
W6 = (
    "query($after: String) { destinations(first: 100, after: $after) {"
    " pageInfo { hasNextPage endCursor } nodes { id name typeKey enabled } } }"
)


def _mutation(field: str, input_type: str, selection: str) -> str:
    variables = ", ".join(f"${v}: {input_type}!" for v in VENDORS)
    fields = " ".join(f"{v}: {field}(input: ${v}) {{ {selection} userErrors {{ code message }} }}" for v in VENDORS)
    return f"mutation({variables}) {{ {fields} }}"


CREATE = _mutation("createDestination", "CreateDestinationInput", "destination { id nativeId name }")
UPDATE = _mutation("updateDestination", "UpdateDestinationInput", "destination { id nativeId name }")
DELETE = _mutation("deleteDestination", "DeleteDestinationInput", "deletedId")


class Destgraph(SystemClient):
    """destgraph; ``fresh`` sends ``Cache-Control: no-cache`` on reads, so the read cache does no work."""

    def __init__(self, url: str, seed: Seed, *, fresh: bool) -> None:
        headers = {"Authorization": f"Bearer {API_KEY}"}
        super().__init__(url, seed, headers)
        self.label = DESTGRAPH if fresh else CACHED
        self.read_headers = {"Cache-Control": "no-cache"} if fresh else {}
        walk = {"Authorization": f"Bearer {WALK_KEY}"}
        self.walker = httpx.AsyncClient(base_url=url, headers=walk, limits=_LIMITS, timeout=60)

    async def aclose(self) -> None:
        await self.walker.aclose()
        await super().aclose()

    async def _ask(self, query: str, variables: dict[str, Any], *, fresh: bool = True) -> tuple[int, dict[str, Any]]:
        headers = self.read_headers if fresh else {}
        response = await self.http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        errors, data = self._read(response)
        # userErrors are part of a mutation's answer: each one is a write not done.
        for payload in data.values():
            for problem in (payload.get("userErrors") or []) if isinstance(payload, dict) else []:
                self.seen[f"userError {problem.get('code')} {problem.get('message', '')}"[:100]] += 1
                errors += 1
        return errors, data

    async def w1(self, index: int, distinct: bool) -> int:
        gid = GlobalId("Destination", "ours", ours_id(self.seed, index, distinct)).encode()
        return (await self._ask(W1, {"id": gid}))[0]

    async def w2(self, index: int, distinct: bool) -> int:
        return (await self._ask(W2, {"first": first_of("W2", index, distinct)}))[0]

    async def w3(self, index: int, distinct: bool) -> int:
        return (await self._ask(W3, {"first": first_of("W3", index, distinct)}))[0]

    async def w4(self, index: int, distinct: bool) -> int:
        return (await self._ask(W4, {"first": first_of("W4", index, distinct)}))[0]

    async def writes(self, name: str) -> int:
        # Writes go without no-cache: the catalog a create is checked against stays cached, as
        # users get it; the reads a write makes first are fresh whatever the header says.
        inputs = {
            v: {
                "workspaceId": GlobalId("Workspace", v, v).encode(),
                "typeKey": CREATES[v][0],
                "name": name,
                "settings": CREATES[v][1],
            }
            for v in VENDORS
        }
        errors, made = await self._ask(CREATE, inputs, fresh=False)
        ids = {v: (made.get(v) or {}).get("destination", {}) for v in VENDORS}
        if errors or not all(ids.values()):
            return errors or 1
        renamed = {v: {"id": ids[v]["id"], "name": name + " renamed"} for v in VENDORS}
        more, _ = await self._ask(UPDATE, renamed, fresh=False)
        last, _ = await self._ask(DELETE, {v: {"id": ids[v]["id"]} for v in VENDORS}, fresh=False)
        return more + last

    async def page(self, after: str | None) -> tuple[str | None, int]:
        response = await self.walker.post(
            "/graphql", json={"query": W6, "variables": {"after": after}}, headers={"Cache-Control": "no-cache"}
        )
        errors, data = self._read(response)
        info = (data.get("destinations") or {}).get("pageInfo") or {}
        return (info.get("endCursor") if info.get("hasNextPage") else None), errors


# -- the floor ---------------------------------------------------------------------------------------


class Floor(SystemClient):
    """The floor: one fixed endpoint per workload (bench/floor.py)."""

    label = FLOOR

    def __init__(self, url: str, seed: Seed) -> None:
        super().__init__(url, seed, {})

    async def _get(self, path: str, **params: Any) -> tuple[int, dict[str, Any]]:
        return self._read(await self.http.get(path, params=params))

    async def w1(self, index: int, distinct: bool) -> int:
        gid = GlobalId("Destination", "ours", ours_id(self.seed, index, distinct)).encode()
        return (await self._get("/w1", id=gid))[0]

    async def w2(self, index: int, distinct: bool) -> int:
        return (await self._get("/w2", first=first_of("W2", index, distinct)))[0]

    async def w3(self, index: int, distinct: bool) -> int:
        return (await self._get("/w3", first=first_of("W3", index, distinct)))[0]

    async def w4(self, index: int, distinct: bool) -> int:
        return (await self._get("/w4", first=first_of("W4", index, distinct)))[0]

    async def writes(self, name: str) -> int:
        errors, made = self._read(await self.http.post("/w5/create", json={"name": name}))
        if errors:
            return errors
        ids = {v: made[v]["destination"]["id"] for v in VENDORS}
        more, _ = self._read(await self.http.post("/w5/update", json={"ids": ids, "name": name + " renamed"}))
        last, _ = self._read(await self.http.post("/w5/delete", json={"ids": ids}))
        return more + last

    async def page(self, after: str | None) -> tuple[str | None, int]:
        errors, data = await self._get("/w6", **({"after": after} if after else {}))
        info = (data.get("destinations") or {}).get("pageInfo") or {}
        return (info.get("endCursor") if info.get("hasNextPage") else None), errors


# -- the peer ----------------------------------------------------------------------------------------

SEGMENT_LIST = "segment_query_listDestinations_oneOf_0_oneOf_0"
PEER_W1 = (
    "query($id: String!) { ours_findDestinations(id: $id) { __typename"
    " ... on ours_Destination { id name type status createdAt updatedAt } } }"
)
PEER_W2 = (
    "query($count: PositiveInt!, $first: Int!) {"
    f" s: segment_listDestinations(pagination: {{count: $count}}) {{ __typename ... on {SEGMENT_LIST}"
    " { data { destinations { name enabled metadata { slug } } } } }"
    " o: ours_listDestinations(limit: $first) { __typename ... on ours_DestinationList { entities { name type status } } }"
    ' z: zeotap_listDestinations(workspaceId: "ws-demo") { __typename ... on zeotap_Destination { name destination_type } } }'
)
PEER_W3_LIST = (
    "query($count: PositiveInt!) {"
    f" segment_listDestinations(pagination: {{count: $count}}) {{ __typename ... on {SEGMENT_LIST}"
    " { data { destinations { id metadata { slug actions { id } } } } } } }"
)
PEER_W4 = (
    "query($count: PositiveInt!) {"
    " s: segment_getDestinationsCatalog(pagination: {count: $count}) { __typename"
    " ... on segment_query_getDestinationsCatalog_oneOf_0_oneOf_0 { data { destinationsCatalog { slug name } } } }"
    " o: ours_getDestinationTypes { __typename ... on ours_DestinationTypeList { entities { id label } } } }"
)
PEER_W6 = (
    "query($cursor: String) { oursbig_listDestinations(limit: 100, cursor: $cursor) { __typename"
    " ... on oursbig_DestinationList { entities { id name type status } pagination { nextCursor hasMore } } } }"
)
PEER_CREATE = (
    "mutation($s: segment_CreateDestinationV1Input_Input, $o: ours_CreateDestination_Input,"
    " $z: zeotap_DestinationCreate_Input, $n: nimriz_DestinationCreate_Input) {"
    " s: segment_createDestination(input: $s) { __typename"
    " ... on segment_mutation_createDestination_oneOf_0_oneOf_0 { data { destination { id name } } } }"
    " o: ours_createDestinations(input: $o) { __typename ... on ours_Destination { id name } }"
    ' z: zeotap_createDestination(workspaceId: "ws-demo", input: $z) { __typename ... on zeotap_Destination { id name } }'
    " n: nimriz_createDestination(input: $n) { __typename ... on nimriz_DestinationEnvelope { destination { id name } } } }"
)
PEER_UPDATE = (
    "mutation($sid: segment_mutationInput_updateDestination_destinationId!, $s: segment_UpdateDestinationV1Input_Input,"
    " $oid: String!, $o: ours_UpdateDestination_Input, $zid: String!, $z: zeotap_DestinationUpdate_Input,"
    " $nid: String!, $n: nimriz_DestinationUpdate_Input) {"
    " s: segment_updateDestination(destinationId: $sid, input: $s) { __typename"
    " ... on segment_mutation_updateDestination_oneOf_0_oneOf_0 { data { destination { id name } } } }"
    " o: ours_patchDestinations(id: $oid, input: $o) { __typename ... on ours_Destination { id name } }"
    ' z: zeotap_updateDestination(workspaceId: "ws-demo", destId: $zid, input: $z) { __typename'
    " ... on zeotap_Destination { id name } }"
    " n: nimriz_updateDestination(destination_id: $nid, input: $n) { __typename"
    " ... on nimriz_DestinationEnvelope { destination { id name } } } }"
)
PEER_DELETE = (
    "mutation($sid: segment_mutationInput_deleteDestination_destinationId!, $oid: String!, $zid: String!,"
    " $nid: String!) {"
    " s: segment_deleteDestination(destinationId: $sid) { __typename }"
    " o: ours_deleteDestinations(id: $oid) { __typename }"
    ' z: zeotap_deleteDestination(workspaceId: "ws-demo", destId: $zid) { __typename }'
    " n: nimriz_deleteDestination(destination_id: $nid) { __typename } }"
)


def _vendor_errors(node: Any) -> list[str]:
    """Vendor errors the peer answered as data: members of its ``..._Error`` union types."""
    if isinstance(node, dict):
        name = str(node.get("__typename", ""))
        own = [name] if name.endswith(("Error", "ErrorEnvelope")) else []
        return own + [e for v in node.values() for e in _vendor_errors(v)]
    if isinstance(node, list):
        return [e for v in node for e in _vendor_errors(v)]
    return []


class Peer(SystemClient):
    """Hive Gateway over the Mesh supergraph: one root field per vendor operation, prefixed.

    Its client forwards the vendor token (the peer holds none) and Zeotap's workspace header.
    """

    label = PEER

    def __init__(self, url: str, seed: Seed) -> None:
        super().__init__(url, seed, {"Authorization": f"Bearer {VENDOR_TOKEN}", "X-Workspace-ID": "ws-demo"})

    async def _ask(self, query: str, variables: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        errors, data = self._read(await self.http.post("/graphql", json={"query": query, "variables": variables}))
        vendor = _vendor_errors(data)
        self.seen.update(f"vendor error as data: {name}" for name in vendor)
        return errors + len(vendor), data

    async def w1(self, index: int, distinct: bool) -> int:
        """No global id: the client must know the vendor and its native id."""
        return (await self._ask(PEER_W1, {"id": ours_id(self.seed, index, distinct)}))[0]

    async def w2(self, index: int, distinct: bool) -> int:
        """Three vendor fields of three shapes; Zeotap's list does not page, so the client cuts it."""
        first = first_of("W2", index, distinct)
        return (await self._ask(PEER_W2, {"count": first, "first": first}))[0]

    async def w3(self, index: int, distinct: bool) -> int:
        """Two round trips: the list, then one aliased field per destination whose type has actions."""
        errors, data = await self._ask(PEER_W3_LIST, {"count": first_of("W3", index, distinct)})
        rows = ((data.get("segment_listDestinations") or {}).get("data") or {}).get("destinations") or []
        with_actions = [r["id"] for r in rows if r["metadata"].get("actions")]
        if errors or not with_actions:
            return errors
        fields = " ".join(
            f'd{i}: segment_listSubscriptionsFromDestination(destinationId: "{d}", pagination: {{count: 1000}})'
            " { __typename ... on segment_listSubscriptionsFromDestination_200_response"
            " { data { subscriptions { id name trigger enabled } } } }"
            for i, d in enumerate(with_actions)
        )
        return errors + (await self._ask("{ " + fields + " }", {}))[0]

    async def w4(self, index: int, distinct: bool) -> int:
        """Segment's and Ours' catalogs only: Zeotap's and Nimriz's have no endpoint to compose."""
        return (await self._ask(PEER_W4, {"count": first_of("W4", index, distinct)}))[0]

    async def writes(self, name: str) -> int:
        """The vendors' own bodies: a Segment create names a catalog id the client looked up itself."""
        inputs = {
            "s": {
                "sourceId": DEFAULT_SOURCE_ID,
                "metadataId": self.seed.amplitude_id,
                "name": name,
                "settings": CREATES["segment"][1],
            },
            "o": {"type": CREATES["ours"][0], "name": name, "settings": CREATES["ours"][1]},
            "z": {"name": name, "destination_type": CREATES["zeotap"][0], "config": CREATES["zeotap"][1]},
            "n": {"name": name, "type": CREATES["nimriz"][0], "credentials": CREATES["nimriz"][1]},
        }
        errors, made = await self._ask(PEER_CREATE, inputs)
        try:
            ids = {
                "sid": made["s"]["data"]["destination"]["id"],
                "oid": made["o"]["id"],
                "zid": made["z"]["id"],
                "nid": made["n"]["destination"]["id"],
            }
        except (KeyError, TypeError):
            return errors or 1
        renamed = {k: {"name": name + " renamed"} for k in ("s", "o", "z", "n")}
        more, _ = await self._ask(PEER_UPDATE, {**ids, **renamed})
        last, _ = await self._ask(PEER_DELETE, ids)
        return errors + more + last

    async def page(self, after: str | None) -> tuple[str | None, int]:
        """Ours' own cursor: the peer can walk one vendor, never a list across vendors."""
        errors, data = await self._ask(PEER_W6, {"cursor": after})
        pagination = (data.get("oursbig_listDestinations") or {}).get("pagination") or {}
        return (pagination.get("nextCursor") if pagination.get("hasMore") else None), errors
