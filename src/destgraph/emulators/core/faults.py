"""Fault injection: what the control API can make an emulator do to the requests it receives.

A fault plan applies to vendor calls only. In order: the down switch answers 503 to everything;
queued statuses answer the next calls one each (deterministic, for retry tests; 0 lets one call
through, so ``[0, 500]`` fails the second); otherwise the
latency (fixed plus uniform jitter) is slept, and an error status may be drawn from the error rates.
``sse_step_delay_ms`` slows each event of a server-sent-event stream.

``corrupt`` (``{"kind": K, "field": NAME, "limit": N}``) mangles the reply the vendor's handler
produced, after the handler ran (a create or update stays applied). Only replies the handler
answered are corrupted, not the down switch, injected errors, auth failures or rate limits:
- ``drop_field``: removes key ``field`` from the first ``limit`` JSON objects having it (all of
  them without a limit), depth first in document order;
- ``wrong_type``: gives key ``field`` of those objects a value of another JSON type (string ->
  ``12345``, number -> ``"not-a-number"``, bool -> ``"yes"``, list -> ``{"unexpected": true}``,
  object -> ``"unexpected"``, null -> ``0``);
- ``truncate``: cuts the body to half its bytes, status and content type kept;
- ``html``: a proxy's ``502 Bad Gateway`` HTML page as the body (``text/html``), status kept;
- ``empty``: status 200 and an empty body;
- ``error_200``: status 200 with the vendor's own error body for a 500.
``drop_field`` and ``wrong_type`` need ``field`` and touch JSON bodies only (``application/json``
or ``+json``); the others take neither ``field`` nor ``limit`` and touch any body. Server-sent
event streams (``text/event-stream``) are never corrupted. Content-Length follows the new body,
and the request log marks a corrupted call with ``"corrupted": K``; a reply the plan left as it
was (no such field, an empty body to truncate) is not marked.

``after_commit`` (``{"kind": K, ..., "limit": N, "rate": P}``) acts on a call after the vendor's
handler applied it (or, for ``slow``, makes sure the handler applies it whatever the client does),
so a gateway can meet writes that landed although their reply never did. Like ``corrupt`` it
touches only calls that reach the handler, not the down switch, injected errors, auth failures or
rate limits. ``rate`` (a probability in (0, 1]; omitted: 1) is drawn for each matching call from
the emulator's seeded random generator: the fault acts on a call with that probability. ``limit``
(a positive integer; omitted: no cap) counts down the calls the fault still acts on (``GET
/_emulator/faults`` shows what is left). The two combine: with both, each matching call is
affected with probability ``rate`` until ``limit`` calls were (a call the draw spared does not
count); ``limit`` alone affects the next N matching calls, ``rate`` alone a share of all of them.
- ``{"kind": "drop", "mode": "close"}``: the handler runs to completion, then the reply is lost:
  its status line and headers (with the real Content-Length) are sent and the call raises
  ``ReplyLost``, so over a socket the server closes the connection mid-reply and the client sees
  ``httpx.RemoteProtocolError``; over ``httpx.ASGITransport`` the client gets the ``ReplyLost``
  itself, which is an ``httpx.RemoteProtocolError`` too. (A reply with no body at all arrives
  whole over a socket: only its body can be lost.)
- ``{"kind": "drop", "mode": "stall", "stall_ms": MS}``: the handler runs to completion, then its
  reply is held ``stall_ms`` before it is sent: a client with a shorter timeout times out.
- ``{"kind": "status", "status": S}`` (S in 500, 502, 503, 504): the handler runs to completion,
  then the client gets S in the vendor's own error body instead of the handler's reply.
- ``{"kind": "slow", "delay_ms": MS}``: the call waits ``delay_ms`` before the handler, and the
  wait and the handler run in a task shielded from the caller: a client that gives up (or whose
  task is cancelled) meanwhile does not stop the handler from applying the call a moment later.
The request log marks such calls with ``"after_commit": K`` and logs the status the handler
answered, not what the client got; ``applied`` says whether the handler ran to completion.

``path_pattern`` and ``methods`` narrow every fault above, corruption and ``after_commit`` included,
to the calls they match.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

INJECTABLE_STATUSES = frozenset({429, 500, 502, 503, 504})

#: the ways ``corrupt`` can mangle a reply; the first two change fields of a JSON body
CORRUPT_KINDS = ("drop_field", "wrong_type", "truncate", "html", "empty", "error_200")
FIELD_KINDS = frozenset({"drop_field", "wrong_type"})

#: what a proxy in front of the vendor answers when the vendor's reply does not reach it
HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n"
    b"<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
)
HTML_CONTENT_TYPE = "text/html; charset=utf-8"

#: what ``after_commit`` can do to a call the vendor's handler applied
AFTER_COMMIT_KINDS = ("drop", "status", "slow")
#: how ``drop`` loses the reply: the connection closes mid-reply, or the reply is held
DROP_MODES = ("close", "stall")
AFTER_COMMIT_STATUSES = (500, 502, 503, 504)
#: the longest ``stall_ms`` or ``delay_ms`` accepted: an hour
MAX_AFTER_COMMIT_MS = 3_600_000


class FaultPlanError(ValueError):
    """A fault plan sent to the control API that cannot be applied."""


class ReplyLost(httpx.RemoteProtocolError):
    """Raised by the emulator after it sent a reply's head, to lose the rest (``drop``/``close``).

    Over a socket the server closes the connection and the client's httpx raises its own
    ``RemoteProtocolError``; over ``httpx.ASGITransport`` this exception reaches the client as it
    is, so both transports give the same error type.
    """


@dataclass
class FaultPlan:
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    #: status -> probability in [0, 1]; the sum may not exceed 1
    error_rates: dict[int, float] = field(default_factory=dict)
    #: seconds sent in Retry-After with injected 429s (and 503s, where > 0)
    retry_after: int = 1
    down: bool = False
    #: statuses answered to the next calls, one each, before anything else
    queue: deque[int] = field(default_factory=deque)
    sse_step_delay_ms: float = 0.0
    #: only requests whose path matches this regular expression (and method, if set) are affected
    path_pattern: str | None = None
    methods: frozenset[str] | None = None
    #: how to mangle the handler's reply, if at all
    corrupt: Corruption | None = None
    #: what to do to a call after the vendor's handler applied it, if anything
    after_commit: AfterCommit | None = None

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> FaultPlan:
        known = {
            "latency_ms",
            "jitter_ms",
            "error_rates",
            "retry_after",
            "down",
            "queue",
            "sse_step_delay_ms",
            "path_pattern",
            "methods",
            "corrupt",
            "after_commit",
        }
        unknown = set(body) - known
        if unknown:
            raise FaultPlanError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        try:
            plan = cls(
                latency_ms=_non_negative(body.get("latency_ms", 0), "latency_ms"),
                jitter_ms=_non_negative(body.get("jitter_ms", 0), "jitter_ms"),
                error_rates={_status(k): _probability(v) for k, v in (body.get("error_rates") or {}).items()},
                retry_after=int(_non_negative(body.get("retry_after", 1), "retry_after")),
                down=bool(body.get("down", False)),
                queue=deque(0 if s == 0 else _status(s) for s in body.get("queue") or []),
                sse_step_delay_ms=_non_negative(body.get("sse_step_delay_ms", 0), "sse_step_delay_ms"),
                path_pattern=body.get("path_pattern"),
                methods=frozenset(m.upper() for m in body["methods"]) if body.get("methods") else None,
                corrupt=Corruption.from_json(body.get("corrupt")),
                after_commit=AfterCommit.from_json(body.get("after_commit")),
            )
        except (TypeError, AttributeError) as exc:
            raise FaultPlanError(f"malformed fault plan: {exc}") from exc
        if sum(plan.error_rates.values()) > 1:
            raise FaultPlanError("error_rates add up to more than 1")
        if plan.path_pattern is not None:
            try:
                re.compile(plan.path_pattern)
            except re.error as exc:
                raise FaultPlanError(f"path_pattern is not a regular expression: {exc}") from exc
        return plan

    def to_json(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "jitter_ms": self.jitter_ms,
            "error_rates": {str(k): v for k, v in self.error_rates.items()},
            "retry_after": self.retry_after,
            "down": self.down,
            "queue": list(self.queue),
            "sse_step_delay_ms": self.sse_step_delay_ms,
            "path_pattern": self.path_pattern,
            "methods": sorted(self.methods) if self.methods else None,
            "corrupt": self.corrupt.to_json() if self.corrupt else None,
            "after_commit": self.after_commit.to_json() if self.after_commit else None,
        }

    def applies_to(self, method: str, path: str) -> bool:
        if self.methods is not None and method.upper() not in self.methods:
            return False
        return self.path_pattern is None or re.search(self.path_pattern, path) is not None

    def take_after_commit(self, method: str, path: str, rng: random.Random) -> AfterCommit | None:
        """The ``after_commit`` fault for a call that reached the handler, counting it; or None.

        ``rng`` draws the fault's ``rate``, when it has one.
        """
        fault = self.after_commit
        if fault is None or not self.applies_to(method, path) or not fault.take(rng):
            return None
        return fault

    def delay_seconds(self, rng: random.Random) -> float:
        jitter = rng.uniform(0, self.jitter_ms) if self.jitter_ms else 0.0
        return (self.latency_ms + jitter) / 1000

    def draw_error(self, rng: random.Random) -> int | None:
        """The status to inject for this call, or None to let it through."""
        if self.queue:
            status = self.queue.popleft()
            return status or None
        if not self.error_rates:
            return None
        roll = rng.random()
        for status, rate in sorted(self.error_rates.items()):
            if roll < rate:
                return status
            roll -= rate
        return None


@dataclass(frozen=True)
class CorruptedReply:
    """What a corrupted reply answers instead: its status, body and, if changed, content type."""

    status: int
    body: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class Corruption:
    """One ``corrupt`` setting: the kind of damage, the JSON key it targets and how many objects."""

    kind: str
    field: str | None = None
    #: how many objects lose or get a wrong ``field``; None is all of them
    limit: int | None = None

    @classmethod
    def from_json(cls, value: Any) -> Corruption | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise FaultPlanError('corrupt must be an object like {"kind": "drop_field", "field": "id"}')
        unknown = set(value) - {"kind", "field", "limit"}
        if unknown:
            raise FaultPlanError(f"unknown corrupt settings: {', '.join(sorted(unknown))}")
        kind = value.get("kind")
        if kind not in CORRUPT_KINDS:
            raise FaultPlanError(f"corrupt kind must be one of {', '.join(CORRUPT_KINDS)}; got {kind!r}")
        name = value.get("field")
        limit = value.get("limit")
        if kind in FIELD_KINDS:
            if not isinstance(name, str) or not name:
                raise FaultPlanError(f"corrupt kind {kind} needs a field: the JSON key to change")
            if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
                raise FaultPlanError("corrupt limit must be a positive integer")
            if limit is not None and limit < 1:
                raise FaultPlanError(f"corrupt limit must be a positive integer; got {limit}")
        else:
            if name is not None:
                raise FaultPlanError(f"corrupt kind {kind} mangles the whole body and takes no field")
            if limit is not None:
                raise FaultPlanError(f"corrupt kind {kind} mangles the whole body and takes no limit")
        return cls(kind=kind, field=name, limit=limit)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "field": self.field, "limit": self.limit}

    def accepts(self, content_type: str) -> bool:
        """Whether a reply of this content type is corrupted; event streams never are."""
        media_type = content_type.split(";")[0].strip().lower()
        if media_type == "text/event-stream":
            return False
        if self.kind in FIELD_KINDS:
            return media_type == "application/json" or media_type.endswith("+json")
        return True

    def apply(self, status: int, body: bytes, vendor_error: Callable[[], tuple[bytes, str]]) -> CorruptedReply | None:
        """The reply to answer instead of ``status`` and ``body``, or None to leave it as it was.

        ``vendor_error`` renders the vendor's 500 error body and content type, for ``error_200``.
        """
        if self.kind in FIELD_KINDS:
            try:
                document = json.loads(body)
                if not self.mangle(document):
                    return None
                return CorruptedReply(status, _encode_json(document))
            except (UnicodeError, ValueError, RecursionError):
                return None  # not JSON after all (or not JSON we could write back): left alone
        if self.kind == "truncate":
            return CorruptedReply(status, body[: len(body) // 2]) if body else None
        if self.kind == "html":
            return CorruptedReply(status, HTML_ERROR_PAGE, HTML_CONTENT_TYPE)
        if self.kind == "empty":
            return CorruptedReply(200, b"")
        error_body, content_type = vendor_error()
        return CorruptedReply(200, error_body, content_type)

    def mangle(self, document: Any) -> int:
        """Drop or retype ``field`` in ``document``, in place; the number of objects changed."""
        assert self.field is not None
        key = self.field
        remaining = self.limit
        changed = 0
        # Depth first, in document order: an object before the objects nested in it.
        stack: list[Any] = [document]
        while stack and remaining != 0:
            node = stack.pop()
            if isinstance(node, dict):
                if key in node:
                    if self.kind == "drop_field":
                        del node[key]
                    else:
                        node[key] = wrong_type(node[key])
                    changed += 1
                    remaining = None if remaining is None else remaining - 1
                # The changed value itself is not searched: it is gone or no longer the original.
                stack.extend(reversed([v for k, v in node.items() if k != key]))
            elif isinstance(node, list):
                stack.extend(reversed(node))
        return changed


@dataclass
class AfterCommit:
    """One ``after_commit`` setting: what happens to a call once the vendor's handler applied it."""

    kind: str
    #: ``close`` or ``stall``, for ``drop``
    mode: str | None = None
    #: how long a ``stall`` holds the reply
    stall_ms: float | None = None
    #: how long a ``slow`` call waits before the handler
    delay_ms: float | None = None
    #: the status a ``status`` fault answers
    status: int | None = None
    #: how many more calls the fault acts on; None is no cap
    remaining: int | None = None
    #: the probability that the fault acts on a matching call; None is every one
    rate: float | None = None

    @classmethod
    def from_json(cls, value: Any) -> AfterCommit | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise FaultPlanError('after_commit must be an object like {"kind": "drop", "mode": "close"}')
        unknown = set(value) - {"kind", "mode", "stall_ms", "delay_ms", "status", "limit", "rate"}
        if unknown:
            raise FaultPlanError(f"unknown after_commit settings: {', '.join(sorted(unknown))}")
        kind = value.get("kind")
        if kind not in AFTER_COMMIT_KINDS:
            raise FaultPlanError(f"after_commit kind must be one of {', '.join(AFTER_COMMIT_KINDS)}; got {kind!r}")
        given = {k for k, v in value.items() if v is not None and k not in {"kind", "limit", "rate"}}
        takes = {"drop": {"mode", "stall_ms"}, "status": {"status"}, "slow": {"delay_ms"}}[kind]
        what = f"after_commit kind {kind}"
        if kind == "drop" and value.get("mode") == "close":
            takes, what = {"mode"}, "after_commit drop mode close"
        for name in sorted(given - takes):
            raise FaultPlanError(f"{what} takes no {name}")
        fault = cls(kind=kind, remaining=_limit(value.get("limit")), rate=_rate(value.get("rate")))
        if kind == "drop":
            mode = value.get("mode")
            if mode not in DROP_MODES:
                raise FaultPlanError(f"after_commit drop needs a mode, one of {', '.join(DROP_MODES)}; got {mode!r}")
            fault.mode = mode
            if mode == "stall":
                fault.stall_ms = _milliseconds(value.get("stall_ms"), "stall_ms")
        elif kind == "status":
            status = value.get("status")
            if isinstance(status, bool) or status not in AFTER_COMMIT_STATUSES:
                choices = ", ".join(map(str, AFTER_COMMIT_STATUSES))
                raise FaultPlanError(f"after_commit status must be one of {choices}; got {status!r}")
            fault.status = status
        else:
            fault.delay_ms = _milliseconds(value.get("delay_ms"), "delay_ms")
        return fault

    def to_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"kind": self.kind}
        if self.kind == "drop":
            shown["mode"] = self.mode
            if self.mode == "stall":
                shown["stall_ms"] = self.stall_ms
        elif self.kind == "status":
            shown["status"] = self.status
        else:
            shown["delay_ms"] = self.delay_ms
        shown["limit"] = self.remaining
        if self.rate is not None:
            shown["rate"] = self.rate
        return shown

    def take(self, rng: random.Random) -> bool:
        """Whether the fault acts on one more matching call: ``rate`` drawn, then counted down from ``limit``."""
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.rate is not None and rng.random() >= self.rate:
            return False
        if self.remaining is not None:
            self.remaining -= 1
        return True


