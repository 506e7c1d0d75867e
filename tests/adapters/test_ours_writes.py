"""Ours Privacy writes through the real emulator: the calls made, what Ours stores, what comes back."""

from __future__ import annotations

import pytest

from destgraph.adapters.ours.adapter import OursAdapter
from destgraph.domain.models import Destination
from destgraph.domain.writes import DestinationDraft, DestinationPatch, SettingsChange, SubscriptionDraft
from destgraph.errors import (
    InvalidInputError,
    UnsupportedError,
    UpstreamNotFound,
    UpstreamRejected,
    UpstreamUnavailable,
)
from tests.adapters.conftest import VendorUnderTest

SECRET = "pk_live_secret_value_4242"
COLLECTION = "/rest/v1/destinations"
ONE = "/rest/v1/destinations/{id}"


def adapter_of(vendor: VendorUnderTest) -> OursAdapter:
    adapter = vendor.adapter()
    assert isinstance(adapter, OursAdapter)
    return adapter


def klaviyo(
    *, enabled: bool = True, source_ids: tuple[str, ...] = (), settings: dict | None = None
) -> DestinationDraft:
    return DestinationDraft(
        type_key="Klaviyo",
        name="Klaviyo from a test",
        enabled=enabled,
        settings={"projectAPIKey": SECRET, "listId": "AbC123"} if settings is None else settings,
        source_ids=source_ids,
    )


async def routes(vendor: VendorUnderTest) -> list[str]:
    return [c["route"] for c in await vendor.calls()]


async def existing(vendor: VendorUnderTest, **kwargs: object) -> Destination:
    created = await adapter_of(vendor).create_destination(klaviyo(**kwargs))  # type: ignore[arg-type]
    [current] = await adapter_of(vendor).get_destinations([created.destination.native_id])
    assert current is not None
    await vendor.clear_calls()
    return current


# -- create_destination ---------------------------------------------------------------------------


async def test_create_posts_type_name_and_settings_only(ours: VendorUnderTest) -> None:
    created = await adapter_of(ours).create_destination(klaviyo())

    assert await routes(ours) == [f"POST {COLLECTION}"]
    destination = created.destination
    stored = await ours.stored(destination.native_id)
    assert stored is not None
    assert (stored["type"], stored["name"], stored["status"]) == ("Klaviyo", "Klaviyo from a test", "Enabled")
    assert stored["settings"] == {"projectAPIKey": SECRET, "listId": "AbC123"}
    assert stored["limitedToSourceIds"] is None
    assert (destination.type_key, destination.name, destination.enabled) == ("Klaviyo", "Klaviyo from a test", True)
    assert destination.settings == {"projectAPIKey": "******", "listId": "AbC123"}
    assert destination.source_ids == ()
    assert destination.created_at is not None
    assert created.failures == ()


async def test_create_disabled_follows_with_a_patch_of_the_status(ours: VendorUnderTest) -> None:
    created = await adapter_of(ours).create_destination(klaviyo(enabled=False))

    assert await routes(ours) == [f"POST {COLLECTION}", f"PATCH {ONE}"]
    stored = await ours.stored(created.destination.native_id)
    assert stored is not None
    assert (stored["status"], stored["limitedToSourceIds"]) == ("Disabled", None)
    assert created.destination.enabled is False
    assert created.failures == ()


async def test_create_with_sources_follows_with_a_patch_of_the_sources(ours: VendorUnderTest) -> None:
    created = await adapter_of(ours).create_destination(klaviyo(source_ids=("src-1", "src-2")))

    assert await routes(ours) == [f"POST {COLLECTION}", f"PATCH {ONE}"]
    stored = await ours.stored(created.destination.native_id)
    assert stored is not None
    assert (stored["status"], stored["limitedToSourceIds"]) == ("Enabled", ["src-1", "src-2"])
    assert created.destination.source_ids == ("src-1", "src-2")
    assert stored["settings"]["projectAPIKey"] == SECRET


