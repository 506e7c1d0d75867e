"""Segment delivery metrics (beta): required sourceId, RFC 3339 windows, granularity limits, deterministic values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from destgraph.emulators.segment import DEFAULT_SOURCE_ID
from destgraph.emulators.segment.catalog import GA4_ID
from destgraph.emulators.segment.seed import DOCS_DESTINATION_ID, SAMPLE_GA4_DESTINATION_ID
from tests.emulators.conftest import EmulatorHandle

PATH = f"/destinations/{DOCS_DESTINATION_ID}/delivery-metrics"
METRICS = ["successes", "expired", "discarded", "retried", "time_to_success", "time_to_first_attempt"]


async def now_of(segment: EmulatorHandle) -> datetime:
    """The emulator's clock, so windows are relative to its now (in both modes)."""
    clock = (await segment.control.get("/_emulator/clock")).json()
    return datetime.fromisoformat(clock["now"])


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def metrics(segment: EmulatorHandle, **params: str) -> dict[str, int]:
    response = await segment.client.get(PATH, params={"sourceId": DEFAULT_SOURCE_ID, **params})
    assert response.status_code == 200, response.text
    return {m["metricName"]: m["total"] for m in response.json()["data"]["deliveryMetricsSummary"]["metrics"]}


@pytest.mark.loopback
async def test_delivery_metrics_answer_the_documented_metrics_and_breakdowns(segment: EmulatorHandle) -> None:
    response = await segment.client.get(PATH, params={"sourceId": DEFAULT_SOURCE_ID})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.segment.v1beta+json"
    summary = response.json()["data"]["deliveryMetricsSummary"]
    assert summary["sourceId"] == DEFAULT_SOURCE_ID
    assert summary["destinationMetadataId"] == GA4_ID
    assert [m["metricName"] for m in summary["metrics"]] == METRICS
    breakdowns = {m["metricName"]: [b["metricName"] for b in m.get("breakdown", [])] for m in summary["metrics"]}
    assert breakdowns["successes"] == ["successes_on_first_attempt", "successes_after_retry"]
    assert breakdowns["time_to_success"] == ["time_to_success_average", "time_to_success_p95"]
    assert breakdowns["time_to_first_attempt"] == ["time_to_first_attempt_average", "time_to_first_attempt_p95"]
    successes = summary["metrics"][0]
    assert successes["total"] > 0
    assert sum(b["value"] for b in successes["breakdown"]) == successes["total"]


@pytest.mark.loopback
async def test_delivery_metrics_without_source_id_is_422(segment: EmulatorHandle) -> None:
    response = await segment.client.get(PATH)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "sourceId"


async def test_delivery_metrics_for_another_source_is_404_naming_source_id(segment: EmulatorHandle) -> None:
    response = await segment.client.get(PATH, params={"sourceId": "someOtherSource0000000"})
    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "sourceId"


