"""The ``after_commit`` fault: writes the vendor applied although the client never got their reply.

Each test drives real create routes of the vendors, in process (httpx over ASGITransport) or over
a real loopback socket (uvicorn serving one emulator in the test's own event loop), and checks
what the client saw, that the destination was stored all the same, and what the request log says.
The emulators are built without the conftest's contract checker: a lost reply is off contract.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from destgraph.emulators import create_app
from destgraph.emulators.core import ReplyLost, SeedOptions
from destgraph.emulators.segment import DEFAULT_SOURCE_ID
from destgraph.emulators.segment.catalog import AMPLITUDE_ID
from tests.emulators.conftest import EmulatorHandle, Opener, auth_headers

WS = "/api/v1/workspaces/ws-demo"


@dataclass(frozen=True)
class Create:
    """A vendor's create-destination call: where, what, the handler's own status, and the list to find it in."""

    path: str
    body: Callable[[str], dict[str, Any]]
    status: int
    list_path: str


CREATES = {
    "ours": Create(
        "/rest/v1/destinations",
        lambda name: {"name": name, "type": "Klaviyo", "settings": {"projectAPIKey": "pk_after_commit_key"}},
        200,
        "/rest/v1/destinations?limit=100",
    ),
    "zeotap": Create(
        f"{WS}/destinations",
        lambda name: {
            "name": name,
            "destination_type": "braze",
            "config": {"rest_endpoint": "https://rest.iad-01.braze.com", "api_key": "braze-good-key"},
        },
        201,
        f"{WS}/destinations",
    ),
    "nimriz": Create(
        "/api/integrations/destinations",
        lambda name: {
            "name": name,
            "type": "generic_http",
            "credentials": {"endpoint_url": "https://hooks.example.com/nimriz"},
            "enabled": True,
        },
        201,
        "/api/integrations/destinations",
    ),
    "segment": Create(
        "/destinations",
        lambda name: {
            "sourceId": DEFAULT_SOURCE_ID,
            "metadataId": AMPLITUDE_ID,
            "name": name,
            "settings": {"apiKey": "3cb9b589437d3904f19b2b791c2cdada", "retarget": True},
        },
        200,
        "/destinations?pagination[count]=100",
    ),
}
VENDORS = sorted(CREATES)
#: the plan of the task's example: lose the reply of the next create
DROP_NEXT_CREATE = {
    "after_commit": {"kind": "drop", "mode": "close", "limit": 1},
    "methods": ["POST"],
    "path_pattern": "/destinations$",
}


class _Server(uvicorn.Server):
    # The test owns the process's signals.
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.asynccontextmanager
async def served(name: str, *, read_timeout: float = 5) -> AsyncIterator[EmulatorHandle]:
    """One emulator served by uvicorn on a loopback port, in this event loop, with its clients."""
    app = create_app(name, options=SeedOptions(seed=1, destinations=40))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = uvicorn.Config(
        app,
        lifespan="off",
        access_log=False,
        log_config=None,
        log_level="warning",
        timeout_graceful_shutdown=2,
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(5):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.01)
        timeout = httpx.Timeout(5, read=read_timeout)
        async with (
            httpx.AsyncClient(base_url=url, timeout=5) as control,
            httpx.AsyncClient(base_url=url, headers=auth_headers(name), timeout=timeout) as client,
        ):
            yield EmulatorHandle(name=name, client=client, control=control)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 5)
        sock.close()


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def logged_errors(*names: str) -> Iterator[list[logging.LogRecord]]:
    """What the named loggers handle meanwhile (after their own filters)."""
    handler = _Records()
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


async def _create(vendor: EmulatorHandle, name: str) -> httpx.Response:
    create = CREATES[vendor.name]
    return await vendor.client.post(create.path, json=create.body(name))


def _rows(name: str, body: Any) -> list[dict[str, Any]]:
    if name == "zeotap":
        return list(body)
    if name == "nimriz":
        return list(body["destinations"])
    if name == "ours":
        return list(body["entities"])
    return list(body["data"]["destinations"])


async def _listed(vendor: EmulatorHandle) -> list[dict[str, Any]]:
    """The destinations the vendor lists, read without any fault in the way.

    Read with the control client (its own timeout, the vendor's credentials added): the vendor
    client of a socket test may have a read timeout made to run out.
    """
    response = await vendor.control.get(CREATES[vendor.name].list_path, headers=auth_headers(vendor.name))
    assert response.status_code == 200, response.text
    return _rows(vendor.name, response.json())


async def _names(vendor: EmulatorHandle) -> list[str]:
    return [row["name"] for row in await _listed(vendor)]


async def _stored(vendor: EmulatorHandle, name: str) -> dict[str, Any]:
    """The destination named, as the emulator holds it (through the control API)."""
    [row] = [r for r in await _listed(vendor) if r["name"] == name]
    return await vendor.stored(row["id"])


async def _entries(vendor: EmulatorHandle, method: str = "POST") -> list[dict[str, Any]]:
    return await vendor.requests(method=method)


async def _eventually(check: Callable[[], Awaitable[bool]], seconds: float = 2.0) -> None:
    """Poll ``check`` every 20 ms until it holds, for at most ``seconds``."""
    for _ in range(int(seconds / 0.02)):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"still not so after {seconds} s")


async def _faults(vendor: EmulatorHandle) -> dict[str, Any]:
    response = await vendor.control.get("/_emulator/faults")
    response.raise_for_status()
    plan: dict[str, Any] = response.json()
    return plan


# -- drop / close -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VENDORS)
async def test_close_over_asgi_raises_remote_protocol_error_after_the_create_landed(
    emulator: Opener, name: str
) -> None:
    vendor = await emulator(name)
    await vendor.set_faults(**DROP_NEXT_CREATE)
    with pytest.raises(httpx.RemoteProtocolError) as raised:
        await _create(vendor, "Lost Reply")
    assert isinstance(raised.value, ReplyLost)
    assert "peer closed connection without sending complete message body" in str(raised.value)
    assert (await _names(vendor)).count("Lost Reply") == 1
    assert (await _stored(vendor, "Lost Reply"))["name"] == "Lost Reply"
    [entry] = await _entries(vendor)
    assert entry["applied"] is True
    assert entry["after_commit"] == "drop"
    assert entry["status"] == CREATES[name].status
    assert entry["intervention"] is None


@pytest.mark.parametrize("name", ["ours", "nimriz"])
async def test_close_over_a_socket_closes_the_connection_mid_reply(name: str) -> None:
    async with served(name) as vendor:
        await vendor.set_faults(**DROP_NEXT_CREATE)
        with logged_errors("uvicorn.error", "destgraph.emulators") as records:
            with pytest.raises(httpx.RemoteProtocolError) as raised:
                await _create(vendor, "Lost Over TCP")
            # The next call, on a new connection, goes through: the plan's limit is spent.
            again = await _create(vendor, "Second Over TCP")
        assert not isinstance(raised.value, ReplyLost)  # httpx's own, from the closed connection
        assert "peer closed connection without sending complete message body" in str(raised.value)
        assert again.status_code == CREATES[name].status
        assert records == []  # no traceback per lost reply
        names = await _names(vendor)
        assert names.count("Lost Over TCP") == 1
        assert names.count("Second Over TCP") == 1
        first, second = await _entries(vendor)
        assert (first["applied"], first["after_commit"], first["status"]) == (True, "drop", CREATES[name].status)
        assert (second["applied"], second["after_commit"]) == (True, None)


# -- drop / stall -------------------------------------------------------------------------------


async def test_stall_over_a_socket_times_the_client_out_after_the_create_landed() -> None:
    async with served("zeotap", read_timeout=0.15) as zeotap:
        await zeotap.set_faults(after_commit={"kind": "drop", "mode": "stall", "stall_ms": 600}, methods=["POST"])
        with pytest.raises(httpx.ReadTimeout):
            await _create(zeotap, "Stalled Over TCP")
        assert "Stalled Over TCP" in await _names(zeotap)
        stored = await _stored(zeotap, "Stalled Over TCP")
        assert stored["destination_type"] == "braze"
        # The log entry is written once the held reply went (nowhere).
        await _eventually(lambda: _has_entry(zeotap, "POST"))
        [entry] = await _entries(zeotap)
        assert (entry["applied"], entry["after_commit"], entry["status"]) == (True, "drop", 201)


async def _has_entry(vendor: EmulatorHandle, method: str) -> bool:
    return bool(await _entries(vendor, method))


async def test_stall_over_asgi_delays_the_whole_reply_and_a_patient_client_gets_it(emulator: Opener) -> None:
    segment = await emulator("segment")
    await segment.set_faults(after_commit={"kind": "drop", "mode": "stall", "stall_ms": 150})
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await _create(segment, "Stalled In Process")
    # ... committed before the stall began ...
    await segment.control.delete("/_emulator/faults")
    assert "Stalled In Process" in await _names(segment)
    [entry] = await _entries(segment)
    assert (entry["applied"], entry["after_commit"], entry["status"]) == (True, "drop", 200)
    # ... and a client that waits long enough gets the handler's reply as it was.
    await segment.set_faults(after_commit={"kind": "drop", "mode": "stall", "stall_ms": 150})
    response = await _create(segment, "Stalled But Answered")
    assert response.status_code == 200
    assert response.json()["data"]["destination"]["name"] == "Stalled But Answered"
    last = (await _entries(segment))[-1]
    assert last["duration_ms"] >= 150


# -- status -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [(name, status) for name in VENDORS for status in (500, 502)] + [("ours", 503), ("segment", 504)],
)
async def test_status_answers_the_vendors_own_error_after_the_create_landed(
    emulator: Opener, name: str, status: int
) -> None:
    vendor = await emulator(name)
    # The vendor's error shape for that status, as a pre-handler fault answers it (nothing applied).
    await vendor.set_faults(queue=[status])
    injected = await _create(vendor, "Never Stored")
    assert injected.status_code == status
    await vendor.set_faults(after_commit={"kind": "status", "status": status}, methods=["POST"])
    response = await _create(vendor, "Stored Anyway")
    assert response.status_code == status
    assert response.headers["content-type"] == injected.headers["content-type"]
    assert response.headers.get("retry-after") == injected.headers.get("retry-after")
    expected, body = injected.json(), response.json()
    if name == "nimriz":
        assert body.pop("support_reference").startswith("ref_")  # unique per error answered
        expected.pop("support_reference")
    assert body == expected
    names = await _names(vendor)
    assert "Never Stored" not in names
    assert names.count("Stored Anyway") == 1
    first, second = await _entries(vendor)
    assert (first["applied"], first["after_commit"], first["intervention"]) == (False, None, "error")
    assert (second["applied"], second["after_commit"]) == (True, "status")
    assert second["status"] == CREATES[name].status  # what the handler answered, not the client


# -- slow ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zeotap", "nimriz"])
async def test_slow_applies_the_create_although_the_caller_was_cancelled(emulator: Opener, name: str) -> None:
    vendor = await emulator(name)
    await vendor.set_faults(after_commit={"kind": "slow", "delay_ms": 300}, methods=["POST"])
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.03):
            await _create(vendor, "Landed Later")
    assert "Landed Later" not in await _names(vendor)
    assert await _entries(vendor) == []  # logged once the handler is done
    await _eventually(lambda: _has_entry(vendor, "POST"))
    assert (await _names(vendor)).count("Landed Later") == 1
    [entry] = await _entries(vendor)
    assert (entry["applied"], entry["after_commit"], entry["status"]) == (True, "slow", CREATES[name].status)
    assert entry["duration_ms"] >= 300


async def test_slow_with_wait_for_and_a_patient_caller(emulator: Opener) -> None:
    ours = await emulator("ours")
    await ours.set_faults(after_commit={"kind": "slow", "delay_ms": 100, "limit": 2}, methods=["POST"])
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(_create(ours, "Gave Up"), 0.02)
    response = await _create(ours, "Waited")
    assert response.status_code == 200
    assert response.json()["name"] == "Waited"
    await _eventually(lambda: _count_entries(ours, 2))
    names = await _names(ours)
    assert names.count("Gave Up") == 1
    assert names.count("Waited") == 1
    assert [(e["applied"], e["after_commit"]) for e in await _entries(ours)] == [(True, "slow")] * 2
    assert (await _faults(ours))["after_commit"] == {"kind": "slow", "delay_ms": 100, "limit": 0}


async def _count_entries(vendor: EmulatorHandle, count: int) -> bool:
    return len(await _entries(vendor)) >= count


async def test_slow_over_a_socket_applies_the_create_after_the_client_timed_out() -> None:
    async with served("segment", read_timeout=0.05) as segment:
        await segment.set_faults(after_commit={"kind": "slow", "delay_ms": 300}, methods=["POST"])
        with pytest.raises(httpx.ReadTimeout):
            await _create(segment, "Landed After Timeout")
        await _eventually(lambda: _has_entry(segment, "POST"))
        assert (await _names(segment)).count("Landed After Timeout") == 1
        [entry] = await _entries(segment)
        assert (entry["applied"], entry["after_commit"], entry["status"]) == (True, "slow", 200)


async def test_a_slow_handler_that_raises_is_logged_not_applied(emulator: Opener) -> None:
    nimriz = await emulator("nimriz")
    await nimriz.set_faults(after_commit={"kind": "slow", "delay_ms": 20})
    response = await nimriz.client.post(CREATES["nimriz"].path, json={"name": "No Type"})
    assert response.status_code == 400  # Nimriz's VALIDATION_ERROR
    [entry] = await _entries(nimriz)
    assert (entry["applied"], entry["after_commit"], entry["status"]) == (False, "slow", 400)


# -- what after_commit applies to ---------------------------------------------------------------


async def test_limit_one_affects_one_call_only_and_the_plan_shows_what_is_left(emulator: Opener) -> None:
    zeotap = await emulator("zeotap")
    await zeotap.set_faults(after_commit={"kind": "status", "status": 503, "limit": 2}, methods=["POST"])
    assert (await _faults(zeotap))["after_commit"] == {"kind": "status", "status": 503, "limit": 2}
    assert (await _create(zeotap, "First")).status_code == 503
    assert (await _faults(zeotap))["after_commit"]["limit"] == 1
    await zeotap.set_faults(**DROP_NEXT_CREATE)
    with pytest.raises(httpx.RemoteProtocolError):
        await _create(zeotap, "Second")
    assert (await _faults(zeotap))["after_commit"] == {"kind": "drop", "mode": "close", "limit": 0}
    third = await _create(zeotap, "Third")
    assert third.status_code == 201
    assert third.json()["name"] == "Third"
    assert [(e["after_commit"], e["applied"]) for e in await _entries(zeotap)] == [
        ("status", True),
        ("drop", True),
        (None, True),
    ]


async def test_methods_and_path_pattern_leave_other_calls_untouched(emulator: Opener) -> None:
    zeotap = await emulator("zeotap")
    await zeotap.set_faults(after_commit={"kind": "drop", "mode": "close"}, methods=["POST"])
    listed = await zeotap.client.get(f"{WS}/destinations")  # a GET, the plan is for POST
    assert listed.status_code == 200
    assert len(listed.json()) == 40
    await zeotap.set_faults(after_commit={"kind": "drop", "mode": "close"}, path_pattern="/syncs$")
    created = await _create(zeotap, "Other Path")
    assert created.status_code == 201
    with pytest.raises(httpx.RemoteProtocolError):
        await zeotap.client.get(f"{WS}/syncs")  # any method, on the path matched
    entries = await zeotap.requests()
    assert [(e["method"], e["after_commit"]) for e in entries] == [("GET", None), ("POST", None), ("GET", "drop")]
    assert all(e["applied"] for e in entries)


async def test_calls_answered_before_the_handler_are_not_touched_and_do_not_count(emulator: Opener) -> None:
    segment = await emulator("segment")
    await segment.set_faults(after_commit={"kind": "drop", "mode": "close", "limit": 1}, queue=[503])
    injected = await _create(segment, "Refused")  # the queue answers first
    assert injected.status_code == 503
    unauthenticated = await segment.control.post(CREATES["segment"].path, json=CREATES["segment"].body("No Auth"))
    assert unauthenticated.status_code == 401
    assert (await _faults(segment))["after_commit"]["limit"] == 1
    with pytest.raises(httpx.RemoteProtocolError):
        await _create(segment, "Dropped")
    names = await _names(segment)
    assert "Refused" not in names
    assert "No Auth" not in names
    assert "Dropped" in names
    assert [(e["status"], e["applied"], e["after_commit"]) for e in await _entries(segment)] == [
        (503, False, None),
        (401, False, None),
        (200, True, "drop"),
    ]


async def test_the_down_switch_and_rate_limits_come_first(emulator: Opener) -> None:
    ours = await emulator("ours")
    await ours.set_faults(after_commit={"kind": "status", "status": 500}, down=True)
    down = await _create(ours, "While Down")
    assert down.status_code == 503
    [entry] = await _entries(ours)
    assert (entry["status"], entry["intervention"], entry["applied"], entry["after_commit"]) == (
        503,
        "down",
        False,
        None,
    )
    await ours.control.delete("/_emulator/faults")
    assert "While Down" not in await _names(ours)


async def test_applied_marks_handlers_that_ran_and_not_those_that_raised(emulator: Opener) -> None:
    nimriz = await emulator("nimriz")
    assert (await _create(nimriz, "Plain Create")).status_code == 201
    invalid = await nimriz.client.post(CREATES["nimriz"].path, json={"name": "No Type"})
    assert invalid.status_code == 400  # Nimriz's VALIDATION_ERROR
    missing = await nimriz.client.put(f"{CREATES['nimriz'].path}/dst_nope", json={"name": "x"})
    assert missing.status_code in (400, 404)
    unrouted = await nimriz.client.get("/api/no/such/route")
    assert unrouted.status_code == 404
    entries = await nimriz.requests()
    assert [(e["status"], e["applied"], e["after_commit"]) for e in entries] == [
        (201, True, None),
        (400, False, None),
        (missing.status_code, False, None),
        (404, False, None),
    ]


# -- rate: a share of the matching calls -------------------------------------------------------


async def _statuses(vendor: EmulatorHandle, count: int, prefix: str) -> list[int]:
    """The statuses ``count`` creates got, one after another."""
    return [(await _create(vendor, f"{prefix} {i}")).status_code for i in range(count)]


async def test_rate_acts_on_a_share_of_the_matching_calls_and_each_one_is_applied(emulator: Opener) -> None:
    ours = await emulator("ours")
    await ours.set_rate_limits(False)
    await ours.set_faults(after_commit={"kind": "status", "status": 502, "rate": 0.5}, methods=["POST"])
    assert (await _faults(ours))["after_commit"] == {"kind": "status", "status": 502, "limit": None, "rate": 0.5}

    statuses = await _statuses(ours, 60, "Shared")

    failed = statuses.count(502)
    assert 10 <= failed <= 50, statuses  # about half; the draw is seeded, so this never flakes
    assert set(statuses) == {200, 502}
    names = await _names(ours)
    assert all(names.count(f"Shared {i}") == 1 for i in range(60))  # the 502s were applied all the same
    entries = await _entries(ours)
    assert [e["after_commit"] == "status" for e in entries] == [s == 502 for s in statuses]
    assert all(e["applied"] for e in entries)
    # The plan is unchanged: a rate without a limit has nothing to count down.
    assert (await _faults(ours))["after_commit"]["limit"] is None


async def test_rate_one_acts_on_every_call_and_only_the_matching_ones(emulator: Opener) -> None:
    zeotap = await emulator("zeotap")
    await zeotap.set_faults(after_commit={"kind": "status", "status": 500, "rate": 1}, methods=["POST"])
    assert await _statuses(zeotap, 3, "Always") == [500, 500, 500]
    listed = await zeotap.client.get(f"{WS}/destinations")  # a GET: the plan is for POST
    assert listed.status_code == 200
    assert [e["after_commit"] for e in await zeotap.requests()] == ["status", "status", "status", None]


async def test_rate_and_limit_combine_and_a_spared_call_does_not_count(emulator: Opener) -> None:
    nimriz = await emulator("nimriz")
    await nimriz.set_rate_limits(False)
    await nimriz.set_faults(after_commit={"kind": "status", "status": 503, "rate": 0.3, "limit": 3}, methods=["POST"])

    statuses = await _statuses(nimriz, 40, "Capped")

    assert statuses.count(503) == 3
    assert statuses.count(201) == 37
    assert statuses[:3] != [503, 503, 503]  # drawn, not simply the next three calls
    assert (await _faults(nimriz))["after_commit"] == {"kind": "status", "status": 503, "limit": 0, "rate": 0.3}
    assert sum(e["after_commit"] == "status" for e in await _entries(nimriz)) == 3


async def test_rate_is_drawn_from_the_seeded_generator_so_a_reset_repeats_it(emulator: Opener) -> None:
    segment = await emulator("segment")
    plan = {"after_commit": {"kind": "status", "status": 502, "rate": 0.4}, "methods": ["POST"]}

    runs = []
    for _ in range(2):
        (await segment.control.post("/_emulator/reset")).raise_for_status()
        await segment.set_rate_limits(False)
        await segment.set_faults(**plan)
        runs.append(await _statuses(segment, 20, "Seeded"))

    assert runs[0] == runs[1]
    assert 0 < runs[0].count(502) < 20


async def test_rate_with_drop_close_loses_only_the_drawn_replies(emulator: Opener) -> None:
    zeotap = await emulator("zeotap")
    await zeotap.set_rate_limits(False)
    await zeotap.set_faults(after_commit={"kind": "drop", "mode": "close", "rate": 0.5}, methods=["POST"])
    lost = 0
    for i in range(30):
        try:
            response = await _create(zeotap, f"Maybe Lost {i}")
        except httpx.RemoteProtocolError:
            lost += 1
        else:
            assert response.status_code == 201
    assert 0 < lost < 30
    names = await _names(zeotap)
    assert all(names.count(f"Maybe Lost {i}") == 1 for i in range(30))
    assert sum(e["after_commit"] == "drop" for e in await _entries(zeotap)) == lost


# -- other faults still behave ------------------------------------------------------------------


async def test_queue_latency_and_corrupt_still_behave_beside_after_commit(emulator: Opener) -> None:
    ours = await emulator("ours")
    plan = {"queue": [502], "latency_ms": 40, "after_commit": {"kind": "status", "status": 500, "limit": 1}}
    await ours.set_faults(**plan)
    assert (await _create(ours, "Queued Away")).status_code == 502
    late = await _create(ours, "Late And Lost")
    assert late.status_code == 500
    await ours.set_faults(corrupt={"kind": "drop_field", "field": "id"}, methods=["POST"])
    corrupted = await _create(ours, "Corrupted")
    assert corrupted.status_code == 200
    assert "id" not in corrupted.json()
    entries = await _entries(ours)
    assert [(e["status"], e["intervention"], e["after_commit"], e["corrupted"]) for e in entries] == [
        (502, "error", None, None),
        (200, "latency", "status", None),
        (200, None, None, "drop_field"),
    ]
    assert entries[1]["duration_ms"] >= 40
    names = await _names(ours)
    assert "Queued Away" not in names
    assert {"Late And Lost", "Corrupted"} <= set(names)


async def test_corrupt_and_after_commit_together_corrupt_what_is_held(emulator: Opener) -> None:
    nimriz = await emulator("nimriz")
    await nimriz.set_faults(
        corrupt={"kind": "html"}, after_commit={"kind": "drop", "mode": "stall", "stall_ms": 10}, methods=["POST"]
    )
    response = await _create(nimriz, "Both Faults")
    assert response.status_code == 201
    assert response.headers["content-type"].startswith("text/html")
    [entry] = await _entries(nimriz)
    assert (entry["corrupted"], entry["after_commit"], entry["applied"]) == ("html", "drop", True)


# -- the control API ----------------------------------------------------------------------------


async def test_get_shows_the_setting_and_delete_and_reset_clear_it(emulator: Opener) -> None:
    segment = await emulator("segment")
    assert (await _faults(segment))["after_commit"] is None
    put = await segment.control.put("/_emulator/faults", json=DROP_NEXT_CREATE)
    assert put.status_code == 200
    assert put.json()["after_commit"] == {"kind": "drop", "mode": "close", "limit": 1}
    assert put.json()["methods"] == ["POST"]
    assert put.json()["path_pattern"] == "/destinations$"
    stall = {"kind": "drop", "mode": "stall", "stall_ms": 250}
    shown = (await segment.control.put("/_emulator/faults", json={"after_commit": stall})).json()
    assert shown["after_commit"] == {**stall, "limit": None}
    deleted = await segment.control.delete("/_emulator/faults")
    assert deleted.json()["after_commit"] is None
    assert (await _create(segment, "After Delete")).status_code == 200
    await segment.set_faults(**DROP_NEXT_CREATE)
    (await segment.control.post("/_emulator/reset")).raise_for_status()
    assert (await _faults(segment))["after_commit"] is None
    assert (await _create(segment, "After Reset")).status_code == 200
    [entry] = await _entries(segment)
    assert (entry["applied"], entry["after_commit"]) == (True, None)


@pytest.mark.parametrize(
    ("after_commit", "words"),
    [
        ({"kind": "explode"}, ["kind", "drop", "status", "slow"]),
        ({}, ["kind"]),
        ({"kind": "drop"}, ["drop", "mode"]),
        ({"kind": "drop", "mode": "vanish"}, ["mode", "close", "stall"]),
        ({"kind": "drop", "mode": "stall"}, ["stall_ms"]),
        ({"kind": "drop", "mode": "stall", "stall_ms": 0}, ["stall_ms"]),
        ({"kind": "drop", "mode": "stall", "stall_ms": -5}, ["stall_ms"]),
        ({"kind": "drop", "mode": "stall", "stall_ms": "100"}, ["stall_ms"]),
        ({"kind": "drop", "mode": "stall", "stall_ms": True}, ["stall_ms"]),
        ({"kind": "drop", "mode": "stall", "stall_ms": 10_000_000}, ["stall_ms"]),
        ({"kind": "drop", "mode": "close", "stall_ms": 100}, ["close", "stall_ms"]),
        ({"kind": "drop", "mode": "close", "status": 500}, ["close", "status"]),
        ({"kind": "slow"}, ["delay_ms"]),
        ({"kind": "slow", "delay_ms": 0}, ["delay_ms"]),
        ({"kind": "slow", "delay_ms": [1]}, ["delay_ms"]),
        ({"kind": "slow", "delay_ms": 100, "mode": "close"}, ["slow", "mode"]),
        ({"kind": "status"}, ["status", "502"]),
        ({"kind": "status", "status": 404}, ["status", "404"]),
        ({"kind": "status", "status": 429}, ["status", "429"]),
        ({"kind": "status", "status": "502"}, ["status"]),
        ({"kind": "status", "status": 502, "delay_ms": 5}, ["status", "delay_ms"]),
        ({"kind": "drop", "mode": "close", "limit": 0}, ["limit"]),
        ({"kind": "drop", "mode": "close", "limit": -1}, ["limit"]),
        ({"kind": "drop", "mode": "close", "limit": 1.5}, ["limit"]),
        ({"kind": "drop", "mode": "close", "limit": "1"}, ["limit"]),
        ({"kind": "drop", "mode": "close", "limit": True}, ["limit"]),
        ({"kind": "drop", "mode": "close", "retries": 2}, ["unknown", "retries"]),
        ({"kind": "drop", "mode": "close", "rate": 0}, ["rate"]),
        ({"kind": "drop", "mode": "close", "rate": -0.1}, ["rate"]),
        ({"kind": "drop", "mode": "close", "rate": 1.5}, ["rate"]),
        ({"kind": "drop", "mode": "close", "rate": "0.5"}, ["rate"]),
        ({"kind": "drop", "mode": "close", "rate": True}, ["rate"]),
        ({"kind": "status", "status": 500, "rate": [0.5]}, ["rate"]),
        ("drop", ["after_commit"]),
        (["drop"], ["after_commit"]),
    ],
)
async def test_bad_after_commit_settings_are_refused(emulator: Opener, after_commit: Any, words: list[str]) -> None:
    zeotap = await emulator("zeotap")
    await zeotap.set_faults(down=True)
    response = await zeotap.control.put("/_emulator/faults", json={"after_commit": after_commit})
    assert response.status_code == 400, response.text
    message = response.json()["error"]
    for word in words:
        assert word in message, message
    shown = await _faults(zeotap)  # the plan in force is untouched
    assert shown["down"] is True
    assert shown["after_commit"] is None


async def test_unknown_top_level_settings_are_still_refused(emulator: Opener) -> None:
    ours = await emulator("ours")
    response = await ours.control.put("/_emulator/faults", json={"after_commit_kind": "drop"})
    assert response.status_code == 400
    assert "after_commit_kind" in response.json()["error"]