async def test_create_keeps_the_destination_when_the_follow_up_patch_fails(ours: VendorUnderTest) -> None:
    await ours.faults(queue=[500], methods=["PATCH"])

    created = await adapter_of(ours).create_destination(klaviyo(enabled=False, source_ids=("src-1",)))

    # A write is never retried: its 500 is read back, which shows it was not applied.
    assert await routes(ours) == [f"POST {COLLECTION}", f"PATCH {ONE}", f"GET {ONE}"]
    assert [path for path, _ in created.failures] == [("input", "enabled"), ("input", "sourceIds")]
    assert all(isinstance(error, UpstreamUnavailable) for _, error in created.failures)
    destination = created.destination
    assert (destination.enabled, destination.source_ids) == (True, ())  # as created, not as asked
    stored = await ours.stored(destination.native_id)
    assert stored is not None
    assert (stored["status"], stored["limitedToSourceIds"]) == ("Enabled", None)


async def test_create_reports_only_the_field_its_failed_patch_carried(ours: VendorUnderTest) -> None:
    await ours.faults(queue=[503], methods=["PATCH"], retry_after=0)

    created = await adapter_of(ours).create_destination(klaviyo(enabled=False))

    assert [path for path, _ in created.failures] == [("input", "enabled")]


async def test_create_leaves_out_null_settings_and_refuses_masked_ones(ours: VendorUnderTest) -> None:
    created = await adapter_of(ours).create_destination(klaviyo(settings={"projectAPIKey": SECRET, "listId": None}))
    stored = await ours.stored(created.destination.native_id)
    assert stored is not None and stored["settings"] == {"projectAPIKey": SECRET}
    await ours.clear_calls()

    with pytest.raises(InvalidInputError) as caught:
        await adapter_of(ours).create_destination(klaviyo(settings={"projectAPIKey": "******"}))

    assert caught.value.field == ("input", "settings", "projectAPIKey")
    assert await ours.calls() == []


async def test_create_lets_the_vendor_400_propagate_with_its_message(ours: VendorUnderTest) -> None:
    with pytest.raises(UpstreamRejected) as caught:
        await adapter_of(ours).create_destination(klaviyo(settings={"projectAPIKey": SECRET, "bogus": "x"}))

    assert caught.value.status == 400
    assert "settings.bogus: Unknown setting for destination type Klaviyo" in caught.value.vendor_message
    assert SECRET not in str(caught.value)
    assert await routes(ours) == [f"POST {COLLECTION}"]

    read_only = DestinationDraft(type_key="GoogleBigQuery", name="Warehouse", enabled=True, settings={})
    with pytest.raises(UpstreamRejected) as caught:
        await adapter_of(ours).create_destination(read_only)
    assert "cannot be created" in caught.value.vendor_message


# -- update_destination ---------------------------------------------------------------------------


async def test_update_merges_key_by_key_removing_nulls_and_keeping_the_untouched_secret(
    ours: VendorUnderTest,
) -> None:
    current = await existing(ours)
    assert current.settings["projectAPIKey"] == "******"
    merged = {"projectAPIKey": "******"}  # listId removed; the secret untouched, as Ours's mask

    updated = await adapter_of(ours).update_destination(
        current, DestinationPatch(settings=SettingsChange(merged=merged, changed={"listId": None}))
    )

    assert await routes(ours) == [f"PATCH {ONE}"]
    stored = await ours.stored(current.native_id)
    assert stored is not None
    assert stored["settings"] == {"projectAPIKey": SECRET}
    assert updated.settings == {"projectAPIKey": "******"}


async def test_update_replaces_a_secret_given_anew_and_ignores_a_masked_one(ours: VendorUnderTest) -> None:
    current = await existing(ours)
    adapter = adapter_of(ours)
    masked = {"projectAPIKey": "\u2022" * 8 + "4242", "listId": "XyZ789"}

    await adapter.update_destination(
        current, DestinationPatch(settings=SettingsChange(merged={**current.settings, **masked}, changed=masked))
    )
    stored = await ours.stored(current.native_id)
    assert stored is not None and stored["settings"] == {"projectAPIKey": SECRET, "listId": "XyZ789"}

    fresh = {"projectAPIKey": "pk_live_rotated_0001"}
    await adapter.update_destination(
        current, DestinationPatch(settings=SettingsChange(merged={**current.settings, **fresh}, changed=fresh))
    )
    stored = await ours.stored(current.native_id)
    assert stored is not None and stored["settings"]["projectAPIKey"] == "pk_live_rotated_0001"


