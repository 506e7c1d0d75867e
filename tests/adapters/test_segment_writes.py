"""Segment writes through the real emulator: the calls made, what Segment stores, what comes back."""

from __future__ import annotations

import pytest

from destgraph.adapters.segment.adapter import SegmentAdapter
from destgraph.domain.models import Destination, DestinationSubscription
from destgraph.domain.queries import ListFilter
from destgraph.domain.writes import (
    DestinationDraft,
    DestinationPatch,
    SettingsChange,
    SubscriptionDraft,
    SubscriptionPatch,
)
from destgraph.emulators.segment import DEFAULT_SOURCE_ID
from destgraph.errors import InvalidInputError, UpstreamNotFound, UpstreamRateLimited, UpstreamRejected
from tests.adapters.conftest import VendorUnderTest

AMPLITUDE = ("amplitude", "54521fd525e721e32a72ee91")
BRAZE = ("actions-braze-cloud", "60f9d0d048950c356be2e4da")
WEBHOOK = ("actions-webhook", "614a3c7d791c91c41bae7599")
WEBHOOK_ACTIONS = ("jkptkwbZ9aPczfvxoK7Cza", "dYwheCL6c4mQcdnvVSKrvk")
TRACK = 'type = "track"'
SUBSCRIPTION_POSTS = "POST /destinations/{destinationId}/subscriptions"
BULLET = "\u2022"


def adapter_of(vendor: VendorUnderTest) -> SegmentAdapter:
    adapter = vendor.adapter()
    assert isinstance(adapter, SegmentAdapter)
    return adapter


def draft(
    kind: tuple[str, str] = WEBHOOK,
    *,
    settings: dict | None = None,
    subscriptions: tuple[SubscriptionDraft, ...] = (),
    enabled: bool = True,
    source_ids: tuple[str, ...] = (DEFAULT_SOURCE_ID,),
    name: str = "Written by a test",
) -> DestinationDraft:
    return DestinationDraft(
        type_key=kind[0],
        type_native_id=kind[1],
        name=name,
        enabled=enabled,
        settings=settings or {},
        source_ids=source_ids,
        subscriptions=subscriptions,
    )


def subscription(name: str = "Track calls", action_id: str = WEBHOOK_ACTIONS[0], **extra: object) -> SubscriptionDraft:
    return SubscriptionDraft(name=name, action_id=action_id, trigger=str(extra.pop("trigger", TRACK)), **extra)  # type: ignore[arg-type]


async def routes(vendor: VendorUnderTest) -> list[str]:
    return [c["route"] for c in await vendor.calls()]


async def webhook_destination(vendor: VendorUnderTest) -> Destination:
    created = await adapter_of(vendor).create_destination(draft())
    await vendor.clear_calls()
    return created.destination


async def read_back(vendor: VendorUnderTest, native_id: str) -> Destination:
    [found] = await adapter_of(vendor).get_destinations([native_id])
    assert found is not None
    return found


# -- create_destination ---------------------------------------------------------------------------


async def test_create_posts_the_draft_and_returns_the_created_destination(segment: VendorUnderTest) -> None:
    created = await adapter_of(segment).create_destination(
        draft(
            AMPLITUDE, settings={"apiKey": "amp-secret-key-4321", "batchEvents": True, "endpoint": None}, enabled=False
        )
    )

    assert await routes(segment) == ["POST /destinations"]
    destination = created.destination
    stored = await segment.stored(destination.native_id)
    assert stored is not None
    assert stored["metadataId"] == AMPLITUDE[1]
    assert stored["sourceId"] == DEFAULT_SOURCE_ID
    assert (stored["name"], stored["enabled"]) == ("Written by a test", False)
    assert stored["settings"]["apiKey"] == "amp-secret-key-4321"
    assert stored["settings"]["batchEvents"] is True
    assert stored["settings"]["endpoint"] == ""  # a null on create is "not set": Segment's default stays
    assert (destination.type_key, destination.name, destination.enabled) == ("amplitude", "Written by a test", False)
    assert destination.source_ids == (DEFAULT_SOURCE_ID,)
    assert destination.settings["apiKey"] == BULLET * 10 + "4321"  # parsed from Segment's (masked) answer
    assert (created.subscriptions, created.failures) == ((), ())


