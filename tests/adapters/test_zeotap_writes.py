"""Zeotap adapter writes and connection tests, against the real emulator.

Most tests run in process (httpx over ASGITransport, which hands a streamed body over only once
the app has finished it). The streaming tests need a real socket to see events arrive one by one,
so they run the emulator under uvicorn on a loopback port.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn

from destgraph.adapters.accounting import CallAccounting
from destgraph.adapters.errors import CallContext
from destgraph.adapters.registry import build_client
from destgraph.adapters.sse import Event, json_events
from destgraph.adapters.zeotap.writes import TestRun
from destgraph.domain.models import (
    ConnectionStatus,
    Destination,
    DestinationSubscription,
    Provider,
    SubscriptionRef,
)
from destgraph.domain.queries import ListFilter
from destgraph.domain.writes import (
    DestinationDraft,
    DestinationPatch,
    SettingsChange,
    SubscriptionDraft,
)
from destgraph.domain.writes import (
    TestStepStatus as Status,
)
from destgraph.emulators import create_app
from destgraph.emulators.core import SeedOptions
from destgraph.errors import (
    InvalidInputError,
    UnsupportedError,
    UpstreamConflict,
    UpstreamNotFound,
    UpstreamProtocolError,
    UpstreamRejected,
)
from destgraph.state import InMemoryLocks
from tests.adapters.conftest import VendorUnderTest, workspace

BASE = "/api/v1/workspaces/ws-demo/destinations"
HEADERS = {"Authorization": "Bearer emulator-token", "X-Workspace-ID": "ws-demo"}
KLAVIYO_KEY = "pk_test_abcdefghijklmnopqrstuv"
MASK = "\u2022" * 8 + "stuv"


# -- helpers ----------------------------------------------------------------------------------------


async def _destinations(vendor: VendorUnderTest) -> list[Destination]:
    page = await vendor.adapter().list_destinations(cursor=None, limit=0, filter=ListFilter())
    return list(page.destinations)


async def _used_ids(vendor: VendorUnderTest) -> set[str]:
    used: set[str] = set()
    for collection in ("syncs", "audience-syncs"):
        rows = (await vendor.control.get(f"/api/v1/workspaces/ws-demo/{collection}", headers=HEADERS)).json()
        used |= {row["destination_id"] for row in rows}
    return used


async def _pick(vendor: VendorUnderTest, type_key: str, *, used: bool | None = False) -> Destination:
    in_use = await _used_ids(vendor)
    return next(
        d
        for d in await _destinations(vendor)
        if d.type_key == type_key and (used is None or (d.native_id in in_use) == used)
    )


async def _writes(vendor: VendorUnderTest) -> list[tuple[str, str, int]]:
    return [(c["method"], c["path"], c["status"]) for c in await vendor.calls() if c["method"] != "GET"]


def _change(current: Destination, **changed: Any) -> SettingsChange:
    merged = {**current.settings, **changed}
    for key in [k for k, v in changed.items() if v is None]:
        merged.pop(key)
    return SettingsChange(merged=merged, changed=changed)


# -- create -----------------------------------------------------------------------------------------


async def test_create_posts_one_destination_and_answers_it_pending(zeotap: VendorUnderTest) -> None:
    await zeotap.clear_calls()
    draft = DestinationDraft(
        type_key="klaviyo",
        name="Klaviyo EU",
        enabled=True,
        settings={"private_api_key": KLAVIYO_KEY, "api_revision": "2024-10-15", "unset": None},
    )

    created = await zeotap.adapter().create_destination(draft)

    assert await _writes(zeotap) == [("POST", BASE, 201)]
    destination = created.destination
    assert created.failures == ()
    assert destination.provider is Provider.ZEOTAP
    assert destination.name == "Klaviyo EU"
    assert destination.type_key == "klaviyo"
    assert destination.connection_status is ConnectionStatus.PENDING
    assert destination.settings == {"private_api_key": KLAVIYO_KEY, "api_revision": "2024-10-15"}
    assert "private_api_key" in destination.secret_keys
    stored = await zeotap.stored(destination.native_id)
    assert stored is not None
    assert stored["config"] == {"private_api_key": KLAVIYO_KEY, "api_revision": "2024-10-15"}
    assert stored["connection_id"] is None


async def test_create_sends_the_shared_connection_as_connection_id(zeotap: VendorUnderTest) -> None:
    connection = "7d0c2b8e-3f3a-4c55-9b1e-2a8f6f0e9d11"
    draft = DestinationDraft(
        type_key="klaviyo",
        name="Shared",
        enabled=True,
        settings={"private_api_key": KLAVIYO_KEY},
        connection_ref=connection,
    )

    created = await zeotap.adapter().create_destination(draft)

    stored = await zeotap.stored(created.destination.native_id)
    assert stored is not None
    assert stored["connection_id"] == connection


@pytest.mark.parametrize(
    ("draft_changes", "field"),
    [
        ({"settings": {"private_api_key": MASK}}, ("input", "settings", "private_api_key")),
        ({"settings": {"private_api_key": "******"}}, ("input", "settings", "private_api_key")),
        ({"enabled": False}, ("input", "enabled")),
        ({"source_ids": ("src-1",)}, ("input", "sourceIds")),
        ({"subscriptions": (SubscriptionDraft(name="x"),)}, ("input", "subscriptions")),
    ],
)
async def test_create_refuses_what_zeotap_cannot_hold_before_any_call(
    zeotap: VendorUnderTest, draft_changes: dict[str, Any], field: tuple[str, ...]
) -> None:
    await zeotap.clear_calls()
    draft = DestinationDraft(
        **{
            "type_key": "klaviyo",
            "name": "Nope",
            "enabled": True,
            "settings": {"private_api_key": KLAVIYO_KEY},
            **draft_changes,
        }
    )

    with pytest.raises(InvalidInputError) as refused:
        await zeotap.adapter().create_destination(draft)

    assert refused.value.field == field
    assert KLAVIYO_KEY not in refused.value.message
    assert await zeotap.calls() == []


async def test_create_refused_by_zeotap_is_upstream_rejected(zeotap: VendorUnderTest) -> None:
    before = len(await _destinations(zeotap))
    draft = DestinationDraft(
        type_key="klaviyo", name="Odd", enabled=True, settings={"private_api_key": KLAVIYO_KEY, "colour": "red"}
    )

    with pytest.raises(UpstreamRejected) as rejected:
        await zeotap.adapter().create_destination(draft)

    assert rejected.value.status == 400
    assert "colour" in rejected.value.vendor_message
    assert len(await _destinations(zeotap)) == before


# -- update -----------------------------------------------------------------------------------------


async def test_update_of_the_name_only_sends_the_name_and_keeps_status_and_config(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "salesforce", used=None)
    assert current.connection_status is ConnectionStatus.CONNECTED
    before = await zeotap.stored(current.native_id)
    await zeotap.clear_calls()

    updated = await zeotap.adapter().update_destination(current, DestinationPatch(name="Salesforce (renamed)"))

    assert await _writes(zeotap) == [("PUT", f"{BASE}/{current.native_id}", 200)]
    stored = await zeotap.stored(current.native_id)
    assert stored is not None and before is not None
    assert stored["name"] == "Salesforce (renamed)"
    assert stored["config"] == before["config"]
    assert stored["status"] == "connected"
    assert updated.name == "Salesforce (renamed)"
    assert updated.connection_status is ConnectionStatus.CONNECTED


async def test_update_of_one_setting_keeps_the_untouched_config_keys(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "salesforce", used=None)
    await zeotap.clear_calls()

    updated = await zeotap.adapter().update_destination(
        current, DestinationPatch(settings=_change(current, api_version="61.0"))
    )

    assert await _writes(zeotap) == [("PUT", f"{BASE}/{current.native_id}", 200)]
    stored = await zeotap.stored(current.native_id)
    assert stored is not None
    assert stored["config"] == {**current.settings, "api_version": "61.0"}
    assert set(stored["config"]) == {"instance_url", "api_version", "object", "refresh_token"}
    # New config is untested: Zeotap puts the destination back to pending.
    assert stored["status"] == "pending"
    assert updated.settings == stored["config"]
    assert updated.connection_status is ConnectionStatus.PENDING


async def test_update_with_a_setting_set_to_none_removes_that_key(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "salesforce", used=None)

    updated = await zeotap.adapter().update_destination(
        current, DestinationPatch(settings=_change(current, object=None))
    )

    stored = await zeotap.stored(current.native_id)
    assert stored is not None
    assert "object" not in stored["config"]
    assert stored["config"] == {k: v for k, v in current.settings.items() if k != "object"}
    assert "object" not in updated.settings


async def test_update_refuses_a_masked_value_before_any_call(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "salesforce", used=None)
    before = await zeotap.stored(current.native_id)
    # merged still holding a mask for a key the caller did not touch (a vendor's or ours)
    change = SettingsChange(
        merged={**current.settings, "api_version": "61.0", "refresh_token": "[REDACTED]"},
        changed={"api_version": "61.0"},
    )
    await zeotap.clear_calls()

    with pytest.raises(InvalidInputError) as refused:
        await zeotap.adapter().update_destination(current, DestinationPatch(settings=change))

    assert refused.value.field == ("input", "settings", "refresh_token")
    assert await zeotap.calls() == []
    assert await zeotap.stored(current.native_id) == before


async def test_update_refuses_a_mask_inside_a_nested_setting(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "webhook", used=None)
    headers = {**current.settings["headers"], "X-Api-Key": MASK}
    await zeotap.clear_calls()

    with pytest.raises(InvalidInputError) as refused:
        await zeotap.adapter().update_destination(current, DestinationPatch(settings=_change(current, headers=headers)))

    assert refused.value.field == ("input", "settings", "headers")
    assert await zeotap.calls() == []


async def test_update_that_changes_nothing_sends_nothing(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "salesforce", used=None)
    await zeotap.clear_calls()
    patch = DestinationPatch(
        name=current.name, enabled=True, settings=_change(current, api_version=current.settings["api_version"])
    )

    unchanged = await zeotap.adapter().update_destination(current, patch)

    assert unchanged == current
    assert await zeotap.calls() == []


async def test_update_refuses_disabling_before_any_call(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "klaviyo", used=None)
    await zeotap.clear_calls()

    with pytest.raises(InvalidInputError) as refused:
        await zeotap.adapter().update_destination(current, DestinationPatch(enabled=False))

    assert refused.value.field == ("input", "enabled")
    assert await zeotap.calls() == []


async def test_update_refused_by_zeotap_is_upstream_rejected_and_stores_nothing(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "salesforce", used=None)
    before = await zeotap.stored(current.native_id)

    with pytest.raises(UpstreamRejected) as rejected:
        await zeotap.adapter().update_destination(
            current, DestinationPatch(settings=_change(current, api_version="12.0"))
        )

    assert rejected.value.status == 400
    assert await zeotap.stored(current.native_id) == before


async def test_update_of_a_deleted_destination_is_not_found(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "klaviyo")
    await zeotap.adapter().delete_destination(current)

    with pytest.raises(UpstreamNotFound):
        await zeotap.adapter().update_destination(current, DestinationPatch(name="Ghost"))


# -- delete -----------------------------------------------------------------------------------------


async def test_delete_of_an_unused_destination_removes_it(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "klaviyo")
    adapter = zeotap.adapter()
    assert await adapter.delete_blockers(current) == []
    await zeotap.clear_calls()

    await adapter.delete_destination(current)

    assert await _writes(zeotap) == [("DELETE", f"{BASE}/{current.native_id}", 200)]
    assert await zeotap.stored(current.native_id) is None


async def test_delete_of_a_destination_a_sync_uses_is_a_conflict_and_deletes_nothing(
    zeotap: VendorUnderTest,
) -> None:
    current = await _pick(zeotap, "salesforce", used=True)
    await zeotap.clear_calls()

    with pytest.raises(UpstreamConflict) as conflict:
        await zeotap.adapter().delete_destination(current)

    assert conflict.value.status == 409
    assert await _writes(zeotap) == [("DELETE", f"{BASE}/{current.native_id}", 409)]
    assert await zeotap.stored(current.native_id) is not None


async def test_delete_blockers_name_every_sync_referencing_the_destination(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "salesforce", used=True)
    syncs = (await zeotap.control.get("/api/v1/workspaces/ws-demo/syncs", headers=HEADERS)).json()
    audience = (await zeotap.control.get("/api/v1/workspaces/ws-demo/audience-syncs", headers=HEADERS)).json()
    expected = [s["id"] for s in syncs + audience if s["destination_id"] == current.native_id]
    await zeotap.clear_calls()

    blockers = await zeotap.adapter().delete_blockers(current)

    assert len(blockers) == len(expected) > 0
    assert all(sync_id in " ".join(blockers) for sync_id in expected)
    assert [(c["method"], c["path"]) for c in await zeotap.calls()] == [
        ("GET", "/api/v1/workspaces/ws-demo/syncs"),
        ("GET", "/api/v1/workspaces/ws-demo/audience-syncs"),
    ]


async def test_delete_of_a_missing_destination_is_not_found(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "klaviyo")
    await zeotap.adapter().delete_destination(current)

    with pytest.raises(UpstreamNotFound):
        await zeotap.adapter().delete_destination(current)


# -- connection tests -------------------------------------------------------------------------------


async def test_settings_test_passes_every_step_and_stores_nothing(zeotap: VendorUnderTest) -> None:
    before = len(await _destinations(zeotap))
    await zeotap.clear_calls()

    outcome = await zeotap.adapter().test_settings("klaviyo", {"private_api_key": KLAVIYO_KEY, "api_revision": None})

    assert await _writes(zeotap) == [("POST", f"{BASE}/test", 200)]
    assert outcome.success is True
    assert [(s.name, s.status) for s in outcome.steps] == [
        ("connectivity", Status.PASSED),
        ("authentication", Status.PASSED),
        ("permissions", Status.PASSED),
    ]
    assert outcome.steps[0].message == "Successfully connected"
    assert outcome.destination is None
    assert len(await _destinations(zeotap)) == before


async def test_settings_test_failing_authentication_fails_that_step_and_skips_the_rest(
    zeotap: VendorUnderTest,
) -> None:
    outcome = await zeotap.adapter().test_settings("klaviyo", {"private_api_key": "pk_invalid_abcdefghijkl"})

    assert outcome.success is False
    assert [(s.name, s.status) for s in outcome.steps] == [
        ("connectivity", Status.PASSED),
        ("authentication", Status.FAILED),
        ("permissions", Status.SKIPPED),
    ]
    assert outcome.steps[1].message is not None and "Authentication failed" in outcome.steps[1].message


async def test_settings_test_of_an_unknown_type_is_upstream_rejected(zeotap: VendorUnderTest) -> None:
    with pytest.raises(UpstreamRejected) as rejected:
        await zeotap.adapter().test_settings("fax_machine", {"number": "1"})

    assert rejected.value.status == 400


async def test_settings_test_refuses_a_masked_value_before_any_call(zeotap: VendorUnderTest) -> None:
    await zeotap.clear_calls()

    with pytest.raises(InvalidInputError) as refused:
        await zeotap.adapter().test_settings("klaviyo", {"private_api_key": MASK})

    assert refused.value.field == ("input", "settings", "private_api_key")
    assert await zeotap.calls() == []


async def test_destination_test_stores_and_answers_the_new_status(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "iterable", used=None)
    assert current.connection_status is ConnectionStatus.PENDING
    await zeotap.clear_calls()

    outcome = await zeotap.adapter().test_destination(current, None)

    assert await _writes(zeotap) == [("POST", f"{BASE}/{current.native_id}/test", 200)]
    assert outcome.success is True
    assert [s.status for s in outcome.steps] == [Status.PASSED] * 3
    assert outcome.steps[0].message == "Connected successfully"
    assert outcome.destination is not None
    assert outcome.destination.native_id == current.native_id
    assert outcome.destination.connection_status is ConnectionStatus.CONNECTED
    stored = await zeotap.stored(current.native_id)
    assert stored is not None and stored["status"] == "connected"


async def test_destination_test_failing_authentication_sets_the_status_to_error(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "klaviyo", used=None)
    adapter = zeotap.adapter()
    bad_key = "pk_expired_abcdefghijklmnop"
    current = await adapter.update_destination(
        current, DestinationPatch(settings=_change(current, private_api_key=bad_key))
    )

    outcome = await adapter.test_destination(current, None)

    assert outcome.success is False
    assert [(s.name, s.status) for s in outcome.steps] == [
        ("connectivity", Status.PASSED),
        ("authentication", Status.FAILED),
        ("permissions", Status.SKIPPED),
    ]
    failed = outcome.steps[1].message
    assert outcome.destination is not None
    assert outcome.destination.connection_status is ConnectionStatus.ERROR
    assert outcome.destination.connection_error == failed
    stored = await zeotap.stored(current.native_id)
    assert stored is not None
    assert (stored["status"], stored["status_error"]) == ("error", failed)
    # The adapter's reads after the test see the new status, not a memo from before it.
    [reread] = await adapter.get_destinations([current.native_id])
    assert reread is not None and reread.connection_status is ConnectionStatus.ERROR


async def test_destination_test_of_a_deleted_destination_is_not_found(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "klaviyo")
    await zeotap.adapter().delete_destination(current)

    with pytest.raises(UpstreamNotFound):
        await zeotap.adapter().test_destination(current, None)


async def test_destination_test_of_a_subscription_is_unsupported(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "klaviyo", used=None)
    subscription = DestinationSubscription(ref=SubscriptionRef(current.ref, "x"), name="x", enabled=True, raw={})
    await zeotap.clear_calls()

    with pytest.raises(UnsupportedError):
        await zeotap.adapter().test_destination(current, subscription)

    assert await zeotap.calls() == []


async def test_stream_test_yields_each_step_then_the_status_is_stored(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "mailchimp", used=None)  # seeded with an expired key
    await zeotap.clear_calls()

    steps = [step async for step in zeotap.adapter().stream_test(current)]

    assert [(s.name, s.status) for s in steps] == [
        ("connectivity", Status.PASSED),
        ("authentication", Status.FAILED),
        ("permissions", Status.SKIPPED),
    ]
    assert await _writes(zeotap) == [("POST", f"{BASE}/{current.native_id}/test", 200)]
    stored = await zeotap.stored(current.native_id)
    assert stored is not None
    assert (stored["status"], stored["status_error"]) == ("error", steps[1].message)


async def test_stream_test_of_a_deleted_destination_is_not_found(zeotap: VendorUnderTest) -> None:
    current = await _pick(zeotap, "klaviyo")
    await zeotap.adapter().delete_destination(current)

    with pytest.raises(UpstreamNotFound):
        await anext(zeotap.adapter().stream_test(current))


# -- streaming over a real socket -------------------------------------------------------------------

STEP_DELAY = 0.15


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Any:  # the test process owns its signal handlers
        yield


@pytest.fixture
async def zeotap_served() -> AsyncIterator[VendorUnderTest]:
    """The Zeotap emulator under uvicorn on a loopback port, and the adapter's client over TCP."""
    app = create_app("zeotap", options=SeedOptions(seed=1, destinations=40))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = _Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False, ws="none"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
        await asyncio.sleep(0.01)
    client = build_client(
        workspace("zeotap").model_copy(update={"base_url": url}), accounting=CallAccounting(), rate_wait_seconds=0.5
    )
    control = httpx.AsyncClient(base_url=url, timeout=10)
    try:
        yield VendorUnderTest(name="zeotap", client=client, control=control, locks=InMemoryLocks())
    finally:
        await client.aclose()
        await control.aclose()
        server.should_exit = True
        await task
        sock.close()