def _limit(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FaultPlanError(f"after_commit limit must be a positive integer; got {value!r}")
    return value


def _rate(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FaultPlanError(f"after_commit rate must be a probability above 0 and at most 1; got {value!r}")
    if not 0 < value <= 1:
        raise FaultPlanError(f"after_commit rate must be a probability above 0 and at most 1; got {value!r}")
    return float(value)


def _milliseconds(value: Any, name: str) -> float:
    if value is None:
        raise FaultPlanError(f"after_commit needs {name}: milliseconds above 0")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise FaultPlanError(f"after_commit {name} must be a number of milliseconds above 0; got {value!r}")
    if value > MAX_AFTER_COMMIT_MS:
        raise FaultPlanError(f"after_commit {name} may be at most {MAX_AFTER_COMMIT_MS} (an hour); got {value!r}")
    return float(value)


def wrong_type(value: Any) -> Any:
    """A value of another JSON type than ``value``."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, int | float):
        return "not-a-number"
    if isinstance(value, str):
        return 12345
    if isinstance(value, list):
        return {"unexpected": True}
    return "unexpected"


def _encode_json(document: Any) -> bytes:
    # As Starlette's JSONResponse encodes: compact, UTF-8.
    return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _status(value: Any) -> int:
    status = int(value)
    if status not in INJECTABLE_STATUSES:
        raise FaultPlanError(f"cannot inject status {status}; choose from {sorted(INJECTABLE_STATUSES)}")
    return status


def _probability(value: Any) -> float:
    rate = float(value)
    if not 0 <= rate <= 1:
        raise FaultPlanError(f"error rate {rate} is not between 0 and 1")
    return rate


def _non_negative(value: Any, name: str) -> float:
    number = float(value)
    if number < 0:
        raise FaultPlanError(f"{name} must not be negative")
    return number