async def test_create_posts_each_subscription_after_the_destination(segment: VendorUnderTest) -> None:
    created = await adapter_of(segment).create_destination(
        draft(
            subscriptions=(
                subscription("Tracks", settings={"url": "https://hooks.example.com/a"}),
                subscription("Identifies", WEBHOOK_ACTIONS[1], trigger='type = "identify"', enabled=False),
            )
        )
    )

    assert await routes(segment) == ["POST /destinations", SUBSCRIPTION_POSTS, SUBSCRIPTION_POSTS]
    assert created.failures == ()
    first, second = created.subscriptions
    assert (first.name, first.action_id, first.trigger, first.enabled) == ("Tracks", WEBHOOK_ACTIONS[0], TRACK, True)
    assert first.settings == {"url": "https://hooks.example.com/a"}
    assert first.action_slug
    assert (second.name, second.enabled, second.ref.destination) == ("Identifies", False, created.destination.ref)
    stored = await segment.stored(created.destination.native_id)
    assert stored is not None
    assert [(s["id"], s["name"]) for s in stored["subscriptions"]] == [
        (first.ref.native_id, "Tracks"),
        (second.ref.native_id, "Identifies"),
    ]


async def test_create_keeps_the_destination_when_a_later_subscription_is_refused(segment: VendorUnderTest) -> None:
    created = await adapter_of(segment).create_destination(
        draft(
            subscriptions=(
                subscription("First"),
                subscription("Not an action of Webhooks", "no-such-action"),
                subscription("Third", WEBHOOK_ACTIONS[1]),
            )
        )
    )

    assert await routes(segment) == ["POST /destinations", *[SUBSCRIPTION_POSTS] * 3]
    assert [s.name for s in created.subscriptions] == ["First", "Third"]
    [(path, error)] = created.failures
    assert path == ("input", "subscriptions", "1")
    assert isinstance(error, UpstreamRejected)
    assert error.status == 422
    assert "actionId" in error.vendor_message
    stored = await segment.stored(created.destination.native_id)
    assert stored is not None
    assert [s["name"] for s in stored["subscriptions"]] == ["First", "Third"]


async def test_create_reports_a_subscription_with_an_invalid_trigger_as_a_failure(segment: VendorUnderTest) -> None:
    created = await adapter_of(segment).create_destination(
        draft(subscriptions=(subscription("Fine"), subscription("Broken", trigger="type = ")))
    )

    [(path, error)] = created.failures
    assert path == ("input", "subscriptions", "1")
    assert isinstance(error, UpstreamRejected) and "trigger" in error.vendor_message
    assert [s.name for s in created.subscriptions] == ["Fine"]
    assert await segment.stored(created.destination.native_id) is not None


async def test_create_writes_nothing_when_the_subscription_budget_cannot_take_every_subscription(
    segment: VendorUnderTest,
) -> None:
    existing = await webhook_destination(segment)
    adapter = adapter_of(segment)
    for i in range(3):
        await adapter.create_subscription(existing, subscription(f"Spends turn {i}"))
    await segment.clear_calls()

    with pytest.raises(UpstreamRateLimited) as caught:
        await adapter.create_destination(draft(subscriptions=tuple(subscription(f"S{i}") for i in range(3))))

    assert caught.value.retry_after is not None and caught.value.retry_after > 0
    assert await segment.calls() == []  # not even the destination: every turn is reserved first
    page = await adapter.list_destinations(cursor=None, limit=1000, filter=ListFilter())
    assert [d.native_id for d in page.destinations if d.name == "Written by a test"] == [existing.native_id]


async def test_create_still_fits_the_last_turns_of_the_budget(segment: VendorUnderTest) -> None:
    existing = await webhook_destination(segment)
    adapter = adapter_of(segment)
    for i in range(3):
        await adapter.create_subscription(existing, subscription(f"Spends turn {i}"))

    created = await adapter.create_destination(draft(subscriptions=(subscription("A"), subscription("B"))))

    assert [s.name for s in created.subscriptions] == ["A", "B"]
    assert created.failures == ()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"source_ids": ()}, ("input", "sourceIds")),
        ({"source_ids": (DEFAULT_SOURCE_ID, "another-source")}, ("input", "sourceIds")),
        ({"type_native_id": None}, ("input", "typeKey")),
        ({"settings": {"api_key": BULLET * 10 + "abcd"}}, ("input", "settings", "api_key")),
        (
            {"subscriptions": (SubscriptionDraft(name="No action", trigger=TRACK),)},
            ("input", "subscriptions", "0", "actionId"),
        ),
        (
            {"subscriptions": (subscription(), SubscriptionDraft(name="No trigger", action_id=WEBHOOK_ACTIONS[0]))},
            ("input", "subscriptions", "1", "trigger"),
        ),
        (
            {"subscriptions": (subscription(event_filter={"include": ["x"]}),)},
            ("input", "subscriptions", "0", "eventFilter"),
        ),
    ],
)
async def test_create_refuses_what_segment_cannot_express_before_any_call(
    segment: VendorUnderTest, changes: dict, field: tuple[str, ...]
) -> None:
    base = draft(BRAZE, settings={"api_key": "braze-key-0000"})
    request = DestinationDraft(**{**base.__dict__, **changes})

    with pytest.raises(InvalidInputError) as caught:
        await adapter_of(segment).create_destination(request)

    assert caught.value.field == field
    assert BULLET not in caught.value.message
    assert await segment.calls() == []