async def test_delivery_metrics_of_unknown_destination_is_404(segment: EmulatorHandle) -> None:
    response = await segment.client.get(
        "/destinations/noSuchDestination00000/delivery-metrics", params={"sourceId": DEFAULT_SOURCE_ID}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("granularity", ["SECOND", "minute", "WEEK"])
async def test_unknown_granularity_is_422(segment: EmulatorHandle, granularity: str) -> None:
    response = await segment.client.get(PATH, params={"sourceId": DEFAULT_SOURCE_ID, "granularity": granularity})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "granularity"


@pytest.mark.parametrize("value", ["yesterday", "2024-01-01", "2024-01-01T00:00:00", "1700000000"])
@pytest.mark.parametrize("name", ["startTime", "endTime"])
async def test_non_rfc3339_times_are_422(segment: EmulatorHandle, name: str, value: str) -> None:
    response = await segment.client.get(PATH, params={"sourceId": DEFAULT_SOURCE_ID, name: value})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == name


async def test_start_after_end_is_422(segment: EmulatorHandle) -> None:
    now = await now_of(segment)
    params = {"startTime": stamp(now - timedelta(minutes=5)), "endTime": stamp(now - timedelta(minutes=10))}
    response = await segment.client.get(PATH, params={"sourceId": DEFAULT_SOURCE_ID, **params})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "startTime"


@pytest.mark.parametrize(
    ("granularity", "start_ago", "end_ago"),
    [
        ("MINUTE", timedelta(hours=4, minutes=2), timedelta(minutes=1)),
        ("MINUTE", timedelta(hours=49), timedelta(hours=48, minutes=30)),
        ("HOUR", timedelta(days=7, minutes=30), timedelta(minutes=10)),
        ("HOUR", timedelta(days=7, hours=2), timedelta(days=7, hours=1)),
        ("DAY", timedelta(days=14, hours=1), timedelta(minutes=10)),
        ("DAY", timedelta(days=15), timedelta(days=14, hours=12)),
    ],
)
async def test_ranges_past_the_documented_limits_are_422(
    segment: EmulatorHandle, granularity: str, start_ago: timedelta, end_ago: timedelta
) -> None:
    now = await now_of(segment)
    params = {"granularity": granularity, "startTime": stamp(now - start_ago), "endTime": stamp(now - end_ago)}
    response = await segment.client.get(PATH, params={"sourceId": DEFAULT_SOURCE_ID, **params})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "startTime"


@pytest.mark.parametrize(
    ("granularity", "span"),
    [("MINUTE", timedelta(hours=4)), ("HOUR", timedelta(days=6)), ("DAY", timedelta(days=13))],
)
async def test_ranges_within_the_limits_are_accepted(
    segment: EmulatorHandle, granularity: str, span: timedelta
) -> None:
    now = await now_of(segment)
    params = {"granularity": granularity, "startTime": stamp(now - span), "endTime": stamp(now)}
    assert (await metrics(segment, **params))["successes"] > 0


@pytest.mark.parametrize("granularity", ["MINUTE", "HOUR"])
async def test_default_windows_are_accepted(segment: EmulatorHandle, granularity: str) -> None:
    assert (await metrics(segment, granularity=granularity))["successes"] > 0


async def test_day_without_start_time_is_422_because_its_default_exceeds_its_limit(segment: EmulatorHandle) -> None:
    response = await segment.client.get(PATH, params={"sourceId": DEFAULT_SOURCE_ID, "granularity": "DAY"})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "startTime"
    assert "30 days" in error["message"]


async def test_default_granularity_is_minute_with_a_one_hour_window(segment: EmulatorHandle) -> None:
    now = await now_of(segment)
    explicit = await metrics(
        segment, granularity="MINUTE", startTime=stamp(now - timedelta(hours=1)), endTime=stamp(now)
    )
    defaulted = await metrics(segment)
    # Both windows end at "now"; the emulator's clock moved a little between the two calls at most.
    assert abs(defaulted["successes"] - explicit["successes"]) <= explicit["successes"] * 0.01 + 5


async def test_values_are_proportional_to_the_window(segment: EmulatorHandle) -> None:
    now = await now_of(segment)
    one = await metrics(segment, startTime=stamp(now - timedelta(hours=2)), endTime=stamp(now - timedelta(hours=1)))
    two = await metrics(segment, startTime=stamp(now - timedelta(hours=3)), endTime=stamp(now - timedelta(hours=1)))
    assert one["successes"] > 0
    assert abs(two["successes"] - 2 * one["successes"]) <= 2


async def test_values_are_deterministic_for_a_window(segment: EmulatorHandle) -> None:
    now = await now_of(segment)
    window = {"startTime": stamp(now - timedelta(hours=2)), "endTime": stamp(now - timedelta(hours=1))}
    assert await metrics(segment, **window) == await metrics(segment, **window)


async def test_disabled_destination_delivers_nothing(segment: EmulatorHandle) -> None:
    path = f"/destinations/{SAMPLE_GA4_DESTINATION_ID}/delivery-metrics"
    response = await segment.client.get(path, params={"sourceId": DEFAULT_SOURCE_ID})
    totals = {m["metricName"]: m["total"] for m in response.json()["data"]["deliveryMetricsSummary"]["metrics"]}
    assert totals == dict.fromkeys(METRICS, 0)


async def test_metrics_answer_v1alpha_when_asked(segment: EmulatorHandle) -> None:
    response = await segment.client.get(
        PATH,
        params={"sourceId": DEFAULT_SOURCE_ID},
        headers={"Accept": "application/vnd.segment.v1alpha+json"},
    )
    assert response.headers["content-type"] == "application/vnd.segment.v1alpha+json"


async def test_metrics_follow_the_emulator_clock(segment: EmulatorHandle) -> None:
    before = await now_of(segment)
    await segment.advance_clock(3600)
    after = await now_of(segment)
    assert after - before >= timedelta(hours=1)
    # An hour that was 47 hours ago is now past MINUTE's 48-hour limit.
    start = before - timedelta(hours=47, minutes=30)
    params = {"startTime": stamp(start), "endTime": stamp(start + timedelta(hours=1))}
    response = await segment.client.get(PATH, params={"sourceId": DEFAULT_SOURCE_ID, **params})
    assert response.status_code == 422
