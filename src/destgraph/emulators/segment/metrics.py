"""Delivery metrics: the window a request asks for, its limits, and a deterministic summary.

Limits are the current contract's (segment-public-api.md section 4, API 73.2.0): MINUTE at most 4 hours
starting at most 48 hours ago, HOUR 7 days / 7 days, DAY 14 days / 14 days. Default windows end now and
start 1 hour, 7 days or 30 days before the end. The DAY default (30 days) breaks the DAY limit (14 days):
both are documented, so a DAY request without ``startTime`` is refused with a 422 naming ``startTime``,
as a literal implementation of both rules would do; send ``startTime`` with DAY.

Values are a per-destination event rate (derived from the seed and the destination id) times the part
of the window that is not in the future, so they are deterministic and proportional to the window. A
disabled destination delivers nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from destgraph.emulators.core import parse_timestamp
from destgraph.emulators.segment.errors import invalid

GRANULARITIES = ("DAY", "HOUR", "MINUTE")


@dataclass(frozen=True)
class Limits:
    max_range: timedelta
    oldest_start: timedelta
    default_window: timedelta
    words: str
    default_words: str


LIMITS = {
    "MINUTE": Limits(timedelta(hours=4), timedelta(hours=48), timedelta(hours=1), "4 hours / 48 hours", "1 hour"),
    "HOUR": Limits(timedelta(days=7), timedelta(days=7), timedelta(days=7), "7 days / 7 days", "7 days"),
    "DAY": Limits(timedelta(days=14), timedelta(days=14), timedelta(days=30), "14 days / 14 days", "30 days"),
}
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime
    granularity: str


def _timestamp(name: str, text: str) -> datetime:
    if not _RFC3339.match(text.strip()):
        raise invalid(name, f"{name} must be an RFC 3339 timestamp such as 2024-01-02T15:04:05.000Z")
    try:
        return parse_timestamp(text)
    except ValueError:
        raise invalid(name, f"{name} must be an RFC 3339 timestamp such as 2024-01-02T15:04:05.000Z") from None


def window_of(params: dict[str, str], now: datetime) -> Window:
    """Validate startTime, endTime and granularity against the documented defaults and limits."""
    granularity = params.get("granularity") or "MINUTE"
    if granularity not in GRANULARITIES:
        raise invalid("granularity", "granularity must be one of DAY, HOUR, MINUTE")
    limits = LIMITS[granularity]
    end = _timestamp("endTime", params["endTime"]) if params.get("endTime") else now
    if params.get("startTime"):
        start = _timestamp("startTime", params["startTime"])
        defaulted = ""
    else:
        start = end - limits.default_window
        defaulted = f" (startTime defaults to {limits.default_words} before endTime)"
    if start > end:
        raise invalid("startTime", "startTime must not be after endTime")
    if end - start > limits.max_range:
        raise invalid(
            "startTime",
            f"the time range is longer than {granularity} granularity allows ({limits.words}){defaulted}",
        )
    if start < now - limits.oldest_start:
        raise invalid(
            "startTime",
            f"startTime is further in the past than {granularity} granularity allows ({limits.words}){defaulted}",
        )
    return Window(start=start, end=end, granularity=granularity)


def summary(*, seed: int, destination_id: str, enabled: bool, window: Window, now: datetime) -> list[dict[str, Any]]:
    """The MetricBeta list: successes, expired, discarded, retried, time_to_success, time_to_first_attempt."""
    digest = hashlib.sha256(f"{seed}:{destination_id}".encode()).digest()
    per_minute = 5 + int.from_bytes(digest[:2], "big") % 400
    retry_share = 0.02 + digest[2] / 255 * 0.06
    expire_share = digest[3] / 255 * 0.004
    discard_share = 0.005 + digest[4] / 255 * 0.015
    latency_ms = 120 + int.from_bytes(digest[5:7], "big") % 1400
    first_attempt_ms = 40 + digest[7] % 300

    elapsed = max(0.0, (min(window.end, now) - window.start).total_seconds())
    events = int(per_minute * elapsed / 60) if enabled else 0
    expired = int(events * expire_share)
    discarded = int(events * discard_share)
    successes = events - expired - discarded
    after_retry = int(successes * retry_share)
    retried = after_retry + expired
    success_avg = latency_ms if successes else 0
    first_avg = first_attempt_ms if events else 0
    return [
        {
            "metricName": "successes",
            "total": successes,
            "breakdown": [
                {"metricName": "successes_on_first_attempt", "value": successes - after_retry},
                {"metricName": "successes_after_retry", "value": after_retry},
            ],
        },
        {"metricName": "expired", "total": expired},
        {"metricName": "discarded", "total": discarded},
        {"metricName": "retried", "total": retried},
        {
            "metricName": "time_to_success",
            "total": success_avg,
            "breakdown": [
                {"metricName": "time_to_success_average", "value": success_avg},
                {"metricName": "time_to_success_p95", "value": success_avg * 3},
            ],
        },
        {
            "metricName": "time_to_first_attempt",
            "total": first_avg,
            "breakdown": [
                {"metricName": "time_to_first_attempt_average", "value": first_avg},
                {"metricName": "time_to_first_attempt_p95", "value": first_avg * 2},
            ],
        },
    ]