async def test_create_lets_segment_refusals_propagate(segment: VendorUnderTest) -> None:
    with pytest.raises(UpstreamRejected) as caught:
        await adapter_of(segment).create_destination(draft(AMPLITUDE, settings={"batchEvents": "yes"}))

    assert caught.value.status == 422
    assert "settings.batchEvents" in caught.value.vendor_message
    with pytest.raises(UpstreamNotFound):
        await adapter_of(segment).create_destination(draft(source_ids=("no-such-source",)))


# -- update_destination ---------------------------------------------------------------------------


async def braze_destination(vendor: VendorUnderTest) -> Destination:
    created = await adapter_of(vendor).create_destination(
        draft(BRAZE, settings={"api_key": "braze-secret-key-9876", "app_id": "app-1"})
    )
    current = await read_back(vendor, created.destination.native_id)
    await vendor.clear_calls()
    return current


async def test_update_sends_only_the_changed_settings_so_the_stored_secret_stays(segment: VendorUnderTest) -> None:
    current = await braze_destination(segment)
    assert current.settings["api_key"].startswith(BULLET)  # what Segment reads back, and what merged holds
    merged = {**current.settings, "app_id": "app-2"}

    updated = await adapter_of(segment).update_destination(
        current, DestinationPatch(settings=SettingsChange(merged=merged, changed={"app_id": "app-2"}))
    )

    assert await routes(segment) == ["PATCH /destinations/{destinationId}"]
    stored = await segment.stored(current.native_id)
    assert stored is not None
    assert stored["settings"]["api_key"] == "braze-secret-key-9876"
    assert stored["settings"]["app_id"] == "app-2"
    assert updated.settings["app_id"] == "app-2"
    assert updated.native_id == current.native_id


async def test_update_never_sends_a_masked_value(segment: VendorUnderTest) -> None:
    current = await braze_destination(segment)
    changed = {"api_key": BULLET * 10 + "9876", "app_id": "app-3"}

    await adapter_of(segment).update_destination(
        current, DestinationPatch(settings=SettingsChange(merged={**current.settings, **changed}, changed=changed))
    )

    stored = await segment.stored(current.native_id)
    assert stored is not None
    assert stored["settings"]["api_key"] == "braze-secret-key-9876"
    assert stored["settings"]["app_id"] == "app-3"


async def test_update_clears_a_removed_setting(segment: VendorUnderTest) -> None:
    current = await braze_destination(segment)
    merged = {k: v for k, v in current.settings.items() if k != "app_id"}

    updated = await adapter_of(segment).update_destination(
        current, DestinationPatch(settings=SettingsChange(merged=merged, changed={"app_id": None}))
    )

    stored = await segment.stored(current.native_id)
    assert stored is not None
    assert stored["settings"]["app_id"] is None  # Segment merges key by key: null is how a key is cleared
    assert stored["settings"]["api_key"] == "braze-secret-key-9876"
    assert updated.settings.get("app_id") is None


async def test_update_changes_name_and_enabled(segment: VendorUnderTest) -> None:
    current = await braze_destination(segment)

    updated = await adapter_of(segment).update_destination(current, DestinationPatch(name="Renamed", enabled=False))

    assert await routes(segment) == ["PATCH /destinations/{destinationId}"]
    stored = await segment.stored(current.native_id)
    assert stored is not None
    assert (stored["name"], stored["enabled"]) == ("Renamed", False)
    assert (updated.name, updated.enabled) == ("Renamed", False)
    assert stored["settings"]["api_key"] == "braze-secret-key-9876"