async def test_update_sends_name_status_and_sources(ours: VendorUnderTest) -> None:
    current = await existing(ours)

    updated = await adapter_of(ours).update_destination(
        current, DestinationPatch(name="Renamed", enabled=False, source_ids=("src-9",))
    )

    assert await routes(ours) == [f"PATCH {ONE}"]
    stored = await ours.stored(current.native_id)
    assert stored is not None
    assert (stored["name"], stored["status"], stored["limitedToSourceIds"]) == ("Renamed", "Disabled", ["src-9"])
    assert stored["settings"]["projectAPIKey"] == SECRET
    assert (updated.name, updated.enabled, updated.source_ids) == ("Renamed", False, ("src-9",))


async def test_update_to_no_sources_clears_the_limit(ours: VendorUnderTest) -> None:
    current = await existing(ours, source_ids=("src-1",))
    assert current.source_ids == ("src-1",)

    updated = await adapter_of(ours).update_destination(current, DestinationPatch(source_ids=()))

    stored = await ours.stored(current.native_id)
    assert stored is not None and stored["limitedToSourceIds"] is None
    assert updated.source_ids == ()


@pytest.mark.parametrize(
    "patch",
    [
        DestinationPatch(),
        DestinationPatch(name="Klaviyo from a test", enabled=True, source_ids=()),
        DestinationPatch(settings=SettingsChange(merged={}, changed={"projectAPIKey": "******"})),
    ],
    ids=["empty", "same-values", "only-a-mask"],
)
async def test_update_with_nothing_changing_makes_no_call(ours: VendorUnderTest, patch: DestinationPatch) -> None:
    current = await existing(ours)

    assert await adapter_of(ours).update_destination(current, patch) is current
    assert await ours.calls() == []


async def test_update_lets_the_vendor_400_propagate_and_changes_nothing(ours: VendorUnderTest) -> None:
    current = await existing(ours)
    bad = {"listId": 12}

    with pytest.raises(UpstreamRejected) as caught:
        await adapter_of(ours).update_destination(
            current,
            DestinationPatch(
                name="Not applied", settings=SettingsChange(merged={**current.settings, **bad}, changed=bad)
            ),
        )

    assert caught.value.status == 400
    assert caught.value.vendor_message == "Invalid settings: settings.listId: Expected string, received number"
    stored = await ours.stored(current.native_id)
    assert stored is not None and (stored["name"], stored["settings"]["listId"]) == ("Klaviyo from a test", "AbC123")


async def test_update_of_a_deleted_destination_is_not_found(ours: VendorUnderTest) -> None:
    current = await existing(ours)
    await adapter_of(ours).delete_destination(current)

    with pytest.raises(UpstreamNotFound) as caught:
        await adapter_of(ours).update_destination(current, DestinationPatch(name="Too late"))

    assert current.native_id in str(caught.value)


# -- delete_destination ---------------------------------------------------------------------------


async def test_delete_removes_the_destination(ours: VendorUnderTest) -> None:
    current = await existing(ours)

    assert await adapter_of(ours).delete_destination(current) is None

    assert await routes(ours) == [f"DELETE {ONE}"]
    assert await ours.stored(current.native_id) is None
    with pytest.raises(UpstreamNotFound):
        await adapter_of(ours).delete_destination(current)


# -- no subscriptions -----------------------------------------------------------------------------


async def test_subscription_writes_are_unsupported(ours: VendorUnderTest) -> None:
    current = await existing(ours)

    with pytest.raises(UnsupportedError):
        await adapter_of(ours).create_subscription(current, SubscriptionDraft(name="n/a"))
    assert await ours.calls() == []
