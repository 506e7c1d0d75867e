"""Nimriz writes through the real emulator: the calls made, what Nimriz stores, what the adapter answers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from destgraph.adapters.nimriz.adapter import NimrizAdapter
from destgraph.domain.models import Destination, DestinationSubscription, SubscriptionRef
from destgraph.domain.queries import ListFilter
from destgraph.domain.secrets import MASK_PREFIX
from destgraph.domain.writes import (
    DestinationDraft,
    DestinationPatch,
    SettingsChange,
    SubscriptionDraft,
    SubscriptionPatch,
)
from destgraph.domain.writes import TestStepStatus as StepStatus
from destgraph.errors import (
    InvalidInputError,
    UpstreamNotFound,
    UpstreamRateLimited,
    UpstreamRejected,
    UpstreamUnavailable,
)
from tests.adapters.conftest import VendorUnderTest

LIST = "GET /api/integrations/destinations"
CREATE = "POST /api/integrations/destinations"
PUT = "PUT /api/integrations/destinations/{destination_id}"
DELETE = "DELETE /api/integrations/destinations/{destination_id}"
TEST_SEND = "POST /api/integrations/destinations/{destination_id}/test-send"

CLICKS_ONLY = {"include": {"event_types": ["link.clicked"]}, "exclude": {"bot_traffic": True}, "conditions": []}
QR_ONLY = {"include": {"event_types": ["link.qr_scanned"]}, "exclude": {}, "conditions": []}
RENAME_CAMPAIGN = {"base": "default", "overrides": [{"type": "rename", "source": "campaign", "target": "utm_campaign"}]}


def ga4_draft(*subscriptions: SubscriptionDraft) -> DestinationDraft:
    return DestinationDraft(
        type_key="ga4",
        name="GA4 web",
        enabled=True,
        settings={"measurement_id": "G-ABC123", "api_secret": "ga4-secret-value-1"},
        subscriptions=subscriptions
        or (
            SubscriptionDraft(name="Clicks", action_type="send_event", event_filter=CLICKS_ONLY),
            SubscriptionDraft(name="QR scans", action_type="send_event", enabled=False, event_filter=QR_ONLY),
        ),
    )


def adapter(nimriz: VendorUnderTest) -> NimrizAdapter:
    fresh = nimriz.adapter()
    assert isinstance(fresh, NimrizAdapter)
    return fresh


async def created(nimriz: VendorUnderTest, draft: DestinationDraft | None = None) -> Destination:
    """A new destination (two actions by default), with the request log cleared after it."""
    result = await adapter(nimriz).create_destination(draft or ga4_draft())
    await nimriz.clear_calls()
    return result.destination


async def reread(nimriz: VendorUnderTest, destination: Destination) -> Destination:
    """The destination as Nimriz holds it now, as a service reads it before a write."""
    [found] = await adapter(nimriz).get_destinations([destination.native_id], fresh=True)
    assert isinstance(found, Destination)
    return found


async def routes(nimriz: VendorUnderTest) -> list[str]:
    return [call["route"] for call in await nimriz.calls()]


async def stored(nimriz: VendorUnderTest, destination: Destination) -> dict[str, Any]:
    record = await nimriz.stored(destination.native_id)
    assert record is not None
    return record


def ids(actions: Any) -> list[str]:
    return [a["id"] if isinstance(a, dict) else a.ref.native_id for a in actions]


# -- create_destination -----------------------------------------------------------------------------


async def test_create_sends_the_destination_and_its_actions_in_one_call(nimriz: VendorUnderTest) -> None:
    await nimriz.clear_calls()
    result = await adapter(nimriz).create_destination(ga4_draft())

    assert await routes(nimriz) == [CREATE]
    record = await stored(nimriz, result.destination)
    assert record["credentials"] == {"measurement_id": "G-ABC123", "api_secret": "ga4-secret-value-1"}
    assert [(a["name"], a["enabled"], a["event_filter"]) for a in record["actions"]] == [
        ("Clicks", True, CLICKS_ONLY),
        ("QR scans", False, {**QR_ONLY, "exclude": {}}),
    ]
    destination = result.destination
    assert (destination.name, destination.type_key, destination.enabled) == ("GA4 web", "ga4", True)
    assert destination.settings == {"measurement_id": "G-ABC123", "api_secret": "[REDACTED]"}
    assert "api_secret" in destination.secret_keys
    assert ids(result.subscriptions) == ids(record["actions"])
    assert result.subscriptions[0].event_filter is not None
    assert result.subscriptions[0].event_filter.include.event_types == ("link.clicked",)
    assert result.failures == ()


async def test_create_defaults_the_action_type_to_the_only_one_the_type_takes(nimriz: VendorUnderTest) -> None:
    result = await adapter(nimriz).create_destination(ga4_draft(SubscriptionDraft(name="Everything")))
    record = await stored(nimriz, result.destination)
    assert [a["action_type"] for a in record["actions"]] == ["send_event"]
    assert record["actions"][0]["property_mapping"] == {"base": "default", "overrides": []}


async def test_create_refused_by_nimriz_raises_rejected_and_stores_nothing(nimriz: VendorUnderTest) -> None:
    before = len((await adapter(nimriz).list_destinations(cursor=None, limit=0, filter=ListFilter())).destinations)
    draft = ga4_draft(SubscriptionDraft(name="Conversions", action_type="send_conversion"))
    with pytest.raises(UpstreamRejected) as caught:
        await adapter(nimriz).create_destination(draft)
    assert caught.value.status == 400
    assert "VALIDATION_ERROR" in caught.value.vendor_message
    after = len((await adapter(nimriz).list_destinations(cursor=None, limit=0, filter=ListFilter())).destinations)
    assert after == before


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (
            DestinationDraft("ga4", "GA4", True, {"measurement_id": "G-ABC123", "api_secret": MASK_PREFIX + "ue-1"}),
            ("input", "settings", "api_secret"),
        ),
        (
            DestinationDraft("ga4", "GA4", True, {"api_secret": "x"}, source_ids=("src-1",)),
            ("input", "sourceIds"),
        ),
        (
            ga4_draft(SubscriptionDraft(name="A"), SubscriptionDraft(name="B", trigger='type = "track"')),
            ("input", "subscriptions", "1", "trigger"),
        ),
    ],
    ids=["masked-credential", "sources", "trigger"],
)
async def test_create_of_what_nimriz_cannot_express_is_refused_before_any_call(
    nimriz: VendorUnderTest, draft: DestinationDraft, field: tuple[str, ...]
) -> None:
    await nimriz.clear_calls()
    with pytest.raises(InvalidInputError) as caught:
        await adapter(nimriz).create_destination(draft)
    assert caught.value.field == field
    assert await nimriz.calls() == []


# -- update_destination -----------------------------------------------------------------------------


async def test_rename_keeps_every_action_and_its_id(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    before = await stored(nimriz, destination)

    updated = await adapter(nimriz).update_destination(destination, DestinationPatch(name="GA4 renamed"))

    assert await routes(nimriz) == [PUT]
    after = await stored(nimriz, destination)
    assert after["name"] == "GA4 renamed"
    assert after["actions"] == before["actions"]
    assert after["credentials"] == before["credentials"]
    assert updated.name == "GA4 renamed"
    assert ids(updated.subscriptions) == ids(before["actions"])


async def test_disable_keeps_actions_and_credentials(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    before = await stored(nimriz, destination)
    updated = await adapter(nimriz).update_destination(destination, DestinationPatch(enabled=False))
    after = await stored(nimriz, destination)
    assert (after["enabled"], updated.enabled) == (False, False)
    assert (after["actions"], after["credentials"]) == (before["actions"], before["credentials"])


async def test_rename_re_sends_the_actions_of_the_destination_as_given(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    extra = await adapter(nimriz).create_subscription(destination, SubscriptionDraft(name="Late"))
    # The caller reads the destination afresh under its lock, as the services do.
    destination = await reread(nimriz, destination)

    updated = await adapter(nimriz).update_destination(destination, DestinationPatch(name="Renamed"))

    assert extra.ref.native_id in ids(updated.subscriptions)
    assert len((await stored(nimriz, destination))["actions"]) == 3


async def test_credential_change_sends_the_whole_credentials_object(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    change = SettingsChange(
        merged={"measurement_id": "G-NEW999", "api_secret": "ga4-secret-value-2"},
        changed={"measurement_id": "G-NEW999", "api_secret": "ga4-secret-value-2"},
    )
    updated = await adapter(nimriz).update_destination(destination, DestinationPatch(settings=change))

    after = await stored(nimriz, destination)
    assert after["credentials"] == {"measurement_id": "G-NEW999", "api_secret": "ga4-secret-value-2"}
    assert len(after["actions"]) == 2
    assert updated.settings == {"measurement_id": "G-NEW999", "api_secret": "[REDACTED]"}


async def test_credential_removed_by_the_caller_is_left_out(nimriz: VendorUnderTest) -> None:
    draft = DestinationDraft(
        "posthog", "PostHog", True, {"api_key": "phc_secret_value_1", "host": "https://eu.posthog.com"}
    )
    destination = await created(nimriz, draft)
    change = SettingsChange(
        merged={"api_key": "phc_secret_value_2", "host": None}, changed={"api_key": "phc_secret_value_2", "host": None}
    )
    await adapter(nimriz).update_destination(destination, DestinationPatch(settings=change))
    assert (await stored(nimriz, destination))["credentials"] == {"api_key": "phc_secret_value_2"}


async def test_credential_change_without_every_secret_is_refused_before_any_call(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    # The caller changed only the measurement id: the secret is still the vendor's mask.
    change = SettingsChange(
        merged={"measurement_id": "G-NEW999", "api_secret": "[REDACTED]"}, changed={"measurement_id": "G-NEW999"}
    )
    with pytest.raises(InvalidInputError) as caught:
        await adapter(nimriz).update_destination(destination, DestinationPatch(settings=change))

    assert caught.value.field == ("input", "settings", "api_secret")
    assert "replaces credentials whole" in caught.value.message
    assert await nimriz.calls() == []
    assert (await stored(nimriz, destination))["credentials"]["api_secret"] == "ga4-secret-value-1"


async def test_update_of_a_destination_gone_meanwhile_raises_not_found_and_creates_nothing(
    nimriz: VendorUnderTest,
) -> None:
    destination = await created(nimriz)
    await adapter(nimriz).delete_destination(destination)
    with pytest.raises(UpstreamNotFound):
        await adapter(nimriz).update_destination(destination, DestinationPatch(name="Ghost"))
    assert await nimriz.stored(destination.native_id) is None


async def test_update_refused_by_nimriz_raises_rejected(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    change = SettingsChange(merged={"measurement_id": "not-a-ga4-id", "api_secret": "s3cr3t-value"}, changed={})
    with pytest.raises(UpstreamRejected) as caught:
        await adapter(nimriz).update_destination(destination, DestinationPatch(settings=change))
    assert caught.value.status == 400
    assert "credentials.measurement_id" in caught.value.vendor_message
    assert "s3cr3t-value" not in str(caught.value)
    assert (await stored(nimriz, destination))["credentials"]["measurement_id"] == "G-ABC123"


# -- delete_destination -----------------------------------------------------------------------------


async def test_delete_removes_the_destination_and_a_second_delete_is_not_found(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    await adapter(nimriz).delete_destination(destination)
    assert await routes(nimriz) == [DELETE]
    assert await nimriz.stored(destination.native_id) is None
    with pytest.raises(UpstreamNotFound):
        await adapter(nimriz).delete_destination(destination)


# -- subscriptions (actions) ------------------------------------------------------------------------


async def test_create_subscription_appends_an_action_and_keeps_the_others(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    before = await stored(nimriz, destination)
    draft = SubscriptionDraft(
        name="Mapped clicks", action_type="send_event", event_filter=CLICKS_ONLY, property_mapping=RENAME_CAMPAIGN
    )

    subscription = await adapter(nimriz).create_subscription(destination, draft)

    assert await routes(nimriz) == [PUT]
    after = await stored(nimriz, destination)
    assert after["actions"][:2] == before["actions"]
    assert after["actions"][2]["id"] == subscription.ref.native_id
    assert after["actions"][2]["property_mapping"] == RENAME_CAMPAIGN
    assert after["credentials"] == before["credentials"]
    assert (subscription.name, subscription.action_type, subscription.enabled) == ("Mapped clicks", "send_event", True)
    assert subscription.property_mapping is not None
    assert subscription.property_mapping.overrides[0].spec == {"source": "campaign", "target": "utm_campaign"}


async def test_update_subscription_replaces_one_action_and_keeps_the_others(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    before = await stored(nimriz, destination)
    current = destination.subscriptions[1]  # type: ignore[index]
    patch = SubscriptionPatch(
        name="QR scans (on)", enabled=True, event_filter=CLICKS_ONLY, property_mapping=RENAME_CAMPAIGN
    )

    updated = await adapter(nimriz).update_subscription(destination, current, patch)

    assert await routes(nimriz) == [PUT]
    after = await stored(nimriz, destination)
    assert after["actions"][0] == before["actions"][0]
    assert after["actions"][1] == {
        **before["actions"][1],
        "name": "QR scans (on)",
        "enabled": True,
        "event_filter": CLICKS_ONLY,
        "property_mapping": RENAME_CAMPAIGN,
    }
    assert updated.ref.native_id == current.ref.native_id
    assert (updated.name, updated.enabled) == ("QR scans (on)", True)


async def test_update_subscription_leaves_fields_not_in_the_patch(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    before = await stored(nimriz, destination)
    current = destination.subscriptions[0]  # type: ignore[index]
    await adapter(nimriz).update_subscription(destination, current, SubscriptionPatch(enabled=False))
    after = await stored(nimriz, destination)
    assert after["actions"][0] == {**before["actions"][0], "enabled": False}


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        (SubscriptionPatch(name="x", trigger='type = "track"'), ("input", "trigger")),
        (SubscriptionPatch(settings={"batch": True}), ("input", "settings")),
    ],
    ids=["trigger", "settings"],
)
async def test_update_subscription_of_what_nimriz_cannot_express_is_refused_before_any_call(
    nimriz: VendorUnderTest, patch: SubscriptionPatch, field: tuple[str, ...]
) -> None:
    destination = await created(nimriz)
    with pytest.raises(InvalidInputError) as caught:
        await adapter(nimriz).update_subscription(destination, destination.subscriptions[0], patch)  # type: ignore[index]
    assert caught.value.field == field
    assert await nimriz.calls() == []


async def test_create_subscription_with_a_trigger_is_refused_before_any_call(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    with pytest.raises(InvalidInputError) as caught:
        await adapter(nimriz).create_subscription(destination, SubscriptionDraft(name="x", trigger="true"))
    assert caught.value.field == ("input", "trigger")
    assert await nimriz.calls() == []


async def test_delete_subscription_removes_one_action_and_keeps_the_others(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    before = await stored(nimriz, destination)

    await adapter(nimriz).delete_subscription(destination, destination.subscriptions[0])  # type: ignore[index]

    assert await routes(nimriz) == [PUT]
    assert (await stored(nimriz, destination))["actions"] == before["actions"][1:]


async def test_deleting_the_last_action_leaves_the_destination_with_none(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz, ga4_draft(SubscriptionDraft(name="Only")))
    await adapter(nimriz).delete_subscription(destination, destination.subscriptions[0])  # type: ignore[index]
    record = await stored(nimriz, destination)
    assert record["actions"] == []
    assert record["credentials"]["api_secret"] == "ga4-secret-value-1"


async def test_writes_to_an_action_gone_meanwhile_raise_not_found_without_a_put(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    gone = destination.subscriptions[0]  # type: ignore[index]
    await adapter(nimriz).delete_subscription(destination, gone)
    destination = await reread(nimriz, destination)
    await nimriz.clear_calls()

    with pytest.raises(UpstreamNotFound):
        await adapter(nimriz).update_subscription(destination, gone, SubscriptionPatch(name="Back"))
    with pytest.raises(UpstreamNotFound):
        await adapter(nimriz).delete_subscription(destination, gone)
    assert await routes(nimriz) == []


async def test_create_subscription_on_a_destination_gone_meanwhile_raises_not_found(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    await adapter(nimriz).delete_destination(destination)
    with pytest.raises(UpstreamNotFound):
        await adapter(nimriz).create_subscription(destination, SubscriptionDraft(name="x"))


async def test_create_subscription_refused_by_nimriz_leaves_the_actions_as_they_were(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    before = await stored(nimriz, destination)
    bad_filter = {"include": {"event_types": ["card.viewed"]}}
    with pytest.raises(UpstreamRejected) as caught:
        await adapter(nimriz).create_subscription(destination, SubscriptionDraft(name="x", event_filter=bad_filter))
    assert caught.value.status == 400
    assert "actions[2].event_filter.include.event_types[0]" in caught.value.vendor_message
    assert (await stored(nimriz, destination))["actions"] == before["actions"]


async def test_a_failed_put_releases_the_lock_for_the_next_write(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    await nimriz.faults(queue=[500], methods=["PUT"])
    with pytest.raises(UpstreamUnavailable):
        await adapter(nimriz).create_subscription(destination, SubscriptionDraft(name="Lost"))
    made = await asyncio.wait_for(adapter(nimriz).create_subscription(destination, SubscriptionDraft(name="Kept")), 2)
    assert ids((await stored(nimriz, destination))["actions"])[-1] == made.ref.native_id


async def test_a_write_is_not_retried_when_nimriz_is_rate_limited(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    await nimriz.faults(queue=[429], methods=["PUT"], retry_after=0)
    with pytest.raises(UpstreamRateLimited):
        await adapter(nimriz).update_destination(destination, DestinationPatch(name="Later"))
    assert (await routes(nimriz)).count(PUT) == 1


# -- test_destination (test-send) -------------------------------------------------------------------


async def test_test_send_without_an_action_uses_the_first_enabled_one(nimriz: VendorUnderTest) -> None:
    destination = await created(
        nimriz,
        ga4_draft(SubscriptionDraft(name="Off", enabled=False), SubscriptionDraft(name="On", event_filter=QR_ONLY)),
    )

    outcome = await adapter(nimriz).test_destination(destination, None)

    assert await routes(nimriz) == [TEST_SEND]
    on = destination.subscriptions[1]  # type: ignore[index]
    assert outcome.success is True
    assert outcome.subscription == on
    assert [(s.name, s.status) for s in outcome.steps] == [("queued", StepStatus.PASSED)]
    assert "link.qr_scanned" in (outcome.steps[0].message or "")
    assert "'On'" in (outcome.steps[0].message or "")
    events = (await stored(nimriz, destination))["test_events"]
    assert [(e["action_id"], e["status"]) for e in events] == [(on.ref.native_id, "queued")]


async def test_test_send_for_a_named_action(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz, ga4_draft(SubscriptionDraft(name="One"), SubscriptionDraft(name="Two")))
    two = destination.subscriptions[1]  # type: ignore[index]

    outcome = await adapter(nimriz).test_destination(destination, two)

    assert outcome.subscription == two
    assert [e["action_id"] for e in (await stored(nimriz, destination))["test_events"]] == [two.ref.native_id]


async def test_test_send_names_an_action_added_after_the_destination_was_read(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz, ga4_draft(SubscriptionDraft(name="Off", enabled=False)))
    added = await adapter(nimriz).create_subscription(destination, SubscriptionDraft(name="New"))
    outcome = await adapter(nimriz).test_destination(destination, None)
    assert outcome.subscription is not None
    assert outcome.subscription.ref.native_id == added.ref.native_id


async def test_test_send_of_a_disabled_action_raises_rejected(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    disabled = destination.subscriptions[1]  # type: ignore[index]
    with pytest.raises(UpstreamRejected) as caught:
        await adapter(nimriz).test_destination(destination, disabled)
    assert caught.value.status == 422
    assert "ACTION_DISABLED" in caught.value.vendor_message


async def test_test_send_without_an_enabled_action_raises_rejected(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz, ga4_draft(SubscriptionDraft(name="Off", enabled=False)))
    with pytest.raises(UpstreamRejected) as caught:
        await adapter(nimriz).test_destination(destination, None)
    assert caught.value.status == 422
    assert "NO_ENABLED_ACTION" in caught.value.vendor_message


async def test_test_send_of_an_unknown_action_raises_not_found(nimriz: VendorUnderTest) -> None:
    destination = await created(nimriz)
    ghost = DestinationSubscription(
        ref=SubscriptionRef(destination.ref, "no-such-action"),
        name="Ghost",
        enabled=True,
        raw={},
    )
    with pytest.raises(UpstreamNotFound):
        await adapter(nimriz).test_destination(destination, ghost)