@pytest.mark.parametrize(
    "patch",
    [
        DestinationPatch(),
        DestinationPatch(name="Written by a test", enabled=True, source_ids=(DEFAULT_SOURCE_ID,)),
        DestinationPatch(settings=SettingsChange(merged={}, changed={"api_key": "******"})),
    ],
    ids=["empty", "same-values", "only-a-mask"],
)
async def test_update_with_nothing_to_send_makes_no_call(segment: VendorUnderTest, patch: DestinationPatch) -> None:
    current = await braze_destination(segment)

    assert await adapter_of(segment).update_destination(current, patch) is current
    assert await segment.calls() == []


async def test_update_refuses_to_move_a_destination_to_another_source(segment: VendorUnderTest) -> None:
    current = await braze_destination(segment)

    with pytest.raises(InvalidInputError) as caught:
        await adapter_of(segment).update_destination(current, DestinationPatch(name="x", source_ids=("other",)))

    assert caught.value.field == ("input", "sourceIds")
    assert await segment.calls() == []


async def test_update_lets_segment_refusals_propagate(segment: VendorUnderTest) -> None:
    current = await braze_destination(segment)
    bad = {"app_id": 42}

    with pytest.raises(UpstreamRejected) as caught:
        await adapter_of(segment).update_destination(
            current, DestinationPatch(settings=SettingsChange(merged={**current.settings, **bad}, changed=bad))
        )

    assert caught.value.status == 422
    assert "settings.app_id" in caught.value.vendor_message


async def test_update_of_a_deleted_destination_is_not_found(segment: VendorUnderTest) -> None:
    current = await braze_destination(segment)
    await adapter_of(segment).delete_destination(current)

    with pytest.raises(UpstreamNotFound):
        await adapter_of(segment).update_destination(current, DestinationPatch(name="Too late"))


# -- delete_destination ---------------------------------------------------------------------------


async def test_delete_removes_the_destination(segment: VendorUnderTest) -> None:
    current = await braze_destination(segment)

    await adapter_of(segment).delete_destination(current)

    assert await routes(segment) == ["DELETE /destinations/{destinationId}"]
    assert await segment.stored(current.native_id) is None
    with pytest.raises(UpstreamNotFound):
        await adapter_of(segment).delete_destination(current)


# -- subscriptions --------------------------------------------------------------------------------


async def test_create_subscription_posts_it_and_parses_the_answer(segment: VendorUnderTest) -> None:
    destination = await webhook_destination(segment)

    created = await adapter_of(segment).create_subscription(
        destination, subscription("Webhook tracks", settings={"url": "https://hooks.example.com"}, enabled=False)
    )

    assert await routes(segment) == [SUBSCRIPTION_POSTS]
    assert created.ref.destination == destination.ref
    assert (created.name, created.enabled, created.trigger) == ("Webhook tracks", False, TRACK)
    assert created.action_id == WEBHOOK_ACTIONS[0]
    stored = await segment.stored(destination.native_id)
    assert stored is not None
    [row] = stored["subscriptions"]
    assert row["id"] == created.ref.native_id
    assert row["settings"] == {"url": "https://hooks.example.com"}


async def test_subscription_writes_share_five_turns_a_minute(segment: VendorUnderTest) -> None:
    destination = await webhook_destination(segment)
    adapter = adapter_of(segment)
    for i in range(5):
        await adapter.create_subscription(destination, subscription(f"Quick {i}"))

    with pytest.raises(UpstreamRateLimited) as caught:
        await adapter.create_subscription(destination, subscription("Sixth"))

    assert caught.value.retry_after is not None and caught.value.retry_after > 0
    assert await routes(segment) == [SUBSCRIPTION_POSTS] * 5  # the sixth never reached Segment


async def test_subscription_updates_and_deletes_take_turns_of_the_same_budget(segment: VendorUnderTest) -> None:
    destination = await webhook_destination(segment)
    adapter = adapter_of(segment)
    first = await adapter.create_subscription(destination, subscription("One"))
    second = await adapter.create_subscription(destination, subscription("Two"))
    await adapter.create_subscription(destination, subscription("Three"))
    await adapter.update_subscription(destination, first, SubscriptionPatch(name="One, renamed"))
    await adapter.delete_subscription(destination, second)
    await segment.clear_calls()

    with pytest.raises(UpstreamRateLimited):
        await adapter.update_subscription(destination, first, SubscriptionPatch(enabled=False))

    assert await segment.calls() == []