async def test_stream_test_yields_the_first_step_before_the_stream_ends(zeotap_served: VendorUnderTest) -> None:
    vendor = zeotap_served
    current = await _pick(vendor, "iterable", used=None)
    await vendor.faults(sse_step_delay_ms=STEP_DELAY * 1000, path_pattern="/test$")
    started = time.monotonic()

    arrivals = []
    async for step in vendor.adapter().stream_test(current):
        arrivals.append((time.monotonic() - started, step.name))

    ended = time.monotonic() - started
    assert [name for _, name in arrivals] == ["connectivity", "authentication", "permissions"]
    # Three steps then the done event, each after the delay: the first step is in hand long before.
    assert ended >= 4 * STEP_DELAY
    assert arrivals[0][0] < ended - 2 * STEP_DELAY
    assert arrivals[0][0] < arrivals[1][0] < arrivals[2][0]
    stored = await vendor.stored(current.native_id)
    assert stored is not None and stored["status"] == "connected"


async def test_stream_test_closed_after_one_step_stops_the_vendors_stream(zeotap_served: VendorUnderTest) -> None:
    vendor = zeotap_served
    current = await _pick(vendor, "iterable", used=None)
    await vendor.faults(sse_step_delay_ms=STEP_DELAY * 1000, path_pattern="/test$")
    steps = vendor.adapter().stream_test(current)

    first = await anext(steps)
    await steps.aclose()

    assert first.name == "connectivity"
    # Longer than the rest of the stream would have taken: the vendor never got to store an outcome.
    await asyncio.sleep(4 * STEP_DELAY)
    stored = await vendor.stored(current.native_id)
    assert stored is not None and stored["status"] == "pending"
    # The adapter's client is left usable.
    assert [d.native_id for d in await _destinations(vendor) if d.native_id == current.native_id]