async def test_create_subscription_lets_segment_refusals_propagate(segment: VendorUnderTest) -> None:
    destination = await webhook_destination(segment)
    adapter = adapter_of(segment)

    with pytest.raises(UpstreamRejected) as caught:
        await adapter.create_subscription(destination, subscription(trigger="type = "))
    assert caught.value.status == 422 and "trigger" in caught.value.vendor_message

    amplitude = (await adapter.create_destination(draft(AMPLITUDE, settings={"apiKey": "k" * 12}))).destination
    with pytest.raises(UpstreamRejected) as caught:
        await adapter.create_subscription(amplitude, subscription())
    assert "no actions" in caught.value.vendor_message


async def test_create_subscription_refuses_nimriz_fields_before_any_call(segment: VendorUnderTest) -> None:
    destination = await webhook_destination(segment)

    with pytest.raises(InvalidInputError) as caught:
        await adapter_of(segment).create_subscription(destination, subscription(property_mapping={"a": "b"}))

    assert caught.value.field == ("input", "subscription", "propertyMapping")
    assert await segment.calls() == []


async def created_subscription(vendor: VendorUnderTest) -> tuple[Destination, DestinationSubscription]:
    destination = await webhook_destination(vendor)
    created = await adapter_of(vendor).create_subscription(
        destination, subscription("Before", settings={"url": "https://a.example.com", "method": "POST"})
    )
    await vendor.clear_calls()
    return destination, created


async def test_update_subscription_sends_the_changes_wrapped_in_input(segment: VendorUnderTest) -> None:
    destination, current = await created_subscription(segment)
    settings = {"url": "https://b.example.com"}

    updated = await adapter_of(segment).update_subscription(
        destination,
        current,
        SubscriptionPatch(name="After", enabled=False, trigger='type = "page"', settings=settings),
    )

    assert await routes(segment) == ["PATCH /destinations/{destinationId}/subscriptions/{id}"]
    stored = await segment.stored(destination.native_id)
    assert stored is not None
    [row] = stored["subscriptions"]
    assert (row["name"], row["enabled"], row["trigger"]) == ("After", False, 'type = "page"')
    assert row["settings"] == settings  # Segment replaces a subscription's settings whole
    assert updated.ref == current.ref
    assert (updated.name, updated.enabled, updated.trigger) == ("After", False, 'type = "page"')
    assert updated.action_id == current.action_id
    assert updated.updated_at is not None  # the update answer's own shape (reverseETLModelId, timestamps)
    assert updated.model_id is None


async def test_update_subscription_with_nothing_to_change_makes_no_call(segment: VendorUnderTest) -> None:
    destination, current = await created_subscription(segment)
    adapter = adapter_of(segment)

    assert await adapter.update_subscription(destination, current, SubscriptionPatch()) is current
    same = SubscriptionPatch(name=current.name, trigger=current.trigger, settings=dict(current.settings))
    assert await adapter.update_subscription(destination, current, same) is current
    assert await segment.calls() == []


async def test_update_subscription_refuses_a_masked_setting(segment: VendorUnderTest) -> None:
    destination, current = await created_subscription(segment)

    with pytest.raises(InvalidInputError) as caught:
        await adapter_of(segment).update_subscription(
            destination, current, SubscriptionPatch(settings={**current.settings, "password": "******"})
        )

    assert caught.value.field == ("input", "settings", "password")
    assert await segment.calls() == []


async def test_update_subscription_lets_segment_refusals_propagate(segment: VendorUnderTest) -> None:
    destination, current = await created_subscription(segment)
    adapter = adapter_of(segment)

    with pytest.raises(UpstreamRejected) as caught:
        await adapter.update_subscription(destination, current, SubscriptionPatch(trigger="type = "))
    assert caught.value.status == 422

    await adapter.delete_subscription(destination, current)
    with pytest.raises(UpstreamNotFound):
        await adapter.update_subscription(destination, current, SubscriptionPatch(name="Gone"))


async def test_delete_subscription_removes_it(segment: VendorUnderTest) -> None:
    destination, current = await created_subscription(segment)
    adapter = adapter_of(segment)

    await adapter.delete_subscription(destination, current)

    assert await routes(segment) == ["DELETE /destinations/{destinationId}/subscriptions/{id}"]
    stored = await segment.stored(destination.native_id)
    assert stored is not None and stored["subscriptions"] == []
    with pytest.raises(UpstreamNotFound):
        await adapter.delete_subscription(destination, current)