# -- reading the event stream -----------------------------------------------------------------------

CONTEXT = CallContext("zeotap", "zeotap-main", "test_destination")


def _streamed(body: str, content_type: str = "text/event-stream") -> httpx.Response:
    return httpx.Response(200, headers={"Content-Type": content_type}, content=body.encode())


async def test_events_are_read_with_their_json_data() -> None:
    body = 'event: step\ndata: {"name":"connectivity",\ndata: "status":"running"}\n\n: keep-alive\n\nevent: done\ndata: {}\n\n'

    events = [event async for event in json_events(_streamed(body), CONTEXT)]

    assert events == [
        Event("step", {"name": "connectivity", "status": "running"}),
        Event("done", {}),
    ]
    run = TestRun(CONTEXT)
    assert run.step(events[0].data).status is Status.RUNNING


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"error": "not a stream"}', "application/json"),
        ("event: step\ndata: {not json\n\n", "text/event-stream"),
        ('event: step\ndata: {"name": "connectivity", "status": "exploded"}\n\n', "text/event-stream"),
    ],
)
async def test_a_stream_the_adapter_cannot_read_is_a_protocol_error(body: str, content_type: str) -> None:
    async def read() -> None:
        run = TestRun(CONTEXT)
        async for event in json_events(_streamed(body, content_type), CONTEXT):
            run.step(event.data)

    with pytest.raises(UpstreamProtocolError) as unreadable:
        await read()

    assert unreadable.value.provider == "zeotap"
    assert unreadable.value.operation == "test_destination"


async def test_a_stream_ending_before_done_is_a_protocol_error() -> None:
    run = TestRun(CONTEXT)
    run.step({"name": "connectivity", "status": "passed", "message": "ok"})

    with pytest.raises(UpstreamProtocolError):
        run.outcome(lambda row: pytest.fail("no destination to parse"))
